"""财政供养人员 state payroll (财政): a yearly full list and monthly changes, one-sheet XLSX."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from connectors.files import Sheet, read_xlsx
from fupin.catalog import FileKind, RawTable


def read(path: Path, file_kind: FileKind) -> Iterator[tuple[RawTable, Sheet]]:
    (table,) = file_kind.tables
    yield table, read_xlsx(path, None, table.columns, table.header_search_rows)
