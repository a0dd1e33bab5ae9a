"""Landing: find complete deliveries, record them in the batch ledger, load them with COPY.

Rules (department-feeds.md, common conventions):
- a file is complete once its sibling ``<name>.ok`` exists; without it, it is left for later;
- the same bytes delivered again (a resend) are recorded in ``ops.delivery_seen`` and change
  nothing else;
- a correction ``_vN`` (or new bytes under the same name) supersedes the earlier batch of the
  same feed, kind, scope and period; staging reads only batches with status ``landed``;
- a file that cannot be read lands nothing and is recorded as ``failed`` with a message naming
  the file, row and field, so that the steward can deliver a correction;
- columns the catalog does not know are kept (the raw table grows a column) and reported as
  schema drift, like expected columns that are missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

import connectors
from connectors.files import DeliveryFormatError, Sheet
from fupin.catalog import Feed, FileKind, RawTable, load_catalog, raw_tables

log = logging.getLogger(__name__)

COPY_CHUNK_ROWS = 50_000
OK_SUFFIX = ".ok"


@dataclass(frozen=True)
class DeliveredFile:
    file_kind: FileKind
    path: Path
    source_file: str  # relative to the landing root, as recorded everywhere
    period: str
    scope: str
    version: int

    @property
    def feed(self) -> str:
        return self.file_kind.feed


@dataclass
class LandResult:
    source_file: str
    outcome: str  # landed | superseded | resend | unchanged | failed
    batch_id: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    drift: list[tuple[str, str, str]] = field(default_factory=list)  # (table, change, column)
    message: str = ""


def raw_table_ddl(table: RawTable) -> sql.Composed:
    columns = [sql.SQL("{} text").format(sql.Identifier(c)) for c in table.columns]
    columns += [
        sql.SQL("_batch_id text not null"),
        sql.SQL("_source_file text not null"),
        sql.SQL("_source_row integer not null"),
    ]
    return sql.SQL("create table if not exists raw.{} ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(columns)
    )


def ensure_raw_tables(conn) -> None:
    """Create every raw table of the catalog (rows as delivered: all text, plus provenance)."""
    with conn.cursor() as cur:
        for table in raw_tables():
            cur.execute(raw_table_ddl(table))
            cur.execute(
                sql.SQL("create index if not exists {} on raw.{} (_batch_id, _source_row)").format(
                    sql.Identifier(f"{table.name}_batch_ix"), sql.Identifier(table.name)
                )
            )


def discover(landing_root: Path, feed: Feed) -> tuple[list[DeliveredFile], list[str]]:
    """Complete deliveries of ``feed`` in delivery order, and the files still without ``.ok``."""
    complete: list[DeliveredFile] = []
    incomplete: list[str] = []
    folders = {file_kind.pattern.split("/", 1)[0] for file_kind in feed.files}
    for folder in sorted(folders):
        base = landing_root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if not path.is_file() or path.name.endswith(OK_SUFFIX):
                continue
            source_file = path.relative_to(landing_root).as_posix()
            for file_kind in feed.files:
                match = file_kind.regex.match(source_file)
                if not match:
                    continue
                if not path.with_name(path.name + OK_SUFFIX).exists():
                    incomplete.append(source_file)
                    break
                groups = match.groupdict()
                complete.append(
                    DeliveredFile(
                        file_kind=file_kind,
                        path=path,
                        source_file=source_file,
                        period=groups["period"],
                        scope=groups.get("scope") or "",
                        version=int(groups["version"] or 1),
                    )
                )
                break
    complete.sort(key=lambda d: (d.file_kind.kind, d.scope, d.period, d.version, d.source_file))
    return complete, incomplete


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _delivered_at(delivered: DeliveredFile) -> dt.datetime:
    ok = delivered.path.with_name(delivered.path.name + OK_SUFFIX)
    return dt.datetime.fromtimestamp(ok.stat().st_mtime, tz=dt.UTC)


def land_file(conn, delivered: DeliveredFile) -> LandResult:
    """Land one complete delivery in its own transaction (``conn`` is left committed)."""
    delivered_at = _delivered_at(delivered)
    with conn.cursor() as cur:
        # Already picked up at this .ok time: nothing was delivered again, not even a resend.
        cur.execute(
            "select d.batch_id, d.status from ops.delivery_seen s"
            " join ops.delivery d using (batch_id)"
            " where s.feed = %s and s.source_file = %s and s.delivered_at = %s",
            (delivered.feed, delivered.source_file, delivered_at),
        )
        if seen := cur.fetchone():
            return LandResult(delivered.source_file, "unchanged", seen[0])
    sha, size = file_digest(delivered.path)
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id, status, error from ops.delivery"
            " where feed = %s and source_file = %s and content_sha256 = %s",
            (delivered.feed, delivered.source_file, sha),
        )
        known = cur.fetchone()
        if known:
            known_batch, status, error = known
            _record_seen(cur, delivered, sha, delivered_at, known_batch)
            conn.commit()
            if status == "failed":  # same unreadable bytes: the steward must send a correction
                return LandResult(delivered.source_file, "failed", known_batch, message=error)
            return LandResult(delivered.source_file, "resend", known_batch, message="same bytes")

    scope = delivered.scope or "all"
    batch_id = (
        f"{delivered.feed}.{delivered.file_kind.kind}.{scope}.{delivered.period}"
        f".v{delivered.version}.{sha[:10]}"
    )
    result = LandResult(delivered.source_file, "landed", batch_id)
    ledger_row = (
        batch_id,
        delivered.feed,
        delivered.file_kind.kind,
        delivered.period,
        delivered.scope,
        delivered.version,
        delivered.source_file,
        sha,
        size,
        delivered_at,
    )
    try:
        with conn.cursor() as cur:
            cur.execute(
                "insert into ops.delivery (batch_id, feed, kind, period, scope, version,"
                " source_file, content_sha256, size_bytes, delivered_at)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                ledger_row,
            )
            for table, sheet in connectors.read_delivery(delivered.path, delivered.file_kind):
                columns = _reconcile_columns(cur, table, sheet, result)
                result.rows[table.name] = _copy_rows(
                    cur, table, columns, sheet.rows, batch_id, delivered.source_file
                )
            result.outcome = _supersede(cur, delivered, batch_id)
            cur.execute(
                "update ops.delivery set status = %s, rows_received = %s, landed_at = now()"
                " where batch_id = %s",
                (
                    "superseded" if result.outcome == "superseded" else "landed",
                    sum(result.rows.values()),
                    batch_id,
                ),
            )
            for table_name, change, column in result.drift:
                cur.execute(
                    "insert into ops.schema_drift"
                    " (batch_id, feed, kind, source_file, change, column_name)"
                    " values (%s, %s, %s, %s, %s, %s)",
                    (
                        batch_id,
                        delivered.feed,
                        delivered.file_kind.kind,
                        delivered.source_file,
                        change,
                        f"{table_name}.{column}",
                    ),
                )
        conn.commit()
    except (DeliveryFormatError, psycopg2.DataError) as error:
        conn.rollback()
        result = LandResult(delivered.source_file, "failed", batch_id, message=str(error))
        with conn.cursor() as cur:
            cur.execute(
                "insert into ops.delivery (batch_id, feed, kind, period, scope, version,"
                " source_file, content_sha256, size_bytes, delivered_at, status, error)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'failed', %s)",
                (*ledger_row, result.message),
            )
            _record_seen(cur, delivered, sha, delivered_at, batch_id)
        conn.commit()
        log.error("delivery %s failed: %s", delivered.source_file, result.message)
    return result


def _record_seen(cur, delivered: DeliveredFile, sha: str, delivered_at, batch_id: str) -> None:
    cur.execute(
        "insert into ops.delivery_seen"
        " (feed, source_file, content_sha256, delivered_at, batch_id)"
        " values (%s, %s, %s, %s, %s) on conflict do nothing",
        (delivered.feed, delivered.source_file, sha, delivered_at, batch_id),
    )


def _reconcile_columns(cur, table: RawTable, sheet: Sheet, result: LandResult) -> list[str]:
    """The raw columns to fill, in the file's order; unknown ones are added and reported."""
    expected = set(table.columns)
    delivered = list(sheet.header)
    for name in delivered:
        if name and name not in expected:
            cur.execute(
                sql.SQL("alter table raw.{} add column if not exists {} text").format(
                    sql.Identifier(table.name), sql.Identifier(name)
                )
            )
            result.drift.append((table.name, "added", name))
    result.drift.extend(
        (table.name, "missing", name) for name in table.columns if name not in delivered
    )
    return delivered


