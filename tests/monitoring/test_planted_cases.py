"""Monitoring on the generator's planted cases, end to end: the files land, dbt builds as of the
ground truth's check date, and the national push sends the new households and their monitoring
records once the registration window opens.

- every M rule finds exactly its positives and none of its near-misses (ground_truth.json);
- every monitoring object has the type the ground truth gives it, and a registered 未脱贫 /
  返贫 household keeps its risks but is not an object;
- with the national simulator's window closed the new households are held (window_closed) and
  so are their monitoring records (unknown_household), listed for the operator; after it opens
  they are accepted and GET /state/{household,monitoring} equal the warehouse.
"""

from __future__ import annotations

import pytest

from fupin.config import NationalConfig
from fupin.exchange import protocol
from fupin.exchange.push import push
from fupin.exchange.reconcile import reconcile
from simulation.national import NationalSimulator, Window
from simulation.synth import generate
from tests.helpers import throwaway_database

from . import world

# one module-scoped warehouse, built once, on one worker
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("monitoring_planted")]
RULES = ("M01", "M02", "M03", "M04", "M05", "M06", "M07")
SECRET = "monitoring-test-secret"
SENDER = "520000"


@pytest.fixture(scope="module")
def built(tmp_path_factory, admin_dsn):
    from fupin import warehouse

    root = tmp_path_factory.mktemp("planted")
    generate(root / "synth", counties=("520123",), seed=3, households_per_county=20)
    truth = world.ground_truth(root / "synth")
    name, dsn = throwaway_database(admin_dsn, "fupin_monitoring_planted")
    minzheng_name, minzheng_dsn = throwaway_database(admin_dsn, "fupin_monitoring_planted_mz")
    try:
        warehouse.upgrade(dsn)
        world.land_everything(dsn, root / "synth", minzheng_dsn)
        world.build(dsn, truth["as_of"], root / "dbt")
        yield dsn, truth
    finally:
        warehouse.drop_database(admin_dsn, name)
        warehouse.drop_database(admin_dsn, minzheng_name)


def _target(case) -> tuple[str, str]:
    """How a case names its household: ("registered", 户编号) or ("hukou", 户号)."""
    if case["household_id"]:
        return ("registered", case["household_id"])
    return ("hukou", case["hukou_household_no"])


def _present_risks(dsn) -> dict[str, set[tuple[str, str]]]:
    rows = world.query(
        dsn,
        "select risk_code, is_registered, household_id, hukou_household_no"
        " from marts.monitoring_risk where is_present",
    )
    found: dict[str, set[tuple[str, str]]] = {rule: set() for rule in RULES}
    for rule, registered, household_id, hukou_no in rows:
        found[rule].add(("registered", household_id) if registered else ("hukou", hukou_no))
    return found


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_finds_exactly_its_positives(built, rule):
    dsn, truth = built
    cases = [c for c in truth["cases"] if c["rule"] == rule]
    positives = {_target(c) for c in cases if c["expect"] == "positive"}
    negatives = {_target(c) for c in cases if c["expect"] == "negative"}
    found = _present_risks(dsn)[rule]
    assert positives, f"the generator plants {rule} positives"
    assert found == positives
    assert not found & negatives


def test_each_object_has_the_type_of_the_ground_truth(built):
    dsn, truth = built
    objects = {}
    for household_id, registered, hukou_no, object_type, removed_on in world.query(
        dsn,
        "select household_id, is_registered, hukou_household_no, object_type, removed_on"
        " from marts.monitoring_object",
    ):
        assert removed_on is None
        objects[("registered", household_id) if registered else ("hukou", hukou_no)] = object_type
    expected = {}
    for case in truth["cases"]:
        if case["rule"] in RULES and case["expect"] == "positive":
            expected[_target(case)] = case["object_type"]
    assert {k: v for k, v in expected.items() if v is not None} == objects
    for target, object_type in expected.items():
        if object_type is None:  # a registered 未脱贫 / 返贫 household: risks, no object
            assert target not in objects


def test_new_households_get_village_code_and_the_next_free_sequence(built):
    dsn, truth = built
    reserved = world.query(
        dsn,
        "select hukou_household_no, household_id, village_code, sequence"
        " from ops.household_number order by household_id",
    )
    unregistered = {
        c["hukou_household_no"]: c["village_code"]
        for c in truth["cases"]
        if c["rule"] in RULES and c["expect"] == "positive" and not c["household_id"]
    }
    assert {row[0]: row[2] for row in reserved} == unregistered
    registered = {row[0] for row in world.query(dsn, "select household_id from marts.household")}
    for hukou_no, household_id, village_code, sequence in reserved:
        assert household_id == f"{village_code}{sequence:08d}"
        assert household_id not in registered
        taken = [h for h in registered if h.startswith(village_code)]
        assert sequence == max([int(h[12:]) for h in taken] + [0]) + 1, hukou_no


def _national_agrees(dsn, sim, entity) -> bool:
    pairs = world.query(
        dsn,
        f"select s.record_key, r.accepted_version from exchange.sync_{entity} s"
        " join exchange.record_state r on r.entity = %s and r.record_key = s.record_key",
        entity,
    )
    count, checksum = protocol.checksum(pairs)
    (sync_count,) = world.query(dsn, f"select count(*) from exchange.sync_{entity}")[0]
    state = sim.state(entity)
    return count == sync_count and (state["count"], state["checksum"]) == (count, checksum)


def test_new_households_wait_for_the_window_then_go_out_with_their_monitoring(built):
    dsn, _ = built
    new_households = {
        row[0] for row in world.query(dsn, "select household_id from ops.household_number")
    }
    assert new_households
    with NationalSimulator(secret=SECRET, sender_id=SENDER, window=Window(open=False)) as sim:
        national = NationalConfig(base_url=sim.base_url, sender_id=SENDER, secret=SECRET)
        # The registered households were registered nationally in earlier windows.
        for key, data in world.query(dsn, "select record_key, data from exchange.sync_household"):
            if key not in new_households:
                sim.put_record("household", key, 0, data)
        closed = push(dsn, national)
        assert closed.window_open is None or closed.window_open is False
        assert closed["household"].held == len(new_households)
        assert closed["monitoring"].held == len(new_households)
        assert closed["household"].accepted > 0  # updates of known households go through
        held = world.query(
            dsn,
            "select entity, record_key, code from exchange.held where released_at is null",
        )
        assert {(e, k) for e, k, _ in held} == {
            (entity, key) for key in new_households for entity in ("household", "monitoring")
        }
        assert {c for e, _, c in held if e == "household"} == {"window_closed"}
        # the operator sees them as held, waiting for the window
        report = reconcile(dsn, national)
        for entity in ("household", "monitoring"):
            waiting = {o.key for o in report[entity].out_of_step}
            assert waiting == new_households
            assert all(o.status == "held upsert" for o in report[entity].out_of_step)
            assert report[entity].agrees  # what was accepted is what the national side holds
        for key in new_households:
            assert key not in sim.records("household")

        sim.open_window()
        opened = push(dsn, national)
        assert opened.window_open is True
        assert opened["household"].accepted == len(new_households)
        assert opened["monitoring"].accepted == len(new_households)
        report = reconcile(dsn, national)
        assert report.in_step, report.summary()
        for entity in ("household", "member", "monitoring"):
            assert _national_agrees(dsn, sim, entity), entity
        monitoring = sim.records("monitoring")
        for key in new_households:
            assert monitoring[key]["data"]["object_type"] in ("边缘易致贫户", "突发严重困难户")
        assert push(dsn, national).sent == 0
