"""CSV deliveries streamed into COPY at bulk speed, with the physical line of every row.

The file is read in blocks of whole lines (about 1 MB) and decoded per block, so an encoding
error or a NUL byte is reported at its exact line. A *plain* block -- no quote, no blank line,
no blank at a field's edge, every line with as many fields as the header -- goes to COPY as
its own bytes (re-encoded to UTF-8), and PostgreSQL numbers its rows (landing sets the first
line). Any other block is read line by line: plain lines still pass as they are, the others
go through Python's ``csv`` module (quoted fields, embedded newlines, blanks to trim, short or
long rows). Rows are as before: values trimmed, empty ones NULL, blank lines skipped, the
header's line is 1.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from collections import deque
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
# Blanks str.strip() removes besides space and tab, as UTF-8 bytes: a block with any of them is
# read line by line, where values are trimmed exactly. Checked with memchr-fast tests first
# (a regex over every block would cost more than the COPY).
_CONTROL_BLANKS = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")
_E2_BLANKS = re.compile(rb"\xe2(?:\x80[\x80-\x8a\xa8\xa9\xaf]|\x81\x9f)")


def _other_blanks(utf8: bytes) -> bool:
    if any(mark in utf8 for mark in _CONTROL_BLANKS):
        return True
    if b"\xc2" in utf8 and (b"\xc2\x85" in utf8 or b"\xc2\xa0" in utf8):
        return True
    if b"\xe1\x9a\x80" in utf8 or b"\xe3\x80\x80" in utf8:
        return True
    return b"\xe2" in utf8 and _E2_BLANKS.search(utf8) is not None


def _edge_blanks(utf8: bytes) -> bool:
    return b" " in utf8 and (
        b", " in utf8 or b" ," in utf8 or b" \n" in utf8 or b"\n " in utf8 or utf8.endswith(b" ")
    )


def _codec(encoding: str) -> tuple[str, bool]:
    """The Python codec and whether a UTF-8 BOM is accepted (and removed) at the start."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return "utf-8", True
    return name, False


class _Blocks:
    """The file as blocks of whole lines: (UTF-8 bytes, text), counted as a person counts."""

    def __init__(self, path: Path, source: str, encoding: str, compression: str | None):
        self.path, self.source, self.compression = path, source, compression
        self.encoding, self.bom = _codec(encoding)
        self.lines_before = 0  # lines in the blocks before the current one

    def _raw_blocks(self) -> Iterator[bytes]:
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

    def _nul(self, block: bytes) -> DeliveryFormatError:
        at = block.index(b"\x00")
        line = self.lines_before + block.count(b"\n", 0, at) + 1
        field = block.count(b",", block.rfind(b"\n", 0, at) + 1, at) + 1
        return DeliveryFormatError(
            f"{self.source}: line {line}, field {field}: a NUL byte (not allowed in text)"
        )

    def _decode(self, block: bytes) -> str:
        try:
            return block.decode(self.encoding)
        except UnicodeDecodeError as error:
            line = self.lines_before + block.count(b"\n", 0, error.start) + 1
            column = error.start - (block.rfind(b"\n", 0, error.start) + 1) + 1
            raise DeliveryFormatError(
                f"{self.source}: line {line} is not valid {self.encoding} "
                f"(byte {column} of the line)"
            ) from None

    def __iter__(self) -> Iterator[tuple[bytes, str]]:
        first = True
        try:
            for block in self._raw_blocks():
                if first and self.bom and block.startswith(codecs.BOM_UTF8):
                    block = block[3:]
                first = False
                if b"\x00" in block:
                    raise self._nul(block)
                if b"\r" in block:  # ASCII in GBK and UTF-8 alike: never part of a character
                    block = block.replace(b"\r\n", b"\n")
                text = self._decode(block)
                utf8 = block if self.encoding == "utf-8" else text.encode()
                yield utf8, text
                self.lines_before += block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
        except (EOFError, OSError, zlib.error) as error:
            # A truncated or corrupt gzip (EOFError, BadGzipFile, zlib.error) or a read error.
            raise DeliveryFormatError(
                f"{self.source}: the file cannot be read past line {self.lines_before} "
                f"({type(error).__name__}: damaged or truncated {self.compression or 'file'})"
            ) from None


def _lines_of(text: str) -> list[str]:
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


