"""Backfill: `airflow backfill create --dag-id warehouse` makes one run per day, each building as
of its own day (Airflow's own CLI against a real metadata database, SQLite in a temp home)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

import pendulum
import pytest

from fupin.orchestration.run_context import resolve_as_of

pytestmark = [pytest.mark.airflow]
ROOT = Path(__file__).resolve().parent.parent
AIRFLOW = ROOT / ".venv" / "bin" / "airflow"


def airflow(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
    }
    result = subprocess.run(
        [str(AIRFLOW), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-3000:])
    return result


def test_warehouse_backfill_builds_as_of_each_day(tmp_path):
    home = tmp_path / "airflow"
    airflow(home, "db", "migrate")
    airflow(home, "dags", "reserialize")
    airflow(
        home,
        "backfill",
        "create",
        "--dag-id",
        "warehouse",
        "--from-date",
        "2026-10-29T00:00:00+08:00",
        "--to-date",
        "2026-10-31T23:00:00+08:00",
    )
    with sqlite3.connect(home / "airflow.db") as db:
        runs = db.execute(
            "select logical_date, run_type from dag_run where dag_id = 'warehouse'"
        ).fetchall()
    assert {run_type for _, run_type in runs} == {"backfill"}
    as_of = sorted(
        resolve_as_of({"params": {}, "logical_date": pendulum.parse(logical)})
        for logical, _ in runs
    )
    assert as_of == [dt.date(2026, 10, 29), dt.date(2026, 10, 30), dt.date(2026, 10, 31)]
