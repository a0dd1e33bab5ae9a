"""Fuzz landing with a hostile department's files (simulation.mutate) and check each outcome.

For every mutated delivery: no unhandled exception, and either the delivery landed (or was
held) with rows received = rows in raw = the physical data rows a reference reader counts in
the file, or it failed with a message that starts with the file and names the row (or says
why the whole file is unreadable). Used by tests/landing/test_fuzz.py (bounded in time) and by
``make fuzz`` (>= 10,000 deliveries).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from fupin import landing
from fupin.catalog import FileKind, load_catalog
from simulation.mutate import mutate

_PLACE = re.compile(r"\b(line|row) \d+")
_WHOLE_FILE = (
    "not a readable XLSX workbook",
    "the file is empty",
    "cannot be read past line",
    "is missing (the workbook has",
    "no header row found",
    "the header has no column names",
    "the workbook cannot be read from here",
)


@dataclass
class FuzzReport:
    deliveries: int = 0
    outcomes: Counter = field(default_factory=Counter)
    unhandled: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.deliveries:,} mutated deliveries: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(self.outcomes.items()))
            + f"; unhandled exceptions {len(self.unhandled)}; violations {len(self.violations)}"
        )


def _csv_rows(data: bytes, file_kind: FileKind) -> int | None:
    if file_kind.compression == "gzip":
        try:
            data = gzip.decompress(data)
        except Exception:
            return None
    encoding = "utf-8-sig" if file_kind.encoding.startswith("utf") else file_kind.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if any(v.strip() for v in r)]
    return max(len(records) - 1, 0)


def _jsonl_rows(data: bytes) -> int:
    return sum(1 for line in data.split(b"\n") if line.strip())


def _xlsx_rows(path: Path, file_kind: FileKind) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        total = 0
        for table in file_kind.tables:
            sheet = workbook[table.sheet] if table.sheet else workbook.worksheets[0]
            header = None
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if header is None:
                    names = {str(v).strip() for v in values if v is not None}
                    if number <= table.header_search_rows and 2 * len(
                        names.intersection(table.columns)
                    ) >= len(table.columns):
                        header = number
                    continue
                if any(v is not None and str(v).strip() for v in values):
                    total += 1
        return total
    finally:
        workbook.close()


def physical_rows(path: Path, data: bytes, file_kind: FileKind) -> int | None:
    if file_kind.format == "csv":
        return _csv_rows(data, file_kind)
    if file_kind.format == "jsonl":
        return _jsonl_rows(data)
    return _xlsx_rows(path, file_kind)


def samples_of(landing_root: Path) -> list[tuple[str, str, bytes]]:
    """One generated file per file kind of every file feed: (feed, relative path, bytes)."""
    chosen = []
    for name, feed in load_catalog().items():
        if feed.transport != "file":
            continue
        found = landing.discover(landing_root, feed).complete
        for file_kind in feed.files:
            of_kind = [d for d in found if d.file_kind.kind == file_kind.kind]
            if of_kind:
                delivered = of_kind[-1]
                chosen.append((name, delivered.source_file, delivered.path.read_bytes()))
    return chosen


def _check(conn, report: FuzzReport, result, path, data, file_kind) -> None:
    if result.outcome == "failed":
        message = result.message
        if not message.startswith(result.source_file) or not (
            _PLACE.search(message) or any(p in message for p in _WHOLE_FILE)
        ):
            report.violations.append(f"failure without file/row: {message}")
        return
    if result.outcome not in ("landed", "superseded", "held"):
        return
    with conn.cursor() as cur:
        cur.execute(
            "select rows_received from ops.delivery where batch_id = %s", (result.batch_id,)
        )
        (ledger,) = cur.fetchone()
        in_raw = 0
        for table in file_kind.tables:
            cur.execute(
                f"select count(*) from raw.{table.name} where _batch_id = %s",  # noqa: S608
                (result.batch_id,),
            )
            in_raw += cur.fetchone()[0]
    received = sum(result.rows.values())
    physical = physical_rows(path, data, file_kind)
    if not received == ledger == in_raw == physical:
        report.violations.append(
            f"{result.source_file}: received {received}, ledger {ledger}, raw {in_raw},"
            f" physical {physical}"
        )


def fuzz(conn, root: Path, samples, *, seed: int, deliveries: int, seconds: float) -> FuzzReport:
    """Land up to ``deliveries`` mutated files (or until ``seconds`` pass) and check each."""
    rng = random.Random(seed)
    report = FuzzReport()
    stamp = time.time()
    started = time.monotonic()
    while report.deliveries < deliveries and time.monotonic() - started < seconds:
        feed_name, relative, original = rng.choice(samples)
        data = mutate(rng, relative, original)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        ok = path.with_name(path.name + ".ok")
        ok.write_bytes(b"")
        stamp += 1
        os.utime(ok, (stamp, stamp))
        feed = load_catalog()[feed_name]
        (delivered,) = [d for d in landing.discover(root, feed).complete if d.path == path]
        report.deliveries += 1
        try:
            result = landing.land_file(conn, delivered)
            report.outcomes[result.outcome] += 1
            _check(conn, report, result, path, data, delivered.file_kind)
        except Exception:
            conn.rollback()
            report.unhandled.append(f"{relative}: {traceback.format_exc(limit=3)}")
            report.outcomes["unhandled"] += 1
    return report


def as_json(report: FuzzReport) -> str:
    return json.dumps(
        {
            "deliveries": report.deliveries,
            "outcomes": dict(report.outcomes),
            "unhandled": report.unhandled[:5],
            "violations": report.violations[:5],
        },
        ensure_ascii=False,
        indent=1,
    )
