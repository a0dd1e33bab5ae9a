"""A hostile department: seeded mutations of delivered files, for the landing fuzz test.

Byte flips, inserted bytes, truncation, duplicated or deleted lines; for gzip files the damage
goes into the compressed bytes or into the text before compressing; for XLSX into the XML of a
sheet's rows (deleted or duplicated rows, broken tags, flipped bytes) before zipping again.
"""

from __future__ import annotations

import gzip
import io
import random
import re
import zipfile

_ROW = re.compile(rb"<row [^>]*>.*?</row>", re.S)


def _flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]


def _insert(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    noise = rng.choice(
        [b'"', b",", b"\n", b"\r", b"\x00", b"\xff", b" ", b"\xe3\x80\x80", rng.randbytes(4)]
    )
    return data[:at] + noise + data[at:]


def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _lines(rng: random.Random, data: bytes, duplicate: bool) -> bytes:
    lines = data.split(b"\n")
    at = rng.randrange(len(lines))
    if duplicate:
        lines.insert(at, lines[at])
    else:
        del lines[at]
    return b"\n".join(lines)


def mutate_text(rng: random.Random, data: bytes) -> bytes:
    operation = rng.choice(["flip", "insert", "truncate", "duplicate", "delete"])
    if operation == "flip":
        return _flip(rng, data)
    if operation == "insert":
        return _insert(rng, data)
    if operation == "truncate":
        return _truncate(rng, data)
    return _lines(rng, data, duplicate=operation == "duplicate")


def _mutate_sheet_xml(rng: random.Random, xml: bytes) -> bytes:
    rows = list(_ROW.finditer(xml))
    if not rows:
        return _flip(rng, xml)
    row = rng.choice(rows)
    start, end = row.span()
    operation = rng.choice(["delete", "duplicate", "break", "flip", "truncate_row"])
    if operation == "delete":
        return xml[:start] + xml[end:]
    if operation == "duplicate":
        return xml[:end] + row.group(0) + xml[end:]
    if operation == "break":
        return xml[:start] + row.group(0).replace(b"</c>", b"<c>", 1) + xml[end:]
    if operation == "truncate_row":
        return xml[: start + (end - start) // 2] + xml[end:]
    return xml[:start] + _flip(rng, row.group(0)) + xml[end:]


def mutate_xlsx(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.1:
        return mutate_text(rng, data)  # damage the zip itself
    source = zipfile.ZipFile(io.BytesIO(data))
    sheets = [n for n in source.namelist() if n.startswith("xl/worksheets/sheet")]
    target_sheet = rng.choice(sheets) if sheets else None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == target_sheet:
                content = _mutate_sheet_xml(rng, content)
            target.writestr(item, content)
    return out.getvalue()


def mutate(rng: random.Random, name: str, data: bytes) -> bytes:
    """One mutation of a delivered file, chosen by its kind (name) and ``rng``."""
    if name.endswith(".xlsx"):
        return mutate_xlsx(rng, data)
    if name.endswith(".gz"):
        if rng.random() < 0.3:
            return mutate_text(rng, data)  # the compressed bytes: a damaged gzip
        return gzip.compress(mutate_text(rng, gzip.decompress(data)), compresslevel=1)
    return mutate_text(rng, data)
