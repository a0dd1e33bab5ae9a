"""``reconcile --repair``: re-send what the national copy lost, until the checksums agree.

When the national state differs from what the province recorded as accepted (for example the
national system was restored from an older copy), the push alone sends nothing: nothing changed
in the warehouse. The repair takes the households under which reconcile located the difference
and queues, for every record of them the national side was ever told about, the province's
current truth under a **fresh version** (higher than any version sent before, so the national
rule "keep the highest version" applies it): an ``upsert`` of the sync model's row, or a
``delete`` of a record the province no longer has. It sends them like a push, then reconciles
again; at most ``max_rounds`` rounds.

What it cannot repair, it reports: records the national side holds that the province never sent
(the API gives counts and checksums, not keys), and records the national side refuses or holds
(rejected, window closed).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from fupin.exchange import sync_models as sync
from fupin.exchange.batches import Clock, make_clock
from fupin.exchange.client import ExchangeClient, NationalSettings
from fupin.exchange.push import locked_session, recover
from fupin.exchange.reconcile import ReconcileReport, like_prefix, reconcile
from fupin.exchange.report import PushReport
from fupin.exchange.sender import send_all

log = logging.getLogger(__name__)


@dataclass
class RepairRound:
    number: int
    # entity -> (records queued again, the prefixes they were found under)
    resent: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    push: PushReport | None = None


@dataclass
class RepairReport:
    before: ReconcileReport
    after: ReconcileReport
    rounds: list[RepairRound] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def agrees(self) -> bool:
        return self.after.agrees

    def summary(self) -> str:
        if self.before.agrees:
            return "repair: the national copy already agrees; nothing re-sent\n" + (
                self.after.summary()
            )
        lines = ["repair: before", self.before.summary()]
        for one in self.rounds:
            for entity, (count, prefixes) in one.resent.items():
                shown = ", ".join(prefixes[:20]) + (" …" if len(prefixes) > 20 else "")
                lines.append(
                    f"round {one.number}: {entity}: {count} records re-sent with fresh versions "
                    f"under {len(prefixes)} prefixes ({shown})"
                )
            if one.push is not None:
                lines.append(f"round {one.number}: {one.push.summary()}")
        verdict = "checksums agree" if self.agrees else "STILL DIFFERS"
        lines += [f"repair: after {len(self.rounds)} rounds, {verdict}", self.after.summary()]
        if not self.agrees:
            lines.append(
                "what is left cannot be repaired by re-sending: records the national system holds "
                "that the province never sent, or records it rejects or holds (see above)"
            )
        return "\n".join(lines)


def repair(
    dsn: str,
    national: NationalSettings,
    prefix: str | None = None,
    *,
    client: ExchangeClient | None = None,
    sync_models: sync.SyncModels | None = None,
    max_rounds: int = 3,
    locate_budget: int = 500,
    now: dt.datetime | Clock | None = None,
) -> RepairReport:
    """Reconcile; where an entity differs, re-send its located records; repeat (bounded)."""
    started = time.perf_counter()
    clock = make_clock(now)
    models = sync_models or sync.from_exposure()
    own_client = client is None
    client = client or ExchangeClient(national, now=clock)
    try:
        check = before = _check(dsn, national, prefix, client, models, locate_budget)
        rounds: list[RepairRound] = []
        while not check.agrees and len(rounds) < max_rounds:
            rounds.append(one := RepairRound(len(rounds) + 1))
            one.push = _round(dsn, client, models, check, one, clock)
            check = _check(dsn, national, prefix, client, models, locate_budget)
            if not one.resent:
                break  # nothing located to re-send: another round cannot change anything
    finally:
        if own_client:
            client.close()
    report = RepairReport(before, check, rounds, time.perf_counter() - started)
    log.info("national repair: %d rounds, %s", len(rounds), "agrees" if check.agrees else "DIFFERS")
    return report


def _check(dsn, national, prefix, client, models, budget) -> ReconcileReport:
    return reconcile(dsn, national, prefix, client=client, sync_models=models, locate_budget=budget)


def _round(
    dsn: str,
    client: ExchangeClient,
    models: sync.SyncModels,
    check: ReconcileReport,
    one: RepairRound,
    clock: Clock,
) -> PushReport:
    report = PushReport()
    with locked_session(dsn) as conn:
        tables = sync.present(conn, models)
        recover(conn, client, report)  # an unanswered batch first: its sequence comes first
        for entity, result in check.entities.items():
            if result.agrees:
                continue
            prefixes = result.differing or [result.prefix or ""]
            count = requeue(conn, entity, tables.get(entity), prefixes)
            one.resent[entity] = (count, prefixes)
            report[entity].upserts_queued += count
        send_all(dsn, conn, client, [e for e in tables if e in one.resent], report, clock)
    return report


def requeue(conn, entity: str, table: str | None, prefixes: list[str]) -> int:
    """Queue, under fresh versions, every record of ``entity`` under ``prefixes`` that the
    national side was ever told about; returns how many. ``table``: the sync model or None."""
    sync_rows = (
        f"select record_key, data, coalesce(content_hash, md5(data::text)) as content_hash "
        f"from {table}"
        if table
        else "select null::text as record_key, null::jsonb as data, null::text as content_hash "
        "where false"
    )
    with conn.cursor() as cur:
        cur.execute(
            f"""
            create temporary table _repair on commit drop as
            select r.record_key, r.household_id, s.data, s.content_hash,
                   s.record_key is not null as present,
                   nextval('exchange.record_version_seq') as version
            from exchange.record_state r
            left join ({sync_rows}) s on s.record_key = r.record_key
            where r.entity = %(entity)s and r.accepted_op is not null
              and r.record_key like any(%(patterns)s);

            update exchange.held h set released_at = now(), release_reason = 'superseded'
            from exchange.outbox o
            where h.outbox_id = o.outbox_id and h.released_at is null and o.entity = %(entity)s
              and o.record_key in (select record_key from _repair);

            update exchange.outbox o set status = 'superseded', updated_at = now()
            where o.entity = %(entity)s and o.status in ('pending', 'held', 'rejected')
              and o.record_key in (select record_key from _repair);

            update exchange.record_state r
            set version = p.version, content_hash = p.content_hash, present = p.present,
                changed_at = now()
            from _repair p
            where r.entity = %(entity)s and r.record_key = p.record_key;

            insert into exchange.outbox
                (entity, record_key, household_id, op, version, data, content_hash, status)
            select %(entity)s, record_key, household_id,
                   case when present then 'upsert' else 'delete' end, version, data,
                   content_hash, 'pending'
            from _repair;
            """,
            {"entity": entity, "patterns": [like_prefix(p) for p in prefixes]},
        )
        cur.execute("select count(*) from _repair")
        count = cur.fetchone()[0]
    conn.commit()
    log.warning(
        "%s: %d records queued again with fresh versions under %d prefixes",
        entity, count, len(prefixes),
    )  # fmt: skip
    return count
