"""The check date walks forward month by month over the same deliveries (``fupin cycle
--as-of`` on successive month ends), and every monitoring output is what was known then.

The operator configures the monitoring threshold per year: 7,000 for 2026 and, first, 3,000
for 2027, so that most M01 risks stop firing in January 2027. A risk that stops firing is
removed after six months without a firing rule and not before; when the operator corrects the
2027 threshold to 7,000 the risk fires again and the object reopens, its history kept. New
户编号 of unregistered monitoring objects never change and never repeat.
"""

from __future__ import annotations

import pytest

from simulation.synth import generate
from tests.helpers import throwaway_database

from . import world

# one module-scoped warehouse, built once, on one worker
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("monitoring_walk")]


WALK = [
    ("2026-08-31", {"2026": 7000}),
    ("2026-09-30", {"2026": 7000}),
    ("2026-10-31", {"2026": 7000}),
    ("2026-11-30", {"2026": 7000}),
    ("2026-12-31", {"2026": 7000}),
    ("2027-01-31", {"2026": 7000, "2027": 3000}),
    ("2027-02-28", {"2026": 7000, "2027": 3000}),
    ("2027-03-31", {"2026": 7000, "2027": 3000}),
    ("2027-04-30", {"2026": 7000, "2027": 3000}),
    ("2027-05-31", {"2026": 7000, "2027": 3000}),
    ("2027-06-30", {"2026": 7000, "2027": 3000}),
    ("2027-07-31", {"2026": 7000, "2027": 7000}),
]


@pytest.fixture(scope="module")
def walked(tmp_path_factory, admin_dsn):
    """Build as of every month end of WALK; the outputs of each step, by check date."""
    from fupin import warehouse

    root = tmp_path_factory.mktemp("walk")
    generate(
        root / "synth",
        counties=("520123",),
        start="2026-07",
        end="2026-10",
        seed=1,
        households_per_county=10,
    )
    name, dsn = throwaway_database(admin_dsn, "fupin_monitoring_walk")
    minzheng_name, minzheng_dsn = throwaway_database(admin_dsn, "fupin_monitoring_walk_mz")
    try:
        warehouse.upgrade(dsn)
        world.land_everything(dsn, root / "synth", minzheng_dsn)
        steps = {}
        for as_of, thresholds in WALK:
            world.build(
                dsn,
                as_of,
                root / "dbt",
                {"monitoring_threshold_overrides": thresholds},
                tests=as_of == WALK[-1][0],
            )
            steps[as_of] = {
                "objects": _by_key(
                    world.query(
                        dsn,
                        "select household_id, object_type, risk_codes, first_seen::text,"
                        " opened_on::text, last_risk_seen::text, removed_on::text"
                        " from marts.monitoring_object",
                    )
                ),
                "risks": _by_key(
                    world.query(
                        dsn,
                        "select household_id || '|' || risk_code, first_seen::text,"
                        " last_seen::text, is_present, opened_on::text, closed_on::text"
                        " from marts.monitoring_risk",
                    )
                ),
                "numbers": dict(
                    world.query(
                        dsn, "select hukou_household_no, household_id from ops.household_number"
                    )
                ),
            }
        history = world.query(
            dsn,
            "select household_id, removed_on::text, opened_on::text from"
            " marts.monitoring_object_history order by household_id, dbt_valid_from",
        )
        truth = world.ground_truth(root / "synth")
        yield steps, history, _planted(truth)
    finally:
        warehouse.drop_database(admin_dsn, name)
        warehouse.drop_database(admin_dsn, minzheng_name)


def _planted(truth) -> dict[str, str]:
    """The planted households the walk follows (their 户编号 depend on the generator's size)."""

    def one(rule, expect, **facts):
        (case,) = [
            c
            for c in truth["cases"]
            if c["rule"] == rule
            and c["expect"] == expect
            and all(c.get(k) == v for k, v in facts.items())
        ]
        return case["household_id"]

    return {
        # 已脱贫 at 6,500: M01 only while the threshold is 7,000
        "exited_6500": one("M01", "positive", net_income_per_capita=6500),
        # 已脱贫 at 2,900: below both thresholds, never removed
        "exited_2900": one("M01", "positive", net_income_per_capita=2900),
        # the only labourer died on 2026-09-09; 未脱贫, so risks but no object
        "labourer_died": one("M07", "positive"),
    }


def _by_key(rows):
    return {row[0]: row[1:] for row in rows}


def test_a_risk_that_stops_is_removed_after_six_months_and_not_before(walked):
    steps, _, planted = walked
    exited_6500, exited_2900 = planted["exited_6500"], planted["exited_2900"]
    for as_of in ("2026-10-31", "2026-11-30", "2026-12-31"):
        assert steps[as_of]["objects"][exited_6500][5] is None, as_of
        assert steps[as_of]["objects"][exited_6500][4] == as_of  # last_risk_seen
    # January: M01 stops firing (6,500 >= 3,000); the risk closes, the object waits.
    assert steps["2027-01-31"]["risks"][f"{exited_6500}|M01"][2:] == (
        False,
        "2026-08-31",
        "2027-01-31",
    )
    for as_of in ("2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"):
        object_type, risks, first, opened, last, removed = steps[as_of]["objects"][exited_6500]
        assert (object_type, removed, last) == ("脱贫不稳定户", None, "2026-12-31"), as_of
    # Six months after the last firing (2026-12-31 + 6 months): 风险消除.
    assert steps["2027-06-30"]["objects"][exited_6500][5] == "2027-06-30"
    # Below both thresholds: never removed.
    for as_of, _ in WALK[2:]:
        assert steps[as_of]["objects"][exited_2900][5] is None, as_of


def test_a_risk_that_fires_again_reopens_with_its_history(walked):
    steps, history, planted = walked
    exited_6500 = planted["exited_6500"]
    object_type, risks, first, opened, last, removed = steps["2027-07-31"]["objects"][exited_6500]
    assert (first, opened, last, removed) == ("2026-08-31", "2027-07-31", "2027-07-31", None)
    risk = steps["2027-07-31"]["risks"][f"{exited_6500}|M01"]
    assert risk == ("2026-08-31", "2027-07-31", True, "2027-07-31", None)
    versions = [(removed, opened) for hid, removed, opened in history if hid == exited_6500]
    assert ("2027-06-30", "2026-08-31") in versions  # the removal stays in history
    assert versions[-1] == (None, "2027-07-31")


def test_every_output_is_what_was_known_on_the_check_date(walked):
    steps, _, planted = walked
    labourer_died = planted["labourer_died"]
    # The only labourer died on 2026-09-09: M07 from the September check on, never before.
    assert f"{labourer_died}|M07" not in steps["2026-08-31"]["risks"]
    assert steps["2026-09-30"]["risks"][f"{labourer_died}|M07"][:3] == (
        "2026-09-30",
        "2026-09-30",
        True,
    )
    # 未脱贫: its risks are kept, but it is not a monitoring object.
    assert labourer_died not in steps["2027-07-31"]["objects"]


def test_new_household_numbers_never_change_or_repeat(walked):
    steps, _, _ = walked
    seen: dict[str, str] = {}
    for as_of, _ in WALK:
        numbers = steps[as_of]["numbers"]
        assert len(set(numbers.values())) == len(numbers), as_of
        for hukou_no, household_id in numbers.items():
            assert seen.setdefault(hukou_no, household_id) == household_id, as_of
    for as_of, _ in WALK:
        for household_id in steps[as_of]["numbers"].values():
            assert household_id in steps[as_of]["objects"], as_of
