"""SIGKILL at several points of a large delivery; the rerun equals one clean run.

Landing runs in a subprocess (the feed task, land_feed) killed with SIGKILL while its COPY is
under way or while the landed batch is being checked. After a rerun, the raw rows, the ledger,
the quality results and the quarantine equal those of a clean run in another database.

The kill points are held, not raced: a trigger in the test's database makes the landing sleep
at the chosen row of the COPY (or at the first quality result), the test waits for that sleep,
kills the process and ends its server backend, then drops the trigger. Racing a poll against
the COPY failed on a fast CI machine, where 150k rows landed between two polls.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time

import pytest

from fupin import ids, warehouse
from fupin.catalog import load_catalog
from tests.helpers import query
from tests.landing.conftest import deliver, land

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


PAUSE = """
create function public.pause_landing() returns trigger language plpgsql
as $$ begin perform pg_sleep(3600); return null; end $$;
"""


def held(dsn: str) -> bool:
    return query(
        dsn,
        "select count(*) > 0 from pg_stat_activity"
        " where datname = current_database() and wait_event = 'PgSleep'",
    )[0][0]


def kill_when_held(dsn: str, root, name: str, trigger: str, at_point) -> None:
    """Land in a subprocess; SIGKILL it where ``trigger`` holds it, once ``at_point(dsn)``."""
    query(dsn, PAUSE + trigger)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    process = subprocess.Popen([sys.executable, "-c", LAND, dsn, str(root)], env=env)
    try:
        deadline = time.monotonic() + 600
        while not held(dsn):
            assert process.poll() is None, "landing finished without reaching the kill point"
            assert time.monotonic() < deadline, "landing never reached the kill point"
            time.sleep(0.05)
        assert at_point(dsn), f"held, but not at the kill point: {name}"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    # The server does not notice the dead client while it sleeps: end its backend, as a
    # lost connection would, then take the hold away before the rerun.
    query(
        dsn,
        "select pg_terminate_backend(pid, 60000) from pg_stat_activity"
        " where datname = current_database() and pid <> pg_backend_pid()",
    )
    query(dsn, "drop function public.pause_landing() cascade")


def at_row(row: int) -> str:
    return (
        "create trigger pause_landing before insert on raw.hukou__full for each row"
        f" when (new._source_row = {row}) execute function public.pause_landing()"
    )


AT_FIRST_RESULT = (
    "create trigger pause_landing before insert on ops.quality_result"
    " for each statement execute function public.pause_landing()"
)


def copied(dsn: str) -> int:
    return query(
        dsn,
        "select coalesce(max(tuples_processed), 0) from pg_stat_progress_copy p"
        " join pg_database d on d.oid = p.datid where d.datname = current_database()",
    )[0][0]


def landed_not_checked(dsn: str) -> bool:
    return query(
        dsn, "select count(*) > 0 from ops.delivery where status = 'landed' and checked_at is null"
    )[0][0]


def test_kill_anywhere_then_rerun_equals_one_clean_run(new_database, tmp_path):
    root = tmp_path / "landing"
    large_full(root)
    clean = new_database()
    warehouse.upgrade(clean)
    land(clean, root, "hukou")
    expected = state(clean)
    assert expected["raw"][0][0] == ROWS and expected["quarantine"]

    for name, trigger, at_point in [
        ("early in the COPY", at_row(ROWS // 5), lambda dsn: copied(dsn) >= ROWS // 10),
        ("late in the COPY", at_row(ROWS * 4 // 5), lambda dsn: copied(dsn) >= ROWS // 2),
        ("during the quality check", AT_FIRST_RESULT, landed_not_checked),
    ]:
        dsn = new_database()
        warehouse.upgrade(dsn)
        kill_when_held(dsn, root, name, trigger, at_point)
        after_kill = state(dsn)
        if name != "during the quality check":  # nothing half-landed
            assert after_kill["raw"][0][0] == 0 and after_kill["ledger"] == [], name
        land(dsn, root, "hukou")
        assert state(dsn) == expected, name
