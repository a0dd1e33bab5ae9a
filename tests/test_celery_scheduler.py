"""The scheduled path for real: Airflow's scheduler, dag-processor and API server as separate
processes with the CeleryExecutor and two Celery workers (Redis db 5, metadata in a throwaway
PostgreSQL database), against a one-county world from the generator and the national simulator.

The test unpauses the DAGs, delivers the files into the landing root, triggers each feed DAG's
first run (the run the scheduler would start on unpausing, with the world's check date: the
crons are a day apart) and lets the scheduler do the rest: the asset-triggered warehouse build
and the national push, on two workers. The result must be what `fupin cycle --as-of` gives in
another database (run meanwhile). Then Airflow's own backfill builds a later, past check date
and the alert history must be what a second `fupin cycle --as-of` gives.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import os
import shutil
import subprocess
import time

import pytest
import requests
import yaml

from fupin import warehouse
from fupin.catalog import load_catalog
from simulation.celery_airflow import BIN, CeleryAirflow
from simulation.national import NationalSimulator, Window
from tests.helpers import one_county, run_fupin, throwaway_database

pytestmark = [pytest.mark.integration, pytest.mark.airflow, pytest.mark.xdist_group("celery")]
SECRET = "celery-test-secret"
SECRET_ENV = "FUPIN_TEST_CELERY_NATIONAL_SECRET"
BROKER = "redis://127.0.0.1:6379/5"
RUN_TIMEOUT = 1200  # seconds for the DAG runs to settle on a shared 2-core machine
QUIET_POLLS = 3  # consecutive polls without a queued or running DAG run
DAGS = [*(f"feed_{name}" for name in load_catalog()), "warehouse", "national_exchange"]
ALERT_HISTORY = (
    "select rule_code, household_id, coalesce(id_number, ''), is_open, first_seen, last_seen,"
    " opened_on, closed_on from marts.verification_alert"
)


def query(dsn, sql, *args):
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def write_config(path, dsn, landing, sim, home):
    config = {
        "province": "52",
        "warehouse": {"dsn": dsn},
        "landing": {"root": str(landing)},
        "national": {
            "base_url": sim.base_url,
            "sender_id": "520000",
            "secret": f"${{{SECRET_ENV}}}",
        },
        "airflow": {"home": str(home)},
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def snapshot(dsn, sim) -> dict:
    """What a cycle leaves behind: the ledger, open alerts per rule, the national records."""
    return {
        "deliveries": query(
            dsn,
            "select feed, status, count(*), sum(rows_received) from ops.delivery"
            " group by feed, status order by feed, status",
        ),
        "open_alerts": dict(
            query(
                dsn,
                "select rule_code, count(*) from marts.verification_alert where is_open"
                " group by rule_code",
            )
        ),
        "national": {
            entity: {key: record["data"] for key, record in sim.records(entity).items()}
            for entity in ("household", "member")
        },
        "history": set(query(dsn, ALERT_HISTORY)),
    }


def reference_cycles(config_path, dsn, sim, dates) -> list[dict]:
    """`fupin cycle --as-of` for each date, in order, with a snapshot after each."""
    snapshots = []
    for as_of in dates:
        result = run_fupin("cycle", "--config", str(config_path), "--as-of", as_of)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        snapshots.append(snapshot(dsn, sim))
    return snapshots


class Api:
    """Airflow's REST API (v2) as the admin."""

    def __init__(self, airflow: CeleryAirflow):
        self.base = airflow.base_url
        self.session = requests.Session()
        token = requests.post(
            f"{self.base}/auth/token",
            json={"username": "admin", "password": airflow.password},
            timeout=60,
        )
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def get(self, path, **params):
        answer = self.session.get(f"{self.base}/api/v2/{path}", params=params, timeout=60)
        answer.raise_for_status()
        return answer.json()

    def call(self, method, path, payload):
        answer = self.session.request(
            method, f"{self.base}/api/v2/{path}", json=payload, timeout=120
        )
        assert answer.ok, (method, path, answer.status_code, answer.text)
        return answer.json()

    def runs(self, **params) -> list[dict]:
        return self.get("dags/~/dagRuns", limit=100, order_by="-id", **params)["dag_runs"]


