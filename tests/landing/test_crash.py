"""SIGKILL at several points of a large delivery; the rerun equals one clean run.

Landing runs in a subprocess (the feed task, land_feed) killed with SIGKILL while its COPY is
under way (seen in pg_stat_progress_copy) or while the landed batch is being checked. After a
rerun, the raw rows, the ledger, the quality results and the quarantine equal those of a clean
run in another database.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time

import pytest

from fupin import ids
from fupin.catalog import load_catalog
from tests.landing.conftest import deliver, land, query

pytestmark = pytest.mark.integration
ROWS = 150_000
HEADER = ",".join(load_catalog()["hukou"].tables[0].columns)
LAND = (
    "import sys; from pathlib import Path; from fupin import pipeline; "
    "from fupin.config import Config; "
    "pipeline.land_feed(Config(province='52', warehouse={'dsn': sys.argv[1]},"
    " landing={'root': Path(sys.argv[2])}), 'hukou')"
)


def large_full(root) -> None:
    lines = [HEADER]
    for i in range(ROWS):
        body = f"520123{1950 + i % 60}0{1 + i % 9}1{i % 10}{i % 1000:03d}"
        number = body + ids.id_check_digit(body)
        if i % 10_000 == 7:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # to quarantine
        lines.append(f"{number},人{i},1,{body[6:14]},01,H{i:07d},01,520123100201,新增,,20261001")
    data = gzip.compress(("\r\n".join(lines) + "\r\n").encode("gbk"), compresslevel=1)
    deliver(root, "hukou/hukou_full_202610.csv.gz", data)


def state(dsn: str) -> dict:
    return {
        "raw": query(
            dsn,
            "select count(*), md5(string_agg(_source_row::text || \"公民身份号码\", ','"
            " order by _source_row)) from raw.hukou__full",
        ),
        "ledger": query(
            dsn,
            "select batch_id, status, rows_received, rows_quarantined, checked_at is not null"
            " from ops.delivery order by 1",
        ),
        "quality": query(
            dsn,
            "select batch_id, expectation, column_name, success, unexpected_count"
            " from ops.quality_result order by 1, 2, 3",
        ),
        "quarantine": query(
            dsn, "select batch_id, source_row, field, rule from ops.quarantine order by 1, 2, 3"
        ),
    }


def kill_when(dsn: str, root, ready) -> None:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    process = subprocess.Popen([sys.executable, "-c", LAND, dsn, str(root)], env=env)
    try:
        deadline = time.monotonic() + 600
        while not ready():
            assert process.poll() is None, "landing finished before the kill point"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()


def copied(dsn: str, rows: int):
    return lambda: query(
        dsn,
        "select coalesce(max(tuples_processed), 0) >= %s from pg_stat_progress_copy p"
        " join pg_database d on d.oid = p.datid where d.datname = current_database()",
        rows,
    )[0][0]


def landed_not_checked(dsn: str):
    return lambda: query(
        dsn, "select count(*) > 0 from ops.delivery where status = 'landed' and checked_at is null"
    )[0][0]


def test_kill_anywhere_then_rerun_equals_one_clean_run(new_database, tmp_path):
    from fupin import warehouse

    root = tmp_path / "landing"
    large_full(root)
    clean = new_database()
    warehouse.upgrade(clean)
    land(clean, root, "hukou")
    expected = state(clean)
    assert expected["raw"][0][0] == ROWS and expected["quarantine"]

    for name, point in [
        ("early in the COPY", lambda dsn: copied(dsn, ROWS // 5)),
        ("late in the COPY", lambda dsn: copied(dsn, ROWS * 4 // 5)),
        ("during the quality check", landed_not_checked),
    ]:
        dsn = new_database()
        warehouse.upgrade(dsn)
        kill_when(dsn, root, point(dsn))
        after_kill = state(dsn)
        if name != "during the quality check":  # nothing half-landed
            assert after_kill["raw"][0][0] == 0 and after_kill["ledger"] == [], name
        land(dsn, root, "hukou")
        assert state(dsn) == expected, name
