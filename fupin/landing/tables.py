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


def row_sequence(table_name: str) -> str:
    """The sequence that numbers the rows of a plain CSV block (set to its first line)."""
    quoted = (f"{table_name}__source_row").replace('"', '""')
    return f'raw."{quoted}"'


def ensure_raw_tables(conn) -> None:
    """Create every raw table of the catalog (rows as delivered: all text, plus provenance).

    The provenance columns default to the landing transaction's settings and the table's row
    sequence, so that plain CSV blocks go to COPY without being rewritten (copy.py); with no
    landing under way the settings are unset and the NOT NULL constraints refuse the row.
    """
    with conn.cursor() as cur:
        for table in raw_tables():
            name = sql.Identifier(table.name)
            sequence = sql.SQL(row_sequence(table.name))
            cur.execute(raw_table_ddl(table))
            cur.execute(
                sql.SQL("create index if not exists {} on raw.{} (_batch_id, _source_row)").format(
                    sql.Identifier(f"{table.name}_batch_ix"), name
                )
            )
            cur.execute(sql.SQL("create sequence if not exists {} as integer").format(sequence))
            cur.execute(
                sql.SQL(
                    "alter table raw.{} alter column _batch_id"
                    " set default current_setting('fupin.batch_id', true),"
                    " alter column _source_file"
                    " set default current_setting('fupin.source_file', true),"
                    " alter column _source_row set default nextval({})"
                ).format(name, sql.Literal(row_sequence(table.name)))
            )
