"""What the pulled sources' connectors share: a page of records, its checks, and the errors.

A page is structurally sound or it is not landed at all: invalid JSON, a record without its key
or change time, a missing field, or a field of another JSON type than the catalog says stops
the pull (:class:`MalformedPage`) and nothing of that page is committed. Bad *content* (an ID
number that fails its check, an unknown code) is for the expectation suites: such a record
lands and is quarantined like a file row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fupin.catalog import PullSpec


class SourceError(RuntimeError):
    """A pulled source could not be read; the message names the feed and the request."""


class MalformedPage(SourceError):
    """A page is not what the source's format promises: the pull stops before it."""


class PageExpired(SourceError):
    """The page token expired (HTTP 410): restart from the last committed change time."""


class CredentialRefused(SourceError):
    """The source refused the configured credential (HTTP 401 / 403)."""


class SourceUnavailable(SourceError):
    """The source kept failing (5xx, 429, network) after every retry."""


@dataclass(frozen=True)
class Page:
    """One answer of a source: its records (already checked), what was asked, its size."""

    request: str  # what was asked, without any credential
    records: list[dict[str, Any]]
    size_bytes: int
    unknown_fields: frozenset[str] = field(default_factory=frozenset)


_JSON_TYPES = {
    "string": (str,),
    "number": (int, float),
    "array": (list,),
    "object": (dict,),
}


def _type_name(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(value), "number" if isinstance(value, int | float) else type(value).__name__
    )


def check_type(value: Any, expected: str) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):  # bool is an int in Python, never a number in JSON terms
        return expected == "boolean"
    return isinstance(value, _JSON_TYPES[expected])


def parse_json(body: bytes, where: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise MalformedPage(f"{where}: the answer is not UTF-8 ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise MalformedPage(
            f"{where}: the answer is not valid JSON (line {error.lineno} column {error.colno}: "
            f"{error.msg})"
        ) from None


def check_records(
    items: Any, spec: PullSpec, fields: Sequence[str], where: str
) -> tuple[list[dict[str, Any]], frozenset[str]]:
    """The items of a page as records, or :class:`MalformedPage` naming the item and field."""
    if not isinstance(items, list):
        raise MalformedPage(f"{where}: the records are a {_type_name(items)}, not an array")
    unknown: set[str] = set()
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise MalformedPage(f"{where}, record {position}: a {_type_name(item)}, not an object")
        for name in (*spec.key, spec.updated):
            if item.get(name) in (None, ""):
                raise MalformedPage(f"{where}, record {position}: the key field {name} is missing")
        for name in fields:
            if name not in item:
                raise MalformedPage(f"{where}, record {position}: field {name} is missing")
            expected = spec.types.get(name, "string")
            if not check_type(item[name], expected):
                raise MalformedPage(
                    f"{where}, record {position} ({_describe_key(item, spec)}): field {name} is "
                    f"a {_type_name(item[name])} ({item[name]!r:.40}), expected a {expected}"
                )
        unknown.update(set(item) - set(fields))
    return items, frozenset(unknown)


def _describe_key(item: dict[str, Any], spec: PullSpec) -> str:
    return ", ".join(f"{name} {item.get(name)}" for name in spec.key)


def as_text(value: Any) -> str | None:
    """A JSON value as raw text: strings as they are, numbers as JSON writes them."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Start:
    """Where a pull starts: after the last committed record (None, None: from the beginning)."""

    updated_at: dt.datetime | None = None
    key: str | None = None


def parse_time(value: Any, where: str) -> dt.datetime:
    """An ISO-8601 change time with its offset (the sources' watermark field)."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise MalformedPage(f"{where}: change time {value!r:.40} is not ISO-8601") from None
    if parsed.tzinfo is None:
        raise MalformedPage(f"{where}: change time {value} has no UTC offset")
    return parsed
