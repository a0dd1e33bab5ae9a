"""The feed catalog (feeds.yml) as typed objects, and file-name matching for deliveries."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

CATALOG_FILE = Path(__file__).with_name("feeds.yml")

_PLACEHOLDERS = {
    "county": r"(?P<scope>\d{6})",
    "yyyymmdd": r"(?P<period>\d{8})",
    "yyyymm": r"(?P<period>\d{6})",
    "yyyyq": r"(?P<period>\d{4}[1-4])",
    "yyyy": r"(?P<period>\d{4})",
}
_VERSION = r"(?:_v(?P<version>[2-9]|[1-9]\d+))?"


@dataclass(frozen=True)
class RawTable:
    name: str
    columns: tuple[str, ...]
    key_columns: tuple[str, ...]
    sheet: str | None = None
    header_search_rows: int = 1
    # Without these a delivery is held for the steward, not applied.
    required_columns: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"raw.{self.name}"


@dataclass(frozen=True)
class FileKind:
    feed: str
    kind: str
    pattern: str
    format: str
    tables: tuple[RawTable, ...]
    encoding: str = "utf-8"
    compression: str | None = None
    reader: str | None = None  # a quirk module under connectors/, else chosen by format
    # A delivery that replaces the previous one (full/snapshot) with fewer rows than this share
    # of the previous delivery of the same kind is held for the steward (None: no guard).
    min_rows_vs_previous: float | None = None

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return _pattern_regex(self.pattern)


@dataclass(frozen=True)
class Feed:
    name: str
    department: str
    steward_role: str
    cadence: str
    schedule: str
    files: tuple[FileKind, ...]
    transport: str = "file"  # file | rest | database

    @property
    def tables(self) -> tuple[RawTable, ...]:
        return tuple(table for file in self.files for table in file.tables)


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """``registry/{county}/建档立卡_{county}_{yyyymm}.xlsx`` as a regex with named groups."""
    stem, dot, extension = pattern.partition(".")
    out: list[str] = []
    seen: set[str] = set()
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", stem):
        out.append(re.escape(literal))
        if name:
            group = _PLACEHOLDERS[name]
            group_name = re.search(r"\?P<(\w+)>", group).group(1)
            # A placeholder used twice must repeat the same value.
            out.append(f"(?P={group_name})" if group_name in seen else group)
            seen.add(group_name)
    return re.compile("".join(out) + _VERSION + re.escape(dot + extension) + "$")


def _table(name: str, spec: dict) -> RawTable:
    return RawTable(
        name=name,
        columns=tuple(spec["columns"]),
        key_columns=tuple(spec.get("key_columns", ())),
        sheet=spec.get("sheet"),
        header_search_rows=spec.get("header_search_rows", 1),
        required_columns=tuple(spec.get("required_columns", ())),
    )


@functools.cache
def load_catalog(path: Path = CATALOG_FILE) -> dict[str, Feed]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    feeds: dict[str, Feed] = {}
    for name, spec in data["feeds"].items():
        files = tuple(
            FileKind(
                feed=name,
                kind=file["kind"],
                pattern=file["pattern"],
                format=file["format"],
                encoding=file.get("encoding", "utf-8"),
                compression=file.get("compression"),
                reader=file.get("reader"),
                min_rows_vs_previous=file.get("min_rows_vs_previous"),
                tables=tuple(_table(t, s) for t, s in file["tables"].items()),
            )
            for file in spec["files"]
        )
        feeds[name] = Feed(
            name=name,
            department=spec["department"],
            steward_role=spec["steward_role"],
            cadence=spec["cadence"],
            schedule=spec["schedule"],
            files=files,
            transport=spec.get("transport", "file"),
        )
    return feeds


def raw_tables() -> list[RawTable]:
    return [table for feed in load_catalog().values() for table in feed.tables]
