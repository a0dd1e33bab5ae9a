"""A pull's traces in the warehouse: its batch in ops.delivery, its pages, its watermark.

Every page is one transaction: the new rows (COPY into the raw tables), the page's provenance
(ops.pull_page), the batch's running totals and the feed's watermark commit together or not
at all. A pull that dies between pages leaves a batch in status ``landing`` whose committed
pages are complete: :func:`recover_interrupted` lands it at the start of the next pull.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from psycopg2 import sql

from connectors.pages import Start
from fupin.catalog import PULL_KIND, Feed, RawTable


@dataclass(frozen=True)
class Watermark:
    updated_at: dt.datetime
    updated_text: str
    last_key: str

    def start(self) -> Start:
        return Start(self.updated_at, self.last_key)


@dataclass
class Batch:
    """The ledger row of one pull, opened when its first new record is committed."""

    feed: Feed
    started: dt.datetime
    batch_id: str | None = None
    pages: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    digest: str = hashlib.sha256(b"").hexdigest()

    @property
    def source_file(self) -> str:
        return f"{self.feed.pull.endpoint} pull {self.started.isoformat(timespec='seconds')}"


def ensure_indexes(conn, feed: Feed) -> None:
    """The raw tables' key index: how a page learns which of its versions already landed."""
    with conn.cursor() as cur:
        for table in feed.tables:
            cur.execute(
                sql.SQL("create index if not exists {} on raw.{} ({})").format(
                    sql.Identifier(f"{table.name}_key_ix"),
                    sql.Identifier(table.name),
                    sql.SQL(", ").join(map(sql.Identifier, table.key_columns)),
                )
            )
    conn.commit()


def read_watermark(cur, feed: str, *, lock: bool = False) -> Watermark | None:
    cur.execute(
        "select updated_at, updated_text, last_key from ops.pull_watermark where feed = %s"
        + (" for update" if lock else ""),
        (feed,),
    )
    row = cur.fetchone()
    return Watermark(*row) if row else None


def recover_interrupted(conn, feed: Feed) -> list[str]:
    """Land the committed pages of pulls that died (batches left in status ``landing``)."""
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id from ops.delivery where feed = %s and kind = %s and status = 'landing'"
            " order by delivered_at",
            (feed.name, PULL_KIND),
        )
        batches = [row[0] for row in cur.fetchall()]
        for batch_id in batches:
            cur.execute(
                "select count(*), max(page) from ops.pull_page where batch_id = %s", (batch_id,)
            )
            pages, last = cur.fetchone()
            cur.execute(
                "update ops.delivery set status = 'landed', landed_at = now(), error = %s"
                " where batch_id = %s",
                (
                    f"pull interrupted after page {last}: its {pages} committed page(s) landed; "
                    "the next pull resumed from the watermark",
                    batch_id,
                ),
            )
    conn.commit()
    return batches


def open_batch(cur, batch: Batch) -> None:
    stamp = batch.started.strftime("%Y%m%dT%H%M%S%fZ")
    batch.batch_id = f"{batch.feed.name}.{PULL_KIND}.{stamp}"
    cur.execute(
        "insert into ops.delivery (batch_id, feed, kind, period, scope, version, source_file,"
        " content_sha256, size_bytes, delivered_at, status)"
        " values (%s, %s, %s, %s, '', 1, %s, %s, 0, %s, 'landing')",
        (
            batch.batch_id,
            batch.feed.name,
            PULL_KIND,
            batch.started.strftime("%Y%m%d"),
            batch.source_file,
            batch.digest,
            batch.started,
        ),
    )


def landed_versions(cur, table: RawTable, keys: Iterable[str]) -> set[tuple[str, str]]:
    """(key, change time) of every version of these keys already in the raw table."""
    key, updated = table.key_columns[0], table.key_columns[1]
    cur.execute(
        sql.SQL("select {}, {} from raw.{} where {} = any(%s)").format(
            sql.Identifier(key),
            sql.Identifier(updated),
            sql.Identifier(table.name),
            sql.Identifier(key),
        ),
        (sorted(set(keys)),),
    )
    return set(cur.fetchall())


def copy_rows(
    cur,
    table: RawTable,
    rows: Sequence[Sequence[str | None]],
    batch_id: str,
    source: str,
    first_row: int,
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(rows, start=first_row):
        # COPY csv reads an unquoted empty field as NULL: write None as nothing, '' as "".
        writer.writerow([*row, batch_id, source, number])
    buffer.seek(0)
    columns = [*table.columns, "_batch_id", "_source_file", "_source_row"]
    statement = sql.SQL("copy raw.{} ({}) from stdin with (format csv)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cur.copy_expert(statement.as_string(cur), buffer)


def record_page(
    cur,
    batch: Batch,
    request: str,
    rows_by_table: dict[str, list],
    records: int,
    skipped: int,
    max_updated: str | None,
    size_bytes: int,
) -> None:
    """Add a page's rows to the batch and its provenance row; update the ledger's totals."""
    main = batch.feed.tables[0].name
    first = batch.rows.get(main, 0) + 1
    for table in batch.feed.tables:
        rows = rows_by_table.get(table.name, [])
        if rows:
            copy_rows(cur, table, rows, batch.batch_id, request, batch.rows.get(table.name, 0) + 1)
        batch.rows[table.name] = batch.rows.get(table.name, 0) + len(rows)
    batch.pages += 1
    landed = len(rows_by_table.get(main, []))
    cur.execute(
        "insert into ops.pull_page (batch_id, page, request, first_row, last_row, records,"
        " landed, skipped, max_updated) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            batch.batch_id,
            batch.pages,
            request,
            first if landed else None,
            first + landed - 1 if landed else None,
            records,
            landed,
            skipped,
            max_updated,
        ),
    )
    batch.digest = hashlib.sha256(
        (batch.digest + json.dumps(rows_by_table, ensure_ascii=False)).encode("utf-8")
    ).hexdigest()
    cur.execute(
        "update ops.delivery set rows_received = %s, size_bytes = size_bytes + %s,"
        " content_sha256 = %s where batch_id = %s",
        (sum(batch.rows.values()), size_bytes, batch.digest, batch.batch_id),
    )


def advance_watermark(cur, feed: Feed, mark: Watermark, batch_id: str | None, page: int) -> None:
    """Move the feed's watermark forward to ``mark`` (never back: a backfill leaves it)."""
    current = read_watermark(cur, feed.name, lock=True)
    if current is not None and _order(current) >= _order(mark):
        return
    cur.execute(
        "insert into ops.pull_watermark (feed, updated_at, updated_text, last_key, batch_id, page)"
        " values (%s, %s, %s, %s, %s, %s) on conflict (feed) do update set"
        " updated_at = excluded.updated_at, updated_text = excluded.updated_text,"
        " last_key = excluded.last_key, batch_id = excluded.batch_id, page = excluded.page,"
        " committed_at = now()",
        (feed.name, mark.updated_at, mark.updated_text, mark.last_key, batch_id, page),
    )


def _order(mark: Watermark) -> tuple:
    key = mark.last_key
    return (mark.updated_at, (0, int(key), "") if key.isdigit() else (1, 0, key))


def finish_batch(cur, batch: Batch, error: str | None) -> None:
    cur.execute(
        "update ops.delivery set status = 'landed', landed_at = now(), error = %s"
        " where batch_id = %s",
        (error, batch.batch_id),
    )
