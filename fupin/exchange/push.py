"""The province's push to the national system, and the reconciliation that proves both agree.

The push reads only the sync models dbt builds in schema ``exchange`` (``sync_household``,
``sync_member``, and ``sync_monitoring`` / ``sync_assistance`` once they exist), each with
``record_key, household_id, data, content_hash``. One run:

1. takes an advisory lock (one push at a time);
2. **recovers**: every batch left unanswered by an earlier run (crash, outage) is sent again with
   the same batch_id and body, so the national side applies it at most once;
3. **detects** changes: a key that is new, reappeared or whose content hash changed gets a new
   version (``exchange.record_version_seq``) and an ``upsert`` in the outbox; a key that vanished
   gets a ``delete`` (or nothing to send if the national side never held it);
4. **releases** held records: ``window_closed`` ones when ``GET /windows`` says open,
   ``unknown_household`` ones once their household has been accepted;
5. **sends** in dependency order — household upserts, then member / monitoring / assistance
   operations, then household deletes — in batches of at most 1,000 records and 5 MB, each
   recorded before it is sent and answered record by record (accepted / rejected / held).

Running it again with no change in the sync models sends nothing.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg2
import psycopg2.extensions
import psycopg2.extras

from fupin.exchange import protocol
from fupin.exchange.client import (
    NATIONAL_TZ,
    BatchAnswer,
    ExchangeClient,
    ExchangeError,
    NationalSettings,
    SequenceConflict,
)
from fupin.privacy.redact import mask_key, redact

log = logging.getLogger(__name__)

SYNC_TABLES = {
    "household": "sync_household",
    "member": "sync_member",
    "monitoring": "sync_monitoring",
    "assistance": "sync_assistance",
}
# (entity, operations) in the order they are sent: a household must be known before anything
# of it, and the records of a household must go before the household is deleted.
PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("household", ("upsert",)),
    ("member", ("upsert", "delete")),
    ("monitoring", ("upsert", "delete")),
    ("assistance", ("upsert", "delete")),
    ("household", ("delete",)),
)
HOLD_CODES = ("window_closed", "unknown_household")
OPEN_STATUSES = ("pending", "batched", "held", "rejected")
ADVISORY_LOCK = 0x66757069  # "fupi"
# Room left in a body for the sequence number to grow when a batch is renumbered.
BODY_MARGIN = 256
MAX_RENUMBERS = 3

Clock = Callable[[], dt.datetime]


@dataclass
class EntityReport:
    upserts_queued: int = 0
    deletes_queued: int = 0
    upserts_sent: int = 0
    deletes_sent: int = 0
    accepted: int = 0
    rejected: int = 0
    held: int = 0
    released: int = 0
    batches: int = 0
    retries: int = 0


@dataclass
class PushReport:
    entities: dict[str, EntityReport] = field(default_factory=dict)
    recovered_batches: int = 0
    renumbered_batches: int = 0
    window_open: bool | None = None  # None: not asked (nothing was waiting for the window)

    def __getitem__(self, entity: str) -> EntityReport:
        return self.entities.setdefault(entity, EntityReport())

    @property
    def batches(self) -> int:
        return sum(e.batches for e in self.entities.values())

    @property
    def retries(self) -> int:
        return sum(e.retries for e in self.entities.values())

    @property
    def sent(self) -> int:
        return sum(e.upserts_sent + e.deletes_sent for e in self.entities.values())

    def summary(self) -> str:
        parts = [
            f"{name}: {e.upserts_sent} upserts and {e.deletes_sent} deletes sent in {e.batches} "
            f"batches, {e.accepted} accepted, {e.rejected} rejected, {e.held} held, "
            f"{e.retries} retries"
            for name, e in self.entities.items()
            if e.batches or e.upserts_queued or e.deletes_queued or e.released
        ]
        return "; ".join(parts) or "nothing to send"


def _clock(now: dt.datetime | Clock | None) -> Clock:
    if now is None:
        return lambda: dt.datetime.now(NATIONAL_TZ)
    if callable(now):
        return now
    fixed = now if now.tzinfo else now.replace(tzinfo=NATIONAL_TZ)
    return lambda: fixed


@contextlib.contextmanager
def _session(dsn: str) -> Iterator[psycopg2.extensions.connection]:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("select pg_try_advisory_lock(%s)", (ADVISORY_LOCK,))
            if not cur.fetchone()[0]:
                raise ExchangeError("another push is running on this warehouse; try again later")
        conn.commit()
        yield conn
    finally:
        conn.close()  # also releases the advisory lock


def _sync_entities(conn) -> list[str]:
    with conn.cursor() as cur:
        cur.execute(
            "select table_name from information_schema.tables where table_schema = 'exchange' "
            "and table_name = any(%s)",
            (list(SYNC_TABLES.values()),),
        )
        present = {row[0] for row in cur.fetchall()}
    return [entity for entity, table in SYNC_TABLES.items() if table in present]


# ---------------------------------------------------------------------------------------------
def push(
    dsn: str,
    national: NationalSettings,
    *,
    now: dt.datetime | Clock | None = None,
    client: ExchangeClient | None = None,
) -> PushReport:
    """Send the province's changes to the national system; see the module docstring.

    Raises :class:`~fupin.exchange.client.ExchangeError` when it cannot go on (refused,
    unavailable): everything done so far is recorded, and the next run continues from there.
    """
    clock = _clock(now)
    own_client = client is None
    client = client or ExchangeClient(national, now=clock)
    report = PushReport()
    try:
        with _session(dsn) as conn:
            entities = _sync_entities(conn)
            if "household" not in entities:
                log.warning("exchange.sync_household does not exist yet: nothing to push")
            _recover(conn, client, report, clock)
            for entity in entities:
                _detect(conn, entity, report[entity])
            if _waiting_for_window(conn):
                window = client.windows()["household_registration"]
                report.window_open = bool(window["open"])
                if report.window_open:
                    _release(conn, report, "window_closed")
                else:
                    log.info("registration window closed (next opens %s)", window.get("next_opens"))
            for entity, ops in PHASES:
                if entity not in entities:
                    continue
                if entity != "household":
                    _release(conn, report, "unknown_household", entity)
                _send_pending(conn, client, entity, ops, report, clock)
    finally:
        if own_client:
            client.close()
    log.info("national push: %s", report.summary())
    return report


# -- 2. recovery ------------------------------------------------------------------------------
def _recover(conn, client: ExchangeClient, report: PushReport, clock: Clock) -> None:
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
        _deliver(conn, client, batch_id, entity, report, clock)
        report.recovered_batches += 1


# -- 3. change detection ----------------------------------------------------------------------
def _detect(conn, entity: str, counts: EntityReport) -> None:
    table = f"exchange.{SYNC_TABLES[entity]}"
    conn.commit()
    with conn.cursor() as cur:
        # One snapshot of the sync model for every statement below, even if dbt rebuilds it now.
        cur.execute("set transaction isolation level repeatable read")
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


# -- 4. releasing held records ----------------------------------------------------------------
def _waiting_for_window(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute(
            "select exists (select 1 from exchange.held where code = 'window_closed' "
            "and released_at is null)"
        )
        return cur.fetchone()[0]


def _release(conn, report: PushReport, code: str, entity: str | None = None) -> None:
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


# -- 5. sending -------------------------------------------------------------------------------
def encode_body(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _send_pending(
    conn,
    client: ExchangeClient,
    entity: str,
    ops: tuple[str, ...],
    report: PushReport,
    clock: Clock,
) -> None:
    while True:
        with conn.cursor() as cur:
            cur.execute(
                """
                select outbox_id, record_key, op, version, data from exchange.outbox
                where entity = %s and status = 'pending' and op = any(%s)
                order by record_key, outbox_id
                limit %s
                """,
                (entity, list(ops), protocol.MAX_RECORDS),
            )
            rows = cur.fetchall()
        if not rows:
            return
        batch_id = _prepare(conn, entity, rows, clock)
        _deliver(conn, client, batch_id, entity, report, clock)


def _prepare(conn, entity: str, rows: list[tuple], clock: Clock) -> str:
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
    size = len(encode_body(envelope)) + BODY_MARGIN
    chosen: list[tuple] = []
    for outbox_id, key, op, version, data in rows:
        record: dict[str, Any] = {"op": op, "key": key, "version": version}
        if op == "upsert":
            record["data"] = data
        record_size = len(encode_body(record)) + 1
        if chosen and size + record_size > protocol.MAX_BODY_BYTES:
            break
        if size + record_size > protocol.MAX_BODY_BYTES:
            raise ExchangeError(f"{entity} {key}: one record is larger than a batch may be")
        size += record_size
        envelope["records"].append(record)
        chosen.append((outbox_id, key, op, version))
    body = encode_body(envelope)
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into exchange.batch (batch_id, entity, sequence, record_count, body, body_sha256)
            values (%s, %s, %s, %s, %s, %s)
            """,
            (batch_id, entity, sequence, len(chosen), body, protocol.body_sha256(body)),
        )
        psycopg2.extras.execute_values(
            cur,
            """
            update exchange.outbox o set status = 'batched', batch_id = v.batch_id::uuid,
                   batch_index = v.idx, updated_at = now()
            from (values %s) as v (outbox_id, idx, batch_id) where o.outbox_id = v.outbox_id
            """,
            [(outbox_id, index, batch_id) for index, (outbox_id, *_) in enumerate(chosen)],
        )
        cur.execute(
            """
            update exchange.record_state r
            set sent_version = o.version, sent_batch_id = o.batch_id, sent_at = now()
            from exchange.outbox o
            where o.batch_id = %s and r.entity = o.entity and r.record_key = o.record_key
            """,
            (batch_id,),
        )
    conn.commit()
    return batch_id


