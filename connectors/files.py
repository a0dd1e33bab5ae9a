"""Readers for the departments' file formats, written once for every file-drop feed.

A reader yields the file's header as delivered and then its rows, each with the physical row
number a steward sees (Excel row, or 1-based line number with the header as line 1). Values are
text exactly as delivered, except what the format itself types: an XLSX number becomes its
shortest decimal text (``3`` not ``3.0``), an XLSX date ``YYYY-MM-DD``. Empty cells are None.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook


class DeliveryFormatError(ValueError):
    """A file that cannot be read as its feed declares; the message names file, row and field."""


@dataclass
class Sheet:
    """The header and rows of one table in a delivered file."""

    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str | None]]]


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


def _find_header(
    candidates: list[tuple[int, list[str | None]]], expected: tuple[str, ...], file: Path
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
        f"{file}: no header row found in the first {len(candidates)} rows "
        f"(expected columns such as {', '.join(expected[:3])})"
    )


def read_xlsx(path: Path, sheet: str | None, expected: tuple[str, ...], search_rows: int) -> Sheet:
    """One sheet of a workbook (the first when ``sheet`` is None); trailing blank rows dropped."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise DeliveryFormatError(f"{path}: not a readable XLSX workbook ({error})") from error
    if sheet is not None and sheet not in workbook.sheetnames:
        raise DeliveryFormatError(
            f"{path}: sheet {sheet!r} is missing "
            f"(the workbook has {', '.join(workbook.sheetnames)})"
        )
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    candidates = []
    for row_number, values in enumerate(rows, start=1):
        candidates.append((row_number, [cell_text(v) for v in values]))
        if row_number >= search_rows:
            break
    header_row, header = _find_header(candidates, expected, path)
    width = len(header)

    def data_rows() -> Iterator[tuple[int, list[str | None]]]:
        after_header = itertools.chain(
            (c for c in candidates if c[0] > header_row),
            (
                (number, [cell_text(v) for v in values])
                for number, values in enumerate(rows, len(candidates) + 1)
            ),
        )
        try:
            for row_number, values in after_header:
                values = (values + [None] * width)[:width]
                if any(v is not None for v in values):
                    yield row_number, values
        finally:
            workbook.close()

    return Sheet(header=header, header_row=header_row, rows=data_rows())


def read_csv(
    path: Path, encoding: str, compression: str | None, expected: tuple[str, ...]
) -> Sheet:
    """A CSV file in the department's encoding (a UTF-8 BOM is accepted and removed)."""
    raw = gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")  # noqa: SIM115
    if encoding.lower().replace("-", "") in ("utf8", "utf8sig"):
        encoding = "utf-8-sig"
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    reader = csv.reader(text)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        text.close()
        raise DeliveryFormatError(f"{path}: the file is empty (no header line)") from None
    except UnicodeDecodeError as error:
        text.close()
        raise DeliveryFormatError(f"{path}: line 1 is not valid {encoding} ({error})") from None
    width = len(header)

    def data_rows() -> Iterator[tuple[int, list[str | None]]]:
        line = 1
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                cells = [v.strip() or None for v in values]
                if len(cells) > width:
                    extra = ", ".join(v for v in cells[width:] if v)
                    if extra:
                        raise DeliveryFormatError(
                            f"{path}: line {line} has {len(cells)} fields, the header {width} "
                            f"(extra values: {extra})"
                        )
                yield line, (cells + [None] * width)[:width]
        except UnicodeDecodeError as error:
            raise DeliveryFormatError(
                f"{path}: line {line + 1} is not valid {encoding} ({error.reason})"
            ) from None
        finally:
            text.close()

    return Sheet(header=header, header_row=1, rows=data_rows())


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)  # nested lists/objects stay JSON


def read_jsonl(path: Path, encoding: str, compression: str | None) -> Sheet:
    """JSON Lines: one object per line; the first object's keys are the header.

    A later object with a key the first one did not have fails the delivery (naming the line
    and the key) rather than dropping the value; a missing key is an empty value.
    """
    raw = gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")  # noqa: SIM115
    text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline=None)
    lines = enumerate(text, start=1)

    def parse(line_number: int, line: str) -> dict:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DeliveryFormatError(
                f"{path}: line {line_number} is not valid JSON ({error.msg}, column {error.colno})"
            ) from None
        if not isinstance(record, dict):
            raise DeliveryFormatError(f"{path}: line {line_number} is not a JSON object")
        return record

    first: tuple[int, dict] | None = None
    try:
        for line_number, line in lines:
            if line.strip():
                first = (line_number, parse(line_number, line))
                break
    except UnicodeDecodeError as error:
        text.close()
        raise DeliveryFormatError(f"{path}: not valid {encoding} ({error.reason})") from None
    header = list(first[1]) if first else []

    def data_rows() -> Iterator[tuple[int, list[str | None]]]:
        line_number = first[0] if first else 0
        try:
            if first is None:
                return
            yield first[0], [_json_text(first[1].get(key)) for key in header]
            for line_number, line in lines:
                if not line.strip():
                    continue
                record = parse(line_number, line)
                unknown = [key for key in record if key not in header]
                if unknown:
                    raise DeliveryFormatError(
                        f"{path}: line {line_number}, field {unknown[0]}: "
                        "a key the file's first record does not have"
                    )
                yield line_number, [_json_text(record.get(key)) for key in header]
        except UnicodeDecodeError as error:
            raise DeliveryFormatError(
                f"{path}: line {line_number + 1} is not valid {encoding} ({error.reason})"
            ) from None
        finally:
            text.close()

    return Sheet(header=header, header_row=0, rows=data_rows())
