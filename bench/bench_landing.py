"""Landing throughput: a county's hukou full snapshot (GBK, gzip) into raw with COPY, then its
Great Expectations check, against a real PostgreSQL.

    python bench/bench_landing.py                      # 500k residents, local server
    python bench/bench_landing.py --residents 100000 --dsn postgresql://...

Prints rows, seconds and rows/s for landing and for the quality check, the peak memory of the
process (the reader streams: it should not grow with the file), and the ratio of landing to the
generator's 200k rows/s target.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from fupin import landing, quality, warehouse  # noqa: E402
from simulation.synth.scale import generate_scale  # noqa: E402

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=500_000)
    parser.add_argument("--dsn", default=LOCAL, help="admin DSN of the server to use")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as tmp:
        generate_scale(Path(tmp), scale="county", residents=args.residents, registry=False)
        root = Path(tmp) / "landing"
        for extra in ("medical", "renshe", "disability"):  # only hukou is landed here
            for path in (root / extra).glob("*"):
                path.unlink()
        name = f"fupin_bench_{uuid.uuid4().hex[:8]}"
        warehouse.ensure_database(args.dsn, name)
        dsn = warehouse.with_database(args.dsn, name)
        try:
            warehouse.upgrade(dsn)
            with warehouse.connect(dsn) as conn:
                started = time.perf_counter()
                run = landing.land_pending(conn, root, "hukou")
                landed_seconds = time.perf_counter() - started
                rows = sum(sum(r.rows.values()) for r in run.results)
                started = time.perf_counter()
                quality.check_batches(conn, dsn, run.batches("landed"))
                check_seconds = time.perf_counter() - started
        finally:
            warehouse.drop_database(args.dsn, name)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"hukou full snapshot: {rows:,} rows")
    landing_rate = rows / landed_seconds
    print(
        f"  landing (read GBK gzip + COPY): {landed_seconds:7.1f} s  {landing_rate:>10,.0f} rows/s"
        f"  ratio to 200k rows/s: {landing_rate / 200_000:.2f}"
    )
    check_rate = rows / check_seconds
    print(f"  quality check (GX suite):       {check_seconds:7.1f} s  {check_rate:>10,.0f} rows/s")
    print(f"  peak memory of this process: {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