def _deliver(
    conn, client: ExchangeClient, batch_id: str, entity: str, report: PushReport, clock: Clock
) -> None:
    """Send a recorded batch until it has an answer, then record the answer."""
    counts = report[entity]
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
        body = bytes(body)
        try:
            answer = client.send_batch(batch_id, sequence, body)
        except SequenceConflict as conflict:
            _renumber(conn, batch_id, entity, conflict)
            report.renumbered_batches += 1
            continue
        except ExchangeError as error:
            with conn.cursor() as cur:
                cur.execute(
                    "update exchange.batch set last_error = %s where batch_id = %s",
                    (str(error)[:2000], batch_id),
                )
            conn.commit()
            raise
        envelope = json.loads(body)
        for record in envelope["records"]:
            if record["op"] == "upsert":
                counts.upserts_sent += 1
            else:
                counts.deletes_sent += 1
        counts.batches += 1
        counts.retries += answer.retries
        _record_answer(conn, batch_id, entity, answer, counts)
        return
    raise ExchangeError(
        f"batch {batch_id}: the national sequence kept moving after {MAX_RENUMBERS} renumberings; "
        "is another sender using this sender id?"
    )


def _renumber(conn, batch_id: str, entity: str, conflict: SequenceConflict) -> None:
    """The national side expects another sequence and does not know this batch: give this
    batch (and any later unanswered batch of the entity) the expected numbers."""
    with conn.cursor() as cur:
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


