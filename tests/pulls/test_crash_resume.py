"""A pull killed mid-way (SIGKILL of its process) resumes from its last committed page."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import PROJECT_ROOT
from tests.pulls.conftest import (
    TOKEN,
    assert_landed_equals_source,
    pull,
    query,
    vehicle_source,
)

pytestmark = pytest.mark.integration

CHILD = textwrap.dedent(
    """
    import sys
    from pydantic import SecretStr
    from fupin import warehouse
    from fupin.catalog import load_catalog
    from fupin.config import VehicleSource
    from fupin.pulls.runner import run_pull

    dsn, base_url, token = sys.argv[1:4]
    with warehouse.connect(dsn) as conn:
        run_pull(conn, load_catalog()["vehicle"], VehicleSource(base_url=base_url,
                 token=SecretStr(token)), page_size=20)
    """
)


def test_crash_mid_pull_then_resume(warehouse_dsn, vehicle_sim):
    vehicle_sim.delay = 0.15  # slow pages: time to kill the pull between them
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, warehouse_dsn, vehicle_sim.base_url, TOKEN],
        cwd=PROJECT_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while query(warehouse_dsn, "select count(*) from ops.pull_page")[0][0] < 3:
            assert child.poll() is None, "the pull ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.kill()
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    (interrupted, status) = query(warehouse_dsn, "select batch_id, status from ops.delivery")[0]
    assert status == "landing"  # its committed pages wait, invisible to staging
    committed = query(warehouse_dsn, "select count(*) from raw.vehicle__registration")[0][0]
    assert committed > 0

    vehicle_sim.delay = 0.0
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=20)
    assert result.error is None and result.recovered == [interrupted]
    assert result.landed == len(vehicle_sim.store) - committed
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())
    statuses = query(warehouse_dsn, "select batch_id, status, error from ops.delivery order by 1")
    assert [s for _, s, _ in statuses] == ["landed", "landed"]
    assert "interrupted" in statuses[0][2]
