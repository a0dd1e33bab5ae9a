"""Plain readers of the generated files for the tests (independent of the connectors)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from openpyxl import load_workbook

# The declared encoding of each CSV feed folder (department-feeds.md).
CSV_ENCODINGS = {
    "hukou": "gbk",
    "disability": "gbk",
    "medical": "utf-8-sig",
    "renshe": "utf-8",
    "property": "utf-8",
    "assistance": "utf-8",
    "minzheng": "utf-8",
}


def csv_rows(path: Path) -> list[list[str]]:
    """Every line of a CSV (header included) in its feed's declared encoding, strictly."""
    feed = path.relative_to(path.parents[1]).parts[0]
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    text = data.decode(CSV_ENCODINGS[feed], errors="strict")
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_dicts(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Data rows with their line number (header = line 1)."""
    rows = csv_rows(path)
    header = rows[0]
    return [(i + 2, dict(zip(header, row, strict=False))) for i, row in enumerate(rows[1:])]


def xlsx_sheets(path: Path) -> dict[str, list[tuple]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}
    finally:
        workbook.close()


def xlsx_dicts(path: Path, sheet: str | None = None) -> list[tuple[int, dict]]:
    """Data rows with their Excel row number; the header is the first row naming a column."""
    sheets = xlsx_sheets(path)
    rows = sheets[sheet] if sheet else next(iter(sheets.values()))
    header_index = next(i for i, row in enumerate(rows) if sum(v is not None for v in row) > 2)
    header = rows[header_index]
    out = []
    for index, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if any(v is not None for v in row):
            out.append((index, dict(zip(header, row, strict=False))))
    return out


def jsonl_dicts(path: Path) -> list[tuple[int, dict]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(i, json.loads(line)) for i, line in enumerate(lines, start=1) if line.strip()]


def table(path: Path, sheet: str | None = None) -> list[tuple[int, dict]]:
    name = path.name
    if name.endswith(".xlsx"):
        return xlsx_dicts(path, sheet)
    if name.endswith(".jsonl"):
        return jsonl_dicts(path)
    return csv_dicts(path)