def _record_answer(
    conn, batch_id: str, entity: str, answer: BatchAnswer, counts: EntityReport
) -> None:
    payload = answer.answer
    rejected = {int(item["index"]): item for item in payload.get("rejected", [])}
    with conn.cursor() as cur:
        cur.execute(
            "select outbox_id, record_key, household_id, version, batch_index from exchange.outbox "
            "where batch_id = %s and status = 'batched'",
            (batch_id,),
        )
        rows = cur.fetchall()
        held, refused = [], []
        for outbox_id, key, household_id, version, index in rows:
            item = rejected.get(index)
            if item is None:
                continue
            code, message = str(item.get("code")), item.get("message")
            if item.get("key") not in (None, key):
                log.warning(
                    "batch %s: rejection %d names key %s, ours is %s",
                    batch_id,
                    index,
                    mask_key(str(item.get("key"))),
                    mask_key(key),
                )
            if code in HOLD_CODES:
                held.append((outbox_id, key, household_id, version, code, message))
            else:
                refused.append((outbox_id, key, version, index, code, message))
        if held:
            psycopg2.extras.execute_values(
                cur,
                "insert into exchange.held (batch_id, outbox_id, entity, record_key, household_id,"
                " version, code, message) values %s",
                [(batch_id, o, entity, k, h, v, c, m) for o, k, h, v, c, m in held],
            )
            cur.execute(
                "update exchange.outbox set status = 'held', updated_at = now() "
                "where outbox_id = any(%s)",
                ([row[0] for row in held],),
            )
        if refused:
            psycopg2.extras.execute_values(
                cur,
                "insert into exchange.rejection (batch_id, outbox_id, entity, record_key, version,"
                " record_index, code, message) values %s",
                [(batch_id, o, entity, k, v, i, c, m) for o, k, v, i, c, m in refused],
            )
            cur.execute(
                "update exchange.outbox set status = 'rejected', updated_at = now() "
                "where outbox_id = any(%s)",
                ([row[0] for row in refused],),
            )
            for _, key, _, _, code, message in refused[:20]:
                log.warning(
                    "%s %s rejected by the national system: %s %s",
                    entity,
                    mask_key(key),
                    code,
                    redact(str(message)),
                )
        cur.execute(
            """
            with accepted as (
                update exchange.outbox set status = 'accepted', updated_at = now()
                where batch_id = %(batch)s and status = 'batched'
                returning entity, record_key, op, version, content_hash
            ), state as (
                update exchange.record_state r
                set accepted_op = a.op, accepted_version = a.version,
                    accepted_hash = a.content_hash, accepted_batch_id = %(batch)s,
                    accepted_at = now()
                from accepted a where r.entity = a.entity and r.record_key = a.record_key
                returning r.record_key
            ), resolved as (
                update exchange.rejection j set resolved_at = now(), resolved_by_batch = %(batch)s
                from accepted a
                where j.resolved_at is null and j.entity = a.entity and j.record_key = a.record_key
                returning j.rejection_id
            )
            select count(*) from accepted
            """,
            {"batch": batch_id},
        )
        accepted = cur.fetchone()[0]
        cur.execute(
            """
            insert into exchange.receipt
                (batch_id, receipt_id, http_status, accepted, rejected, answer)
            values (%s, %s, %s, %s, %s, %s)
            on conflict (batch_id) do nothing
            """,
            (
                batch_id,
                str(payload.get("receipt_id")),
                answer.status,
                int(payload.get("accepted", accepted)),
                len(rejected),
                psycopg2.extras.Json(payload),
            ),
        )
        cur.execute(
            "update exchange.batch set status = 'answered', answered_at = now(), last_error = null "
            "where batch_id = %s",
            (batch_id,),
        )
    conn.commit()
    counts.accepted += accepted
    counts.held += len(held)
    counts.rejected += len(refused)
    if accepted != payload.get("accepted", accepted):
        log.warning(
            "batch %s: national counted %s accepted, we recorded %d",
            batch_id,
            payload.get("accepted"),
            accepted,
        )


