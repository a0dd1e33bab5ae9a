"""Stream a sheet's rows into its raw table with one COPY, provenance written in each row."""

from __future__ import annotations

from collections.abc import Iterator

from psycopg2 import sql

from connectors.sheet import Sheet, copy_value


class _TextStream:
    """A file-like view of the COPY text chunks (psycopg2 reads until it gets '')."""

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self.error: Exception | None = None  # psycopg2 turns it into QueryCanceled: kept here

    def read(self, size: int = -1) -> str:
        try:
            for chunk in self._chunks:
                if chunk:
                    return chunk
        except Exception as error:
            self.error = error
            raise
        return ""

    readline = read


def copy_sheet(cur, table_name: str, sheet: Sheet, batch_id: str, source_file: str) -> int:
    """COPY every row of ``sheet`` into ``raw.<table_name>``; returns the number of rows.

    Column names come from the department: they reach SQL only as quoted identifiers.
    """
    target = ["_batch_id", "_source_file", "_source_row", *sheet.header]
    statement = (
        sql.SQL("copy raw.{} ({}) from stdin with (format csv)")
        .format(sql.Identifier(table_name), sql.SQL(", ").join(map(sql.Identifier, target)))
        .as_string(cur)
    )
    lead = f"{copy_value(batch_id)},{copy_value(source_file)},"
    stream = _TextStream(sheet.copy_chunks(lead))
    try:
        cur.copy_expert(statement, stream, size=1 << 20)
    except Exception:
        if stream.error is not None:  # the reader's own error names the file, row and field
            raise stream.error from None
        raise
    return sheet.rows_read
