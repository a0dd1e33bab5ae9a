"""The raw tables: every catalog table as delivered (all text) plus its provenance."""

from __future__ import annotations

from psycopg2 import sql

from fupin.catalog import RawTable, raw_tables


def raw_table_ddl(table: RawTable) -> sql.Composed:
    columns = [sql.SQL("{} text").format(sql.Identifier(c)) for c in table.columns]
    columns += [
        sql.SQL("_batch_id text not null"),
        sql.SQL("_source_file text not null"),
        sql.SQL("_source_row integer not null"),
    ]
    return sql.SQL("create table if not exists raw.{} ({})").format(
        sql.Identifier(table.name), sql.SQL(", ").join(columns)
    )


def ensure_raw_tables(conn) -> None:
    """Create every raw table of the catalog (rows as delivered: all text, plus provenance)."""
    with conn.cursor() as cur:
        for table in raw_tables():
            cur.execute(raw_table_ddl(table))
            cur.execute(
                sql.SQL("create index if not exists {} on raw.{} (_batch_id, _source_row)").format(
                    sql.Identifier(f"{table.name}_batch_ix"), sql.Identifier(table.name)
                )
            )
