"""The outbox: what the push has to send, derived from the sync models and the held records.

- :func:`detect`: a key that is new, reappeared or whose content hash changed gets a new version
  (``exchange.record_version_seq``) and an ``upsert``; a key that vanished gets a ``delete`` (or
  nothing to send if the national side never held it). Open operations of those keys are
  superseded (at most one open operation per key).
- :func:`release`: held records back to ``pending`` (window open; household accepted).
"""

from __future__ import annotations

import json
import logging

from fupin.exchange.client import ExchangeError
from fupin.exchange.report import EntityReport, PushReport

log = logging.getLogger(__name__)


def detect(conn, entity: str, table: str, counts: EntityReport) -> None:
    """Queue the changes of one sync model (``table``: schema-qualified) since the last run.

    Skipped when neither the model nor the entity's record state changed since the last
    detection: the model's output token (dbt_project/macros/build_cache.sql: it changes when
    dbt builds the table from other inputs) and the record state's count and latest version
    (a repair writes new versions) are kept in ``exchange.detection``.
    """
    conn.commit()
    marker = _detection_marker(conn, entity, table)
    if marker is not None and marker == _last_detection(conn, entity):
        log.info("%s: %s unchanged since the last push: nothing to detect", entity, table)
        return
    _compare(conn, entity, table, counts)
    if marker is not None:
        # the model's token as read before the comparison: a build since is detected next time
        marker = {**marker, **_record_state_stats(conn, entity)}
    _save_detection(conn, entity, marker)


def _detection_marker(conn, entity: str, table: str) -> dict | None:
    """What the detection of ``entity`` depends on; none when the model has no output token."""
    with conn.cursor() as cur:
        cur.execute("select value::json->>'output' from ops.watermark where source = %s",
                    (f"dbt-output:{table}",))  # fmt: skip
        found = cur.fetchone()
    conn.commit()
    if found is None or found[0] is None:
        return None
    return {"model": found[0], **_record_state_stats(conn, entity)}


def _record_state_stats(conn, entity: str) -> dict:
    """The entity's record state as its row count and latest version (a repair writes new ones)."""
    with conn.cursor() as cur:
        cur.execute(
            "select count(*), max(version) from exchange.record_state where entity = %s",
            (entity,),
        )
        count, version = cur.fetchone()
    conn.commit()
    return {"states": count, "version": version}


def _last_detection(conn, entity: str) -> dict | None:
    with conn.cursor() as cur:
        cur.execute("select marker from exchange.detection where entity = %s", (entity,))
        found = cur.fetchone()
    conn.commit()
    return found[0] if found else None


def _save_detection(conn, entity: str, marker: dict | None) -> None:
    with conn.cursor() as cur:
        if marker is None:
            cur.execute("delete from exchange.detection where entity = %s", (entity,))
        else:
            cur.execute(
                "insert into exchange.detection (entity, marker) values (%s, %s)"
                " on conflict (entity) do update"
                " set marker = excluded.marker, detected_at = now()",
                (entity, json.dumps(marker)),
            )
    conn.commit()


