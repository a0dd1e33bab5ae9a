"""``fupin export``: a published table for the caller's region, as CSV or XLSX, logged.

Masked exports read ``published.<table>`` (the view masks and scopes for the login, whatever
the region asked); an unmasked export is the auditor's ``audit.read_unmasked`` (which logs the
read itself). Every export is logged in ``audit.access_log`` with its reason before the file
appears; a failed log means no file.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg2 import sql

from fupin.privacy.audit import log_event
from fupin.privacy.cells import cell_value

TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
FORMATS = ("csv", "xlsx")


class ExportError(ValueError):
    """An export that is not allowed or not possible, with the reason."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    login: str
    masked: bool


def _caller(cur) -> tuple[str, str | None, bool]:
    cur.execute(
        "select session_user, audit.login_region(), pg_has_role(session_user, 'auditor', 'member')"
    )
    return cur.fetchone()


def _check(cur, table: str, region: str, reason: str, fmt: str, unmasked: bool) -> str:
    if not TABLE_NAME.match(table):
        raise ExportError(f"table {table!r}: a published table name such as member")
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: csv or xlsx")
    if not reason.strip():
        raise ExportError("--reason is required: every export is logged with its purpose")
    login, scope, is_auditor = _caller(cur)
    if scope is None:
        raise ExportError(f"login {login!r} is not bound to a region here (fupin users add)")
    if not (region.isdigit() and region.startswith(scope)):
        raise ExportError(f"region {region!r} is outside the scope {scope} of login {login!r}")
    if unmasked and not is_auditor:
        raise ExportError(f"unmasked exports are for auditors only; {login!r} is not one")
    cur.execute("select to_regclass(%s) is not null", (f"published.{table}",))
    if not cur.fetchone()[0]:
        raise ExportError(f"no published table {table!r}")
    return login


def _masked_rows(cur, table: str, region: str) -> tuple[list[str], list[tuple]]:
    cur.execute("select audit.region_column(%s)", (table,))
    column = cur.fetchone()[0]
    query = sql.SQL("select * from published.{}").format(sql.Identifier(table))
    if column is not None:
        query += sql.SQL(" where {} like %s || '%%'").format(sql.Identifier(column))
    cur.execute(query, (region,) if column is not None else None)
    return [d.name for d in cur.description], cur.fetchall()


def _unmasked_rows(cur, table: str, region: str, reason: str) -> tuple[list[str], list[tuple]]:
    cur.execute("select * from audit.read_unmasked(%s, %s, %s)", (table, region, reason))
    records = [row[0] for row in cur.fetchall()]
    columns = list(records[0]) if records else []
    return columns, [tuple(r.get(c) for c in columns) for r in records]


def write_file(path: Path, fmt: str, columns: list[str], rows: list[tuple]) -> None:
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            writer.writerows([cell_value(v) for v in row] for row in rows)
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(path.stem[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append([cell_value(v) for v in row])
    book.save(path)


def export(
    conn,
    *,
    table: str,
    region: str,
    reason: str,
    fmt: str,
    output: Path,
    unmasked: bool = False,
) -> ExportResult:
    """Write the export to ``output``; logged in the same transaction as the read."""
    with conn.cursor() as cur:
        login = _check(cur, table, region, reason, fmt, unmasked)
        if unmasked:
            columns, rows = _unmasked_rows(cur, table, region, reason)
        else:
            columns, rows = _masked_rows(cur, table, region)
    partial = output.with_name(output.name + ".partial")
    write_file(partial, fmt, columns, rows)
    try:
        details: dict[str, Any] = {"region": region, "format": fmt, "file": output.name}
        details["masked"] = not unmasked
        source = f"marts.{table}" if unmasked else f"published.{table}"
        log_event(conn, "export", source, len(rows), reason, details)
        conn.commit()
    except Exception:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, output)
    return ExportResult(output, len(rows), login, not unmasked)
