"""One full `fupin cycle` through Airflow (dag.test), dbt and the national simulator, twice.

The cycle runs as an operator runs it: the `fupin` command in its own process, on a synthetic
county from the generator, against a fresh database and the national simulator over HTTP.
Expectations come from the generator's ground truth.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml

from fupin import warehouse
from fupin.catalog import raw_tables
from simulation.national import NationalSimulator, Window
from tests.helpers import one_county, run_fupin, throwaway_database

# One worker runs the module: its fixture is a full cycle (twice), not to be repeated per worker.
pytestmark = [pytest.mark.integration, pytest.mark.airflow, pytest.mark.xdist_group("cycle")]
SECRET = "cycle-test-secret"


def run_fupin_cycle(config_path, as_of):
    env = {**os.environ, "FUPIN_TEST_NATIONAL_SECRET": SECRET}
    return run_fupin("cycle", "--config", str(config_path), "--as-of", as_of, env=env)


def query(dsn, sql, *args):
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


@pytest.fixture(scope="module")
def cycled(tmp_path_factory, admin_dsn):
    root = tmp_path_factory.mktemp("cycle")
    synth = one_county(root / "synth", seed=11, households=40)
    truth = json.loads(synth.ground_truth.read_text(encoding="utf-8"))
    dbname, dsn = throwaway_database(admin_dsn, "fupin_cycle")
    with NationalSimulator(secret=SECRET, sender_id="520000", window=Window(open=True)) as sim:
        config_path = root / "fupin.yml"
        config_path.write_text(
            yaml.safe_dump(
                {
                    "province": "52",
                    "warehouse": {"dsn": dsn},
                    "landing": {"root": str(synth.landing_root)},
                    "national": {
                        "base_url": sim.base_url,
                        "sender_id": "520000",
                        "secret": "${FUPIN_TEST_NATIONAL_SECRET}",
                    },
                    "airflow": {"home": str(root / "airflow")},
                },
                allow_unicode=True,
            ),
            encoding="utf-8",
        )
        as_of = truth["as_of"]
        first = run_fupin_cycle(config_path, as_of)
        national_after_first = {e: dict(sim.records(e)) for e in ("household", "member")}
        requests_after_first = len(sim.requests)
        snapshot = query(dsn, "select count(*), max(landed_at) from ops.delivery")
        second = run_fupin_cycle(config_path, as_of)
        yield {
            "dsn": dsn,
            "truth": truth,
            "first": first,
            "second": second,
            "sim": sim,
            "national": national_after_first,
            "requests_after_first": requests_after_first,
            "ledger_after_first": snapshot,
        }
    warehouse.drop_database(admin_dsn, dbname)


def cases(truth, rule, expect):
    return [c for c in truth["cases"] if c["rule"] == rule and c["expect"] == expect]


def test_cycle_completes_and_reports(cycled):
    first = cycled["first"]
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-5000:]
    assert "fupin cycle as of" in first.stdout
    for feed in ("registry", "hukou", "payroll"):
        assert feed in first.stdout


@pytest.mark.parametrize("rule", ["V01", "V10"])
def test_planted_rule_cases(cycled, rule):
    open_alerts = set(
        query(
            cycled["dsn"],
            "select household_id, id_number from marts.verification_alert"
            " where rule_code = %s and is_open",
            rule,
        )
    )
    for case in cases(cycled["truth"], rule, "positive"):
        assert (case["household_id"], case["id_number"]) in open_alerts, case
    for case in cases(cycled["truth"], rule, "negative"):
        assert (case["household_id"], case["id_number"]) not in open_alerts, case


def test_alert_evidence_points_at_source_rows(cycled):
    (evidence,) = query(
        cycled["dsn"],
        "select evidence from marts.verification_alert where rule_code = 'V01' limit 1",
    )[0]
    assert evidence and {"feed", "batch_id", "source_row", "record"} <= set(evidence[0])


def test_bad_rows_are_quarantined_with_file_row_and_field(cycled):
    quarantined = {
        (f, r): (field, status)
        for f, r, field, status in query(
            cycled["dsn"], "select source_file, source_row, field, status from ops.quarantine"
        )
    }
    for case in cases(cycled["truth"], "quarantine", "quarantined"):
        if case["feed"] not in ("hukou", "payroll"):
            continue  # the other feeds come with their own issues
        assert (case["file"], case["row"]) in quarantined, case
    # every delivered row is in raw, each either staged or quarantined: none is lost
    received = query(cycled["dsn"], "select sum(rows_received) from ops.delivery")[0][0]
    raw_rows = sum(
        query(cycled["dsn"], f"select count(*) from raw.{t.name}")[0][0] for t in raw_tables()
    )
    assert raw_rows == received


def test_registry_member_with_bad_id_lands_and_raises_v10(cycled):
    (case,) = cases(cycled["truth"], "registry_bad_id", "lands")
    assert query(
        cycled["dsn"],
        "select count(*) from ops.quarantine where source_file = %s and source_row = %s",
        case["file"],
        case["row"],
    ) == [(0,)]
    assert (
        query(
            cycled["dsn"],
            "select count(*) from marts.member where household_id = %s",
            case["household_id"],
        )[0][0]
        >= 1
    )
    assert query(
        cycled["dsn"],
        "select severity from marts.verification_alert"
        " where rule_code = 'V10' and household_id = %s",
        case["household_id"],
    )


def test_households_and_members_reach_the_national_system(cycled):
    households = query(cycled["dsn"], "select count(*) from exchange.sync_household")[0][0]
    assert households > 0
    assert len(cycled["national"]["household"]) == households
    assert len(cycled["national"]["member"]) > households


def test_second_cycle_changes_nothing_and_sends_nothing(cycled):
    second = cycled["second"]
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-5000:]
    assert (
        query(cycled["dsn"], "select count(*), max(landed_at) from ops.delivery")
        == (cycled["ledger_after_first"])
    )
    assert len(cycled["sim"].requests) == cycled["requests_after_first"]
    assert "nothing to send" in second.stdout
