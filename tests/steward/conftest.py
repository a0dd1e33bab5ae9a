"""A generated county whose hukou and payroll deliveries are landed and checked, with one
steward login per department, and helpers to use the steward page as a browser would."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from fupin import pipeline, warehouse
from fupin.config import Config
from fupin.steward.accounts import add_account
from tests.helpers import one_county, throwaway_database

FEEDS = ("hukou", "payroll")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return one_county(tmp_path_factory.mktemp("steward-world"), seed=11, households=40)


def planted(world, feed: str) -> list[dict]:
    truth = json.loads(world.ground_truth.read_text(encoding="utf-8"))
    return [c for c in truth["cases"] if c["rule"] == "quarantine" and c["feed"] == feed]


@pytest.fixture(scope="module")
def landed(world, admin_dsn):
    """hukou and payroll landed and checked as their DAGs do; stewards steward_<feed>."""
    name, dsn = throwaway_database(admin_dsn, "fupin_steward")
    try:
        warehouse.upgrade(dsn)
        config = Config(province="52", warehouse={"dsn": dsn}, landing={"root": world.landing_root})
        for feed in FEEDS:
            pipeline.land_feed(config, feed)
        with warehouse.connect(dsn) as conn:
            for feed in FEEDS:
                add_account(conn, f"steward_{feed}", feed, f"pw-{feed}-secret")
        yield SimpleNamespace(dsn=dsn, config=config, world=world)
    finally:
        warehouse.drop_database(admin_dsn, name)


def query(dsn: str, statement: str, *args) -> list[tuple]:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(statement, args)
        return cur.fetchall()


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def log_in(client, login: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf": token},
        follow_redirects=False,
    )


def quarantine_id(dsn: str, source_file: str, row: int) -> int:
    (found,) = query(
        dsn,
        "select quarantine_id from ops.quarantine where source_file = %s and source_row = %s",
        source_file,
        row,
    )
    return found[0]


def with_check_digit(id_number: str) -> str:
    """The ID number with its GB 11643 check digit recomputed (the fix a steward makes)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(id_number[:17], weights, strict=True))
    return id_number[:17] + "10X98765432"[total % 11]
