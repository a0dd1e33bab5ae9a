"""The feed catalog (feeds.yml) as typed objects, and file-name matching for deliveries."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
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
class PullSpec:
    """How a pulled source (transport rest or database) is asked for its changes."""

    connector: str  # module under connectors/
    source: str  # key under `sources:` in the configuration file
    endpoint: str
    paging: str  # page_token | offset | keyset
    key: tuple[str, ...]
    updated: str  # the change-time field: the watermark
    page_size: int
    overlap_seconds: float = 0
    rate_limit_per_second: float | None = None
    auth_header: str | None = None  # documentation of the credential's header, never a value
    statement_timeout_ms: int | None = None
    types: dict[str, str] = field(default_factory=dict)  # JSON type when not a string

    @property
    def overlap_delta(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.overlap_seconds)


DEFAULT_QUEUE = "default"  # Airflow's [operators] default_queue


@dataclass(frozen=True)
class Feed:
    name: str
    department: str
    steward_role: str
    cadence: str
    schedule: str
    files: tuple[FileKind, ...]
    transport: str = "file"  # file | rest | database
    pull: PullSpec | None = None  # for rest and database sources
    queue: str = DEFAULT_QUEUE  # the Celery queue of the feed's tasks

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


def queues() -> list[str]:
    """Every Celery queue the catalog's tasks go to (the default one first)."""
    named = {feed.queue for feed in load_catalog().values()} - {DEFAULT_QUEUE}
    return [DEFAULT_QUEUE, *sorted(named)]


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
            for file in spec.get("files", ())
        )
        pull = _pull(name, spec)
        if pull is not None:
            files = (_pull_kind(name, spec),)
        feeds[name] = Feed(
            name=name,
            department=spec["department"],
            steward_role=spec["steward_role"],
            cadence=spec["cadence"],
            schedule=spec["schedule"],
            files=files,
            transport=spec.get("transport", "file"),
            pull=pull,
            queue=spec.get("queue", DEFAULT_QUEUE),
        )
    return feeds


PULL_KIND = "pull"


def _pull(name: str, spec: dict) -> PullSpec | None:
    transport = spec.get("transport", "file")
    if transport == "file":
        return None
    if transport not in ("rest", "database") or "pull" not in spec:
        raise ValueError(f"feeds.yml: feed {name}: transport {transport} needs a pull: section")
    pull = dict(spec["pull"])
    pull["key"] = tuple(pull["key"])
    pull["types"] = dict(pull.get("types") or {})
    return PullSpec(**pull)


def _pull_kind(name: str, spec: dict) -> FileKind:
    """A pulled source's raw tables, as the one 'kind' of its batches (ledger kind 'pull')."""
    return FileKind(
        feed=name,
        kind=PULL_KIND,
        pattern=f"{spec['transport']}:{name}",  # matches no delivered file
        format=spec["transport"],
        tables=tuple(_table(t, s) for t, s in spec["tables"].items()),
    )


def raw_tables() -> list[RawTable]:
    return [table for feed in load_catalog().values() for table in feed.tables]
