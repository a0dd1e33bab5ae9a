"""Stewards' notices: what is decided (fupin.notices), and that it reaches them over the log,
the outbox, a real webhook (an http.server thread) and a real SMTP server (aiosmtpd), from
plain functions and from a real feed DAG run (the notifiers)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from fupin.catalog import load_catalog
from fupin.config import SpikePolicy, parse_config
from fupin.notices import (
    Delivery,
    drift_notice,
    failed_delivery_notice,
    findings_notices,
    is_spike,
    notify_findings,
    spike_baseline,
)
from fupin.notify import Notice, notify, read_outbox
from fupin.pipeline import land_feed
from simulation.synth import generate
from tests.conftest import PROJECT_ROOT
from tests.feeds.test_bad_values import append_broken
from tests.test_operators_dags import _Webhook

MEDICAL = load_catalog()["medical"]
POLICY = SpikePolicy()


def delivery(quarantined: int, received: int = 1000, name: str = "b") -> Delivery:
    return Delivery(name, f"medical/{name}.csv", "month", received, quarantined)


# --- decisions ---------------------------------------------------------------------------


def test_a_spike_is_well_above_the_feeds_previous_deliveries():
    usual = [delivery(n) for n in (3, 5, 4, 6, 2)]  # 0.2-0.6 %: median 0.4 %
    assert spike_baseline(usual, POLICY) == pytest.approx(0.02)  # min_rate beats 3 x 0.4 %
    assert is_spike(delivery(100), usual, POLICY)
    assert not is_spike(delivery(15), usual, POLICY)  # 1.5 %: below min_rate
    noisy = [delivery(n) for n in (40, 50, 60)]  # median 5 %: baseline 15 %
    assert not is_spike(delivery(100), noisy, POLICY)
    assert is_spike(delivery(160), noisy, POLICY)


def test_few_rows_never_spike_and_a_first_delivery_uses_min_rate():
    assert not is_spike(delivery(9, received=20), [], POLICY)  # 45 %, but 9 rows
    assert is_spike(delivery(30), [], POLICY)  # 3 % > 2 %, no baseline
    assert not is_spike(delivery(30), [], SpikePolicy(min_rate=0.05))  # policy is data
    assert is_spike(delivery(5), [], SpikePolicy(min_rows=5, min_rate=0.001))


def test_the_baseline_is_the_last_lookback_deliveries():
    previous = [delivery(1), delivery(1), delivery(500), delivery(500), delivery(500)]
    assert not is_spike(delivery(60), previous, POLICY)  # median 50 %
    assert is_spike(delivery(60), previous, SpikePolicy(lookback=2))  # median 0.1 %


def test_notices_go_to_the_feeds_steward_in_its_departments_name():
    summary = {"schema_drift": ["medical__settlement: added 参保地区划"]}
    history = {"b2": (delivery(100, name="b2"), [delivery(2, name="b1")])}
    spike, drift = findings_notices(MEDICAL, summary, history, POLICY)
    for notice in (spike, drift):
        assert notice.steward == "steward_medical"
        assert notice.department == MEDICAL.department
    assert spike.kind == "quarantine_spike"
    assert "100 of 1000 rows" in spike.subject and "0.2%" in spike.text
    assert drift.kind == "schema_drift" and "added 参保地区划" in drift.text
    assert findings_notices(MEDICAL, {}, {}, POLICY) == []
    assert drift_notice(MEDICAL, []) is None
    failed = failed_delivery_notice(MEDICAL, [{"file": "medical/x.csv", "error": "bad"}], "r1")
    assert failed.kind == "failed_delivery" and "medical/x.csv: bad" in failed.text
    assert failed_delivery_notice(MEDICAL, [], "r1") is None


# --- channels: log, outbox, webhook, SMTP ---------------------------------------------------


class _Mailbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def receivers():
    _Webhook.received.clear()
    web = ThreadingHTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    mailbox = _Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    yield f"http://127.0.0.1:{web.server_port}/notices", _Webhook.received, smtp.port, mailbox
    smtp.stop()
    web.shutdown()


def _config(tmp_path, receivers, dsn="postgresql://postgres@127.0.0.1:5432/postgres", **extra):
    url, _, port, _ = receivers
    notifications = {
        "webhook_url": url,
        "smtp": {"host": "127.0.0.1", "port": port, "sender": "fupin@example.org"},
        "recipients": {"steward_medical": ["yibao-steward@example.org"]},
        **extra,
    }
    return parse_config(
        {
            "province": "52",
            "warehouse": {"dsn": dsn},
            "landing": {"root": str(tmp_path / "landing")},
            "airflow": {"home": str(tmp_path / "airflow")},
            "notifications": notifications,
        }
    )


def test_a_notice_is_logged_kept_posted_and_mailed(tmp_path, receivers, caplog):
    config = _config(tmp_path, receivers)
    _, posted, _, mailbox = receivers
    notice = Notice("steward_medical", "medical", "subject 医保", "text", kind="schema_drift")
    with caplog.at_level(logging.WARNING, logger="fupin.notify"):
        notify(config, notice)
        notify(config, Notice("steward_hukou", "hukou", "to nobody by mail", "text"))
    assert "notice to steward_medical (schema_drift): subject 医保" in caplog.text
    assert [n["subject"] for n in read_outbox(config)] == ["subject 医保", "to nobody by mail"]
    assert [(n["steward"], n["kind"]) for n in posted] == [
        ("steward_medical", "schema_drift"),
        ("steward_hukou", "notice"),
    ]
    (mail,) = mailbox.messages  # steward_hukou has no address: not mailed
    assert mail.rcpt_tos == ["yibao-steward@example.org"]
    assert "Subject: [fupin] subject" in mail.content.decode()


def test_a_channel_that_does_not_answer_is_logged_not_fatal(tmp_path, receivers, caplog):
    dead = _free_port()
    config = _config(
        tmp_path,
        receivers,
        webhook_url=f"http://127.0.0.1:{dead}/",
        smtp={"host": "127.0.0.1", "port": dead, "sender": "f@example.org", "timeout": 2},
    )
    notify(config, Notice("steward_medical", "medical", "kept anyway", "text"))
    assert read_outbox(config)[0]["subject"] == "kept anyway"
    assert "webhook" in caplog.text and "mail server 127.0.0.1 did not take" in caplog.text


# --- from the ledger: a real feed run -----------------------------------------------------


@pytest.fixture
def medical_world(tmp_path):
    """Three medical months; the last adds a column (drift) and has 40 broken rows (spike)."""
    generate(tmp_path, start="2026-08", end="2026-10", seed=7, households_per_county=40, drift=True)
    for _ in range(40):
        append_broken(
            tmp_path / "landing",
            "medical/yibao_settle_202610.csv",
            "utf-8-sig",
            {"结算日期": "2026-13-01"},
        )
    return tmp_path


@pytest.mark.integration
def test_a_feed_run_notifies_its_spike_and_drift(medical_world, receivers, warehouse_dsn):
    config = _config(medical_world, receivers, dsn=warehouse_dsn)
    summary = land_feed(config, "medical")
    assert len(summary["checked"]) == 3

    notices = notify_findings(config, MEDICAL, summary)
    assert sorted(n.kind for n in notices) == ["quarantine_spike", "schema_drift"]
    (spike,) = [n for n in notices if n.kind == "quarantine_spike"]
    assert "medical/yibao_settle_202610.csv" in spike.subject
    assert "The previous 2 month deliveries" in spike.text
    _, posted, _, mailbox = receivers
    assert sorted(n["kind"] for n in posted) == ["quarantine_spike", "schema_drift"]
    assert len(mailbox.messages) == 2

    # The same deliveries again: nothing new landed, nothing to tell.
    assert notify_findings(config, MEDICAL, land_feed(config, "medical")) == []


@pytest.mark.integration
@pytest.mark.airflow
@pytest.mark.xdist_group("dag_runs")
def test_the_feed_dag_tells_the_steward(medical_world, receivers, warehouse_dsn, monkeypatch):
    """The wiring: the landing task's success callback (FeedFindingsNotifier) sends them."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils import db

    url, posted, port, mailbox = receivers
    config = medical_world / "fupin.yml"
    notifications = {
        "webhook_url": url,
        "smtp": {"host": "127.0.0.1", "port": port, "sender": "fupin@example.org"},
        "recipients": {"steward_medical": ["yibao-steward@example.org"]},
    }
    config.write_text(
        json.dumps(
            {
                "province": "52",
                "warehouse": {"dsn": warehouse_dsn},
                "landing": {"root": str(medical_world / "landing")},
                "airflow": {"home": str(medical_world / "airflow")},
                "notifications": notifications,
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("FUPIN_CONFIG", str(config))
    db.initdb()
    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "feeds.py"))
    assert not bag.import_errors, bag.import_errors
    run = bag.dags["feed_medical"].test(run_conf={"as_of": "2026-10-31"})

    assert str(run.state) == "success"
    assert sorted(n["kind"] for n in posted) == ["quarantine_spike", "schema_drift"]
    assert {n["steward"] for n in posted} == {"steward_medical"}
    assert len(mailbox.messages) == 2
