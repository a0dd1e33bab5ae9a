"""Stream a sheet's rows into its raw table, provenance included, at COPY speed.

Rows a reader wrote out carry their provenance in the text. Plain CSV blocks go to COPY as
the department's own bytes: the raw table's defaults fill ``_batch_id`` and ``_source_file``
from this transaction's settings and ``_source_row`` from the table's row sequence, set to the
block's first line (tables.py). If PostgreSQL still refuses a plain block (lines whose field
counts cancel out), the sheet is read again line by line, where every row is checked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import psycopg2
from psycopg2 import sql

from connectors.sheet import Sheet, copy_value
from fupin.landing.tables import row_sequence


class _Stream:
    """A file-like view of COPY chunks (psycopg2 reads until it gets an empty one)."""

    def __init__(self, chunks: Iterator[str | bytes]):
        self._chunks = chunks
        self.error: Exception | None = None  # psycopg2 turns it into QueryCanceled: kept here

    def read(self, size: int = -1) -> str | bytes:
        try:
            for chunk in self._chunks:
                if chunk:
                    return chunk
        except Exception as error:
            self.error = error
            raise
        return ""

    readline = read


def _copy(cur, statement: sql.Composed, chunks: Iterator[str | bytes]) -> None:
    stream = _Stream(chunks)
    try:
        cur.copy_expert(statement.as_string(cur), stream, size=1 << 20)
    except Exception:
        if stream.error is not None:  # the reader's own error names the file, row and field
            raise stream.error from None
        raise


def _columns(names: list[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, names))


def _copy_pieces(cur, table_name: str, sheet: Sheet, lead: str) -> None:
    table = sql.Identifier(table_name)
    with_provenance = sql.SQL("copy raw.{} ({}) from stdin with (format csv)").format(
        table, _columns(["_batch_id", "_source_file", "_source_row", *sheet.header])
    )
    pieces = getattr(sheet, "pieces", None)
    if pieces is None:
        _copy(cur, with_provenance, sheet.copy_chunks(lead))
        return
    plain = sql.SQL("copy raw.{} ({}) from stdin with (format csv)").format(
        table, _columns(sheet.header)
    )
    for kind, group in itertools.groupby(pieces(lead), key=lambda piece: piece[0]):
        first = next(group)
        if kind == "plain":
            cur.execute("select setval(%s, %s, false)", (row_sequence(table_name), first[1]))
            _copy(cur, plain, (data for _, _, data in itertools.chain([first], group)))
        else:
            _copy(cur, with_provenance, (data for _, _, data in itertools.chain([first], group)))


def copy_sheet(cur, table_name: str, sheet: Sheet, batch_id: str, source_file: str) -> int:
    """COPY every row of ``sheet`` into ``raw.<table_name>``; returns the number of rows.

    Column names come from the department: they reach SQL only as quoted identifiers.
    """
    # The row sequence is not transactional: one landing per raw table at a time.
    cur.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"raw.{table_name}",))
    cur.execute(
        "select set_config('fupin.batch_id', %s, true), set_config('fupin.source_file', %s, true)",
        (batch_id, source_file),
    )
    lead = f"{copy_value(batch_id)},{copy_value(source_file)},"
    cur.execute("savepoint fupin_sheet")
    try:
        _copy_pieces(cur, table_name, sheet, lead)
    except psycopg2.DataError:
        if not getattr(sheet, "allow_plain", False):
            raise
        cur.execute("rollback to savepoint fupin_sheet")
        sheet.restart(allow_plain=False)
        _copy_pieces(cur, table_name, sheet, lead)
    cur.execute("release savepoint fupin_sheet")
    return sheet.rows_read
