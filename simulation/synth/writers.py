"""File formats of the departments: CSV in their encodings, gzip, XLSX, JSON Lines, `.ok` markers.

Rows are dicts keyed by the department's column names. A row may carry ``"_marks"``: dicts of
the ground truth (a case or a quirk) that learn the file and physical row the row landed on.
Every writer is deterministic: fixed gzip and workbook timestamps, rows in the given order.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

MARKS = "_marks"
# Workbooks claim one fixed creation time so that the same seed gives the same bytes.
WORKBOOK_CREATED = dt.datetime(2026, 1, 1, 8, 0, 0)


def _mark(row: dict, relative: str, row_number: int, sheet: str | None = None) -> None:
    for mark in row.get(MARKS, ()):
        mark["file"] = relative
        mark["row"] = row_number
        if sheet is not None:
            mark["sheet"] = sheet


def csv_bytes(
    columns: Sequence[str],
    rows: Iterable[dict],
    *,
    encoding: str,
    newline: str,
    bom: bool = False,
    relative: str = "",
    renamed: dict[str, str] | None = None,
) -> tuple[bytes, int]:
    """The CSV text of ``rows`` (header on line 1), encoded; and the number of data rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    renamed = renamed or {}
    writer.writerow([renamed.get(c, c) for c in columns])
    count = 0
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        _mark(row, relative, count + 1)
    data = buffer.getvalue().encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return data, count


def gzip_bytes(data: bytes) -> bytes:
    """gzip without a file name or time stamp in its header (reproducible)."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=6) as zipped:
        zipped.write(data)
    return out.getvalue()


def jsonl_bytes(
    rows: Iterable[dict], columns: Sequence[str], relative: str = ""
) -> tuple[bytes, int]:
    lines = []
    for line_number, row in enumerate(rows, start=1):
        lines.append(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False))
        _mark(row, relative, line_number)
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b"", len(lines)


@dataclass
class SheetSpec:
    name: str
    columns: Sequence[str]
    rows: list[dict]
    title: str | None = None  # a title row above the header (Excel row 1)
    trailing_blank_rows: int = 0  # formatted but empty rows after the data
    date_columns: Sequence[str] = ()  # written as Excel dates when the value is a date

    @property
    def first_data_row(self) -> int:
        return 3 if self.title else 2


def xlsx_bytes(sheets: Sequence[SheetSpec], relative: str = "") -> tuple[bytes, dict[str, int]]:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties({"created": WORKBOOK_CREATED, "author": "simulation.synth"})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    boxed = workbook.add_format({"border": 1})
    counts = {}
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        row_index = 0
        if sheet.title:
            worksheet.write_string(0, 0, sheet.title, bold)
            row_index = 1
        for column, name in enumerate(sheet.columns):
            worksheet.write_string(row_index, column, name, bold)
        for offset, row in enumerate(sheet.rows, start=1):
            excel_row = row_index + offset
            for column, name in enumerate(sheet.columns):
                value = row.get(name)
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    raise TypeError(f"{name}: booleans are not a department value")
                if isinstance(value, dt.date):
                    moment = dt.datetime.combine(value, dt.time())
                    worksheet.write_datetime(excel_row, column, moment, date_format)
                elif isinstance(value, int | float):
                    worksheet.write_number(excel_row, column, value)
                else:
                    worksheet.write_string(excel_row, column, str(value))
            _mark(row, relative, excel_row + 1, sheet.name)
        last = row_index + len(sheet.rows)
        for blank in range(1, sheet.trailing_blank_rows + 1):
            for column in range(len(sheet.columns)):
                worksheet.write_blank(last + blank, column, None, boxed)
        counts[sheet.name] = len(sheet.rows)
    workbook.close()
    return out.getvalue(), counts


@dataclass
class Landing:
    """The landing folder: writes data files, then their `.ok` markers, and counts rows."""

    root: Path
    counts: dict[str, int] = field(default_factory=dict)
    without_ok: set[str] = field(default_factory=set)
    written: list[str] = field(default_factory=list)

    def write(self, relative: str, data: bytes, rows: int, *, ok: bool = True) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if ok:
            # The exchange platform writes the marker last: the data file is complete by then.
            Path(f"{path}.ok").write_bytes(b"")
        else:
            self.without_ok.add(relative)
        self.counts[relative] = rows
        self.written.append(relative)
        return path
