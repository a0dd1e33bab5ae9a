"""What every reader gives landing: a header, rows with their physical row numbers, and the
rows as ``COPY ... (format csv)`` text, so that landing streams any format into PostgreSQL.

Messages name the file, the physical row (the one a person sees) and the field, never the
delivered value: values are personal data and stay in ``raw`` for the entitled steward.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

COPY_CHUNK_CHARS = 1 << 20  # one COPY message per ~1 MB of text: bounded memory, few calls


class DeliveryFormatError(ValueError):
    """A file that cannot be read as its feed declares; the message names file, row and field."""


@dataclass(frozen=True)
class Finding:
    """Something landing noticed about one row that does not fail the delivery."""

    row: int
    field: str | None
    kind: str
    detail: str


def copy_value(value: str | None) -> str:
    """One field in COPY's csv format: an unquoted empty field is NULL, a quoted one text."""
    if value is None:
        return ""
    return '"' + value.replace('"', '""') + '"'


def column_label(header: list[str], index: int) -> str:
    """How a message names a column: its header name, or its position right of the header."""
    if index < len(header) and header[index]:
        return header[index]
    return f"column {index + 1} (no header name)"


@dataclass
class Sheet:
    """The header and rows of one table in a delivered file.

    ``rows`` yields ``(physical row, values)`` with exactly one value per header column. After
    the rows (or :meth:`copy_chunks`) are consumed, ``rows_read`` is their count and
    ``findings`` lists what was noticed about single rows.
    """

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str | None]]] | None = None
    source: str = ""
    rows_read: int = 0
    findings: list[Finding] = field(default_factory=list)

    def copy_chunks(self, lead: str) -> Iterator[str]:
        """The rows as COPY csv text: ``lead`` (constant leading fields), the row, the values."""
        parts: list[str] = []
        size = 0
        for row_number, values in self.rows or ():
            for index, value in enumerate(values):
                if value is not None and "\x00" in value:
                    raise DeliveryFormatError(
                        f"{self.source}: row {row_number}, field "
                        f"{column_label(self.header, index)}: a NUL character"
                    )
            line = f"{lead}{row_number},{','.join(map(copy_value, values))}\n"
            parts.append(line)
            size += len(line)
            self.rows_read += 1
            if size >= COPY_CHUNK_CHARS:
                yield "".join(parts)
                parts, size = [], 0
        if parts:
            yield "".join(parts)
