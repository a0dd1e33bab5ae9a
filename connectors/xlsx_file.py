"""XLSX deliveries: one sheet per raw table, a title row allowed above the header.

Values are text as a person sees them, except what the format itself types: a number becomes
its shortest decimal text (``3`` not ``3.0``), a date ``YYYY-MM-DD``. Empty cells are None. A
damaged workbook fails at the row where reading stopped; a value right of the last header
column fails the delivery (it has no column to land in) rather than being cut off.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from connectors.sheet import DeliveryFormatError, Sheet


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    return text or None


def find_header(
    candidates: list[tuple[int, list[str | None]]], expected: tuple[str, ...], source: str
) -> tuple[int, list[str]]:
    """The first row that holds at least half of the expected column names (title rows above)."""
    wanted = set(expected)
    for row_number, values in candidates:
        names = [v or "" for v in values]
        if len(wanted.intersection(names)) * 2 >= len(wanted):
            while names and not names[-1]:
                names.pop()
            return row_number, names
    raise DeliveryFormatError(
        f"{source}: no header row found in the first {len(candidates)} rows "
        f"(expected columns such as {', '.join(expected[:3])})"
    )


def _has_formulas(path: Path) -> bool:
    """Whether any sheet holds a formula (then cached values are compared, else no cost)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as sheet:
                    tail = b""
                    while block := sheet.read(1 << 20):
                        if b"<f>" in tail + block or b"<f " in tail + block:
                            return True
                        tail = block[-3:]
    return False


class _Written:
    """The sheet's cells as written (a formula as its text), read alongside the values."""

    def __init__(self, path: Path, title: str):
        self._workbook = load_workbook(path, read_only=True, data_only=False)
        self._rows = enumerate(self._workbook[title].iter_rows(values_only=True), start=1)
        self._current: tuple[int, tuple] = (0, ())

    def at(self, row_number: int) -> tuple:
        while self._current[0] < row_number:
            self._current = next(self._rows, (row_number, ()))
        return self._current[1] if self._current[0] == row_number else ()

    def close(self) -> None:
        self._workbook.close()


def _check_formulas(source, name, header, row_number, values, written) -> None:
    for index, value in enumerate(values):
        cell = written[index] if index < len(written) else None
        if value is None and isinstance(cell, str) and cell.startswith("="):
            field = header[index] if index < len(header) else get_column_letter(index + 1)
            raise DeliveryFormatError(
                f"{source}: sheet {name}, row {row_number}, field {field}: a formula without "
                "a computed value (save the workbook in Excel, or deliver values)"
            )


def _damaged(source: str, sheet: str, row: int, error: Exception) -> DeliveryFormatError:
    return DeliveryFormatError(
        f"{source}: sheet {sheet}, row {row}: the workbook cannot be read from here "
        f"({type(error).__name__})"
    )


def read_xlsx(
    path: Path,
    sheet: str | None,
    expected: tuple[str, ...],
    search_rows: int,
    source: str | None = None,
) -> Sheet:
    """One sheet of a workbook (the first when ``sheet`` is None); trailing blank rows dropped."""
    source = source or str(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise DeliveryFormatError(
            f"{source}: not a readable XLSX workbook ({type(error).__name__})"
        ) from None
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise DeliveryFormatError(
            f"{source}: sheet {sheet!r} is missing "
            f"(the workbook has {', '.join(workbook.sheetnames)})"
        )
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    name = worksheet.title
    rows = worksheet.iter_rows(values_only=True)
    candidates: list[tuple[int, list[str | None]]] = []
    try:
        for row_number, values in enumerate(rows, start=1):
            candidates.append((row_number, [cell_text(v) for v in values]))
            if row_number >= search_rows:
                break
    except Exception as error:
        workbook.close()
        raise _damaged(source, name, len(candidates) + 1, error) from None
    header_row, header = find_header(candidates, expected, source)
    width = len(header)
    try:
        written = _Written(path, name) if _has_formulas(path) else None
    except Exception as error:
        workbook.close()
        raise _damaged(source, name, 1, error) from None

    def data_rows() -> Iterator[tuple[int, list[str | None]]]:
        after_header = itertools.chain(
            (c for c in candidates if c[0] > header_row),
            (
                (number, [cell_text(v) for v in values])
                for number, values in enumerate(rows, len(candidates) + 1)
            ),
        )
        row_number = header_row
        try:
            while True:
                try:
                    row_number, values = next(after_header)
                    formulas = written.at(row_number) if written is not None else ()
                except StopIteration:
                    return
                except Exception as error:
                    raise _damaged(source, name, row_number + 1, error) from None
                _check_formulas(source, name, header, row_number, values, formulas)
                extra = next((i for i in range(width, len(values)) if values[i] is not None), None)
                if extra is not None:
                    raise DeliveryFormatError(
                        f"{source}: sheet {name}, row {row_number}, column "
                        f"{get_column_letter(extra + 1)}: a value right of the last header "
                        f"column {header[-1]}"
                    )
                values = (values + [None] * width)[:width]
                if any(v is not None for v in values):
                    yield row_number, values
        finally:
            workbook.close()
            if written is not None:
                written.close()

    return Sheet(header=header, header_row=header_row, rows=data_rows(), source=source)