# ---------------------------------------------------------------------------------------------
@dataclass
class OutOfStep:
    key: str
    # new / changed / vanished: in the sync model but not pushed yet; otherwise the open outbox
    # operation: "pending upsert", "held upsert", "rejected upsert", "batched delete"…
    status: str
    detail: str | None = None


@dataclass
class EntityReconciliation:
    entity: str
    prefix: str | None
    expected_count: int
    expected_checksum: str
    national_count: int
    national_checksum: str
    out_of_step: list[OutOfStep] = field(default_factory=list)
    # When they differ: the 户编号 (or shorter prefixes, when the request budget ran out) under
    # which the national state differs, found by narrowing GET /state?prefix= digit by digit.
    differing: list[str] = field(default_factory=list)
    located: bool = True  # False: the budget ran out before every difference was narrowed down

    @property
    def agrees(self) -> bool:
        """The national copy is exactly what the province recorded as accepted."""
        return (self.expected_count, self.expected_checksum) == (
            self.national_count,
            self.national_checksum,
        )

    @property
    def in_step(self) -> bool:
        """…and the province has nothing left to send: the national copy equals the warehouse."""
        return self.agrees and not self.out_of_step


@dataclass
class ReconcileReport:
    entities: dict[str, EntityReconciliation] = field(default_factory=dict)

    @property
    def agrees(self) -> bool:
        return all(e.agrees for e in self.entities.values())

    @property
    def in_step(self) -> bool:
        return all(e.in_step for e in self.entities.values())

    def __getitem__(self, entity: str) -> EntityReconciliation:
        return self.entities[entity]

    def summary(self) -> str:
        lines = []
        for e in self.entities.values():
            verdict = "agrees" if e.agrees else "DIFFERS"
            lines.append(
                f"{e.entity}{f' (prefix {e.prefix})' if e.prefix else ''}: {verdict} — province "
                f"expects {e.expected_count} {e.expected_checksum[:12]}…, national has "
                f"{e.national_count} {e.national_checksum[:12]}…; {len(e.out_of_step)} records "
                "not yet in step"
            )
            if e.differing:
                more = "" if e.located else " (budget exhausted: some only narrowed to a prefix)"
                lines.append(f"  differs under: {', '.join(e.differing[:50])}{more}")
        return "\n".join(lines)


