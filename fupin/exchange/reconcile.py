"""Reconciliation: prove that the national copy equals what the province recorded as accepted.

Per entity (optionally under a key prefix, e.g. a county code) the province computes count and
checksum over ``record_state`` where the national side accepted an upsert, exactly as the
national ``GET /state`` does, and compares. Where they differ, more ``GET /state?prefix=``
requests narrow the difference down to the households concerned. Records of the sync models not
yet in step (queued, held, rejected, changed) are listed. :mod:`fupin.exchange.repair` re-sends
what differs.
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass, field

import psycopg2

from fupin.exchange import protocol
from fupin.exchange import sync_models as sync
from fupin.exchange.client import ExchangeClient, NationalSettings

OPEN_STATUSES = ("pending", "batched", "held", "rejected")


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
    sync_models: sync.SyncModels | None = None,
) -> ReconcileReport:
    """Compare, per entity, what the province recorded as accepted with GET /state, and list the
    records of the sync models that are not yet in step (queued, held, rejected, changed).

    Where an entity differs, up to ``locate_budget`` more GET /state requests narrow the
    difference down to the households concerned (``EntityReconciliation.differing``)."""
    models = sync_models or sync.from_exposure()
    own_client = client is None
    client = client or ExchangeClient(national)
    report = ReconcileReport()
    try:
        with contextlib.closing(psycopg2.connect(dsn)) as conn:
            tables = sync.present(conn, models)
            entities = list(tables)
            with conn.cursor() as cur:
                cur.execute("select distinct entity from exchange.record_state")
                entities += [row[0] for row in cur.fetchall() if row[0] not in entities]
            for entity in [e for e in protocol.ENTITIES if e in entities]:
                with conn.cursor() as cur:
                    cur.execute(
                        "select record_key, accepted_version from exchange.record_state "
                        "where entity = %s and accepted_op = 'upsert' and record_key like %s",
                        (entity, like_prefix(prefix)),
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
                    out_of_step=_out_of_step(conn, entity, tables.get(entity), prefix, max_listed),
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


def like_prefix(prefix: str | None) -> str:
    escaped = (prefix or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _out_of_step(
    conn, entity: str, table: str | None, prefix: str | None, limit: int
) -> list[OutOfStep]:
    """``table``: the entity's sync model (schema-qualified), None when dbt has not built it."""
    sync_rows = (
        f"select record_key, coalesce(content_hash, md5(data::text)) as content_hash from {table}"
        if table
        else "select null::text as record_key, null::text as content_hash where false"
    )
    with conn.cursor() as cur:
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
            {"entity": entity, "prefix": like_prefix(prefix), "limit": limit},
        )
        return [
            OutOfStep(key, f"{status} {op}" if op and status in OPEN_STATUSES else status, detail)
            for key, status, op, detail in cur.fetchall()
        ]
