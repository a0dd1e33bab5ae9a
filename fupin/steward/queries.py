"""What the steward's pages show, always scoped to the steward's department's feeds.

Every function takes the feeds the steward may see and puts them in the SQL itself
(``feed = any(%(feeds)s)``), so a feed, batch or row id edited into a URL or a form finds
nothing outside the department. Values are bound as parameters, never formatted into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from psycopg2 import sql

from fupin.privacy.redact import mask_id_number

# policy.md §6: phone, bank and health/disability fields are withheld; ID numbers masked.
WITHHELD_FIELD = re.compile(r"电话|手机|账号|银行|开户|健康|残疾|疾病|病种|诊断|phone|bank|health")
ID_FIELD = re.compile(r"证件号码|身份证|身份号码|id_number")
TREND_DELIVERIES = 8
ROWS_PER_GROUP = 200


@dataclass
class QuarantineGroup:
    rule: str
    field: str
    problem: str
    rows: list[dict] = field(default_factory=list)
    total: int = 0


def shown_fields(row: dict, corrected_field: str | None) -> dict:
    """A delivered row as a steward may see it: withheld fields left out, ID numbers masked,
    except the field being corrected, shown as delivered."""
    shown = {}
    for column, value in row.items():
        if column != corrected_field and value is not None:
            if WITHHELD_FIELD.search(column):
                continue
            if ID_FIELD.search(column):
                value = mask_id_number(value)
        shown[column] = value
    return shown


def records(cur) -> list[dict]:
    """The rows of the last statement as dicts by column name."""
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def feed_summaries(conn, feeds) -> list[dict]:
    """Per feed: open and awaiting rows, unacknowledged drift, failed deliveries, pending fixes."""
    with conn.cursor() as cur:
        cur.execute(
            """
            select f.feed,
                (select count(distinct (q.batch_id, q.raw_table, q.source_row))
                   from ops.quarantine q where q.feed = f.feed and q.status = 'open'),
                (select count(distinct (q.batch_id, q.raw_table, q.source_row))
                   from ops.quarantine q where q.feed = f.feed and q.status = 'open'
                    and q.awaiting_v2_at is not null),
                (select count(*) from ops.schema_drift d
                  where d.feed = f.feed and d.acknowledged_at is null),
                (select count(*) from ops.delivery d where d.feed = f.feed
                    and d.status = 'failed'),
                (select count(*) from ops.steward_correction c where c.feed = f.feed
                    and c.status = 'pending')
            from unnest(%(feeds)s::text[]) as f (feed) order by f.feed
            """,
            {"feeds": list(feeds)},
        )
        keys = ("feed", "open", "awaiting_v2", "drift", "failed", "pending_corrections")
        return [dict(zip(keys, row, strict=True)) for row in cur.fetchall()]


def data_quality(conn, feeds, per_feed: int = TREND_DELIVERIES) -> tuple[list[dict], dict]:
    """``marts.data_quality`` for the feeds (as of the last build): the last deliveries of each
    and every delivery with rejected rows (the trend), and the department's totals over all of
    them (a correction batch's rows are not counted as received twice)."""
    with conn.cursor() as cur:
        cur.execute("select to_regclass('marts.data_quality') is not null")
        if not cur.fetchone()[0]:
            return [], {}
        cur.execute(
            """
            select feed, batch_id, delivered_at, rows_received, rows_rejected, rows_fixed,
                   rows_open, corrects_batch
            from (select q.*, row_number() over (
                         partition by feed order by delivered_at desc, batch_id desc) as recent
                  from marts.data_quality q where q.feed = any(%(feeds)s)) latest
            where recent <= %(n)s or rows_rejected > 0
            order by feed, delivered_at, batch_id
            """,
            {"feeds": list(feeds), "n": per_feed},
        )
        rows = records(cur)
        cur.execute(
            "select coalesce(sum(rows_received) filter (where corrects_batch is null), 0),"
            " coalesce(sum(rows_rejected), 0), coalesce(sum(rows_fixed), 0),"
            " coalesce(sum(rows_open), 0) from marts.data_quality where feed = any(%(feeds)s)",
            {"feeds": list(feeds)},
        )
        keys = ("rows_received", "rows_rejected", "rows_fixed", "rows_open")
        totals = dict(zip(keys, cur.fetchone(), strict=True))
    return rows, totals


def quarantine_groups(conn, feeds, feed: str) -> list[QuarantineGroup]:
    """Open quarantined rows of one feed, grouped by expectation and field."""
    with conn.cursor() as cur:
        cur.execute(
            """
            select q.rule, coalesce(q.field, ''),
                   regexp_replace(q.reason, '^.*?, field [^:]*: ', ''),
                   q.quarantine_id, q.batch_id, q.source_file, q.source_row, q.value,
                   q.awaiting_v2_at is not null,
                   exists (select 1 from ops.steward_correction c
                            where c.quarantine_id = q.quarantine_id and c.status = 'pending')
            from ops.quarantine q
            where q.feed = %(feed)s and q.feed = any(%(feeds)s) and q.status = 'open'
            order by 1, 2, 3, q.source_file, q.source_row
            """,
            {"feed": feed, "feeds": list(feeds)},
        )
        groups: dict[tuple, QuarantineGroup] = {}
        for rule, fld, problem, qid, batch, file, row, value, awaiting, pending in cur:
            group = groups.setdefault((rule, fld, problem), QuarantineGroup(rule, fld, problem))
            group.total += 1
            if len(group.rows) < ROWS_PER_GROUP:
                group.rows.append(
                    {
                        "quarantine_id": qid,
                        "batch_id": batch,
                        "source_file": file,
                        "source_row": row,
                        "value": value,
                        "awaiting_v2": awaiting,
                        "correction_pending": pending,
                    }
                )
    return list(groups.values())


def quarantined_row(conn, feeds, quarantine_id: int) -> dict | None:
    """One open quarantine entry of the department, with its raw row as the steward may see it."""
    with conn.cursor() as cur:
        cur.execute(
            "select q.quarantine_id, q.feed, q.raw_table, q.batch_id, q.source_file,"
            " q.source_row, q.field, q.value, q.rule,"
            " regexp_replace(q.reason, '^.*?, field [^:]*: ', '') as problem, q.status,"
            " d.status as batch_status, d.superseded_by"
            " from ops.quarantine q join ops.delivery d on d.batch_id = q.batch_id"
            " where q.quarantine_id = %(id)s and q.feed = any(%(feeds)s)",
            {"id": quarantine_id, "feeds": list(feeds)},
        )
        found = records(cur)
        if not found:
            return None
        entry = found[0]
        entry["row"] = raw_row(cur, entry["raw_table"], entry["batch_id"], entry["source_row"])
    entry["shown"] = shown_fields(entry.pop("row"), entry["field"])
    return entry


def raw_row(cur, raw_table: str, batch_id: str, source_row: int) -> dict:
    """The delivered row (provenance columns left out); raw_table comes from ops, not a form."""
    cur.execute(
        sql.SQL("select * from raw.{} where _batch_id = %s and _source_row = %s").format(
            sql.Identifier(raw_table)
        ),
        (batch_id, source_row),
    )
    found = cur.fetchone()
    names = [c.name for c in cur.description]
    if found is None:
        return {}
    return {n: v for n, v in zip(names, found, strict=True) if not n.startswith("_")}


def drift_events(conn, feeds) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute(
            "select drift_id, feed, batch_id, source_file, change, column_name, detected_at,"
            " acknowledged_at, acknowledged_by from ops.schema_drift"
            " where feed = any(%(feeds)s) order by acknowledged_at is not null, detected_at desc"
            " limit 100",
            {"feeds": list(feeds)},
        )
        return records(cur)


def failed_deliveries(conn, feeds) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute(
            "select feed, batch_id, source_file, delivered_at, coalesce(error, held_reason)"
            " as message, status from ops.delivery"
            " where feed = any(%(feeds)s) and status in ('failed', 'held')"
            " order by delivered_at desc limit 100",
            {"feeds": list(feeds)},
        )
        return records(cur)


def recent_batches(conn, feeds, feed: str, limit: int = 20) -> list[dict]:
    """The feed's latest checked batches (each links to its validation results)."""
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id, source_file, status, delivered_at, checked_at, rows_received,"
            " rows_quarantined, corrects_batch from ops.delivery"
            " where feed = %(feed)s and feed = any(%(feeds)s) and checked_at is not null"
            " order by delivered_at desc, batch_id desc limit %(limit)s",
            {"feed": feed, "feeds": list(feeds), "limit": limit},
        )
        return records(cur)


def validation_run(conn, feeds, batch_id: str) -> dict | None:
    """One batch's stored validation results (``ops.quality_result``), for its results page."""
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id, feed, source_file, status, delivered_at, checked_at,"
            " rows_received, rows_quarantined, corrects_batch from ops.delivery"
            " where batch_id = %(batch)s and feed = any(%(feeds)s)",
            {"batch": batch_id, "feeds": list(feeds)},
        )
        found = records(cur)
        if not found:
            return None
        run = found[0]
        cur.execute(
            "select raw_table, suite, expectation, column_name, success, unexpected_count,"
            " element_count, details->>'reason' as reason, details->'kwargs' as kwargs"
            " from ops.quality_result where batch_id = %s order by raw_table, result_id",
            (batch_id,),
        )
        run["results"] = records(cur)
    return run
