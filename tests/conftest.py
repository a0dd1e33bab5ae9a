"""Shared fixtures: every test run gets its own databases on a real PostgreSQL.

The server is the local one at 127.0.0.1:5432 (trust auth) when it answers, otherwise an
embedded pgserver started under the pytest temp folder. FUPIN_TEST_ADMIN_DSN overrides both.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

# Airflow reads its home when first imported: give every test process its own, never ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="fupin-airflow-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
# dag.test() finds a DAG's serialized version through the DAGs folder: fupin's own.
os.environ.setdefault(
    "AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parent.parent / "dags")
)

import psycopg2
import pytest

from fupin import warehouse

LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _server_answers(dsn: str) -> bool:
    try:
        psycopg2.connect(dsn, connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


@pytest.fixture(scope="session")
def admin_dsn(tmp_path_factory) -> str:
    """A superuser DSN on the test server (the maintenance database)."""
    if dsn := os.environ.get("FUPIN_TEST_ADMIN_DSN"):
        return dsn
    if _server_answers(LOCAL_SERVER):
        return LOCAL_SERVER
    return warehouse.start_embedded(tmp_path_factory.getbasetemp().parent / "embedded-pg")


@pytest.fixture
def new_database(admin_dsn):
    """Factory: a fresh, empty database for this test; dropped afterwards."""
    created: list[str] = []

    def make(prefix: str = "fupin_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        warehouse.ensure_database(admin_dsn, name)
        created.append(name)
        return warehouse.with_database(admin_dsn, name)

    yield make
    for name in created:
        warehouse.drop_database(admin_dsn, name)


@pytest.fixture
def warehouse_dsn(new_database) -> str:
    """A fresh database migrated to the newest platform schema (raw tables included)."""
    dsn = new_database()
    warehouse.upgrade(dsn)
    return dsn