def reconcile(
    dsn: str,
    national: NationalSettings,
    prefix: str | None = None,
    *,
    client: ExchangeClient | None = None,
    max_listed: int = 1000,
    locate_budget: int = 500,
) -> ReconcileReport:
    """Compare, per entity, what the province recorded as accepted with GET /state, and list the
    records of the sync models that are not yet in step (queued, held, rejected, changed).

    Where an entity differs, up to ``locate_budget`` more GET /state requests narrow the
    difference down to the households concerned (``EntityReconciliation.differing``)."""
    own_client = client is None
    client = client or ExchangeClient(national)
    report = ReconcileReport()
    try:
        with contextlib.closing(psycopg2.connect(dsn)) as conn:
            entities = _sync_entities(conn)
            with conn.cursor() as cur:
                cur.execute("select distinct entity from exchange.record_state")
                entities += [row[0] for row in cur.fetchall() if row[0] not in entities]
            for entity in [e for e in protocol.ENTITIES if e in entities]:
                with conn.cursor() as cur:
                    cur.execute(
                        "select record_key, accepted_version from exchange.record_state "
                        "where entity = %s and accepted_op = 'upsert' and record_key like %s",
                        (entity, _like_prefix(prefix)),
                    )
                    pairs = cur.fetchall()
                count, checksum = protocol.checksum(pairs)
                national_state = client.state(entity, prefix)
                report.entities[entity] = result = EntityReconciliation(
                    entity=entity,
                    prefix=prefix,
                    expected_count=count,
                    expected_checksum=checksum,
                    national_count=int(national_state["count"]),
                    national_checksum=str(national_state["checksum"]),
                    out_of_step=_out_of_step(conn, entity, prefix, max_listed),
                )
                if not result.agrees and locate_budget > 0:
                    result.differing, result.located = _locate(
                        client, entity, pairs, prefix or "", locate_budget
                    )
            conn.rollback()
    finally:
        if own_client:
            client.close()
    return report


