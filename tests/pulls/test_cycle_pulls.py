"""``fupin cycle`` pulls the three sources when they are configured (simulators on loopback).

The cycle runs as an operator runs it (the ``fupin`` command in its own process) with the
configuration's ``sources:`` naming the simulators; credentials come from the environment.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml

from fupin import warehouse
from simulation.sources import simulated_sources
from tests.helpers import one_county, run_fupin, throwaway_database
from tests.pulls.conftest import query

pytestmark = [
    pytest.mark.integration,
    pytest.mark.airflow,
    pytest.mark.xdist_group("pull_cycle"),  # one cycle, on one worker
]


@pytest.fixture(scope="module")
def cycled(tmp_path_factory, admin_dsn):
    root = tmp_path_factory.mktemp("pull-cycle")
    synth = one_county(root / "synth", seed=11, households=40)
    (dsn_name, dsn), (dibao_name, dibao_dsn) = (
        throwaway_database(admin_dsn, prefix)
        for prefix in ("fupin_pullcycle", "minzheng_pullcycle")
    )
    with simulated_sources(root / "synth", dibao_dsn) as sources:
        config_path = root / "fupin.yml"
        config = {
            "province": "52",
            "warehouse": {"dsn": dsn},
            "landing": {"root": str(synth.landing_root)},
            "sources": sources.config(),
            "airflow": {"home": str(root / "airflow")},
        }
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        as_of = json.loads(synth.ground_truth.read_text(encoding="utf-8"))["as_of"]
        run = run_fupin("cycle", "--config", str(config_path), "--as-of", as_of)
        yield {"run": run, "dsn": dsn, "sources": sources, "root": root, "as_of": as_of}
    for name in (dsn_name, dibao_name):
        warehouse.drop_database(admin_dsn, name)


def test_cycle_pulls_all_three_and_reports_them(cycled):
    run = cycled["run"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-5000:]
    lines = {line.split()[0]: line for line in run.stdout.splitlines() if line.strip()}
    for feed in ("vehicle", "business", "dibao"):
        assert feed in lines and int(lines[feed].split()[1]) > 0, run.stdout
    ledger = dict(
        query(
            cycled["dsn"],
            "select feed, count(*) from ops.delivery"
            " where kind = 'pull' and status = 'landed' group by 1",
        )
    )
    assert ledger == {"vehicle": 1, "business": 1, "dibao": 1}


def test_staging_of_the_pulled_sources_is_built(cycled):
    sources = cycled["sources"]
    vehicles = query(cycled["dsn"], "select count(*) from staging.stg_vehicle__vehicles")[0][0]
    assert 0 < vehicles <= len(sources.vehicle.store)
    recipients = query(cycled["dsn"], "select count(*) from staging.stg_dibao__recipients")[0][0]
    assert 0 < recipients <= sources.dibao_rows
    assert query(cycled["dsn"], "select count(*) from staging.stg_business__entities")[0][0] > 0


def test_no_credential_in_the_cycle_report_or_xcom(cycled):
    # reports are kept per run: reports/<as-of>/<run>/cycle.json
    (path,) = (cycled["root"] / "reports" / cycled["as_of"]).glob("*/cycle.json")
    report = path.read_text("utf-8")
    output = cycled["run"].stdout + cycled["run"].stderr
    for secret in (os.environ["FUPIN_SIM_VEHICLE_TOKEN"], os.environ["FUPIN_SIM_BUSINESS_API_KEY"]):
        assert secret not in report and secret not in output
    assert "vehicle" in json.loads(report)["feeds"]
