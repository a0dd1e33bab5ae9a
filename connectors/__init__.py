"""One module per department feed; no Airflow imports here.

Each feed module has ``read(path, file_kind)``, yielding ``(raw_table, sheet)`` for every raw
table the delivered file fills. Formats shared by several feeds live in ``connectors.files``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from connectors.files import Sheet
from fupin.catalog import FileKind, RawTable

Reader = Callable[[Path, FileKind], Iterator[tuple[RawTable, Sheet]]]


def reader_for(feed: str) -> Reader:
    return importlib.import_module(f"connectors.{feed}").read
