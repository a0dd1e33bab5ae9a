"""National push at scale: 100k changed records against the national simulator with 20 ms
latency per request, 20% 503, 10% connections dropped after the batch was applied, and one
simulator restart (SIGKILL, then started again on its state file) mid-run.

    python bench/bench_exchange.py                     # 100k records, local server
    python bench/bench_exchange.py --records 20000 --latency-ms 5 --dsn postgresql://...

Prints records/s of the push, its retries and batches, the peak memory of this process (the
push) and of the simulator process, and the invariants: checksums equal, every batch answered,
no batch refused for a reused batch_id, the restart survived.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

import psycopg2  # noqa: E402

from fupin import warehouse  # noqa: E402
from fupin.config import NationalConfig  # noqa: E402
from fupin.exchange import protocol  # noqa: E402
from fupin.exchange.push import push  # noqa: E402
from fupin.exchange.reconcile import reconcile  # noqa: E402
from fupin.exchange.sync_models import SyncModels  # noqa: E402
from simulation.exchange_load import (  # noqa: E402
    SimulatorProcess,
    answered_batches,
    write_sync_models,
)

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-secret-not-for-production"
SENDER = "520000"


def _batch_problems(dsn: str) -> tuple[int, int]:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select count(*) filter (where status <> 'answered'), "
                "count(*) filter (where last_error like '%batch_id_reused%') from exchange.batch"
            )
            return cur.fetchone()
    finally:
        conn.close()


def run(dsn: str, records: int, latency_ms: float, fault_rates: str, state: Path) -> int:
    load = write_sync_models(dsn, records)
    models = SyncModels.of(*protocol.ENTITIES)
    with SimulatorProcess(
        SECRET, state, sender_id=SENDER, latency_ms=latency_ms, fault_rates=fault_rates
    ) as national_process:
        national = NationalConfig(
            base_url=national_process.base_url, sender_id=SENDER, secret=SECRET
        )
        halfway = max(1, load.records // protocol.MAX_RECORDS // 2)
        watcher = national_process.restart_when(lambda: answered_batches(dsn) >= halfway)
        started = time.perf_counter()
        report = push(dsn, national, sync_models=models)
        seconds = time.perf_counter() - started
        watcher.join(timeout=120)
        check = reconcile(dsn, national, sync_models=models)
        simulator_mb = national_process.peak_mb()
    unanswered, reused = _batch_problems(dsn)
    accepted = sum(e.accepted for e in report.entities.values())
    counts = ", ".join(f"{e} {n:,}" for e, n in load.counts.items())
    push_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in (
        f"national push: {load.records:,} records ({counts})",
        f"  latency {latency_ms:g} ms per request, faults {fault_rates or 'none'}, "
        f"simulator restarts {national_process.restarts}",
        f"  push: {seconds:7.1f} s  {load.records / seconds:>8,.0f} records/s  ({accepted:,} "
        f"accepted, {report.batches} batches, {report.retries} retries, "
        f"{report.renumbered_batches} renumbered)",
        f"  checksums equal: {check.agrees}; in step: {check.in_step}; unanswered batches: "
        f"{unanswered}; refused for a reused batch_id: {reused}",
        f"  peak memory: push (this process, data generation included) {push_mb:,.0f} MB, "
        f"national simulator {simulator_mb:,.0f} MB",
    ):
        print(line, flush=True)
    ok = check.agrees and check.in_step and not unanswered and not reused
    ok = ok and national_process.restarts == 1 and accepted == load.records
    print("  invariants: " + ("hold" if ok else "BROKEN"))
    return 0 if ok else 1  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--fault-rates", default="503=0.2,drop=0.1")
    parser.add_argument("--dsn", default=LOCAL, help="admin DSN of the server to use")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # the push logs every fault at WARNING
    name = f"fupin_bench_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(args.dsn, name)
    dsn = warehouse.with_database(args.dsn, name)
    try:
        warehouse.upgrade(dsn)
        with tempfile.TemporaryDirectory(prefix="fupin-bench-") as tmp:
            return run(dsn, args.records, args.latency_ms, args.fault_rates, Path(tmp) / "n.json")
    finally:
        warehouse.drop_database(args.dsn, name)


if __name__ == "__main__":
    sys.exit(main())
