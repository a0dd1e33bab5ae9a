"""A big batch's suite run split over several PostgreSQL connections.

One suite pass is CPU-bound in one PostgreSQL backend (docs/benchmarks.md), and PostgreSQL's
own parallel query cannot help: the statement keeps each row's prepared values and flags whole
with ``offset 0`` subqueries, which are never run below a Gather. So for a batch of at least
``PARALLEL_MIN_ROWS`` rows, ``workers`` threads each open a connection and copy out the findings
of one share of the rows (``_source_row % workers``); the checking transaction copies them into
its temporary findings table and records them as before. The shares read committed raw rows:
when a worker does not see the batch the checking transaction sees (rows landed in the same,
uncommitted transaction), the run falls back to one connection.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

from fupin import quality_sql, warehouse

PARALLEL_MIN_ROWS = 100_000
SPOOL_BYTES = 8 * 1024 * 1024  # findings beyond this go to a temporary file, not memory


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def collector(dsn: str, raw_table: str, rows: int, workers: int | None = None):
    """A ``collect`` for quality_sql.run_suite, or None where one connection is the better
    choice (a small batch, one worker)."""
    workers = workers or default_workers()
    if workers < 2 or rows < PARALLEL_MIN_ROWS:
        return None

    def collect(cur, select: str, params: dict) -> None:
        if _visible_rows(dsn, raw_table, params["batches"]) != rows:
            quality_sql.collect_here(cur, select, params)
            return
        shares = [
            cur.mogrify(f"copy ({select}) to stdout", {**params, "parts": workers, "part": part})
            for part in range(workers)
        ]
        with ThreadPoolExecutor(workers) as pool:
            spools = list(pool.map(lambda statement: _copy_out(dsn, statement), shares))
        for spool in spools:
            with spool:
                spool.seek(0)
                cur.copy_expert("copy pg_temp.fupin_finding from stdin", spool)

    return collect


def _visible_rows(dsn: str, raw_table: str, batches: list[str]) -> int:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            f"select count(*) from raw.{raw_table} where _batch_id = any(%s)",  # noqa: S608
            (batches,),
        )
        return cur.fetchone()[0]


def _copy_out(dsn: str, statement: bytes):
    """One share's findings, as COPY text in memory or, when large, a temporary file."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the caller closes it)
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert(statement.decode(), spool)
    return spool