def _copy_rows(
    cur,
    table: RawTable,
    columns: list[str],
    rows: Iterable[tuple[int, list[str | None]]],
    batch_id: str,
    source_file: str,
) -> int:
    kept = [i for i, name in enumerate(columns) if name]
    target = [columns[i] for i in kept] + ["_batch_id", "_source_file", "_source_row"]
    statement = (
        sql.SQL("copy raw.{} ({}) from stdin with (format csv)")
        .format(sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, target)))
        .as_string(cur)
    )
    count = 0
    for chunk in _csv_chunks(rows, kept, batch_id, source_file):
        cur.copy_expert(statement, chunk.buffer)
        count += chunk.rows
    return count


@dataclass
class _Chunk:
    buffer: io.StringIO
    rows: int


def _csv_chunks(rows, kept, batch_id, source_file) -> Iterator[_Chunk]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row_number, values in rows:
        # COPY's csv format reads an unquoted empty field as NULL and "" as an empty string.
        writer.writerow([values[i] for i in kept] + [batch_id, source_file, row_number])
        count += 1
        if count == COPY_CHUNK_ROWS:
            buffer.seek(0)
            yield _Chunk(buffer, count)
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            count = 0
    if count:
        buffer.seek(0)
        yield _Chunk(buffer, count)


