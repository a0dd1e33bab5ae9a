"""The life of one batch: written with its exact body before it is sent, sent until answered
(renumbered when the national sequence moved), its answer recorded record by record.

Every function takes its own connection and commits: the sender runs one entity per thread.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from fupin.exchange import protocol
from fupin.exchange.answers import record
from fupin.exchange.client import (
    NATIONAL_TZ,
    BatchAnswer,
    ExchangeClient,
    ExchangeError,
    SequenceConflict,
)
from fupin.exchange.report import EntityReport

log = logging.getLogger(__name__)

# Room left in a body for the sequence number to grow when a batch is renumbered.
BODY_MARGIN = 256
MAX_RENUMBERS = 3

Clock = Callable[[], dt.datetime]


def make_clock(now: dt.datetime | Clock | None) -> Clock:
    """The clock of batch timestamps: the real one, a fixed time, or a callable (tests)."""
    if now is None:
        return lambda: dt.datetime.now(NATIONAL_TZ)
    if callable(now):
        return now
    fixed = now if now.tzinfo else now.replace(tzinfo=NATIONAL_TZ)
    return lambda: fixed


def encode_body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def prepare(conn, entity: str, rows: list[tuple], clock: Clock) -> str:
    """Write the batch (exact body) and mark its outbox rows, in one transaction, before sending."""
    batch_id = str(uuid.uuid4())
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into exchange.entity_sequence as q (entity, next_sequence) values (%s, 2)
            on conflict (entity) do update set next_sequence = q.next_sequence + 1
            returning q.next_sequence - 1
            """,
            (entity,),
        )
        sequence = cur.fetchone()[0]
    envelope = {
        "batch_id": batch_id,
        "entity": entity,
        "sequence": sequence,
        "created_at": clock().isoformat(timespec="seconds"),
        "records": [],
    }
    # The records are spliced into the body as text: ``data`` comes from PostgreSQL as jsonb
    # text, sent as is (parsing and re-encoding 1,000 records per batch is the push's main CPU).
    head = encode_body(envelope)  # ends with "records":[]}
    size = len(head) + BODY_MARGIN
    parts: list[bytes] = []
    chosen: list[tuple] = []
    for outbox_id, key, op, version, data in rows:
        data_part = f',"data":{data}' if op == "upsert" else ""
        part = (
            f'{{"op":"{op}","key":{json.dumps(key, ensure_ascii=False)},'
            f'"version":{int(version)}{data_part}}}'
        ).encode()
        if chosen and size + len(part) + 1 > protocol.MAX_BODY_BYTES:
            break
        if size + len(part) + 1 > protocol.MAX_BODY_BYTES:
            raise ExchangeError(
                f"{entity} {protocol.mask_key(key)}: one record is larger than a batch may be"
            )
        size += len(part) + 1
        parts.append(part)
        chosen.append((outbox_id, key, op, version))
    body = head[:-2] + b",".join(parts) + b"]}"
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into exchange.batch (batch_id, entity, sequence, record_count, body, body_sha256)
            values (%s, %s, %s, %s, %s, %s)
            """,
            (batch_id, entity, sequence, len(chosen), body, protocol.body_sha256(body)),
        )
        cur.execute(
            """
            update exchange.outbox o set status = 'batched', batch_id = %(batch)s::uuid,
                   batch_index = v.idx - 1, updated_at = now()
            from unnest(%(ids)s::bigint[]) with ordinality as v (outbox_id, idx)
            where o.outbox_id = v.outbox_id
            """,
            {"batch": batch_id, "ids": [outbox_id for outbox_id, *_ in chosen]},
        )
    conn.commit()
    return batch_id


def deliver(conn, client: ExchangeClient, batch_id: str, entity: str, counts: EntityReport) -> None:
    """Send a recorded batch until it has an answer, then record the answer."""
    record(conn, batch_id, entity, send(conn, client, batch_id, entity, counts), counts)


def send(
    conn, client: ExchangeClient, batch_id: str, entity: str, counts: EntityReport
) -> BatchAnswer:
    """Send a recorded batch until it has an answer (renumbered if the national sequence moved).

    The answer is not recorded here (:func:`record`): the sender records it on another
    connection while the next batch goes out. Until it is recorded the batch stays unanswered,
    and a run that stops in between sends it again (same batch_id: applied once)."""
    for _ in range(MAX_RENUMBERS + 1):
        with conn.cursor() as cur:
            cur.execute(
                "update exchange.batch set status = case when status = 'prepared' then 'sent' "
                "else status end, sent_at = coalesce(sent_at, now()), attempts = attempts + 1 "
                "where batch_id = %s returning sequence, body",
                (batch_id,),
            )
            sequence, body = cur.fetchone()
        conn.commit()
        try:
            answer = client.send_batch(batch_id, sequence, bytes(body))
        except SequenceConflict as conflict:
            _renumber(conn, batch_id, entity, conflict)
            counts.renumbered += 1
            continue
        except ExchangeError as error:
            with conn.cursor() as cur:
                cur.execute(
                    "update exchange.batch set last_error = %s where batch_id = %s",
                    (protocol.mask_text(error)[:2000], batch_id),
                )
            conn.commit()
            raise
        counts.batches += 1
        counts.retries += answer.retries
        return answer
    raise ExchangeError(
        f"batch {batch_id}: the national sequence kept moving after {MAX_RENUMBERS} renumberings; "
        "is another sender using this sender id?"
    )


def _renumber(conn, batch_id: str, entity: str, conflict: SequenceConflict) -> None:
    """The national side expects another sequence and does not know this batch: give this
    batch (and any later unanswered batch of the entity) the expected numbers."""
    with conn.cursor() as cur:
        # Locks the entity's counter first: a batch being prepared meanwhile (on another
        # connection) waits, then numbers itself after the renumbered ones.
        cur.execute(
            "select next_sequence from exchange.entity_sequence where entity = %s for update",
            (entity,),
        )
        cur.execute(
            "select batch_id::text, sequence, body from exchange.batch "
            "where entity = %s and status <> 'answered' and sequence >= %s order by sequence",
            (entity, conflict.sent),
        )
        batches = cur.fetchall()
        cur.execute(
            "select coalesce(max(sequence), 0) from exchange.batch "
            "where entity = %s and status = 'answered'",
            (entity,),
        )
        last_answered = cur.fetchone()[0]
        if conflict.expected <= last_answered:
            log.warning(
                "%s: the national system expects sequence %d but we recorded batches up to %d as "
                "accepted: it has lost or never received some of them; run reconcile",
                entity, conflict.expected, last_answered,
            )  # fmt: skip
        sequence = conflict.expected
        for other_id, old_sequence, body in batches:
            envelope = json.loads(bytes(body))
            envelope["sequence"] = sequence
            new_body = encode_body(envelope)
            cur.execute(
                """
                update exchange.batch set sequence = %s, body = %s, body_sha256 = %s,
                       renumbered_from = coalesce(renumbered_from, %s)
                where batch_id = %s
                """,
                (sequence, new_body, protocol.body_sha256(new_body), old_sequence, other_id),
            )
            log.warning(
                "%s: batch %s renumbered from sequence %d to %d (the national system expected "
                "%d and does not know this batch; same batch_id, records unchanged)",
                entity, other_id, old_sequence, sequence, conflict.expected,
            )  # fmt: skip
            sequence += 1
        cur.execute(
            """
            insert into exchange.entity_sequence (entity, next_sequence) values (%s, %s)
            on conflict (entity) do update set next_sequence = excluded.next_sequence
            """,
            (entity, sequence),
        )
    conn.commit()
