"""户籍人口 household registration (公安): GBK CSV daily deltas and a gzip GBK monthly full.

15-digit legacy numbers and lower-case x are kept as delivered; staging normalises them.
A person may appear several times in one delta: the raw line numbers keep file order, which
staging uses after 变动日期 to apply the changes in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from connectors.files import Sheet, read_csv
from fupin.catalog import FileKind, RawTable


def read(path: Path, file_kind: FileKind) -> Iterator[tuple[RawTable, Sheet]]:
    (table,) = file_kind.tables
    yield table, read_csv(path, file_kind.encoding, file_kind.compression, table.columns)