def wait_for(predicate, timeout, airflow, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except requests.RequestException:
            pass  # one API worker also serves the tasks: a slow answer is not an error
        time.sleep(5)
    raise AssertionError(f"timed out waiting for {what}\n{airflow.diagnostics()}")


def wait_quiet(api, airflow, timeout=RUN_TIMEOUT, needs=lambda runs: True):
    """Until no DAG run is queued or running for a few polls (asset-triggered runs appear a
    scheduler loop after the run that triggered them) and ``needs(all runs)`` holds."""
    quiet = 0

    def settled():
        nonlocal quiet
        busy = api.runs(state=["queued", "running"])
        quiet = 0 if busy else quiet + 1
        return quiet >= QUIET_POLLS and needs(api.runs())

    wait_for(settled, timeout, airflow, "the DAG runs to settle")


def runs_since(runs, dag_id, since, run_type=None):
    """The runs of a DAG queued after ``since`` (of one type)."""
    return [
        r
        for r in runs
        if r["dag_id"] == dag_id
        and dt.datetime.fromisoformat(r["queued_at"] or r["run_after"]) >= since
        and (run_type is None or r["run_type"] == run_type)
    ]


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory, admin_dsn):
    started = time.monotonic()
    root = tmp_path_factory.mktemp("celery")
    synth = one_county(root / "synth", seed=11, households=40)
    truth = json.loads(synth.ground_truth.read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(truth["as_of"])
    backfill_day = min(as_of + dt.timedelta(days=30), dt.date.today() - dt.timedelta(days=1))
    dates = [as_of.isoformat(), backfill_day.isoformat()]
    os.environ[SECRET_ENV] = SECRET
    air_db, air_dsn = throwaway_database(admin_dsn, "fupin_celery")
    ref_db, ref_dsn = throwaway_database(admin_dsn, "fupin_celery_ref")
    landing = root / "landing"
    landing.mkdir()
    window = Window(open=True)
    with (
        NationalSimulator(secret=SECRET, sender_id="520000", window=window) as air_sim,
        NationalSimulator(secret=SECRET, sender_id="520000", window=window) as ref_sim,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        ref_config = write_config(
            root / "ref.yml", ref_dsn, synth.landing_root, ref_sim, root / "ref" / "airflow"
        )
        reference = pool.submit(reference_cycles, ref_config, ref_dsn, ref_sim, dates)
        config = write_config(root / "fupin.yml", air_dsn, landing, air_sim, root / "airflow")
        warehouse.upgrade(air_dsn)
        airflow = CeleryAirflow(config, broker_url=BROKER)
        try:
            phases = {"start": started}
            airflow.start(workers=2)
            phases["components ready"] = time.monotonic()
            result = run_scheduled_path(airflow, synth.landing_root, landing, dates, phases)
            phases["delivery landed, built, pushed"] = time.monotonic()
            result["air"] = snapshot(air_dsn, air_sim)
            result["backfill"] = run_backfill(airflow, backfill_day)
            phases["backfill built, pushed"] = time.monotonic()
            result["air_after_backfill"] = snapshot(air_dsn, air_sim)
            result["ref"], result["ref_after_backfill"] = reference.result(timeout=RUN_TIMEOUT)
            phases["reference cycles done"] = time.monotonic()
            marks = list(phases.items())
            for (_, before), (name, at) in zip(marks, marks[1:], strict=False):
                print(f"{name}: {at - before:.0f} s")
            result["hostnames"] = query(
                warehouse.with_database(admin_dsn, f"{air_db}_airflow"),
                "select dag_id, task_id, hostname from task_instance where state = 'success'",
            )
            result["seconds"] = time.monotonic() - started
            print(f"scheduler on Celery: {result['seconds']:.0f} s in all")
            yield result
        finally:
            airflow.stop()
            os.environ.pop(SECRET_ENV, None)
            for name in (air_db, f"{air_db}_airflow", ref_db):
                warehouse.drop_database(admin_dsn, name)


def run_scheduled_path(airflow, delivered, landing, dates, phases) -> dict:
    api = Api(airflow)
    wait_for(
        lambda: set(DAGS) <= {d["dag_id"] for d in api.get("dags", limit=100)["dags"]},
        600,
        airflow,
        "the dag-processor to parse fupin's DAGs",
    )
    # Unpausing starts a DAG's latest cron run (start_date set, catchup off). The warehouse's
    # runs over the empty warehouse first; each feed's is taken by a run triggered here with
    # the world's check date at the same logical date (the scheduler then skips its own).
    for dag_id in DAGS[-2:]:
        api.call("PATCH", f"dags/{dag_id}", {"is_paused": False})
    wait_quiet(api, airflow)
    phases["empty warehouse built"] = time.monotonic()
    since = dt.datetime.now(dt.UTC)
    shutil.copytree(delivered, landing, dirs_exist_ok=True)
    for dag_id in DAGS[:-2]:
        api.call(
            "POST",
            f"dags/{dag_id}/dagRuns",
            {
                "logical_date": due_run(api, dag_id),
                "conf": {"as_of": dates[0], "report_run": "celery"},
            },
        )
        api.call("PATCH", f"dags/{dag_id}", {"is_paused": False})

    def pushed_after_build(runs):
        builds = runs_since(runs, "warehouse", since, "asset_triggered")
        pushes = runs_since(runs, "national_exchange", since, "asset_triggered")
        last = max((r["run_after"] for r in builds), default=None)
        return last is not None and any(p["run_after"] > last for p in pushes)

    wait_quiet(api, airflow, needs=pushed_after_build)
    return {"runs": api.runs(), "since": since}


def due_run(api, dag_id) -> str | None:
    """The logical date of the run the scheduler would start on unpausing, if it is due."""
    due = api.get(f"dags/{dag_id}")["next_dagrun_logical_date"]
    if due and dt.datetime.fromisoformat(due) <= dt.datetime.now(dt.UTC):
        return due
    return None


def run_backfill(airflow, day: dt.date) -> dict:
    """`airflow backfill create` for one past check date; its marts update triggers a push."""
    api = Api(airflow)
    since = dt.datetime.now(dt.UTC)
    created = subprocess.run(
        [str(BIN / "airflow"), "backfill", "create", "--dag-id", "warehouse"]
        + ["--from-date", f"{day}T00:00:00+08:00", "--to-date", f"{day}T23:00:00+08:00"],
        env=airflow.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert created.returncode == 0, created.stdout[-2000:] + created.stderr[-3000:]

    def pushed(runs):
        builds = runs_since(runs, "warehouse", since, "backfill")
        pushes = runs_since(runs, "national_exchange", since, "asset_triggered")
        return builds and pushes

    wait_quiet(api, airflow, needs=pushed)
    runs = api.runs()
    return {
        "builds": runs_since(runs, "warehouse", since, "backfill"),
        "pushes": runs_since(runs, "national_exchange", since),
    }


def test_feeds_warehouse_and_exchange_ran_on_the_schedulers_own(scheduled):
    runs = scheduled["runs"]
    assert {r["state"] for r in runs} == {"success"}, [
        (r["dag_id"], r["run_id"], r["state"]) for r in runs if r["state"] != "success"
    ]
    since = scheduled["since"]
    for dag_id in DAGS[:-2]:
        assert runs_since(runs, dag_id, since, "manual"), dag_id
    # the feeds' runs were ours: the scheduler did not start a second, cron run of a feed
    assert not [r for r in runs if r["dag_id"].startswith("feed_") and r["run_type"] != "manual"]
    assert runs_since(runs, "warehouse", since, "asset_triggered")
    assert runs_since(runs, "national_exchange", since, "asset_triggered")


def test_tasks_ran_on_both_workers(scheduled):
    hosts = {hostname for _, _, hostname in scheduled["hostnames"]}
    assert hosts == {"worker1", "worker2"}, hosts
    by_task = {(d, t): h for d, t, h in scheduled["hostnames"]}
    print("dbt_build on", by_task.get(("warehouse", "dbt_build")))
    print("push on", by_task.get(("national_exchange", "push")))


def test_same_ledger_alerts_and_national_records_as_fupin_cycle(scheduled):
    air, ref = scheduled["air"], scheduled["ref"]
    assert air["deliveries"] == ref["deliveries"]
    assert air["open_alerts"] == ref["open_alerts"]
    assert air["open_alerts"], "the world plants alerts: none open means nothing was built"
    assert air["national"] == ref["national"]
    assert air["national"]["household"]


def test_backfill_gives_the_history_fupin_cycle_gives(scheduled):
    backfill = scheduled["backfill"]
    assert [r["state"] for r in backfill["builds"]] == ["success"]
    assert {r["state"] for r in backfill["pushes"]} == {"success"}
    air, ref = scheduled["air_after_backfill"], scheduled["ref_after_backfill"]
    # Partial builds (a feed landed before the others) may have opened and closed alerts the
    # one-shot cycle never saw: every alert of the cycle's history, and exactly its open ones.
    assert ref["history"] <= air["history"]
    assert {a for a in air["history"] if a[3]} == {a for a in ref["history"] if a[3]}
    assert air["national"] == ref["national"]
