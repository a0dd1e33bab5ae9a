"""The push at scale, small: the bench's scenario (bench/bench_exchange.py) with 5k records.

The national simulator runs as its own process with 20 ms latency per request, 20% 503 and 10%
connections dropped after the batch was applied, and is killed and started again mid-run. No
timing is asserted; the invariants are: the checksums agree, every batch was answered, none
was refused for a reused batch_id, the restart happened and was survived in the same run.
"""

from __future__ import annotations

import pytest
from exchange_helpers import SECRET, SENDER

from fupin.config import NationalConfig
from fupin.exchange import protocol
from fupin.exchange.client import ExchangeClient
from fupin.exchange.push import push
from fupin.exchange.reconcile import reconcile
from fupin.exchange.sync_models import SyncModels
from simulation.exchange_load import SimulatorProcess, answered_batches, write_sync_models

pytestmark = pytest.mark.integration

ALL = SyncModels.of(*protocol.ENTITIES)


def test_push_at_scale_survives_faults_and_a_restart(warehouse_dsn, tmp_path):
    load = write_sync_models(warehouse_dsn, records=5_000)
    assert load.counts == {"household": 1000, "member": 3000, "monitoring": 500, "assistance": 500}
    with SimulatorProcess(
        SECRET, tmp_path / "national.json", sender_id=SENDER, latency_ms=20,
        fault_rates="503=0.2,drop=0.1", retry_after=1, seed=7,
    ) as national_process:  # fmt: skip
        national = NationalConfig(
            base_url=national_process.base_url, sender_id=SENDER, secret=SECRET
        )
        watcher = national_process.restart_when(lambda: answered_batches(warehouse_dsn) >= 15)
        client = ExchangeClient(national, timeout=10, max_attempts=10, max_wait=2)
        report = push(warehouse_dsn, national, client=client, sync_models=ALL, batch_records=100)
        watcher.join(timeout=60)
        assert national_process.restarts == 1
        assert report.retries > 0  # faults were met and survived
        for entity, count in load.counts.items():
            assert report[entity].accepted == count, (entity, report.summary())
            assert report[entity].rejected == report[entity].held == 0
        check = reconcile(warehouse_dsn, national, client=client, sync_models=ALL)
        assert check.in_step, check.summary()
        assert check["member"].national_count == 3000
        client.close()
    conn_rows = _query(
        warehouse_dsn,
        "select count(*) filter (where status <> 'answered'), "
        "count(*) filter (where last_error like '%%batch_id_reused%%') from exchange.batch",
    )
    assert conn_rows == [(0, 0)]


def _query(dsn: str, sql: str) -> list[tuple]:
    import psycopg2

    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()
