"""Send the outbox: entities in parallel where the protocol allows, in dependency order where not.

Sequences are counted per entity, so the batches of one entity go one after the other, but the
entities do not wait for each other, except where the national system requires it:

- household upserts go first, in one thread;
- member / monitoring / assistance operations go at the same time, each entity in its own
  thread, as far as their household is already known nationally (its upsert accepted, in an
  earlier run or by a household batch of this one); the rest waits for the household thread,
  and whatever is still unknown then is sent anyway and held as ``unknown_household``;
- household deletes go last, after the records of the household.

Each thread has its own database connection; the HTTP client keeps one session per thread.
When a thread has to stop (national system unavailable, refusal), the others stop after their
current batch and the error is raised: everything done so far is recorded.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg2

from fupin.exchange import protocol
from fupin.exchange.answers import record
from fupin.exchange.batches import Clock, prepare, send
from fupin.exchange.client import ExchangeClient
from fupin.exchange.outbox import release
from fupin.exchange.report import PushReport

log = logging.getLogger(__name__)

DEPENDENTS = tuple(e for e in protocol.ENTITIES if e != "household")
WAIT_SECONDS = 5.0  # longest wait for household progress before looking again

# Ordered by record_key alone, which is unique among pending records (outbox_open_uq): the
# scan walks outbox_pending_ix in order and stops at the limit. With outbox_id as a tiebreak
# it sorted every pending record of the entity for each batch (2.1 s a batch with 150k
# members pending, so the push grew with the square of its records; 30 ms without).
_PENDING = """
    select o.outbox_id, o.record_key, o.op, o.version, o.data::text from exchange.outbox o
    where o.entity = %(entity)s and o.status = 'pending' and o.op = %(op)s
      and (%(unconditional)s or exists (
          select 1 from exchange.record_state hh
          where hh.entity = 'household' and hh.record_key = o.household_id
            and hh.accepted_op = 'upsert'))
    order by o.record_key
    limit %(limit)s
"""


class _Lane:
    """One entity's three connections: sending, preparing the next batch, recording answers."""

    def __init__(self, dsn: str, send_conn=None) -> None:
        self._own = [psycopg2.connect(dsn) for _ in range(2 if send_conn else 3)]
        self.send = send_conn or self._own[2]
        self.ahead, self.answers = self._own[0], self._own[1]

    def close(self) -> None:
        for conn in self._own:
            conn.close()


@dataclass
class _Progress:
    """What the household thread tells the others (and the batch size all of them use)."""

    condition: threading.Condition = field(default_factory=threading.Condition)
    household_batches: int = 0
    households_done: bool = False
    stop: bool = False
    batch_records: int = protocol.MAX_RECORDS
    errors: list[BaseException] = field(default_factory=list)

    def household_batch_answered(self) -> None:
        with self.condition:
            self.household_batches += 1
            self.condition.notify_all()

    def finish_households(self) -> None:
        with self.condition:
            self.households_done = True
            self.condition.notify_all()

    def fail(self, error: BaseException) -> None:
        with self.condition:
            self.errors.append(error)
            self.stop = True
            self.households_done = True
            self.condition.notify_all()


def _pending(
    conn, entity: str, ops: tuple[str, ...], unconditional: bool, limit: int
) -> list[tuple]:
    """The next batch's rows: one operation at a time, so that the partial index
    ``outbox_pending_ix (entity, op, record_key)`` gives them in key order without a sort."""
    rows: list[tuple] = []
    with conn.cursor() as cur:
        for op in ops:
            cur.execute(
                _PENDING,
                {"entity": entity, "op": op, "unconditional": unconditional, "limit": limit},
            )
            if rows := cur.fetchall():
                break
    conn.commit()
    return rows


