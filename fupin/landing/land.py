"""Land one delivery in one transaction: it lands whole, is held whole, or fails whole.

A crash (even SIGKILL) in the middle leaves nothing: the ledger row, the rows, the drift and
the supersede are committed together. A failure is recorded with a message naming the file,
the physical row and the field, and stops only this delivery.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

import connectors
from connectors.sheet import DeliveryFormatError
from fupin.catalog import load_catalog
from fupin.landing import ledger
from fupin.landing.copy import copy_sheet
from fupin.landing.discovery import DeliveredFile, Unrecognised, discover, period_error
from fupin.landing.drift import reconcile_columns, record_drift
from fupin.landing.structure import check_header, implausible_row_count, unfit_header
from fupin.landing.supersede import supersede_delivered

log = logging.getLogger(__name__)
# SQLSTATE classes that say nothing about the file: connection, resources, shutdown, conflicts.
_SERVER_TROUBLE = ("08", "40", "53", "57", "58", "XX")


@dataclass
class LandResult:
    source_file: str
    outcome: str  # landed | superseded | held | resend | unchanged | failed
    batch_id: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    drift: list[tuple[str, str, str]] = field(default_factory=list)  # (table, change, column)
    message: str = ""  # why it failed or is held
    findings: int = 0


@dataclass
class LandingRun:
    feed: str
    results: list[LandResult]
    incomplete: list[str]
    unrecognised: list[Unrecognised] = field(default_factory=list)

    def batches(self, *outcomes: str) -> list[str]:
        return [r.batch_id for r in self.results if r.outcome in outcomes and r.batch_id]


def _caused_by_delivery(error: Exception) -> bool:
    """True when the delivery is to blame (fail it); False for trouble of our own (raise)."""
    if isinstance(error, DeliveryFormatError):
        return True
    if isinstance(error, psycopg2.Error):
        code = error.pgcode or ""
        return bool(code) and not code.startswith(_SERVER_TROUBLE)
    return not isinstance(error, MemoryError)


def _message(delivered: DeliveredFile, error: Exception) -> str:
    if isinstance(error, DeliveryFormatError):
        return str(error)
    if isinstance(error, psycopg2.Error):
        primary = error.diag.message_primary or error.pgerror or ""
        return f"{delivered.source_file}: PostgreSQL refused the rows ({error.pgcode}: {primary})"
    return f"{delivered.source_file}: cannot be read ({type(error).__name__})"


def land_file(conn, delivered: DeliveredFile) -> LandResult:
    """Land one complete delivery in its own transaction (``conn`` is left committed)."""
    at = ledger.delivered_at(delivered)
    with conn.cursor() as cur:
        if seen := ledger.seen_before(cur, delivered, at):
            return LandResult(delivered.source_file, "unchanged", seen)
    sha, size = ledger.file_digest(delivered.path)
    with conn.cursor() as cur:
        if known := ledger.known_content(cur, delivered, sha):
            known_batch, status, error = known
            ledger.record_seen(cur, delivered, sha, at, known_batch)
            conn.commit()
            if status == "failed":  # same unreadable bytes: the steward must send a correction
                return LandResult(delivered.source_file, "failed", known_batch, message=error)
            return LandResult(delivered.source_file, "resend", known_batch, message="same bytes")
    batch = ledger.batch_id(delivered, sha)
    result = LandResult(delivered.source_file, "landed", batch)
    try:
        with conn.cursor() as cur:
            _land(cur, delivered, batch, sha, size, at, result)
        conn.commit()
    except Exception as error:
        conn.rollback()
        if not _caused_by_delivery(error):
            raise
        if not isinstance(error, DeliveryFormatError | psycopg2.Error):
            log.exception("delivery %s: unexpected error", delivered.source_file)
        result = LandResult(
            delivered.source_file, "failed", batch, message=_message(delivered, error)
        )
        with conn.cursor() as cur:
            ledger.insert_delivery(cur, delivered, batch, sha, size, at, "failed", result.message)
            ledger.record_seen(cur, delivered, sha, at, batch)
        conn.commit()
        log.error("delivery failed: %s", result.message)
    return result


def _land(cur, delivered: DeliveredFile, batch, sha, size, at, result: LandResult) -> None:
    if reason := period_error(delivered.period):
        raise DeliveryFormatError(
            f"{delivered.source_file}: the period {delivered.period} in the file name is "
            f"impossible ({reason})"
        )
    ledger.insert_delivery(cur, delivered, batch, sha, size, at)
    hold: list[str] = []
    for table, sheet in connectors.read_delivery(
        delivered.path, delivered.file_kind, delivered.source_file
    ):
        check_header(delivered.source_file, sheet.header_row, sheet.header)
        result.drift.extend(reconcile_columns(cur, table, sheet.header))
        result.rows[table.name] = copy_sheet(cur, table.name, sheet, batch, delivered.source_file)
        ledger.record_findings(cur, delivered, batch, table.name, sheet.findings)
        result.findings += len(sheet.findings)
        if unfit := unfit_header(table, sheet.header):
            hold.append(unfit)
    total = sum(result.rows.values())
    implausible = implausible_row_count(
        delivered.file_kind, total, ledger.previous_rows(cur, delivered, batch)
    )
    if implausible:
        hold.append(implausible)
    if hold:
        result.outcome = "held"
        result.message = f"{delivered.source_file}: held for the steward: {'; '.join(hold)}"
    else:
        result.outcome = supersede_delivered(cur, delivered, batch)
    ledger.finish_delivery(cur, batch, result.outcome, total, result.message or None)
    record_drift(cur, delivered, batch, result.drift)
    ledger.record_seen(cur, delivered, sha, at, batch)


def land_pending(conn, landing_root: Path, feed_name: str) -> LandingRun:
    """Land every complete delivery of a feed not landed before (the feed DAG's task)."""
    feed = load_catalog()[feed_name]
    found = discover(landing_root, feed)
    for source_file in found.incomplete:
        log.info("%s: no .ok marker yet, left for a later run", source_file)
    with conn.cursor() as cur:
        ledger.record_unrecognised(cur, found.unrecognised)
    conn.commit()
    for stray in found.unrecognised:
        log.warning("unrecognised delivery %s: %s", stray.source_file, stray.reason)
    results = [land_file(conn, delivered) for delivered in found.complete]
    return LandingRun(feed_name, results, found.incomplete, found.unrecognised)
