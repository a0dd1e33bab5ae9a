"""A built warehouse (two counties of one city) with real downstream logins of every role.

Built once per test process (the modules using it share an xdist group): migrate, load the
hand-made deliveries of tests/dbt/dbt_scenario.py, `dbt build` as the builder role, create the
logins, then `dbt build` again, so every test checks that the protection survived a rebuild.
Logins are cluster-wide: named uniquely per run, dropped after.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from privacy_helpers import CITY, scenario
from sqlalchemy.engine import make_url

from fupin import warehouse
from fupin.dbt_runner import run_dbt
from fupin.privacy.roles import add_user
from fupin.privacy.stages import with_role

LOGINS = {
    "county": ("county_user", scenario.COUNTY, None),
    "other_county": ("county_user", scenario.OTHER_COUNTY, None),
    "city": ("city_user", CITY, None),
    "province": ("province_user", "52", None),
    "auditor": ("auditor", "52", None),
    "steward": ("steward", "52", "payroll"),
    "app": ("app_readonly", "52", None),
}


@dataclass
class Warehouse:
    admin_dsn: str  # superuser on the test database
    dbname: str
    logins: dict[str, str]  # key -> login name
    dsns: dict[str, str]  # key -> the login's own DSN

    @contextlib.contextmanager
    def connect(self, key: str):
        """The login's own autocommit connection (each statement stands alone)."""
        conn = psycopg2.connect(self.dsns[key])
        conn.autocommit = True
        try:
            yield conn
        finally:
            conn.close()


def login_dsn(dsn: str, login: str, password: str) -> str:
    return make_url(dsn).set(username=login, password=password).render_as_string(False)


def build(dsn: str, work_dir: Path) -> None:
    """`dbt build` as the platform runs it: acting as the builder role."""
    run_dbt(
        with_role(dsn, "fupin_builder"),
        ["build", "--exclude-resource-type", "unit_test"],
        {"as_of": scenario.AS_OF},
        work_dir=work_dir,
    )


def drop_logins(admin_dsn: str, names) -> None:
    with contextlib.closing(psycopg2.connect(admin_dsn)) as conn:
        conn.autocommit = True
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f'drop role if exists "{name}"')


@pytest.fixture(scope="session")
def built(admin_dsn, tmp_path_factory) -> Warehouse:
    dbname = f"fupin_privacy_{uuid.uuid4().hex[:12]}"
    warehouse.ensure_database(admin_dsn, dbname)
    dsn = warehouse.with_database(admin_dsn, dbname)
    run = uuid.uuid4().hex[:8]
    names = {key: f"t{run}_{key}" for key in LOGINS}
    try:
        warehouse.upgrade(dsn)
        scenario.load(dsn)
        work = tmp_path_factory.mktemp("privacy_dbt")
        build(dsn, work)
        dsns = {}
        with warehouse.connect(dsn) as conn:
            for key, (role, region, department) in LOGINS.items():
                password = add_user(conn, names[key], role, region, department, "52")
                dsns[key] = login_dsn(dsn, names[key], password)
        build(dsn, work)  # the protection must survive dbt recreating the tables
        yield Warehouse(dsn, dbname, names, dsns)
    finally:
        warehouse.drop_database(admin_dsn, dbname)
        drop_logins(admin_dsn, names.values())
