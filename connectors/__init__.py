"""Readers of the departments' deliveries; no Airflow imports here.

The catalog entry of a file kind says how its files are read (``format``, ``encoding``,
``compression``, ``sheet``, ``header_search_rows``): :func:`read_delivery` picks the shared
reader of ``connectors.files`` from it. A feed with a real quirk that no format option covers
names its own module with ``reader: connectors.<module>``: a ``read(path, file_kind, source)``
(``source`` optional: how messages name the file) that yields ``(raw_table, sheet)``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

from connectors.files import DeliveryFormatError, Sheet, read_csv, read_jsonl, read_xlsx
from fupin.catalog import FileKind, RawTable

Reader = Callable[[Path, FileKind, str], Iterator[tuple[RawTable, Sheet]]]


def _read_by_format(
    path: Path, file_kind: FileKind, source: str
) -> Iterator[tuple[RawTable, Sheet]]:
    for table in file_kind.tables:
        if file_kind.format == "xlsx":
            yield (
                table,
                read_xlsx(path, table.sheet, table.columns, table.header_search_rows, source),
            )
        elif file_kind.format == "csv":
            yield (
                table,
                read_csv(path, file_kind.encoding, file_kind.compression, table.columns, source),
            )
        elif file_kind.format == "jsonl":
            yield table, read_jsonl(path, file_kind.encoding, file_kind.compression, source)
        else:
            raise DeliveryFormatError(
                f"{source}: unknown format {file_kind.format!r} in the catalog"
            )


def read_delivery(
    path: Path, file_kind: FileKind, source: str | None = None
) -> Iterator[tuple[RawTable, Sheet]]:
    """Every raw table a delivered file fills, with its header and rows.

    ``source`` is how messages name the file (the path under the landing root).
    """
    source = source or str(path)
    if file_kind.reader:
        reader: Reader = importlib.import_module(file_kind.reader).read
        if len(inspect.signature(reader).parameters) < 3:  # a quirk module without ``source``
            return reader(path, file_kind)  # type: ignore[call-arg]
        return reader(path, file_kind, source)
    return _read_by_format(path, file_kind, source)
