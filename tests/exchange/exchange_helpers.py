"""Helpers for the exchange tests: synthetic keys and records, and the dbt sync tables."""

from __future__ import annotations

import datetime as dt
import json

import psycopg2

from fupin.ids import id_check_digit
from simulation.national import FaultPlan

SECRET = "test-secret-not-for-production"
SENDER = "520000"
VILLAGE = "520123100201"


def household_id(n: int, village: str = VILLAGE) -> str:
    return f"{village}{n:08d}"


def id_number(n: int, birth: str = "19800101") -> str:
    body = f"520201{birth}{n:03d}"  # a division code python-stdnum knows
    return body + id_check_digit(body)


def mkey(hid: str, number: str) -> str:
    """A member's key in the sync models and the national records."""
    return f"{hid}|{number}"


def seed(sync, households: int = 3, members: int = 2) -> None:
    """Households with members in the sync models (the first member the head)."""
    for h in range(1, households + 1):
        hid = household_id(h)
        sync.household(hid)
        for m in range(1, members + 1):
            sync.member(hid, id_number(h * 10 + m), relation="户主" if m == 1 else "子")


def household_data(hid: str, **changes) -> dict:
    return {
        "household_id": hid,
        "village_code": hid[:12],
        "attribute": "一般贫困户",
        "main_cause": "因病",
        "size": 3,
        "poverty_status": "已脱贫",
        "exit_year": 2019,
    } | changes


def member_data(hid: str, number: str, **changes) -> dict:
    return {
        "household_id": hid,
        "id_number": number,
        "name": "张三",
        "relation": "户主",
        "sex": "1",
        "health": "健康",
    } | changes


def faults(*kinds: str | None, slow_seconds: float = 1.0) -> FaultPlan:
    return FaultPlan(list(kinds), retry_after=7, slow_seconds=slow_seconds)


class Sync:
    """The dbt sync models, written by hand with exactly dbt's columns."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute(
                """
                create table exchange.sync_household (
                    record_key text, household_id text, data jsonb, content_hash text);
                create table exchange.sync_member (
                    record_key text, household_id text, id_number text, data jsonb,
                    content_hash text);
                """
            )
        conn.close()

    def _execute(self, sql: str, params: tuple) -> None:
        conn = psycopg2.connect(self.dsn)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(sql, params)
        finally:
            conn.close()

    def household(self, hid: str, **changes) -> dict:
        data = household_data(hid, **changes)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        self._execute("delete from exchange.sync_household where record_key = %s", (hid,))
        self._execute(
            "insert into exchange.sync_household values (%s, %s, %s, md5(%s))",
            (hid, hid, text, text),
        )
        return data

    def member(self, hid: str, number: str, **changes) -> dict:
        data = member_data(hid, number, **changes)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True)
        key = f"{hid}|{number}"
        self._execute("delete from exchange.sync_member where record_key = %s", (key,))
        self._execute(
            "insert into exchange.sync_member values (%s, %s, %s, %s, md5(%s))",
            (key, hid, number, text, text),
        )
        return data

    def remove_household(self, hid: str) -> None:
        self._execute("delete from exchange.sync_household where record_key = %s", (hid,))
        self._execute("delete from exchange.sync_member where household_id = %s", (hid,))

    def remove_member(self, hid: str, number: str) -> None:
        self._execute(
            "delete from exchange.sync_member where record_key = %s", (f"{hid}|{number}",)
        )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = psycopg2.connect(self.dsn)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else []
        finally:
            conn.close()

    def execute(self, sql: str, params: tuple = ()) -> None:
        self._execute(sql, params)


def national_time() -> dt.datetime:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))


def write_env_config(path, simulator, sender: str) -> None:
    """A fupin.yml naming the warehouse and the national secret by environment variables
    (TEST_WAREHOUSE_DSN, TEST_NATIONAL_SECRET), as an operator's config would."""
    path.write_text(
        f"""
province: "52"
warehouse: {{dsn: "${{TEST_WAREHOUSE_DSN}}"}}
landing: {{root: landing}}
national:
  base_url: "{simulator.base_url}"
  sender_id: "{sender}"
  secret: "${{TEST_NATIONAL_SECRET}}"
""",
        encoding="utf-8",
    )