def _locate(
    client: ExchangeClient, entity: str, pairs: list[tuple[str, int]], prefix: str, budget: int
) -> tuple[list[str], bool]:
    """The 户编号 prefixes under which the national state differs from the expected one.

    Every key starts with the 20-digit 户编号, so the difference is narrowed digit by digit
    (ten GET /state?prefix= per level) down to whole households."""
    ordered = sorted(pairs, key=lambda pair: pair[0].encode("utf-8"))
    keys = [key for key, _ in ordered]
    remaining = budget
    found: list[str] = []
    complete = True
    stack = [prefix]  # prefixes known to differ
    while stack:
        current = stack.pop()
        if len(current) >= 20:
            found.append(current)
            continue
        if remaining < 10:
            found.append(current)
            complete = False
            continue
        for digit in "9876543210":  # pushed in reverse: popped in ascending order
            child = current + digit
            low = bisect.bisect_left(keys, child)
            high = bisect.bisect_left(keys, child + "\U0010ffff")
            expected = protocol.checksum(ordered[low:high])
            national = client.state(entity, child)
            remaining -= 1
            if (int(national["count"]), national["checksum"]) != expected:
                stack.append(child)
    return sorted(found), complete


def _like_prefix(prefix: str | None) -> str:
    escaped = (prefix or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _out_of_step(conn, entity: str, prefix: str | None, limit: int) -> list[OutOfStep]:
    sync = SYNC_TABLES[entity]
    with conn.cursor() as cur:
        cur.execute(
            "select exists (select 1 from information_schema.tables "
            "where table_schema = 'exchange' and table_name = %s)",
            (sync,),
        )
        sync_rows = (
            f"select record_key, coalesce(content_hash, md5(data::text)) as content_hash "
            f"from exchange.{sync}"
            if cur.fetchone()[0]
            else "select null::text as record_key, null::text as content_hash where false"
        )
        cur.execute(
            f"""
            with s as ({sync_rows}),
            r as (select * from exchange.record_state where entity = %(entity)s),
            cmp as (
                select coalesce(s.record_key, r.record_key) as record_key,
                       s.content_hash as sync_hash, r.content_hash as state_hash, r.present,
                       r.accepted_op, r.accepted_hash, s.record_key is not null as in_sync,
                       r.record_key is null as untracked
                from s full join r on r.record_key = s.record_key
            )
            select cmp.record_key,
                   case
                       when cmp.untracked then 'new'
                       when cmp.state_hash is distinct from cmp.sync_hash and cmp.in_sync
                           then 'changed'
                       when not cmp.in_sync and cmp.present then 'vanished'
                       else coalesce(o.status, 'unknown')
                   end as status,
                   o.op,
                   coalesce(h.code || ': ' || h.message, j.code || ': ' || j.message) as detail
            from cmp
            left join exchange.outbox o
              on o.entity = %(entity)s and o.record_key = cmp.record_key
             and o.status in ('pending', 'batched', 'held', 'rejected')
            left join lateral (select code, message from exchange.held
                               where outbox_id = o.outbox_id and released_at is null
                               order by held_id desc limit 1) h on true
            left join lateral (select code, message from exchange.rejection
                               where outbox_id = o.outbox_id
                               order by rejection_id desc limit 1) j on true
            where cmp.record_key like %(prefix)s
              and (
                  (cmp.in_sync and (cmp.accepted_op is distinct from 'upsert'
                                    or cmp.accepted_hash is distinct from cmp.sync_hash))
                  or (not cmp.in_sync and cmp.accepted_op = 'upsert')
              )
            order by cmp.record_key
            limit %(limit)s
            """,
            {"entity": entity, "prefix": _like_prefix(prefix), "limit": limit},
        )
        return [
            OutOfStep(key, f"{status} {op}" if op and status in OPEN_STATUSES else status, detail)
            for key, status, op, detail in cur.fetchall()
        ]
