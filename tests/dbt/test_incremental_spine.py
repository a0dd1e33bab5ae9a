"""int_person__spine recomputes only the persons whose row may have changed, the monitoring
household models only the hukou households a change names, and all three equal a full rebuild
after every kind of change.

A county's file feeds of August to mid-October are landed (hukou deltas to 10-15; the October
registry, medical, 人社 and 残联 months held back) and the spine built as of 10-15. Then, each
compared with ``--full-refresh``: the same build again (nothing written), five more hukou
deltas with the check date on to 10-20 (only some persons recomputed), and the held-back
October months of the other feeds landed with the check date on to 10-31 (memberships of the
other feeds and registry households changed).
"""

from __future__ import annotations

import pytest

from fupin.dbt_runner import run_dbt
from fupin.pipeline import land_feed
from tests.dbt.incremental import contents, move, versions
from tests.helpers import MODELS_ONLY, landing_config, one_county, query

pytestmark = pytest.mark.integration

MODEL = "int_person__spine"
HOUSEHOLDS = ("int_monitoring__households", "int_monitoring__household_persons")
LATE_HUKOU = ["hukou/hukou_full_202610.csv.gz"] + [
    f"hukou/hukou_delta_202610{d:02d}.csv" for d in range(16, 32)
]
LATE_OTHERS = [
    "registry/520123/建档立卡_520123_202610.xlsx",
    "medical/yibao_settle_202610.csv",
    "renshe/renshe_202610.csv",
    "disability/canlian_202610.csv",
]


def build(dsn: str, as_of: str, work, *extra: str) -> None:
    run_dbt(dsn, [*MODELS_ONLY, f"+{MODEL}", *extra], {"as_of": as_of}, work_dir=work)


def household_versions(dsn: str) -> dict[str, str]:
    sql = "select household_key, xmin::text from intermediate.int_monitoring__households"
    return dict(query(dsn, sql))


def land_all(config, root) -> None:
    for feed in sorted(path.name for path in root.iterdir() if path.is_dir()):
        land_feed(config, feed)


def assert_equals_full_rebuild(dsn: str, as_of: str, work) -> list[dict]:
    incremental = {model: contents(dsn, model) for model in (MODEL, *HOUSEHOLDS)}
    build(dsn, as_of, work, "--full-refresh")
    for model, rows in incremental.items():
        assert contents(dsn, model) == rows, (model, as_of)
    return incremental[MODEL]


def test_spine_follows_the_change(warehouse_dsn, tmp_path):
    result = one_county(tmp_path / "gen", seed=9, households=60, start="2026-08", end="2026-10")
    root, aside = result.landing_root, tmp_path / "aside"
    move(LATE_HUKOU + LATE_OTHERS, root, aside)
    config = landing_config(warehouse_dsn, root)
    land_all(config, root)
    build(warehouse_dsn, "2026-10-15", tmp_path / "b1")
    first = assert_equals_full_rebuild(warehouse_dsn, "2026-10-15", tmp_path / "f1")
    assert len(first) > 100 and any(len(row["feeds"]) > 2 for row in first)

    before = versions(warehouse_dsn, MODEL)
    households = household_versions(warehouse_dsn)
    build(warehouse_dsn, "2026-10-15", tmp_path / "b2")
    assert versions(warehouse_dsn, MODEL) == before, "an unchanged build wrote rows"
    assert household_versions(warehouse_dsn) == households, "an unchanged build wrote rows"

    move(LATE_HUKOU[1:6], aside, root)
    land_feed(config, "hukou")
    build(warehouse_dsn, "2026-10-20", tmp_path / "b3")
    after = versions(warehouse_dsn, MODEL)
    kept = [p for p in before if before[p] == after.get(p)]
    assert kept and len(kept) < len(before), "five deltas on: only their persons recomputed"
    kept = households.items() & household_versions(warehouse_dsn).items()
    assert kept and len(kept) < len(households), "only the deltas' households recomputed"
    deltas = assert_equals_full_rebuild(warehouse_dsn, "2026-10-20", tmp_path / "f3")

    move(LATE_OTHERS + LATE_HUKOU, aside, root)
    land_all(config, root)
    build(warehouse_dsn, "2026-10-31", tmp_path / "b4")
    october = assert_equals_full_rebuild(warehouse_dsn, "2026-10-31", tmp_path / "f4")
    assert october != deltas
