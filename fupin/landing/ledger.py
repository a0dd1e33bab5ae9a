"""The batch ledger (ops.delivery, ops.delivery_seen) and what landing records beside it."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from psycopg2.extras import execute_values

from connectors.sheet import Finding
from fupin.landing.discovery import OK_SUFFIX, DeliveredFile, Unrecognised


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def delivered_at(delivered: DeliveredFile) -> dt.datetime:
    ok = delivered.path.with_name(delivered.path.name + OK_SUFFIX)
    return dt.datetime.fromtimestamp(ok.stat().st_mtime, tz=dt.UTC)


def batch_id(delivered: DeliveredFile, sha: str) -> str:
    """A batch id a person can read: feed, kind, scope, period, version and the content."""
    scope = delivered.scope or "all"
    return (
        f"{delivered.feed}.{delivered.file_kind.kind}.{scope}.{delivered.period}"
        f".v{delivered.version}.{sha[:10]}"
    )


def seen_before(cur, delivered: DeliveredFile, at: dt.datetime) -> str | None:
    """The batch of this file already picked up at this very .ok time (nothing new)."""
    cur.execute(
        "select s.batch_id from ops.delivery_seen s"
        " where s.feed = %s and s.source_file = %s and s.delivered_at = %s",
        (delivered.feed, delivered.source_file, at),
    )
    row = cur.fetchone()
    return row[0] if row else None


def known_content(cur, delivered: DeliveredFile, sha: str) -> tuple[str, str, str] | None:
    cur.execute(
        "select batch_id, status, coalesce(error, held_reason, '') from ops.delivery"
        " where feed = %s and source_file = %s and content_sha256 = %s",
        (delivered.feed, delivered.source_file, sha),
    )
    return cur.fetchone()


def insert_delivery(cur, delivered, batch, sha, size, at, status="landing", error=None) -> None:
    cur.execute(
        "insert into ops.delivery (batch_id, feed, kind, period, scope, version,"
        " source_file, content_sha256, size_bytes, delivered_at, status, error)"
        " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            batch,
            delivered.feed,
            delivered.file_kind.kind,
            delivered.period,
            delivered.scope,
            delivered.version,
            delivered.source_file,
            sha,
            size,
            at,
            status,
            error,
        ),
    )


def record_seen(cur, delivered: DeliveredFile, sha: str, at, batch: str) -> None:
    cur.execute(
        "insert into ops.delivery_seen"
        " (feed, source_file, content_sha256, delivered_at, batch_id)"
        " values (%s, %s, %s, %s, %s) on conflict do nothing",
        (delivered.feed, delivered.source_file, sha, at, batch),
    )


def finish_delivery(cur, batch: str, status: str, rows: int, held_reason: str | None) -> None:
    cur.execute(
        "update ops.delivery set status = %s, rows_received = %s, held_reason = %s,"
        " landed_at = now() where batch_id = %s",
        (status, rows, held_reason, batch),
    )


def previous_rows(cur, delivered: DeliveredFile, batch: str) -> int | None:
    """Rows of the delivery this one would replace: the newest current one of the same kind."""
    cur.execute(
        "select rows_received from ops.delivery"
        " where feed = %s and kind = %s and scope = %s and status = 'landed' and batch_id <> %s"
        "   and (period, version) < (%s, %s) and corrects_batch is null"  # not a steward fix
        " order by period desc, version desc limit 1",
        (
            delivered.feed,
            delivered.file_kind.kind,
            delivered.scope,
            batch,
            delivered.period,
            delivered.version,
        ),
    )
    row = cur.fetchone()
    return row[0] if row else None


def record_findings(cur, delivered, batch, table_name: str, findings: list[Finding]) -> None:
    execute_values(
        cur,
        "insert into ops.landing_finding (batch_id, feed, raw_table, source_file, source_row,"
        " field, finding, detail) values %s",
        [
            (
                batch,
                delivered.feed,
                table_name,
                delivered.source_file,
                f.row,
                f.field,
                f.kind,
                f"{delivered.source_file} {f.detail}",
            )
            for f in findings
        ],
        page_size=5000,
    )


def record_unrecognised(cur, strays: list[Unrecognised]) -> None:
    for stray in strays:
        cur.execute(
            "insert into ops.unrecognised_file (source_file, folder, feed, reason, size_bytes)"
            " values (%s, %s, %s, %s, %s) on conflict (source_file) do update"
            " set reason = excluded.reason, size_bytes = excluded.size_bytes, last_seen = now()",
            (stray.source_file, stray.folder, stray.feed, stray.reason, stray.size_bytes),
        )