def _compare(conn, entity: str, table: str, counts: EntityReport) -> None:
    """Queue what differs between the sync model and the record state of ``entity``."""
    with conn.cursor() as cur:
        # One snapshot of the sync model for every statement below, even if dbt rebuilds it now.
        cur.execute("set transaction isolation level repeatable read")
        # the comparison hashes every key of the model and of the record state: in memory
        cur.execute("set local work_mem = '128MB'")
        cur.execute(
            f"select record_key, count(*) from {table} group by record_key having count(*) > 1 "
            "limit 5"
        )
        if duplicates := cur.fetchall():
            raise ExchangeError(
                f"{table} has duplicate record_key values (e.g. {duplicates[0][0]}): "
                "the sync model must have one row per key"
            )
        cur.execute(
            f"""
            create temporary table _changed on commit drop as
            select s.record_key, coalesce(s.household_id, split_part(s.record_key, '|', 1))
                       as household_id, s.data,
                   coalesce(s.content_hash, md5(s.data::text)) as content_hash,
                   nextval('exchange.record_version_seq') as version
            from {table} s
            left join exchange.record_state r
              on r.entity = %(entity)s and r.record_key = s.record_key
            where r.record_key is null or not r.present
               or r.content_hash is distinct from coalesce(s.content_hash, md5(s.data::text));

            create temporary table _gone on commit drop as
            select r.record_key, r.household_id,
                   nextval('exchange.record_version_seq') as version,
                   coalesce(r.accepted_op = 'upsert', false) as national_holds_it
            from exchange.record_state r
            where r.entity = %(entity)s and r.present
              and not exists (select 1 from {table} s where s.record_key = r.record_key);

            update exchange.held h set released_at = now(), release_reason = 'superseded'
            from exchange.outbox o
            where h.outbox_id = o.outbox_id and h.released_at is null and o.entity = %(entity)s
              and o.status = 'held'
              and o.record_key in (select record_key from _changed
                                   union all select record_key from _gone);

            update exchange.outbox o set status = 'superseded', updated_at = now()
            where o.entity = %(entity)s and o.status in ('pending', 'held', 'rejected')
              and o.record_key in (select record_key from _changed
                                   union all select record_key from _gone);

            insert into exchange.record_state as r
                (entity, record_key, household_id, content_hash, version, present, changed_at)
            select %(entity)s, record_key, household_id, content_hash, version, true, now()
            from _changed
            on conflict (entity, record_key) do update
            set household_id = excluded.household_id, content_hash = excluded.content_hash,
                version = excluded.version, present = true, changed_at = excluded.changed_at;

            update exchange.record_state r
            set present = false, content_hash = null, version = g.version, changed_at = now()
            from _gone g
            where r.entity = %(entity)s and r.record_key = g.record_key;

            insert into exchange.outbox
                (entity, record_key, household_id, op, version, data, content_hash, status)
            select %(entity)s, record_key, household_id, 'upsert', version, data, content_hash,
                   'pending'
            from _changed;

            insert into exchange.outbox (entity, record_key, household_id, op, version, status)
            select %(entity)s, record_key, household_id, 'delete', version,
                   case when national_holds_it then 'pending' else 'cancelled' end
            from _gone;
            """,
            {"entity": entity},
        )
        cur.execute("select count(*) from _changed")
        counts.upserts_queued += cur.fetchone()[0]
        cur.execute("select count(*) from _gone where national_holds_it")
        counts.deletes_queued += cur.fetchone()[0]
    conn.commit()
    if counts.upserts_queued or counts.deletes_queued:
        log.info(
            "%s: %d upserts and %d deletes queued",
            entity, counts.upserts_queued, counts.deletes_queued,
        )  # fmt: skip


def waiting_for_window(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute(
            "select exists (select 1 from exchange.held where code = 'window_closed' "
            "and released_at is null)"
        )
        return cur.fetchone()[0]


def release(conn, report: PushReport, code: str, entity: str | None = None) -> None:
    """Put held records back to pending: all window_closed ones (the window is open), or the
    unknown_household ones of ``entity`` whose household the national side now holds."""
    condition = "true"
    if code == "unknown_household":
        condition = """exists (select 1 from exchange.record_state hh
                               where hh.entity = 'household' and hh.record_key = h.household_id
                                 and hh.accepted_op = 'upsert')"""
    with conn.cursor() as cur:
        cur.execute(
            f"""
            with released as (
                update exchange.held h set released_at = now(), release_reason = %(reason)s
                where h.released_at is null and h.code = %(code)s
                  and (%(entity)s::text is null or h.entity = %(entity)s) and {condition}
                returning h.outbox_id, h.entity
            ), requeued as (
                update exchange.outbox o set status = 'pending', updated_at = now()
                from released where o.outbox_id = released.outbox_id and o.status = 'held'
                returning o.entity
            )
            select entity, count(*) from requeued group by entity
            """,
            {
                "code": code,
                "entity": entity,
                "reason": "window open" if code == "window_closed" else "household accepted",
            },
        )
        for held_entity, count in cur.fetchall():
            report[held_entity].released += count
            log.info("%s: %d records held (%s) are sent again", held_entity, count, code)
    conn.commit()


def analyze(conn) -> None:
    """Fresh statistics after a large change, so that the per-batch statements use the indexes
    (without them the planner scans the whole outbox for each batch: quadratic at scale). A
    change of less than one batch is sent by one statement each: the push skips this (it
    sampled the outbox and the record state again for a daily delta of a few records)."""
    with conn.cursor() as cur:
        cur.execute("analyze exchange.outbox; analyze exchange.record_state")
    conn.commit()
