"""民政 低保/特困 recipients: ``minzheng.assistance_recipient`` in the department's PostgreSQL.

Keyset pages on (updated_at, recipient_id) in a read-only session with a statement timeout:
each page is one indexed range read of rows changed after the last committed one, so the
platform never loads the department's database harder than department-feeds.md allows. A row
updated in place comes back with its new updated_at and lands as a new version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import psycopg2

from connectors.pages import Page, SourceError, Start
from fupin.catalog import PullSpec, RawTable

CREDENTIAL = "dsn"
SOURCE_TIMEZONE = dt.timezone(dt.timedelta(hours=8))
_SELECT = """
    select recipient_id::text, id_number, name, head_id_number, region_code, assistance_type,
           monthly_amount::text, start_date::text, end_date::text, status, updated_at
      from {table}
"""


def connect(source, spec: PullSpec):
    """A read-only, autocommit session with the catalog's statement timeout."""
    timeout = spec.statement_timeout_ms or 30_000
    try:
        conn = psycopg2.connect(
            source.dsn.get_secret_value(),
            application_name="fupin-pull",
            connect_timeout=10,
            options=f"-c default_transaction_read_only=on -c statement_timeout={timeout}",
        )
    except psycopg2.OperationalError as error:
        # psycopg2's message names host, port, user and database, never the password.
        reason = str(error).strip().splitlines()[-1]
        raise SourceError(
            f"dibao: cannot connect to the civil-affairs database ({reason})"
        ) from None
    conn.set_session(readonly=True, autocommit=True)
    return conn


def pages(
    conn, spec: PullSpec, tables: tuple[RawTable, ...], start: Start, page_size: int
) -> Iterator[Page]:
    (table,) = tables
    updated_at, key = start.updated_at, start.key
    number = 0
    schema, name = spec.endpoint.split(".")
    select = _SELECT.format(table=f'"{schema}"."{name}"')
    while True:
        number += 1
        with conn.cursor() as cur:
            try:
                if updated_at is None:
                    where = f"dibao {spec.endpoint} from the beginning (page {number})"
                    cur.execute(
                        select + " order by updated_at, recipient_id limit %s", (page_size,)
                    )
                elif key is None:  # a backfill from a timestamp
                    where = f"dibao {spec.endpoint} since {updated_at.isoformat()} (page {number})"
                    cur.execute(
                        select + " where updated_at >= %s order by updated_at, recipient_id"
                        " limit %s",
                        (updated_at, page_size),
                    )
                else:
                    where = (
                        f"dibao {spec.endpoint} after ({updated_at.isoformat()}, {key})"
                        f" (page {number})"
                    )
                    cur.execute(
                        select + " where (updated_at, recipient_id) > (%s, %s)"
                        " order by updated_at, recipient_id limit %s",
                        (updated_at, int(key), page_size),
                    )
            except psycopg2.Error as error:
                message = str(error).strip().splitlines()[0]
                raise SourceError(f"{where}: the query failed ({message})") from None
            found = cur.fetchall()
        records = [_record(table, row) for row in found]
        yield Page(where, records, sum(len(str(r)) for r in found))
        if len(found) < page_size:
            return
        updated_at, key = found[-1][-1], found[-1][0]


def _record(table: RawTable, row: tuple) -> dict[str, Any]:
    record = dict(zip(table.columns, row, strict=True))
    record["updated_at"] = row[-1].astimezone(SOURCE_TIMEZONE).isoformat()
    return record


def rows(record: dict[str, Any], tables: tuple[RawTable, ...]) -> dict[str, list[list]]:
    (table,) = tables
    return {table.name: [[record[c] for c in table.columns]]}