class CsvSheet(Sheet):
    """A CSV table whose rows go to COPY as text (see the module docstring)."""

    def __init__(self, blocks: _Blocks, allow_plain: bool = True):
        self._source_blocks = blocks
        self._start(allow_plain)
        header_line, values = self._first_record()
        header = [v.strip() for v in values]
        while header and not header[-1]:
            header.pop()  # blank names right of the last named column (nothing under them)
        super().__init__(header=header, header_row=header_line, source=blocks.source)

    def _start(self, allow_plain: bool) -> None:
        self._blocks = iter(self._source_blocks)
        self._queue: deque[str] = deque()  # lines read from blocks, to take one by one
        self.allow_plain = allow_plain
        self.line = 0  # the physical line last taken

    def restart(self, allow_plain: bool = False) -> None:
        """Read the file again from the top (landing's fallback: line by line throughout)."""
        self._source_blocks.lines_before = 0
        self._start(allow_plain)
        self._first_record()
        self.rows_read, self.findings = 0, []

    def _next_line(self) -> str | None:
        while not self._queue:
            block = next(self._blocks, None)
            if block is None:
                return None
            self._queue.extend(_lines_of(block[1]))
        return self._queue.popleft()

    def _first_record(self) -> tuple[int, list[str]]:
        while (line := self._next_line()) is not None:
            self.line += 1
            start, values = self._record(line, check_rows=False)
            if any(v.strip() for v in values):
                return start, values
        raise DeliveryFormatError(f"{self._source_blocks.source}: the file is empty (no header)")

    def _record(self, line: str, check_rows: bool = True) -> tuple[int, list[str]]:
        """Parse one record starting at ``line`` (it may take in more lines: quoted newlines)."""
        start, taken, exhausted = self.line, [line], False

        def feed() -> Iterator[str]:
            nonlocal exhausted
            yield line + "\n"
            while (more := self._next_line()) is not None:
                taken.append(more)
                yield more + "\n"
            exhausted = True

        try:
            values = next(csv.reader(feed()), [])
        except csv.Error as error:
            raise DeliveryFormatError(self._csv_error(start, taken, error)) from None
        self.line += len(taken) - 1
        if len(taken) > 1:
            self._check_spanning(start, taken, values, exhausted, check_rows)
        return start, values

    def _csv_error(self, start: int, taken: list[str], error: csv.Error) -> str:
        source, text = self._source_blocks.source, "\n".join(taken)
        if "field larger than field limit" in str(error):
            pieces = text.split(",")
            index = next((i for i, p in enumerate(pieces) if len(p) > FIELD_LIMIT), 0)
            return (
                f"{source}: line {start}, field {column_label(getattr(self, 'header', []), index)}"
                f": longer than {FIELD_LIMIT:,} characters"
            )
        field = text.count(",") + 1
        return f"{source}: line {start + len(taken) - 1}, field {field}: {error}"

    def _check_spanning(self, start, taken, values, exhausted, check_rows) -> None:
        """A quoted field over several lines is allowed; one that swallows rows is not."""
        source = self._source_blocks.source
        if exhausted and sum(t.count('"') for t in taken) % 2:
            raise DeliveryFormatError(
                f"{source}: line {start}: a quote opened here is never closed "
                f"(the {len(taken) - 1} lines after it would become one field)"
            )
        if not check_rows:
            return
        separators = len(self.header) - 1
        for index, value in enumerate(values):
            inner = value.split("\n")[1:]
            if separators and any(part.count(",") >= separators for part in inner):
                raise DeliveryFormatError(
                    f"{source}: line {start}, field {column_label(self.header, index)}: "
                    f"a quoted field runs to line {start + len(taken) - 1} and takes in lines "
                    "that look like rows of their own (a stray quote?)"
                )

    def _slow_row(self, line: str) -> str | None:
        """One record through the csv module: COPY text, or None for a blank record."""
        start, values = self._record(line)
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

    def _plain(self, utf8: bytes) -> bool:
        """Whether a whole block can go to COPY as it is (see the module docstring)."""
        separators = len(self.header) - 1
        if not self.allow_plain or separators < 1 or utf8[:1] in (b" ", b",", b"\n"):
            return False
        if b'"' in utf8 or b"\r" in utf8 or b"\t" in utf8 or b"\x00" in utf8:
            return False
        if _edge_blanks(utf8) or _other_blanks(utf8):
            return False
        lines = utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1)
        # Equal totals: a blank line or a short row is caught here unless another line's extra
        # fields cancel it out -- then PostgreSQL refuses the block and landing reads the file
        # again line by line (copy.py).
        if utf8.count(b",") != separators * lines or b"\n" + b"," * separators + b"\n" in utf8:
            return False
        # No line longer than FIELD_LIMIT: every stretch of half of it holds a newline.
        step = FIELD_LIMIT // 2
        return all(utf8.find(b"\n", i, i + step) >= 0 for i in range(0, len(utf8) - step, step))

    def _line_row(self, line: str) -> str | None:
        if (
            line.count(",") != len(self.header) - 1
            or line[:1] in " \t,"
            or line[-1:] in " \t"
            or '"' in line
            or "\r" in line
            or ", " in line
            or " ," in line
            or "\t" in line
            or len(line) > FIELD_LIMIT
            or _other_blanks(line.encode())
        ):
            return self._slow_row(line)
        self.rows_read += 1
        return f"{self.line},{line}\n"

    def pieces(self, lead: str) -> Iterator[tuple[str, int, str | bytes]]:
        """What landing COPYs: ``("plain", first line, UTF-8 bytes)`` for a plain block, and
        ``("rows", 0, text)`` for rows written out with ``lead`` and their line number."""
        rows: list[str] = []
        size = 0
        while True:
            if self._queue:
                line = self._queue.popleft()
                self.line += 1
                row = self._line_row(line)
                if row is not None:
                    rows.append(lead + row)
                    size += len(row)
                if size >= COPY_CHUNK_CHARS:
                    yield "rows", 0, "".join(rows)
                    rows, size = [], 0
                continue
            block = next(self._blocks, None)
            if block is None:
                break
            utf8, text = block
            if not self._plain(utf8):
                self._queue.extend(_lines_of(text))
                continue
            if rows:
                yield "rows", 0, "".join(rows)
                rows, size = [], 0
            lines = utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1)
            yield "plain", self.line + 1, utf8 if utf8.endswith(b"\n") else utf8 + b"\n"
            self.line += lines
            self.rows_read += lines
        if rows:
            yield "rows", 0, "".join(rows)

    def copy_chunks(self, lead: str) -> Iterator[str]:
        """Every row written out with ``lead`` and its line number (no plain blocks)."""
        for kind, first, data in self.pieces(lead):
            if kind == "rows":
                yield data
            else:
                lines = _lines_of(data.decode())
                yield "".join(f"{lead}{first + i},{line}\n" for i, line in enumerate(lines))

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
    return CsvSheet(_Blocks(path, source or str(path), encoding, compression))
