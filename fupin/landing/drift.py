"""Schema drift: columns the catalog does not know are kept (the raw table grows a column) and
reported, like catalog columns a delivery lacks; nothing delivered is dropped."""

from __future__ import annotations

from psycopg2 import sql

from fupin.catalog import RawTable


def reconcile_columns(cur, table: RawTable, header: list[str]) -> list[tuple[str, str, str]]:
    """Add the delivered columns raw lacks; returns the drift as (table, change, column)."""
    expected = set(table.columns)
    drift: list[tuple[str, str, str]] = []
    for name in header:
        if name not in expected:
            cur.execute(
                sql.SQL("alter table raw.{} add column if not exists {} text").format(
                    sql.Identifier(table.name), sql.Identifier(name)
                )
            )
            drift.append((table.name, "added", name))
    drift.extend((table.name, "missing", name) for name in table.columns if name not in header)
    return drift


def record_drift(cur, delivered, batch_id: str, drift: list[tuple[str, str, str]]) -> None:
    for table_name, change, column in drift:
        cur.execute(
            "insert into ops.schema_drift"
            " (batch_id, feed, kind, source_file, change, column_name)"
            " values (%s, %s, %s, %s, %s, %s)",
            (
                batch_id,
                delivered.feed,
                delivered.file_kind.kind,
                delivered.source_file,
                change,
                f"{table_name}.{column}",
            ),
        )
