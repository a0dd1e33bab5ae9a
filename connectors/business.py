"""市场监管 business registrations: ``GET /api/v2/entities``, offset paging, ``X-Api-Key``.

Offset paging over a set that changes between pages (a changed entity moves to the end and
shifts every later offset) is not trusted across pages: each next page asks again with
``changed_after`` = the newest change time seen, less the overlap, from offset 0. Only when a
whole page shares (nearly) one change time does the offset step on. Versions seen twice are
skipped by the runner, so the overlap costs a few repeated records, never a lost one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.pages import (
    MalformedPage,
    Page,
    Start,
    as_text,
    check_records,
    check_type,
    parse_json,
    parse_time,
)
from fupin.catalog import PullSpec, RawTable

CREDENTIAL = "api_key"
SHAREHOLDER_FIELDS = {"id_number": "string", "name": "string", "subscribed_wan": "number"}


def auth_headers(source) -> dict[str, str]:
    return {"X-Api-Key": source.api_key.get_secret_value()}


def pages(
    client, spec: PullSpec, tables: tuple[RawTable, ...], start: Start, page_size: int
) -> Iterator[Page]:
    entity = tables[0]
    after = None if start.updated_at is None else start.updated_at - spec.overlap_delta
    offset = 0
    number = 0
    fields = [*entity.columns, "shareholders"]
    while True:
        number += 1
        params: dict[str, Any] = {"offset": offset, "limit": page_size}
        if after is not None:
            params["changed_after"] = after.isoformat()
        where = (
            f"business {spec.endpoint} changed_after={params.get('changed_after', '-')}"
            f" offset={offset} (page {number})"
        )
        body = client.get(spec.endpoint, params, where)
        data = parse_json(body, where)
        if not isinstance(data, dict) or "data" not in data or "total" not in data:
            raise MalformedPage(f"{where}: the answer lacks data / total")
        records, unknown = check_records(data["data"], spec, fields, where)
        for position, record in enumerate(records, start=1):
            _check_shareholders(record, f"{where}, record {position} (uscc {record['uscc']})")
        yield Page(where, records, len(body), unknown)
        if len(records) < page_size:
            return
        newest = max(parse_time(r[spec.updated], where) for r in records) - spec.overlap_delta
        if after is None or newest > after:
            after, offset = newest, 0
        else:  # a page-full of records within the overlap: step on within it
            offset += len(records)


def _check_shareholders(record: dict[str, Any], where: str) -> None:
    for number, holder in enumerate(record["shareholders"] or [], start=1):
        if not isinstance(holder, dict):
            raise MalformedPage(f"{where}: shareholder {number} is not an object")
        for name, expected in SHAREHOLDER_FIELDS.items():
            if name not in holder:
                raise MalformedPage(f"{where}: shareholder {number} lacks {name}")
            if not check_type(holder[name], expected):
                raise MalformedPage(
                    f"{where}: shareholder {number} field {name} is not a {expected}"
                )


def rows(record: dict[str, Any], tables: tuple[RawTable, ...]) -> dict[str, list[list]]:
    entity, shareholder = tables
    holders = [
        [
            record["uscc"],
            record["changed_at"],
            str(number),
            *(as_text(h[c]) for c in SHAREHOLDER_FIELDS),
        ]
        for number, h in enumerate(record["shareholders"] or [], start=1)
    ]
    return {
        entity.name: [[as_text(record[c]) for c in entity.columns]],
        shareholder.name: holders,
    }
