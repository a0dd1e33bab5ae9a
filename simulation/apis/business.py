"""Market regulation's business-registration API (department-feeds.md, business), simulated.

``GET /api/v2/entities?changed_after=&offset=&limit=(<=1000)`` with ``X-Api-Key``;
``{"total": n, "data": [...]}`` ordered by (changed_at, uscc), ``changed_after`` exclusive.
Offsets are taken over the set as it is at each request: an entity changed (or added) between
two pages moves, and the offsets of everything after it shift.
"""

from __future__ import annotations

from typing import Any

from simulation.apis.base import ApiSimulator, Refusal, _time, int_param, time_param

PATH = "/api/v2/entities"
MAX_LIMIT = 1000


class BusinessApiSimulator(ApiSimulator):
    key = "uscc"
    changed = "changed_at"
    path = PATH

    def __init__(self, records=(), *, api_key: str, **options: Any):
        super().__init__(records, **options)
        self.api_key = api_key

    def authenticate(self, headers) -> None:
        if headers.get("X-Api-Key") != self.api_key:
            raise Refusal(401, {"error": "unauthorized", "message": "API key refused"})

    def serve(self, query: dict[str, str]) -> bytes:
        limit = int_param(query, "limit", 100, MAX_LIMIT) or 100
        offset = int_param(query, "offset", 0, 10**9)
        after = time_param(query, "changed_after")
        rows = [r for r in self.ordered() if after is None or _time(r["changed_at"]) > after]
        return self._body({"total": len(rows), "data": rows[offset : offset + limit]}, "data")
