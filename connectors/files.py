"""The shared readers of the departments' file formats, written once for every file-drop feed.

Each reader gives a :class:`~connectors.sheet.Sheet`: the header as delivered and the rows,
each with the physical row number a steward sees (Excel row, or line number with the header as
line 1). The catalog entry of a file kind picks the reader (see ``connectors.read_delivery``).
"""

from connectors.csv_file import read_csv
from connectors.jsonl_file import read_jsonl
from connectors.sheet import DeliveryFormatError, Finding, Sheet
from connectors.xlsx_file import cell_text, read_xlsx

__all__ = [
    "DeliveryFormatError",
    "Finding",
    "Sheet",
    "cell_text",
    "read_csv",
    "read_jsonl",
    "read_xlsx",
]
