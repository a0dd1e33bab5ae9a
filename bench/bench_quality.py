"""Quality checks at province speed, beside the landing of the same files.

    python bench/bench_quality.py                     # 1M residents: 1M hukou rows
    python bench/bench_quality.py --small             # 50k residents, while developing
    python bench/bench_quality.py --residents 200000 --dsn postgresql://...

The scale generator writes a county's hukou full snapshot and medical month; each is landed
(``landing.land_pending``) into a fresh warehouse, then checked with its suite by
``quality.check_batches``: the set-based SQL engine on the whole batch, Great Expectations on a
10k-row batch (it is too slow for the whole file; rows/s is what is compared). Then a new daily
delta of 10k rows is checked while ``raw.hukou__full`` holds the snapshot (about 1M rows) and
again after it has grown four-fold (earlier snapshots): the ratio of the two times is the cost
of the raw table's size (target <= 1.2: the check follows the batch). Target: >= 200k rows/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from fupin import landing, quality, quality_workers, warehouse  # noqa: E402
from simulation.synth.scale import generate_scale  # noqa: E402

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"
CASES = {"hukou": "hukou/hukou_full_*.csv.gz", "medical": "medical/yibao_settle_*.csv"}
DELTA_ROWS = 10_000
REPEATS = 3  # best of: the machine is shared
DELTA_REPEATS = 10


def _feed_root(root: Path, pattern: str, into: Path) -> Path:
    """A landing root holding only the newest file of ``pattern`` (symlinked, with its .ok)."""
    (path,) = sorted(root.glob(pattern))[-1:]
    (into / path.parent.name).mkdir(parents=True)
    for file in (path, path.with_name(path.name + ".ok")):
        (into / path.parent.name / file.name).symlink_to(file)
    return into


def _columns(cur, table: str) -> str:
    cur.execute(
        "select string_agg(quote_ident(column_name), ', ' order by ordinal_position)"
        " from information_schema.columns where table_schema = 'raw' and table_name = %s"
        " and column_name not like '\\_%%'",
        (table,),
    )
    return cur.fetchone()[0]


def _copy_batch(conn, table: str, source: str, new: str, rows: int | None) -> None:
    """A new ledger batch ``new`` whose rows are (the first ``rows`` of) batch ``source``."""
    with conn.cursor() as cur:
        cur.execute(
            "insert into ops.delivery (batch_id, feed, kind, period, scope, version, source_file,"
            " content_sha256, size_bytes, status, rows_received, delivered_at, landed_at)"
            " select %s, feed, kind, period, %s, version, source_file || '#' || %s,"
            " content_sha256, size_bytes, 'landed', rows_received, delivered_at, now()"
            " from ops.delivery where batch_id = %s",
            (new, new, new, source),
        )
        columns = _columns(cur, table)
        limit = f"order by _source_row limit {int(rows)}" if rows else ""
        cur.execute(
            f"insert into raw.{table} ({columns}, _batch_id, _source_file, _source_row)"  # noqa: S608
            f" select {columns}, %s, _source_file, _source_row from raw.{table}"
            f" where _batch_id = %s {limit}",
            (new, source),
        )
    conn.commit()


def _backend_cpu(conn) -> float:
    """CPU seconds the connection's PostgreSQL backend has used (same machine: /proc)."""
    with conn.cursor() as cur:
        cur.execute("select pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _time_check(conn, dsn: str, batch: str, engine="sql", repeats=REPEATS, workers=None):
    """Best wall time of ``repeats`` checks, and their mean PostgreSQL CPU time (the machine is
    shared: CPU seconds do not grow with other people's load). The CPU time is the checking
    connection's: with ``workers`` > 1 most of the work is in other connections."""
    best, cpu_before = float("inf"), _backend_cpu(conn)
    for _ in range(repeats):
        started = time.perf_counter()
        (check,) = quality.check_batches(conn, dsn, [batch], engine=engine, workers=workers)
        best = min(best, time.perf_counter() - started)
    # The mean: CPU time is counted in 10 ms ticks, too coarse for one short run.
    cpu = (_backend_cpu(conn) - cpu_before) / repeats
    return sum(t.rows_checked for t in check.tables), best, cpu, check.rows_quarantined


def _analyze(conn, table: str) -> None:
    with conn.cursor() as cur:
        cur.execute(f"analyze raw.{table}")  # noqa: S608
    conn.commit()


def _table_rows(conn, table: str) -> int:
    with conn.cursor() as cur:
        cur.execute(f"select count(*) from raw.{table}")  # noqa: S608
        return cur.fetchone()[0]


def _line(what: str, rows: int, seconds: float, cpu: float | None = None, note: str = "") -> None:
    per_cpu = f"{rows / cpu:>12,.0f}" if cpu else f"{'':>12}"
    print(
        f"{what:<46} {rows:>10,} {seconds:>8.2f} {rows / seconds:>10,.0f} {per_cpu}  {note}",
        flush=True,
    )


def bench_feed(admin_dsn: str, feed_root: Path, feed: str, grow: bool) -> None:
    name = f"fupin_bench_quality_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(admin_dsn, name)
    dsn = warehouse.with_database(admin_dsn, name)
    try:
        warehouse.upgrade(dsn)
        with warehouse.connect(dsn) as conn:
            started = time.perf_counter()
            run = landing.land_pending(conn, feed_root, feed)
            seconds = time.perf_counter() - started
            (result,) = run.results
            assert result.outcome == "landed", result.message
            (table,) = result.rows  # the one raw table of this file kind
            _analyze(conn, table)
            _line(f"{feed}: fupin landing", sum(result.rows.values()), seconds)
            rows, seconds, _, bad = _time_check(conn, dsn, result.batch_id, repeats=1)
            _line(f"{feed}: SQL check, first (hint bits)", rows, seconds, None, f"{bad} bad")
            rows, seconds, _, bad = _time_check(conn, dsn, result.batch_id)
            workers = quality_workers.default_workers()
            _line(f"{feed}: SQL check, again, {workers} connections", rows, seconds, None)
            rows, seconds, cpu, bad = _time_check(conn, dsn, result.batch_id, workers=1)
            _line(f"{feed}: SQL check, one connection", rows, seconds, cpu, f"{bad} bad")
            _deltas(conn, dsn, table, result.batch_id, feed, grow)
    finally:
        warehouse.drop_database(admin_dsn, name)


def _deltas(conn, dsn: str, table: str, full: str, feed: str, grow: bool) -> None:
    _copy_batch(conn, table, full, "delta-1", DELTA_ROWS)
    _analyze(conn, table)
    rows, gx_seconds, cpu, _ = _time_check(conn, dsn, "delta-1", "gx", repeats=1)
    _line(f"{feed}: GX, 10k delta", rows, gx_seconds)  # GX uses its own connection
    rows, small, small_cpu, _ = _time_check(conn, dsn, "delta-1", repeats=DELTA_REPEATS)
    size = _table_rows(conn, table)
    _line(f"{feed}: SQL, 10k delta, raw table {size / 1e6:.1f}M", rows, small, small_cpu)
    print(f"{'':<46} SQL / GX on the same batch: {gx_seconds / small:.0f}x faster", flush=True)
    if not grow:
        return
    for copy in range(3):  # the raw table four times as large: earlier snapshots
        _copy_batch(conn, table, full, f"earlier-{copy}", None)
    _copy_batch(conn, table, full, "delta-2", DELTA_ROWS)
    _analyze(conn, table)
    rows, large, cpu, _ = _time_check(conn, dsn, "delta-2", repeats=DELTA_REPEATS)
    size = _table_rows(conn, table)
    _line(f"{feed}: SQL, 10k delta, raw table {size / 1e6:.1f}M", rows, large, cpu)
    cpu_ratio = f"{cpu / small_cpu:.2f}" if small_cpu else "n/a"
    print(
        f"{'':<46} 4x table / 1x table: {large / small:.2f} wall, {cpu_ratio} PostgreSQL CPU"
        " (target <= 1.2)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--small", action="store_true", help="50,000 residents")
    parser.add_argument("--dsn", default=LOCAL, help="admin DSN of the server to use")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args(argv)
    residents = 50_000 if args.small else args.residents
    with tempfile.TemporaryDirectory(prefix="fupin-bench-quality-") as tmp:
        out = args.keep or Path(tmp)
        root = out / "landing"
        if not any(root.glob(CASES["medical"])):
            generate_scale(out, scale="county", residents=residents, registry=False)
        print(f"{'what':<46} {'rows':>10} {'seconds':>8} {'rows/s':>10} {'rows/CPU-s':>12}")
        for feed, pattern in CASES.items():
            feed_root = _feed_root(root, pattern, Path(tmp) / f"only-{feed}")
            bench_feed(args.dsn, feed_root, feed, grow=feed == "hukou")
    return 0


if __name__ == "__main__":
    sys.exit(main())
