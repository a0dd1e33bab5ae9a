"""`make airflow` as the README tells a newcomer: start it, reach the API server, see fupin's DAGs
(and no example DAG), trigger one feed DAG, see it succeed, stop everything. Real Airflow
(standalone: api-server, scheduler, dag-processor, triggerer) on 127.0.0.1, bounded by timeouts.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

from fupin import warehouse

pytestmark = [pytest.mark.integration, pytest.mark.airflow, pytest.mark.xdist_group("airflow")]
ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 600
RUN_TIMEOUT = 900  # unpausing also starts the latest scheduled run first
STOP_TIMEOUT = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_login(process: subprocess.Popen, deadline: float) -> tuple[str, list[str]]:
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if match := re.match(r"login\s+admin / (\S+)", line):
            return match.group(1), lines
    raise AssertionError("make airflow did not print a login:\n" + "".join(lines))


@pytest.fixture
def local_airflow(tmp_path, warehouse_dsn, admin_dsn):
    (tmp_path / "landing").mkdir()
    config = tmp_path / "fupin.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "province": "52",
                "warehouse": {"dsn": warehouse_dsn},
                "landing": {"root": str(tmp_path / "landing")},
                "airflow": {"home": str(tmp_path / "airflow")},
            }
        ),
        encoding="utf-8",
    )
    port = _free_port()
    env = {**os.environ, "FUPIN_CONFIG": str(config), "AIRFLOW__API__PORT": str(port)}
    for name in ("AIRFLOW_HOME", "AIRFLOW__CORE__DAGS_FOLDER"):
        env.pop(name, None)  # make airflow sets them, as for a newcomer's shell
    process = subprocess.Popen(
        ["make", "--no-print-directory", "airflow"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        password, lines = _wait_for_login(process, time.monotonic() + STARTUP_TIMEOUT)
        yield f"http://127.0.0.1:{port}", password, lines, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        # reap make as soon as it exits: a zombie group leader still answers killpg(pgid, 0)
        while (process.poll() is None or _group_alive(process.pid)) and (
            time.monotonic() < deadline
        ):
            time.sleep(2)
        leftovers = _group_alive(process.pid)
        if leftovers:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        # make airflow kept Airflow's metadata in <warehouse db>_airflow on the same server
        warehouse.drop_database(admin_dsn, f"{warehouse.parse_dsn(warehouse_dsn).dbname}_airflow")
        assert not leftovers, "processes of make airflow still running after it was stopped"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_airflow_lists_the_dags_and_runs_a_feed(local_airflow):
    base, password, lines, home = local_airflow
    assert any(f"Airflow UI   {base}/" in line for line in lines), lines
    assert requests.get(f"{base}/api/v2/monitor/health", timeout=10).status_code == 200
    token = requests.post(
        f"{base}/auth/token", json={"username": "admin", "password": password}, timeout=30
    )
    assert token.status_code in (200, 201), token.text
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    dag_ids: set[str] = set()
    deadline = time.monotonic() + 300  # the dag-processor parses the folder after start-up
    while time.monotonic() < deadline and "national_exchange" not in dag_ids:
        with contextlib.suppress(requests.RequestException):
            answer = api.get(f"{base}/api/v2/dags", params={"limit": 100}, timeout=60)
            dag_ids = {d["dag_id"] for d in answer.json().get("dags", [])}
        time.sleep(3)
    assert {"feed_registry", "feed_hukou", "warehouse", "national_exchange"} <= dag_ids
    assert all(d.startswith("feed_") or d in ("warehouse", "national_exchange") for d in dag_ids)

    assert api.patch(f"{base}/api/v2/dags/feed_hukou", json={"is_paused": False}, timeout=30).ok
    run = api.post(
        f"{base}/api/v2/dags/feed_hukou/dagRuns",
        json={"logical_date": None, "conf": {"as_of": "2026-10-31", "report_run": "from-ui"}},
        timeout=120,
    )
    assert run.ok, run.text
    run_id = run.json()["dag_run_id"]
    state = None
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline and state not in ("success", "failed"):
        time.sleep(3)
        # one API worker also serves the tasks' execution API: a slow answer is not an error
        with contextlib.suppress(requests.RequestException):
            url = f"{base}/api/v2/dags/feed_hukou/dagRuns/{run_id}"
            state = api.get(url, timeout=60).json()["state"]
    assert state == "success", (state, (home / "airflow" / "standalone.log").read_text()[-4000:])
    # the scheduled run wrote its report, as fupin cycle's runs do
    assert (home / "reports" / "2026-10-31" / "from-ui" / "feed_hukou.json").exists()
