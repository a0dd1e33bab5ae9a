"""公安交管 vehicle registrations: ``GET /api/v1/vehicles``, page-token paging, bearer token.

Request / parse / page only; pacing, retries, watermarks and landing are fupin.pulls'.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from connectors.pages import MalformedPage, Page, Start, as_text, check_records, parse_json
from fupin.catalog import PullSpec, RawTable

CREDENTIAL = "token"


def auth_headers(source) -> dict[str, str]:
    return {"Authorization": f"Bearer {source.token.get_secret_value()}"}


def pages(
    client, spec: PullSpec, tables: tuple[RawTable, ...], start: Start, page_size: int
) -> Iterator[Page]:
    """Pages of records changed since ``start`` (less the overlap), following page tokens.

    A 410 (expired token) surfaces as PageExpired: the runner restarts from its watermark.
    """
    (table,) = tables
    params: dict[str, Any] = {"page_size": page_size}
    if start.updated_at is not None:
        since = start.updated_at - spec.overlap_delta
        params["updated_since"] = since.isoformat()
    token: str | None = None
    number = 0
    while True:
        number += 1
        since_text = params.get("updated_since", "-")
        where = f"vehicle {spec.endpoint} updated_since={since_text} page {number}"
        query = {**params, "page_token": token} if token else params
        body = client.get(spec.endpoint, query, where)
        data = parse_json(body, where)
        if not isinstance(data, dict) or "items" not in data or "next_page_token" not in data:
            raise MalformedPage(f"{where}: the answer lacks items / next_page_token")
        token = data["next_page_token"]
        if token is not None and not isinstance(token, str):
            raise MalformedPage(f"{where}: next_page_token is not a string or null")
        records, unknown = check_records(data["items"], spec, table.columns, where)
        yield Page(where, records, len(body), unknown)
        if not token:
            return


def rows(record: dict[str, Any], tables: tuple[RawTable, ...]) -> dict[str, list[list]]:
    (table,) = tables
    return {table.name: [[as_text(record[c]) for c in table.columns]]}
