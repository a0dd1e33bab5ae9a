"""int_medical__person_self_pay recomputes only the persons a change names, and it and
int_medical__people (built by batch) equal a full rebuild after every kind of change.

A county's medical months 07-09 are landed and the table built as of 09-30 with a two-month
window (so a move of the check date takes lines out of the window as well as in). Then, each
compared with ``--full-refresh``: the same build again (nothing read or written), the check
date half a month on, the October month landed with the check date at its end (a new batch),
and a month already built checked again (everything recomputed).
"""

from __future__ import annotations

import pytest

from fupin.dbt_runner import run_dbt
from fupin.pipeline import land_feed
from tests.dbt.incremental import contents, move, versions
from tests.helpers import (
    MODELS_ONLY,
    landing_config,
    one_county,
    recheck_with_one_more_quarantined,
)

pytestmark = pytest.mark.integration

MODEL = "int_medical__person_self_pay"
PEOPLE = "int_medical__people"
LATE = "medical/yibao_settle_202610.csv"
WINDOW = {"monitoring_parameter_overrides": {"m02_window_months": 2}}


def build(dsn: str, as_of: str, work, *extra: str) -> None:
    run_dbt(dsn, [*MODELS_ONLY, f"+{MODEL}", f"+{PEOPLE}", *extra], {**WINDOW, "as_of": as_of},
            work_dir=work)  # fmt: skip


def assert_equals_full_rebuild(dsn: str, as_of: str, work) -> list[tuple]:
    incremental, people = contents(dsn, MODEL), contents(dsn, PEOPLE)
    run_dbt(dsn, ["run", "--select", MODEL, PEOPLE, "--full-refresh"],
            {**WINDOW, "as_of": as_of}, work_dir=work)  # fmt: skip
    assert contents(dsn, MODEL) == incremental, as_of
    assert contents(dsn, PEOPLE) == people, as_of
    return incremental


def test_person_self_pay_follows_the_change(warehouse_dsn, tmp_path):
    result = one_county(tmp_path / "gen", seed=5, households=60, start="2026-07", end="2026-10")
    root = result.landing_root
    aside = tmp_path / "aside"
    aside.mkdir()
    move([LATE], root, aside)
    config = landing_config(warehouse_dsn, root)
    land_feed(config, "medical")
    build(warehouse_dsn, "2026-09-30", tmp_path / "b1")
    first = assert_equals_full_rebuild(warehouse_dsn, "2026-09-30", tmp_path / "f1")
    assert len(first) > 20

    before = versions(warehouse_dsn, MODEL)
    build(warehouse_dsn, "2026-09-30", tmp_path / "b2")
    assert versions(warehouse_dsn, MODEL) == before, "an unchanged build wrote rows"

    build(warehouse_dsn, "2026-10-15", tmp_path / "b3")
    after = versions(warehouse_dsn, MODEL)
    kept = [p for p in after if before.get(p) == after[p]]
    assert kept and len(kept) < len(after), "half a month on: only some persons recomputed"
    moved = assert_equals_full_rebuild(warehouse_dsn, "2026-10-15", tmp_path / "f3")
    assert moved != first

    move([LATE], aside, root)
    land_feed(config, "medical")
    build(warehouse_dsn, "2026-10-31", tmp_path / "b4")
    october = assert_equals_full_rebuild(warehouse_dsn, "2026-10-31", tmp_path / "f4")
    assert october != moved

    recheck_with_one_more_quarantined(warehouse_dsn, LATE, 2)
    build(warehouse_dsn, "2026-10-31", tmp_path / "b5")
    assert_equals_full_rebuild(warehouse_dsn, "2026-10-31", tmp_path / "f5")
