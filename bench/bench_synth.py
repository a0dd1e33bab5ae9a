"""Throughput of the synthetic generator's scale mode (issue 4: >= 200k rows/s for CSV feeds).

    python bench/bench_synth.py                     # a 500k-resident county, one month
    python bench/bench_synth.py --scale province    # 88 counties, ~38M residents (minutes)
    python bench/bench_synth.py --residents 100000 --months 2 --keep /tmp/out
    python bench/bench_synth.py --registry          # with the registry workbook (XLSX)

Prints, per feed, the rows and megabytes written and the rate per CPU-second of the work done
for that feed (its lines, encoding, compression and write), then the wall-clock rate of all CSV
feeds together (workers run in parallel) and its ratio to the 200k rows/s target. The people
themselves are generated once per chunk and shared by the feeds; their cost is printed apart.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from simulation.synth.scale import generate_scale  # noqa: E402

TARGET_ROWS_PER_SECOND = 200_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("county", "province"), default="county")
    parser.add_argument("--residents", type=int, help="override the scale's resident count")
    parser.add_argument("--months", type=int, default=1, help="months ending 2026-10 (default 1)")
    parser.add_argument("--workers", type=int, help="worker processes (default: CPU count)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write here and keep the files")
    parser.add_argument(
        "--registry", action="store_true", help="also stream the county registry XLSX (slow)"
    )
    args = parser.parse_args(argv)

    start_month = 10 - (args.months - 1)
    start = f"2026-{start_month:02d}" if start_month >= 1 else "2026-01"
    out = args.keep or Path(tempfile.mkdtemp(prefix="fupin-bench-synth-"))
    try:
        report = generate_scale(
            out,
            scale=args.scale,
            start=start,
            end="2026-10",
            seed=args.seed,
            residents=args.residents,
            workers=args.workers,
            registry=args.registry,
        )
        for line in report.lines():
            print(line)
        csv_rows = sum(t.rows for name, t in report.feeds.items() if name != "registry_xlsx")
        rate = csv_rows / max(report.csv_wall_seconds, 1e-9)
        verdict = "meets" if rate >= TARGET_ROWS_PER_SECOND else "misses"
        print(f"CSV feeds {verdict} the target: {rate:,.0f} rows/s vs {TARGET_ROWS_PER_SECOND:,}")
    finally:
        if args.keep is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
