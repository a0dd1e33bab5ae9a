"""Scheduled runs behave like `fupin cycle`: real feed DAG runs (dag.test) on a real warehouse.

A delivery that cannot be landed flags its task run and notifies its steward through the
webhook (a real HTTP server on 127.0.0.1) while the run succeeds; the run writes its reports
under reports/<as-of>/<run>/; the landing task's asset event carries the check date, and an
asset-triggered run takes its check date from there.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from fupin.orchestration.run_context import report_key, resolve_as_of

pytestmark = [pytest.mark.integration, pytest.mark.airflow, pytest.mark.xdist_group("dag_runs")]
DAGS_FOLDER = Path(__file__).resolve().parent.parent / "dags"
AS_OF = "2026-10-31"
BROKEN = "registry/520123/建档立卡_520123_202610.xlsx"


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/notices", _Webhook.received
    server.shutdown()


@pytest.fixture(scope="module")
def airflow_db():
    from airflow.utils import db

    db.initdb()


@pytest.fixture
def deployment(tmp_path, warehouse_dsn, webhook, monkeypatch, airflow_db):
    landing = tmp_path / "landing"
    broken = landing / BROKEN
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"this is not a spreadsheet")
    broken.with_name(broken.name + ".ok").touch()
    config = tmp_path / "fupin.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "province": "52",
                "warehouse": {"dsn": warehouse_dsn},
                "landing": {"root": str(landing)},
                "airflow": {"home": str(tmp_path / "airflow")},
                "notifications": {"webhook_url": webhook[0]},
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("FUPIN_CONFIG", str(config))
    return tmp_path


def _feed_dag(name):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER / "feeds.py"))
    assert not bag.import_errors, bag.import_errors
    return bag.dags[f"feed_{name}"]


def _states(dag_run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()}


def test_failed_delivery_is_flagged_notified_and_reported_without_failing(deployment, webhook):
    dag = _feed_dag("registry")
    for task in dag.tasks:
        task.retries = 0
    run = dag.test(run_conf={"as_of": AS_OF, "report_run": "failed-delivery"})

    assert str(run.state) == "success"  # a rejected file is a finding, not a failed run
    states = _states(run)
    assert states["land_and_check"] == "success"
    assert states["flag_failed_deliveries"] == "failed"  # red in the grid
    assert states["write_report"] == "success"

    notices = [n for n in webhook[1] if n["feed"] == "registry"]
    assert notices and notices[-1]["steward"] == "steward_registry"
    assert BROKEN in notices[-1]["text"]
    outbox = deployment / "reports" / "notifications.jsonl"
    assert BROKEN in outbox.read_text(encoding="utf-8")

    folder = deployment / "reports" / AS_OF / "failed-delivery"
    report = json.loads((folder / "feed_registry.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in report["failed"]] == [BROKEN]
    assert (
        (folder / "quarantine_registry.csv")
        .read_text(encoding="utf-8-sig")
        .startswith("source_file,source_row")
    )


def test_clean_run_is_green_and_its_asset_event_carries_the_check_date(deployment):
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dag = _feed_dag("hukou")
    run = dag.test(run_conf={"as_of": AS_OF})
    assert str(run.state) == "success"
    assert set(_states(run).values()) == {"success"}
    with create_session() as session:
        event = session.scalars(
            select(AssetEvent)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.uri == "fupin://raw/hukou", AssetEvent.source_run_id == run.run_id)
        ).one()
        assert event.extra["as_of"] == AS_OF
        assert event.extra["report_run"] == report_key({"dag_run": run})
    # reports of a run without a report_run conf go under its run id: kept, never overwritten
    folder = deployment / "reports" / AS_OF / report_key({"dag_run": run})
    assert (folder / "feed_hukou.json").exists()


class _Event:
    def __init__(self, as_of, at, run="r"):
        self.extra = {"as_of": as_of, "report_run": run}
        self.timestamp = at


def _triggered_by(*events):
    from airflow.sdk.execution_time.comms import AssetEventDagRunReferenceResult
    from airflow.sdk.execution_time.context import TriggeringAssetEventsAccessor

    return TriggeringAssetEventsAccessor.build(
        AssetEventDagRunReferenceResult(
            asset={"name": uri, "uri": uri, "extra": {}},
            extra=e.extra,
            source_task_id="land_and_check",
            source_dag_id="feed_x",
            source_run_id="manual__x",
            source_map_index=-1,
            source_aliases=[],
            timestamp=e.timestamp,
        )
        for uri, e in events
    )


def test_asset_triggered_run_takes_the_check_date_of_the_newest_event():
    at = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    events = _triggered_by(
        ("fupin://raw/hukou", _Event("2026-09-30", at, "older")),
        ("fupin://raw/registry", _Event("2026-10-31", at + dt.timedelta(minutes=5), "newer")),
    )
    context = {"params": {"as_of": None}, "triggering_asset_events": events, "logical_date": None}
    assert resolve_as_of(context) == dt.date(2026, 10, 31)
    assert report_key(context) == "newer"
    # an explicit as_of wins over the event; a cron or backfill run uses its logical date
    assert resolve_as_of({**context, "params": {"as_of": "2026-08-31"}}) == dt.date(2026, 8, 31)
    cron = {"params": {}, "logical_date": dt.datetime(2026, 10, 30, 21, 0, tzinfo=dt.UTC)}
    assert resolve_as_of(cron) == dt.date(2026, 10, 31)  # 05:00 in Asia/Shanghai