def _supersede(cur, delivered: DeliveredFile, batch_id: str) -> str:
    """Make the newest version of this period current; returns this batch's outcome."""
    cur.execute(
        "select batch_id, version from ops.delivery"
        " where feed = %s and kind = %s and scope = %s and period = %s"
        "   and status = 'landed' and batch_id <> %s",
        (delivered.feed, delivered.file_kind.kind, delivered.scope, delivered.period, batch_id),
    )
    current = cur.fetchall()
    newer = [b for b, version in current if version > delivered.version]
    if newer:  # an older version arriving late never replaces a correction
        cur.execute(
            "update ops.delivery set superseded_by = %s where batch_id = %s", (newer[0], batch_id)
        )
        return "superseded"
    for old_batch, _ in current:
        cur.execute(
            "update ops.delivery set status = 'superseded', superseded_by = %s where batch_id = %s",
            (batch_id, old_batch),
        )
    return "landed"


@dataclass
class LandingRun:
    feed: str
    results: list[LandResult]
    incomplete: list[str]

    def batches(self, *outcomes: str) -> list[str]:
        return [r.batch_id for r in self.results if r.outcome in outcomes and r.batch_id]


def land_pending(conn, landing_root: Path, feed_name: str) -> LandingRun:
    """Land every complete delivery of a feed not landed before (the feed DAG's task)."""
    feed = load_catalog()[feed_name]
    complete, incomplete = discover(landing_root, feed)
    for source_file in incomplete:
        log.info("%s: no .ok marker yet, left for a later run", source_file)
    results = [land_file(conn, delivered) for delivered in complete]
    return LandingRun(feed_name, results, incomplete)
