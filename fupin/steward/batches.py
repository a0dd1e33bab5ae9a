"""Stewards' corrections land on the next cycle as correction batches of their own.

One batch per corrected delivery and cycle: ``<batch>.fix<n>`` in ``ops.delivery`` with the
same feed, kind, scope, period and version as the batch it corrects and ``corrects_batch``
naming it; its raw rows are the delivered rows with the corrections put in, keeping the
delivered ``_source_file`` and ``_source_row`` (the row a person finds in the file). The
quality check then runs on it like on any batch; a corrected row that passes closes the
original quarantine entries as ``fixed``, and staging reads it like any current row. A later
``_vN`` of the same period supersedes the correction batch with the batch it corrected.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from psycopg2 import sql


def _refuse_stale(cur, feed: str) -> None:
    """Pending corrections whose delivery was replaced meanwhile are refused, not landed."""
    cur.execute(
        "update ops.steward_correction c set status = 'refused', refused_reason ="
        " 'batch ' || c.batch_id || ' was superseded by ' || coalesce(d.superseded_by, '?')"
        " || ' before the correction landed'"
        " from ops.delivery d where d.batch_id = c.batch_id and c.feed = %s"
        "   and c.status = 'pending' and d.status <> 'landed'",
        (feed,),
    )


def _insert_rows(cur, raw_table: str, source: str, target: str, rows: dict) -> None:
    """Copy the corrected rows of ``source`` into batch ``target`` with the new values."""
    cur.execute(
        "select column_name from information_schema.columns"
        " where table_schema = 'raw' and table_name = %s and column_name not like '\\_%%'"
        " order by ordinal_position",
        (raw_table,),
    )
    columns = [r[0] for r in cur.fetchall()]
    for source_row, values in rows.items():
        selected = [
            sql.SQL("{}::text").format(sql.Literal(values[c])) if c in values else sql.Identifier(c)
            for c in columns
        ]
        cur.execute(
            sql.SQL(
                "insert into raw.{table} ({columns}, _batch_id, _source_file, _source_row)"
                " select {selected}, %s, _source_file, _source_row from raw.{table}"
                " where _batch_id = %s and _source_row = %s"
            ).format(
                table=sql.Identifier(raw_table),
                columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
                selected=sql.SQL(", ").join(selected),
            ),
            (target, source, source_row),
        )


def _new_batch(cur, source: str, corrections: list) -> str:
    """The correction batch's ledger row. Its landed_at is the corrected batch's: a correction
    is not a delivery, so it must not make a late feed look fresh (freshness reads landed_at)."""
    cur.execute("select count(*) from ops.delivery where corrects_batch = %s", (source,))
    batch = f"{source}.fix{cur.fetchone()[0] + 1}"
    content = json.dumps(corrections, ensure_ascii=False, default=str).encode()
    cur.execute(
        "insert into ops.delivery (batch_id, feed, kind, period, scope, version, source_file,"
        " content_sha256, size_bytes, delivered_at, status, landed_at, rows_received,"
        " corrects_batch)"
        " select %s, feed, kind, period, scope, version, source_file, %s, %s, now(), 'landed',"
        " landed_at, %s, batch_id from ops.delivery where batch_id = %s",
        (
            batch,
            hashlib.sha256(content + batch.encode()).hexdigest(),
            len(content),
            len({(c[1], c[2]) for c in corrections}),
            source,
        ),
    )
    return batch


def land_corrections(conn, feed: str) -> list[str]:
    """Land the feed's pending corrections as correction batches (committed); their ids."""
    with conn.cursor() as cur:
        cur.execute("lock table ops.steward_correction in share row exclusive mode")
        _refuse_stale(cur, feed)
        cur.execute(
            "select correction_id, batch_id, raw_table, source_row, field, new_value"
            " from ops.steward_correction where feed = %s and status = 'pending'"
            " order by batch_id, correction_id",
            (feed,),
        )
        by_batch: dict[str, list] = defaultdict(list)
        for correction_id, batch, raw_table, row, field, value in cur.fetchall():
            by_batch[batch].append((correction_id, raw_table, row, field, value))
        landed = []
        for source, corrections in by_batch.items():
            batch = _new_batch(cur, source, corrections)
            rows: dict[str, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))
            for _, raw_table, row, field, value in corrections:
                rows[raw_table][row][field] = value
            for raw_table, table_rows in rows.items():
                _insert_rows(cur, raw_table, source, batch, table_rows)
            cur.execute(
                "update ops.steward_correction set status = 'landed', landed_batch = %s"
                " where correction_id = any(%s)",
                (batch, [c[0] for c in corrections]),
            )
            landed.append(batch)
    conn.commit()
    return landed


def resolve_corrections(conn, feed: str) -> int:
    """Close as fixed the quarantine entries whose corrected row passed its check."""
    with conn.cursor() as cur:
        cur.execute(
            """
            update ops.quarantine q
               set status = 'fixed', resolved_at = now(), resolved_by_batch = c.landed_batch
              from ops.steward_correction c
              join ops.delivery d on d.batch_id = c.landed_batch
             where c.feed = %(feed)s and c.status = 'landed' and d.checked_at is not null
               and d.status = 'landed'
               and q.batch_id = c.batch_id and q.raw_table = c.raw_table
               and q.source_row = c.source_row and q.status = 'open'
               and not exists (
                   select 1 from ops.quarantine nq
                    where nq.batch_id = c.landed_batch and nq.raw_table = c.raw_table
                      and nq.source_row = c.source_row)
            """,
            {"feed": feed},
        )
        fixed = cur.rowcount
    conn.commit()
    return fixed
