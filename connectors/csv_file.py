"""CSV deliveries streamed into COPY at bulk speed, with the physical line of every row.

The file is read in blocks of whole lines and decoded per block (an encoding error or a NUL
byte is reported at its exact line). A plain line -- no quote, no blank at a field's edge, as
many fields as the header -- goes to COPY as it is, behind the row's provenance; only other
lines take the slow path through Python's ``csv`` module (quoted fields, embedded newlines,
blanks to trim, short or long rows). Rows are as before: values trimmed, empty ones NULL,
blank lines skipped, the header's line is 1.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from connectors.sheet import (
    COPY_CHUNK_CHARS,
    DeliveryFormatError,
    Finding,
    Sheet,
    column_label,
    copy_value,
)

BLOCK_BYTES = 1 << 20
FIELD_LIMIT = 131_072  # characters in one field: beyond it the delivery fails, naming it
MAX_LINE_BYTES = 64 << 20  # a "line" this long is not a CSV row: fail rather than buffer it
# Whitespace str.strip() removes apart from space, tab and newline (a block holding any of it
# is read line by line through the slow path, where values are trimmed exactly).
_OTHER_SPACE = re.compile(r"[^\S \t\n]")


def _codec(encoding: str) -> tuple[str, bool]:
    """The Python codec and whether a UTF-8 BOM is accepted (and removed) at the start."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return "utf-8", True
    return name, False


class _Lines:
    """The decoded lines of a file (without their newline), counted as a person counts them."""

    def __init__(self, path: Path, source: str, encoding: str, compression: str | None):
        self.path, self.source, self.compression = path, source, compression
        self.encoding, self.bom = _codec(encoding)
        self.lines_before = 0  # lines in the blocks before the current one
        self.careful = False  # the current block needs the slow path for every line

    def _blocks(self) -> Iterator[bytes]:
        opener = gzip.open if self.compression == "gzip" else open
        with opener(self.path, "rb") as raw:
            pending = b""
            while block := raw.read(BLOCK_BYTES):
                block = pending + block
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    pending = block
                    if len(pending) > MAX_LINE_BYTES:
                        raise DeliveryFormatError(
                            f"{self.source}: line {self.lines_before + 1} is longer than "
                            f"{MAX_LINE_BYTES >> 20} MB: not a CSV row"
                        )
                    continue
                pending = block[cut:]
                yield block[:cut]
            if pending:
                yield pending

    def _decode(self, block: bytes, first: bool) -> str:
        try:
            text = block.decode(self.encoding)
        except UnicodeDecodeError as error:
            line = self.lines_before + block.count(b"\n", 0, error.start) + 1
            column = error.start - (block.rfind(b"\n", 0, error.start) + 1) + 1
            raise DeliveryFormatError(
                f"{self.source}: line {line} is not valid {self.encoding} "
                f"(byte {column} of the line)"
            ) from None
        if first and self.bom and text.startswith("\ufeff"):
            text = text[1:]
        if "\x00" in text:
            at = text.index("\x00")
            line = self.lines_before + text.count("\n", 0, at) + 1
            start = text.rfind("\n", 0, at) + 1
            field = text.count(",", start, at) + 1
            raise DeliveryFormatError(
                f"{self.source}: line {line}, field {field}: a NUL byte (not allowed in text)"
            )
        return text.replace("\r\n", "\n")

    def __iter__(self) -> Iterator[str]:
        first = True
        try:
            for block in self._blocks():
                text = self._decode(block, first)
                first = False
                lines = text.split("\n")
                if text.endswith("\n"):
                    lines.pop()
                self.careful = bool(_OTHER_SPACE.search(text))
                yield from lines
                self.lines_before += len(lines)
        except (EOFError, OSError, zlib.error) as error:
            # A truncated or corrupt gzip (EOFError, BadGzipFile, zlib.error) or a read error.
            raise DeliveryFormatError(
                f"{self.source}: the file cannot be read past line {self.lines_before} "
                f"({type(error).__name__}: damaged or truncated {self.compression or 'file'})"
            ) from None


