"""JSON Lines deliveries: one object per line; the first object's keys are the header.

A later object with a key the first one did not have fails the delivery (naming the line and
the key) rather than dropping the value; a missing key is an empty value. Lines are read as
the CSV reader reads them, so encoding errors and NUL bytes are reported at their own line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from connectors.csv_file import _Blocks, _lines_of
from connectors.sheet import DeliveryFormatError, Sheet


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


def read_jsonl(
    path: Path, encoding: str, compression: str | None, source: str | None = None
) -> Sheet:
    source = source or str(path)
    blocks = _Blocks(path, source, encoding, compression)
    lines = enumerate((line for _, text in blocks for line in _lines_of(text)), start=1)

    def parse(line_number: int, line: str) -> dict:
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            where = f", column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
            raise DeliveryFormatError(
                f"{source}: line {line_number} is not valid JSON{where}"
            ) from None
        if not isinstance(record, dict):
            raise DeliveryFormatError(f"{source}: line {line_number} is not a JSON object")
        return record

    first: tuple[int, dict] | None = None
    for line_number, line in lines:
        if line.strip():
            first = (line_number, parse(line_number, line))
            break
    header = [str(key) for key in first[1]] if first else []

    def data_rows() -> Iterator[tuple[int, list[str | None]]]:
        if first is None:
            return
        yield first[0], [_json_text(first[1].get(key)) for key in header]
        known = set(header)
        for line_number, line in lines:
            if not line.strip():
                continue
            record = parse(line_number, line)
            unknown = [key for key in record if key not in known]
            if unknown:
                raise DeliveryFormatError(
                    f"{source}: line {line_number}, field {unknown[0]}: "
                    "a key the file's first record does not have"
                )
            yield line_number, [_json_text(record.get(key)) for key in header]

    return Sheet(
        header=header, header_row=first[0] if first else 0, rows=data_rows(), source=source
    )
