"""`make fuzz`: at least 10,000 mutated deliveries of every file feed through landing.

    python bench/fuzz_landing.py [--deliveries 10000] [--seed 1] [--dsn postgresql://...]

Generates a small province, then lands mutations of one file per file kind (byte flips,
inserted bytes, truncation, duplicated/deleted lines and XML rows) and prints the counts:
outcomes, unhandled exceptions (must be 0) and violations of rows received = rows in raw =
physical rows, or a failure naming file and row (must be 0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from fupin import warehouse  # noqa: E402
from simulation.fuzz_landing import as_json, fuzz, samples_of  # noqa: E402
from simulation.synth import generate  # noqa: E402

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dsn", default=LOCAL, help="admin DSN of the server to use")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fupin-fuzz-") as tmp:
        world = generate(
            Path(tmp) / "world", start="2026-09", end="2026-09", households_per_county=15, seed=3
        )
        samples = samples_of(world.landing_root)
        name = f"fupin_fuzz_{uuid.uuid4().hex[:8]}"
        warehouse.ensure_database(args.dsn, name)
        dsn = warehouse.with_database(args.dsn, name)
        try:
            warehouse.upgrade(dsn)
            started = time.monotonic()
            with warehouse.connect(dsn) as conn:
                report = fuzz(
                    conn,
                    Path(tmp) / "landing",
                    samples,
                    seed=args.seed,
                    deliveries=args.deliveries,
                    seconds=float("inf"),
                )
        finally:
            warehouse.drop_database(args.dsn, name)
    print(report.summary(), f"in {time.monotonic() - started:,.0f} s")
    if report.unhandled or report.violations:
        print(as_json(report))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
