"""Landing throughput, side by side: fupin's landing, PostgreSQL's own COPY, pandas to_sql.

    python bench/bench_landing.py                        # ~3.9M residents: >= 1M rows each
    python bench/bench_landing.py --residents 500000 --dsn postgresql://...

Two files of the scale generator: a county's hukou full snapshot (GBK, gzip) and its medical
month (UTF-8 with BOM), each landed

- by fupin (``landing.land_pending``: ledger, header checks, drift, COPY with provenance);
- by PostgreSQL's ``COPY FROM`` of the same rows pre-converted to UTF-8 (conversion not timed)
  into an identical raw table (same columns, index and provenance defaults);
- by pandas ``read_csv`` + ``to_sql`` (SQLAlchemy, default inserts) on the first
  ``--to-sql-rows`` rows (it is too slow for the whole file: rows/s is what is compared).

Each method runs in its own process, so its peak memory (max RSS) is its own. Prints rows,
seconds, rows/s, the ratio to raw COPY and the peak memory; targets: fupin >= 0.5x raw COPY,
>= 10x to_sql, < 500 MB.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import multiprocessing
import multiprocessing.forkserver
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from fupin import landing, warehouse  # noqa: E402
from fupin.catalog import load_catalog  # noqa: E402
from fupin.landing.tables import ensure_raw_tables  # noqa: E402
from simulation.synth.scale import generate_scale  # noqa: E402

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"
CASES = {  # feed -> (file kind, glob under the landing root)
    "hukou": ("full", "hukou/hukou_full_*.csv.gz"),
    "medical": ("month", "medical/yibao_settle_*.csv"),
}


def _file_kind(feed: str):
    (file_kind,) = [f for f in load_catalog()[feed].files if f.kind == CASES[feed][0]]
    return file_kind


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fresh_database(admin_dsn: str) -> tuple[str, str]:
    name = f"fupin_bench_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(admin_dsn, name)
    dsn = warehouse.with_database(admin_dsn, name)
    warehouse.upgrade(dsn)
    return name, dsn


def run_fupin(admin_dsn: str, root: str, feed: str, queue) -> None:
    name, dsn = _fresh_database(admin_dsn)
    try:
        with warehouse.connect(dsn) as conn:
            started = time.perf_counter()
            run = landing.land_pending(conn, Path(root), feed)
            seconds = time.perf_counter() - started
        (result,) = run.results
        assert result.outcome == "landed", result.message
        queue.put((sum(result.rows.values()), seconds, _peak_mb()))
    finally:
        warehouse.drop_database(admin_dsn, name)


def run_copy(admin_dsn: str, utf8_file: str, feed: str, queue) -> None:
    name, dsn = _fresh_database(admin_dsn)
    (table,) = _file_kind(feed).tables
    try:
        with warehouse.connect(dsn) as conn, conn.cursor() as cur:
            ensure_raw_tables(conn)
            columns = ", ".join('"' + c.replace('"', '""') + '"' for c in table.columns)
            started = time.perf_counter()
            cur.execute(
                "select set_config('fupin.batch_id', 'copy', true),"
                " set_config('fupin.source_file', 'copy', true)"
            )
            with open(utf8_file, "rb") as data:
                cur.copy_expert(
                    f"copy raw.{table.name} ({columns}) from stdin with (format csv, header true)",
                    data,
                    size=1 << 20,
                )
            conn.commit()
            seconds = time.perf_counter() - started
            cur.execute(f"select count(*) from raw.{table.name}")  # noqa: S608
            queue.put((cur.fetchone()[0], seconds, _peak_mb()))
    finally:
        warehouse.drop_database(admin_dsn, name)


def run_to_sql(admin_dsn: str, path: str, feed: str, rows: int, queue) -> None:
    import pandas as pd
    import sqlalchemy as sa

    name, dsn = _fresh_database(admin_dsn)
    file_kind = _file_kind(feed)
    engine = sa.create_engine(warehouse.sqlalchemy_url(dsn))
    try:
        started = time.perf_counter()
        frame = pd.read_csv(
            path,
            dtype=str,
            encoding="gbk" if file_kind.encoding == "gbk" else "utf-8-sig",
            compression="gzip" if file_kind.compression else None,
            nrows=rows,
        )
        frame.to_sql("pandas_" + feed, engine, schema="raw", if_exists="append", index=False)
        seconds = time.perf_counter() - started
        queue.put((len(frame), seconds, _peak_mb()))
    finally:
        engine.dispose()
        warehouse.drop_database(admin_dsn, name)


def _measure(target, *args) -> tuple[int, float, float]:
    # forkserver: every method starts from the same small process, so max RSS is its own
    # (a forked or spawned child keeps its parent's high-water mark).
    context = multiprocessing.get_context("forkserver")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    while process.is_alive() or not queue.empty():
        try:
            result = queue.get(timeout=1)
        except Exception:  # queue.Empty: still working
            continue
        process.join()
        return result
    raise RuntimeError(f"{target.__name__} failed (exit code {process.exitcode})")


def _utf8_copy(path: Path, encoding: str, out: Path) -> None:
    """The same rows pre-converted to plain UTF-8 (not timed)."""
    opener = gzip.open if path.suffix == ".gz" else open
    decoder = codecs.getincrementaldecoder(
        "utf-8-sig" if encoding.startswith("utf") else encoding
    )()
    with opener(path, "rb") as raw, open(out, "wb") as target:
        while block := raw.read(1 << 20):
            target.write(decoder.decode(block).encode())
        target.write(decoder.decode(b"", final=True).encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=3_900_000)
    parser.add_argument("--to-sql-rows", type=int, default=200_000)
    parser.add_argument("--dsn", default=LOCAL, help="admin DSN of the server to use")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args(argv)
    multiprocessing.forkserver.ensure_running()  # now, while this process is still small

    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as tmp:
        out = args.keep or Path(tmp)
        root = out / "landing"
        if not any(root.glob(CASES["medical"][1])):
            generate_scale(out, scale="county", residents=args.residents, registry=False)
        print(
            f"{'file':<34} {'method':<22} {'rows':>10} {'seconds':>8} {'rows/s':>10}"
            f" {'x COPY':>7} {'peak MB':>8}"
        )
        for feed, (_, pattern) in CASES.items():
            (path,) = sorted(root.glob(pattern))[-1:]
            file_kind = _file_kind(feed)
            utf8 = Path(tmp) / f"{feed}.utf8.csv"
            _utf8_copy(path, file_kind.encoding, utf8)
            feed_root = Path(tmp) / f"only-{feed}"
            (feed_root / path.parent.name).mkdir(parents=True)
            for file in (path, path.with_name(path.name + ".ok")):
                (feed_root / path.parent.name / file.name).symlink_to(file)
            results = {
                "PostgreSQL COPY (UTF-8)": _measure(run_copy, args.dsn, str(utf8), feed),
                "fupin landing": _measure(run_fupin, args.dsn, str(feed_root), feed),
                "pandas to_sql": _measure(run_to_sql, args.dsn, str(path), feed, args.to_sql_rows),
            }
            copy_rows, copy_seconds, _ = results["PostgreSQL COPY (UTF-8)"]
            copy_rate = copy_rows / copy_seconds
            for method, (rows, seconds, peak) in results.items():
                rate = rows / seconds
                print(
                    f"{path.name:<34} {method:<22} {rows:>10,} {seconds:>8.1f} {rate:>10,.0f}"
                    f" {rate / copy_rate:>7.2f} {peak:>8,.0f}"
                )
            fupin_rate = results["fupin landing"][0] / results["fupin landing"][1]
            sql_rate = results["pandas to_sql"][0] / results["pandas to_sql"][1]
            print(f"{'':<34} fupin / to_sql: {fupin_rate / sql_rate:.1f}x", flush=True)
            utf8.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
