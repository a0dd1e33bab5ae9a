"""The province's push to the national system (national-exchange.md).

The push reads only the sync models dbt builds in schema ``exchange`` that the dbt exposure
``national_push`` names (:mod:`fupin.exchange.sync_models`), each with
``record_key, household_id, data, content_hash``. One run:

1. takes an advisory lock (one push at a time);
2. **recovers**: every batch left unanswered by an earlier run (crash, outage) is sent again with
   the same batch_id and body, so the national side applies it at most once;
3. **detects** changes into the outbox (:mod:`fupin.exchange.outbox`);
4. **releases** held records: ``window_closed`` ones when ``GET /windows`` says open,
   ``unknown_household`` ones once their household has been accepted;
5. **sends** (:mod:`fupin.exchange.sender`): household upserts, and at the same time member /
   monitoring / assistance operations of known households, each entity in its own thread; then
   household deletes. Batches of at most 1,000 records and 5 MB, each recorded before it is sent
   and answered record by record (:mod:`fupin.exchange.batches`).

Running it again with no change in the sync models sends nothing. Reconciliation is in
:mod:`fupin.exchange.reconcile`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Iterator

import psycopg2
import psycopg2.extensions

from fupin.exchange import protocol
from fupin.exchange import sync_models as sync
from fupin.exchange.batches import Clock, deliver, make_clock
from fupin.exchange.client import ExchangeClient, ExchangeError, NationalSettings
from fupin.exchange.outbox import analyze, detect, release, waiting_for_window
from fupin.exchange.report import EntityReport, PushReport
from fupin.exchange.sender import send_all

__all__ = ["EntityReport", "PushReport", "push"]

log = logging.getLogger(__name__)

ADVISORY_LOCK = 0x66757069  # "fupi"


@contextlib.contextmanager
def locked_session(dsn: str) -> Iterator[psycopg2.extensions.connection]:
    """A connection holding the push's advisory lock (push and repair never overlap)."""
    conn = psycopg2.connect(dsn)
    locked = False
    try:
        with conn.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(%s)", (ADVISORY_LOCK,))
            locked = cur.fetchone()[0]
            if not locked:
                raise ExchangeError("another push is running on this warehouse; try again later")
        conn.commit()
        yield conn
    finally:
        # Unlock before closing: the server ends a closed session's backend (and frees its
        # locks) a moment after close() returns, and a push retried at once found it held.
        if locked:
            with contextlib.suppress(psycopg2.Error):
                conn.rollback()
                with conn.cursor() as cur:
                    cur.execute("select pg_advisory_unlock(%s)", (ADVISORY_LOCK,))
        conn.close()


def push(
    dsn: str,
    national: NationalSettings,
    *,
    now: dt.datetime | Clock | None = None,
    client: ExchangeClient | None = None,
    sync_models: sync.SyncModels | None = None,
    batch_records: int = protocol.MAX_RECORDS,
) -> PushReport:
    """Send the province's changes to the national system; see the module docstring.

    ``sync_models``: default the models named by the dbt exposure. ``batch_records``: records
    per batch (at most the protocol's 1,000; smaller in tests to exercise many batches). Raises
    :class:`~fupin.exchange.client.ExchangeError` when it cannot go on (refused, unavailable, a
    sync model no entity sends): everything done so far is recorded, and the next run continues
    from there.
    """
    started = time.perf_counter()
    clock = make_clock(now)
    models = sync_models or sync.from_exposure()
    own_client = client is None
    client = client or ExchangeClient(national, now=clock)
    report = PushReport()
    try:
        with locked_session(dsn) as conn:
            tables = sync.present(conn, models)
            if "household" not in tables:
                log.warning("exchange.sync_household does not exist yet: nothing to push")
            recover(conn, client, report)
            for entity, table in tables.items():
                detect(conn, entity, table, report[entity])
            queued = sum(report[e].upserts_queued + report[e].deletes_queued for e in tables)
            if queued >= protocol.MAX_RECORDS:
                analyze(conn)
            _release_window(conn, client, report)
            send_all(dsn, conn, client, tables, report, clock, batch_records)
    finally:
        if own_client:
            client.close()
    report.seconds = time.perf_counter() - started
    log.info("national push: %s (%.1f s)", report.summary(), report.seconds)
    return report


def recover(conn, client: ExchangeClient, report: PushReport) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id::text, entity, sequence from exchange.batch "
            "where status <> 'answered' order by created_at, sequence"
        )
        unanswered = cur.fetchall()
    for batch_id, entity, sequence in unanswered:
        log.warning(
            "batch %s (%s, sequence %d) has no recorded answer: sending it again (same batch_id "
            "and body), so the national side applies it at most once",
            batch_id, entity, sequence,
        )  # fmt: skip
        deliver(conn, client, batch_id, entity, report[entity])
        report.recovered_batches += 1


def _release_window(conn, client: ExchangeClient, report: PushReport) -> None:
    if not waiting_for_window(conn):
        return
    window = client.windows()["household_registration"]
    report.window_open = bool(window["open"])
    if report.window_open:
        release(conn, report, "window_closed")
    else:
        log.info("registration window closed (next opens %s)", window.get("next_opens"))


def __getattr__(name: str):
    # reconcile moved to its own module; kept importable from here for existing callers.
    if name == "reconcile":
        from fupin.exchange.reconcile import reconcile

        return reconcile
    raise AttributeError(name)