class CsvSheet(Sheet):
    """A CSV table whose rows go to COPY as text (see the module docstring)."""

    def __init__(self, lines: _Lines, iterator: Iterator[str]):
        self._lines, self._iterator = lines, iterator
        self.line = 0  # the physical line last read
        header_line, values = self._first_record()
        header = [v.strip() for v in values]
        while header and not header[-1]:
            header.pop()  # blank names right of the last named column (nothing under them)
        super().__init__(header=header, header_row=header_line, source=lines.source)

    def _first_record(self) -> tuple[int, list[str]]:
        for line in self._iterator:
            self.line += 1
            start, values, _ = self._record(line, check_rows=False)
            if any(v.strip() for v in values):
                return start, values
        raise DeliveryFormatError(f"{self.source}: the file is empty (no header line)")

    def _record(self, line: str, check_rows: bool = True) -> tuple[int, list[str], int]:
        """Parse one record starting at ``line`` (it may take in more lines: quoted newlines)."""
        start, taken, exhausted = self.line, [line], False

        def feed() -> Iterator[str]:
            nonlocal exhausted
            yield line + "\n"
            for more in self._iterator:
                taken.append(more)
                yield more + "\n"
            exhausted = True

        try:
            values = next(csv.reader(feed()))
        except csv.Error as error:
            raise DeliveryFormatError(self._csv_error(start, taken, error)) from None
        except StopIteration:
            values = []
        self.line += len(taken) - 1
        if len(taken) > 1:
            self._check_spanning(start, taken, values, exhausted, check_rows)
        return start, values, len(taken)

    def _csv_error(self, start: int, taken: list[str], error: csv.Error) -> str:
        text = "\n".join(taken)
        if "field larger than field limit" in str(error):
            pieces = text.split(",")
            index = next((i for i, p in enumerate(pieces) if len(p) > FIELD_LIMIT), 0)
            return (
                f"{self.source}: line {start}, field {column_label(self.header_or_empty, index)}:"
                f" longer than {FIELD_LIMIT:,} characters"
            )
        field = text.count(",") + 1
        return f"{self.source}: line {start + len(taken) - 1}, field {field}: {error}"

    @property
    def header_or_empty(self) -> list[str]:
        return getattr(self, "header", [])

    def _check_spanning(self, start, taken, values, exhausted, check_rows) -> None:
        """A quoted field over several lines is allowed; one that swallows rows is not."""
        if exhausted and sum(t.count('"') for t in taken) % 2:
            raise DeliveryFormatError(
                f"{self.source}: line {start}: a quote opened here is never closed "
                f"(the {len(taken) - 1} lines after it would become one field)"
            )
        if not check_rows:
            return
        separators = len(self.header) - 1
        for index, value in enumerate(values):
            inner = value.split("\n")[1:]
            if separators and any(part.count(",") >= separators for part in inner):
                raise DeliveryFormatError(
                    f"{self.source}: line {start}, field {column_label(self.header, index)}: "
                    f"a quoted field runs to line {start + len(taken) - 1} and takes in lines "
                    "that look like rows of their own (a stray quote?)"
                )

    def _slow_row(self, line: str) -> str | None:
        """One record through the csv module: COPY text, or None for a blank record."""
        start, values, _ = self._record(line)
        cells = [v.strip() or None for v in values]
        if not any(cells):
            return None
        width = len(self.header)
        if len(cells) > width:
            extra = next((i for i in range(width, len(cells)) if cells[i] is not None), None)
            if extra is not None:
                raise DeliveryFormatError(
                    f"{self.source}: line {start}, {column_label(self.header, extra)}: a value "
                    f"right of the last header column {self.header[-1]}"
                )
            cells = cells[:width]
        elif len(cells) < width:
            self.findings.append(
                Finding(
                    start,
                    self.header[len(cells)],
                    "short_row",
                    f"line {start} has {len(cells)} fields, the header {width}: "
                    f"{', '.join(self.header[len(cells) :])} left empty",
                )
            )
            cells += [None] * (width - len(cells))
        self.rows_read += 1
        return f"{start},{','.join(map(copy_value, cells))}\n"

    def copy_chunks(self, lead: str) -> Iterator[str]:
        separators = len(self.header) - 1
        lines, parts, size = self._lines, [], 0
        for line in self._iterator:
            self.line += 1
            if (
                lines.careful
                or line.count(",") != separators
                or line[:1] in " \t,"
                or line[-1:] in " \t"
                or '"' in line
                or "\r" in line
                or ", " in line
                or " ," in line
                or "\t" in line
                or len(line) > FIELD_LIMIT
            ):
                row = self._slow_row(line)
                if row is None:
                    continue
                parts.append(lead + row)
                size += len(row)
            else:
                parts.append(f"{lead}{self.line},{line}\n")
                size += len(line)
                self.rows_read += 1
            if size >= COPY_CHUNK_CHARS:
                yield "".join(parts)
                parts, size = [], 0
        if parts:
            yield "".join(parts)

    @property
    def rows(self) -> Iterator[tuple[int, list[str | None]]]:  # type: ignore[override]
        """The rows as values (for readers and tests that want them parsed)."""
        for chunk in self.copy_chunks(""):
            for record in csv.reader(io.StringIO(chunk, newline="")):
                yield int(record[0]), [v if v else None for v in record[1:]]

    @rows.setter
    def rows(self, value) -> None:  # Sheet's constructor sets it: CSV rows come from the file
        pass


def read_csv(
    path: Path,
    encoding: str,
    compression: str | None,
    expected: tuple[str, ...] = (),
    source: str | None = None,
) -> CsvSheet:
    """A CSV file in the department's encoding (a UTF-8 BOM is accepted and removed)."""
    lines = _Lines(path, source or str(path), encoding, compression)
    return CsvSheet(lines, iter(lines))
