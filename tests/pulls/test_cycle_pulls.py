"""``fupin cycle`` pulls the three sources when they are configured (simulators on loopback).

The cycle runs as an operator runs it (the ``fupin`` command in its own process) with the
configuration's ``sources:`` naming the simulators; credentials come from the environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from fupin import warehouse
from simulation.sources import simulated_sources
from simulation.synth import generate
from tests.conftest import PROJECT_ROOT
from tests.pulls.conftest import query

pytestmark = [
    pytest.mark.integration,
    pytest.mark.airflow,
    pytest.mark.xdist_group("pull_cycle"),  # one cycle, on one worker
]


@pytest.fixture(scope="module")
def cycled(tmp_path_factory, admin_dsn):
    root = tmp_path_factory.mktemp("pull-cycle")
    synth = generate(
        root / "synth",
        counties=("520123",),
        start="2026-10",
        end="2026-10",
        seed=11,
        households_per_county=40,
    )
    names = [f"fupin_pullcycle_{os.getpid()}", f"minzheng_pullcycle_{os.getpid()}"]
    for name in names:
        warehouse.drop_database(admin_dsn, name)
        warehouse.ensure_database(admin_dsn, name)
    dsn, dibao_dsn = (warehouse.with_database(admin_dsn, n) for n in names)
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
        env = {k: v for k, v in os.environ.items() if k != "AIRFLOW_HOME"}
        as_of = json.loads(synth.ground_truth.read_text(encoding="utf-8"))["as_of"]
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "fupin.cli",
                "cycle",
                "--config",
                str(config_path),
                "--as-of",
                as_of,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=1200,
            check=False,
            cwd=PROJECT_ROOT,
        )
        yield {"run": run, "dsn": dsn, "sources": sources, "root": root, "as_of": as_of}
    for name in names:
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
