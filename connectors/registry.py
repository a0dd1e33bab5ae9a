"""建档立卡 registry (扶贫办): one XLSX per county and month, sheets 户信息 and 成员信息.

Quirks handled by the shared XLSX reader: a title row (``XX县建档立卡贫困户信息表``) above the
header, trailing blank rows, amounts typed as text ``1,234.50`` (kept as delivered; staging
parses them). The registry is the system of record: rows with a bad ID number land.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from connectors.files import Sheet, read_xlsx
from fupin.catalog import FileKind, RawTable


def read(path: Path, file_kind: FileKind) -> Iterator[tuple[RawTable, Sheet]]:
    for table in file_kind.tables:
        yield table, read_xlsx(path, table.sheet, table.columns, table.header_search_rows)
