"""Structural checks of a delivery, before it may land or supersede anything.

- header names must be legal: present, unique, without control characters, not one of the
  provenance columns, and at most 63 bytes (PostgreSQL cuts longer identifiers, so two long
  names could become one column) -- else the delivery fails;
- the table's required columns and at least half of its catalog columns must be present, and
  a replacing delivery's row count must be plausible against the previous delivery of the same
  kind -- else it is held for the steward.
"""

from __future__ import annotations

import unicodedata

from connectors.sheet import DeliveryFormatError
from fupin.catalog import FileKind, RawTable

PROVENANCE = ("_batch_id", "_source_file", "_source_row")
MAX_NAME_BYTES = 63
MAX_COLUMNS = 1500  # PostgreSQL allows 1,600 columns in a table, provenance included


def check_header(source: str, header_row: int, header: list[str]) -> None:
    """Fail the delivery, naming the header row and column, when a name cannot be a column."""
    if not header:
        raise DeliveryFormatError(f"{source}: row {header_row}: the header has no column names")
    if len(header) > MAX_COLUMNS:
        raise DeliveryFormatError(
            f"{source}: row {header_row}: {len(header)} columns, more than {MAX_COLUMNS}"
        )
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        where = f"{source}: row {header_row} (header), column {position}"
        if not name:
            raise DeliveryFormatError(f"{where}: the column has no name")
        if any(unicodedata.category(c) == "Cc" for c in name):
            raise DeliveryFormatError(f"{where}: the name has a control character (NUL, tab…)")
        if name in PROVENANCE:
            raise DeliveryFormatError(f"{where}: {name} is reserved for landing's provenance")
        if len(name.encode()) > MAX_NAME_BYTES:
            raise DeliveryFormatError(
                f"{where}: the name is longer than {MAX_NAME_BYTES} bytes "
                "(PostgreSQL's limit for a column name)"
            )
        if name in seen:
            raise DeliveryFormatError(f"{where}: {name} appears twice (also column {seen[name]})")
        seen[name] = position


MIN_KNOWN_SHARE = 0.5  # a header with fewer of the catalog's columns is not this table's


def unfit_header(table: RawTable, header: list[str]) -> str | None:
    """Why a header cannot replace good data: a required column missing, or too few known ones
    (a renamed header: every column "added" and "missing" at once)."""
    if missing := [name for name in table.required_columns if name not in header]:
        return f"{table.name} lacks required columns {', '.join(missing)}"
    known = len(set(table.columns).intersection(header))
    if known < MIN_KNOWN_SHARE * len(table.columns):
        return (
            f"{table.name}: only {known} of the catalog's {len(table.columns)} columns are in the "
            "header (renamed columns?)"
        )
    return None


def implausible_row_count(file_kind: FileKind, rows: int, previous: int | None) -> str | None:
    """Why a replacing delivery's row count is implausible against the previous one."""
    ratio = file_kind.min_rows_vs_previous
    if ratio is None or not previous:
        return None
    if rows < ratio * previous:
        return (
            f"{rows:,} rows, fewer than {ratio:.0%} of the previous delivery's {previous:,} "
            "(min_rows_vs_previous in the catalog)"
        )
    return None
