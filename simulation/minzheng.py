"""The civil-affairs (民政) database, simulated: a real second PostgreSQL database.

:func:`load` creates schema ``minzheng`` with ``assistance_recipient`` exactly as
department-feeds.md describes it (plus the index on (updated_at, recipient_id) that makes a
changed-since read a range scan) and COPYs the generator's ``minzheng/assistance_recipient.csv``
into it. :func:`update_in_place` changes a row the way the department does: in place, with a
new ``updated_at``; nothing is ever deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

DDL = """
create schema if not exists minzheng;
drop table if exists minzheng.assistance_recipient;
create table minzheng.assistance_recipient (
    recipient_id    bigint primary key,
    id_number       varchar(18),
    name            text,
    head_id_number  varchar(18),
    region_code     char(12),
    assistance_type text check (assistance_type in ('低保', '特困', '临时救助')),
    monthly_amount  numeric(10, 2),
    start_date      date,
    end_date        date,
    status          text check (status in ('在保', '停保')),
    updated_at      timestamptz not null
);
create index assistance_recipient_changed_ix
    on minzheng.assistance_recipient (updated_at, recipient_id);
"""
COLUMNS = (
    "recipient_id", "id_number", "name", "head_id_number", "region_code", "assistance_type",
    "monthly_amount", "start_date", "end_date", "status", "updated_at",
)  # fmt: skip


def load(dsn: str, csv_path: str | Path) -> int:
    """(Re)create the table and load the generator's CSV; returns the row count."""
    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn, conn.cursor() as cur:
        cur.execute(DDL)
        with open(csv_path, encoding="utf-8") as file:
            cur.copy_expert(
                "copy minzheng.assistance_recipient from stdin with (format csv, header true)",
                file,
            )
        cur.execute("select count(*) from minzheng.assistance_recipient")
        return cur.fetchone()[0]


def update_in_place(
    dsn: str, recipient_id: int, *, updated_at: dt.datetime | None = None, **fields: Any
) -> None:
    """Change a row as the department does (new updated_at, default now)."""
    changes = {**fields, "updated_at": updated_at or dt.datetime.now(dt.UTC)}
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = %s").format(sql.Identifier(name)) for name in changes
    )
    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn, conn.cursor() as cur:
        cur.execute(
            sql.SQL("update minzheng.assistance_recipient set {} where recipient_id = %s").format(
                assignments
            ),
            (*changes.values(), recipient_id),
        )


def insert(dsn: str, row: dict[str, Any]) -> None:
    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn, conn.cursor() as cur:
        cur.execute(
            sql.SQL("insert into minzheng.assistance_recipient ({}) values ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, row)),
                sql.SQL(", ").join(sql.Placeholder() * len(row)),
            ),
            tuple(row.values()),
        )


def rows(dsn: str) -> list[dict[str, Any]]:
    """Every row, as the platform would see it (for tests comparing landed and source sets)."""
    with contextlib.closing(psycopg2.connect(dsn)) as conn, conn.cursor() as cur:
        cur.execute("set time zone 'Asia/Shanghai'")
        cur.execute(
            "select recipient_id::text, id_number, name, head_id_number, region_code,"
            " assistance_type, monthly_amount::text, start_date::text, end_date::text, status,"
            " updated_at from minzheng.assistance_recipient order by recipient_id"
        )
        found = [dict(zip(COLUMNS, row, strict=True)) for row in cur.fetchall()]
    for row in found:
        row["updated_at"] = row["updated_at"].isoformat()
    return found
