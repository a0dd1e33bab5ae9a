"""Recording a batch's answer, record by record, in one transaction: accepted (record_state's
``accepted_*``), rejected (``exchange.rejection``) or held (``exchange.held``: window closed,
household unknown); then the receipt, and the batch marked answered."""

from __future__ import annotations

import logging

import psycopg2.extras

from fupin.exchange import protocol
from fupin.exchange.client import BatchAnswer
from fupin.exchange.report import EntityReport

log = logging.getLogger(__name__)

HOLD_CODES = ("window_closed", "unknown_household")

_ACCEPT = """
    with accepted as (
        update exchange.outbox set status = 'accepted', updated_at = now()
        where batch_id = %(batch)s and status = 'batched'
        returning entity, record_key, op, version, content_hash
    ), state as (
        -- every record of the batch was sent; those still 'batched' in this statement's
        -- snapshot are the accepted ones (held / rejected were marked before).
        update exchange.record_state r
        set sent_version = o.version, sent_batch_id = %(batch)s, sent_at = now(),
            accepted_op = case when o.status = 'batched' then o.op else r.accepted_op end,
            accepted_version = case when o.status = 'batched' then o.version
                                    else r.accepted_version end,
            accepted_hash = case when o.status = 'batched' then o.content_hash
                                 else r.accepted_hash end,
            accepted_batch_id = case when o.status = 'batched' then %(batch)s::uuid
                                     else r.accepted_batch_id end,
            accepted_at = case when o.status = 'batched' then now() else r.accepted_at end
        from exchange.outbox o
        where o.batch_id = %(batch)s and r.entity = o.entity and r.record_key = o.record_key
        returning r.record_key
    ), resolved as (
        update exchange.rejection j set resolved_at = now(), resolved_by_batch = %(batch)s
        from accepted a
        where j.resolved_at is null and j.entity = a.entity and j.record_key = a.record_key
        returning j.rejection_id
    )
    select count(*) from accepted
"""


def record(conn, batch_id: str, entity: str, answer: BatchAnswer, counts: EntityReport) -> None:
    """Record a batch's answer record by record (accepted / rejected / held), in one transaction."""
    payload = answer.answer
    rejected = {int(item["index"]): item for item in payload.get("rejected", [])}
    with conn.cursor() as cur:
        held, refused = _set_aside(cur, batch_id, entity, rejected)
        cur.execute(_ACCEPT, {"batch": batch_id})
        accepted = cur.fetchone()[0]
        cur.execute(
            "select count(*) filter (where op = 'upsert'), count(*) filter (where op = 'delete') "
            "from exchange.outbox where batch_id = %s",
            (batch_id,),
        )
        upserts, deletes = cur.fetchone()
        _close(cur, batch_id, answer, accepted, len(rejected))
    conn.commit()
    counts.upserts_sent += upserts
    counts.deletes_sent += deletes
    counts.accepted += accepted
    counts.held += held
    counts.rejected += refused
    if accepted != payload.get("accepted", accepted):
        log.warning(
            "batch %s: national counted %s accepted, we recorded %d",
            batch_id, payload.get("accepted"), accepted,
        )  # fmt: skip


def _set_aside(cur, batch_id: str, entity: str, rejected: dict[int, dict]) -> tuple[int, int]:
    """Mark the rejected records held (HOLD_CODES) or rejected; returns (held, refused)."""
    if not rejected:
        return 0, 0
    cur.execute(
        "select outbox_id, record_key, household_id, version, batch_index "
        "from exchange.outbox where batch_id = %s and batch_index = any(%s) "
        "and status = 'batched'",
        (batch_id, list(rejected)),
    )
    held, refused = [], []
    for outbox_id, key, household_id, version, index in cur.fetchall():
        item = rejected[index]
        code, message = str(item.get("code")), item.get("message")
        if item.get("key") not in (None, key):
            log.warning(
                "batch %s: rejection %d names key %s, ours is %s",
                batch_id, index, protocol.mask_key(str(item.get("key"))), protocol.mask_key(key),
            )  # fmt: skip
        if code in HOLD_CODES:
            held.append((batch_id, outbox_id, entity, key, household_id, version, code, message))
        else:
            refused.append((batch_id, outbox_id, entity, key, version, index, code, message))
    if held:
        psycopg2.extras.execute_values(
            cur,
            "insert into exchange.held (batch_id, outbox_id, entity, record_key, household_id,"
            " version, code, message) values %s",
            held,
        )
        _mark(cur, "held", [row[1] for row in held])
    if refused:
        psycopg2.extras.execute_values(
            cur,
            "insert into exchange.rejection (batch_id, outbox_id, entity, record_key, version,"
            " record_index, code, message) values %s",
            refused,
        )
        _mark(cur, "rejected", [row[1] for row in refused])
        _log_refused(entity, refused)
    return len(held), len(refused)


def _mark(cur, status: str, outbox_ids: list[int]) -> None:
    cur.execute(
        "update exchange.outbox set status = %s, updated_at = now() where outbox_id = any(%s)",
        (status, outbox_ids),
    )


def _log_refused(entity: str, refused: list[tuple]) -> None:
    """One line per batch: counts per code and one masked example (no full ID number)."""
    codes: dict[str, int] = {}
    for *_, code, _ in refused:
        codes[code] = codes.get(code, 0) + 1
    log.warning(
        "%s: %d records rejected by the national system (%s), e.g. %s: %s",
        entity,
        len(refused),
        ", ".join(f"{c} {n}" for c, n in sorted(codes.items())),
        protocol.mask_key(refused[0][3]),
        protocol.mask_text(refused[0][7]),
    )


def _close(cur, batch_id: str, answer: BatchAnswer, accepted: int, rejected: int) -> None:
    payload = answer.answer
    cur.execute(
        """
        insert into exchange.receipt (batch_id, receipt_id, http_status, accepted, rejected, answer)
        values (%s, %s, %s, %s, %s, %s)
        on conflict (batch_id) do nothing
        """,
        (
            batch_id,
            str(payload.get("receipt_id")),
            answer.status,
            int(payload.get("accepted", accepted)),
            rejected,
            psycopg2.extras.Json(payload),
        ),
    )
    cur.execute(
        "update exchange.batch set status = 'answered', answered_at = now(), last_error = null "
        "where batch_id = %s",
        (batch_id,),
    )