def _send_batches(
    lane: _Lane,
    client: ExchangeClient,
    entity: str,
    ops: tuple[str, ...],
    report: PushReport,
    clock: Clock,
    progress: _Progress,
    *,
    unconditional: bool = True,
    after_batch: Callable[[], None] | None = None,
) -> None:
    """Send the pending operations of ``entity`` until none is left (or the push stops).

    A pipeline of three connections: while one batch is on its way (network, ``Retry-After``),
    the next one is prepared and the previous answer is recorded, so the database work overlaps
    the waiting. Batches still go one at a time, in sequence order. A batch prepared or answered
    but not recorded when the push stops is unanswered in ``exchange.batch``: the next run sends
    it again first (same batch_id: the national side applies it once)."""
    counts = report[entity]

    def next_batch() -> str | None:
        rows = _pending(lane.ahead, entity, ops, unconditional, progress.batch_records)
        return prepare(lane.ahead, entity, rows, clock) if rows else None

    def record_answer(batch_id: str, answer) -> None:
        record(lane.answers, batch_id, entity, answer, counts)
        if after_batch:
            after_batch()

    recorded: list[Future] = []
    with (
        ThreadPoolExecutor(1, thread_name_prefix=f"prepare-{entity}") as preparer,
        ThreadPoolExecutor(1, thread_name_prefix=f"record-{entity}") as recorder,
    ):
        batch_id = next_batch()
        while batch_id is not None and not progress.stop:
            upcoming = preparer.submit(next_batch)
            try:
                answer = send(lane.send, client, batch_id, entity, counts)
                recorded.append(recorder.submit(record_answer, batch_id, answer))
            finally:
                batch_id = upcoming.result()
            for future in [f for f in recorded if f.done()]:
                future.result()  # a failed recording stops the lane
        for future in recorded:
            future.result()


def _dependent(
    dsn: str,
    client: ExchangeClient,
    entity: str,
    report: PushReport,
    clock: Clock,
    progress: _Progress,
) -> None:
    ops = ("upsert", "delete")
    with contextlib.closing(_Lane(dsn)) as lane:
        release(lane.send, report, "unknown_household", entity)
        while not progress.stop:
            with progress.condition:
                seen, done = progress.household_batches, progress.households_done
            _send_batches(lane, client, entity, ops, report, clock, progress, unconditional=False)
            if done:
                break
            with progress.condition:
                if progress.household_batches == seen and not progress.households_done:
                    progress.condition.wait(WAIT_SECONDS)
        if progress.stop:
            return
        # Households accepted in this run free records held earlier; the rest goes now and is
        # held as unknown_household if its household is still unknown (rejected, window).
        release(lane.send, report, "unknown_household", entity)
        _send_batches(lane, client, entity, ops, report, clock, progress)


def _household_upserts(
    lane: _Lane, client: ExchangeClient, report: PushReport, clock: Clock, progress: _Progress
) -> None:
    _send_batches(
        lane,
        client,
        "household",
        ("upsert",),
        report,
        clock,
        progress,
        after_batch=progress.household_batch_answered,
    )


def _guarded(progress: _Progress, target: Callable[..., None], *args: object) -> None:
    try:
        target(*args)
    except BaseException as error:  # noqa: BLE001 (re-raised by send_all in the caller's thread)
        progress.fail(error)


def send_all(
    dsn: str,
    conn,
    client: ExchangeClient,
    entities: Iterable[str],
    report: PushReport,
    clock: Clock,
    batch_records: int = protocol.MAX_RECORDS,
) -> None:
    """Send every pending operation of ``entities``; see the module docstring. ``conn`` is the
    push's own connection (it holds the advisory lock) and sends the household batches.
    ``batch_records``: records per batch (at most the protocol's 1,000)."""
    entities = list(entities)
    for entity in entities:
        report[entity]  # created here, before the threads share the report
    progress = _Progress(batch_records=min(batch_records, protocol.MAX_RECORDS))
    threads = [
        threading.Thread(
            target=_guarded,
            args=(progress, _dependent, dsn, client, entity, report, clock, progress),
            name=f"push-{entity}",
            daemon=True,
        )
        for entity in DEPENDENTS
        if entity in entities
    ]
    for thread in threads:
        thread.start()
    with contextlib.closing(_Lane(dsn, conn)) as lane:
        if "household" in entities:
            _guarded(progress, _household_upserts, lane, client, report, clock, progress)
        progress.finish_households()
        for thread in threads:
            thread.join()
        if progress.errors:
            raise progress.errors[0]
        if "household" in entities:
            _send_batches(lane, client, "household", ("delete",), report, clock, progress)
