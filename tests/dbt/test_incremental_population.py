"""int_hukou__population recomputes only the persons a change names, and equals a full rebuild
after every kind of change.

A county's hukou snapshot of September and its daily deltas up to 10-15 are landed and the
population built as of 10-15. Then, each compared with ``--full-refresh``: the same build again
(nothing written), five more daily deltas with the check date on to 10-20 (only their persons
recomputed), the check date on to 10-25 with no new delta, and October's snapshot landed (a new
base snapshot: everyone computed again).
"""

from __future__ import annotations

import pytest

from fupin.dbt_runner import run_dbt
from fupin.pipeline import land_feed
from tests.dbt.incremental import contents, move, versions
from tests.helpers import MODELS_ONLY, landing_config, one_county, query

pytestmark = pytest.mark.integration

MODEL = "int_hukou__population"


def build(dsn: str, as_of: str, work, *extra: str) -> None:
    run_dbt(dsn, [*MODELS_ONLY, f"+{MODEL}", *extra], {"as_of": as_of}, work_dir=work)


def assert_equals_full_rebuild(dsn: str, as_of: str, work) -> list[tuple]:
    incremental = contents(dsn, MODEL)
    build(dsn, as_of, work, "--full-refresh")
    assert contents(dsn, MODEL) == incremental, as_of
    return incremental


def test_population_follows_the_change(warehouse_dsn, tmp_path):
    result = one_county(tmp_path / "gen", seed=3, households=60, start="2026-08", end="2026-10")
    hukou = result.landing_root / "hukou"
    aside = tmp_path / "aside"
    aside.mkdir()
    later = ["hukou_full_202610.csv.gz"] + [f"hukou_delta_202610{d:02d}.csv" for d in range(16, 32)]
    move(later, hukou, aside)
    config = landing_config(warehouse_dsn, result.landing_root)
    land_feed(config, "hukou")
    build(warehouse_dsn, "2026-10-15", tmp_path / "b1")
    first = assert_equals_full_rebuild(warehouse_dsn, "2026-10-15", tmp_path / "f1")
    assert len(first) > 100

    (state,) = query(
        warehouse_dsn, "select value::jsonb from ops.watermark where source = %s", f"dbt:{MODEL}"
    )[0]
    assert state["as_of"] == "2026-10-15" and state["code"] and state["base_snapshot"]
    before = versions(warehouse_dsn, MODEL)
    build(warehouse_dsn, "2026-10-15", tmp_path / "b2")
    assert versions(warehouse_dsn, MODEL) == before, "an unchanged build wrote rows"

    move([f"hukou_delta_202610{d:02d}.csv" for d in range(16, 21)], aside, hukou)
    land_feed(config, "hukou")
    build(warehouse_dsn, "2026-10-20", tmp_path / "b3")
    after = versions(warehouse_dsn, MODEL)
    kept = [p for p in before if before[p] == after.get(p)]
    assert kept and len(kept) < len(before), "five deltas on: only their persons recomputed"
    assert_equals_full_rebuild(warehouse_dsn, "2026-10-20", tmp_path / "f3")

    build(warehouse_dsn, "2026-10-25", tmp_path / "b4")
    assert_equals_full_rebuild(warehouse_dsn, "2026-10-25", tmp_path / "f4")

    move(later, aside, hukou)
    land_feed(config, "hukou")
    build(warehouse_dsn, "2026-10-31", tmp_path / "b5")
    assert_equals_full_rebuild(warehouse_dsn, "2026-10-31", tmp_path / "f5")
