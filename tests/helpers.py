"""Shared by the tests that run whole cycles: a one-county world from the generator, a
throwaway database on the test server, the `fupin` command as an operator runs it, and one
statement run on a warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2

from fupin import warehouse
from simulation.synth import generate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
COUNTY = "520123"
# dbt build of the seeds and models of a selection, no tests (those of unselected models fail)
MODELS_ONLY = ["build", "--exclude-resource-type", "test", "unit_test", "--select"]


def one_county(root: Path, *, seed: int, households: int, start="2026-10", end="2026-10"):
    """The generator's deliveries of one county (Path root/…), with its planted cases."""
    return generate(
        root,
        counties=(COUNTY,),
        start=start,
        end=end,
        seed=seed,
        households_per_county=households,
    )


def landing_config(dsn: str, root: Path):
    """The configuration of a warehouse at ``dsn`` landing the files under ``root``."""
    from fupin.config import parse_config

    return parse_config(
        {"province": "52", "warehouse": {"dsn": dsn}, "landing": {"root": str(root)}}
    )


def throwaway_database(admin_dsn: str, prefix: str) -> tuple[str, str]:
    """(name, DSN) of a new empty database, unique across xdist workers; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    warehouse.ensure_database(admin_dsn, name)
    return name, warehouse.with_database(admin_dsn, name)


def run_fupin(*args: str, env: dict[str, str] | None = None, timeout: float = 1200):
    """`fupin ARGS` in a subprocess, with the configured Airflow home (AIRFLOW_HOME unset)."""
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "AIRFLOW_HOME"}
    return subprocess.run(
        [sys.executable, "-m", "fupin.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
        cwd=PROJECT_ROOT,
    )


def query(dsn: str, sql: str, *args) -> list[tuple]:
    """Run one statement on its own connection, committed; its rows (none for a command)."""
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            rows = cur.fetchall() if cur.description else []
        conn.commit()
        return rows
    finally:
        conn.close()


def recheck_with_one_more_quarantined(dsn: str, source_file: str, source_row: int) -> None:
    """What a re-check that finds one more bad row leaves in the ledger."""
    query(
        dsn,
        "insert into ops.quarantine (batch_id, feed, raw_table, source_file, source_row, field,"
        "  value, rule, reason)"
        " select batch_id, feed, 'medical__settlement', source_file, %s, '个人自付', 'x',"
        "  'test', 'planted by the test' from ops.delivery where source_file = %s;"
        " update ops.delivery set checked_at = now() where source_file = %s",
        source_row,
        source_file,
        source_file,
    )
