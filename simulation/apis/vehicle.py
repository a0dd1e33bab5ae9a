"""The traffic police's vehicle API (department-feeds.md, vehicle), simulated.

``GET /api/v1/vehicles?updated_since=&page_size=(<=500)&page_token=`` with
``Authorization: Bearer <token>``; ``{"items": [...], "next_page_token": ... | null}``, ordered
by (updated_at, plate_no), ``updated_since`` inclusive. A page token remembers the position
after the last item served (so a record changed while paging moves to the end and is served
again later) and expires ``token_ttl`` seconds after it was issued (``410``).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from simulation.apis.base import ApiSimulator, Refusal, _time, int_param, time_param

PATH = "/api/v1/vehicles"
MAX_PAGE_SIZE = 500


class VehicleApiSimulator(ApiSimulator):
    key = "plate_no"
    changed = "updated_at"
    path = PATH

    def __init__(self, records=(), *, token: str, token_ttl: float = 600.0, **options: Any):
        super().__init__(records, **options)
        self.token = token
        self.token_ttl = token_ttl
        self._tokens: dict[str, tuple[float, Any, tuple]] = {}  # token -> (issued, since, after)

    def authenticate(self, headers) -> None:
        if headers.get("Authorization") != f"Bearer {self.token}":
            raise Refusal(401, {"error": "unauthorized", "message": "bearer token refused"})

    def expire_tokens(self) -> None:
        """Every page token issued so far answers 410 from now on."""
        with self.lock:
            self._tokens = {t: (-1e9, s, a) for t, (_, s, a) in self._tokens.items()}

    def serve(self, query: dict[str, str]) -> bytes:
        size = int_param(query, "page_size", 100, MAX_PAGE_SIZE) or 100
        if "page_token" in query:
            with self.lock:
                entry = self._tokens.get(query["page_token"])
            if entry is None:
                raise Refusal(400, {"error": "bad_request", "message": "unknown page_token"})
            issued, since, after = entry
            if time.monotonic() - issued > self.token_ttl:
                raise Refusal(410, {"error": "gone", "message": "page token expired"})
        else:
            since, after = time_param(query, "updated_since"), None
        rows = [
            r
            for r in self.ordered()
            if (since is None or _time(r["updated_at"]) >= since)
            and (after is None or (_time(r["updated_at"]), r["plate_no"]) > after)
        ]
        page, rest = rows[:size], rows[size:]
        token = None
        if rest:
            token = secrets.token_urlsafe(12)
            last = page[-1]
            with self.lock:
                self._tokens[token] = (
                    time.monotonic(),
                    since,
                    (_time(last["updated_at"]), last["plate_no"]),
                )
        return self._body({"items": page, "next_page_token": token}, "items")
