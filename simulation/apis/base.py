"""What both department API simulators share: an HTTP server on 127.0.0.1, a credential
check, the rate limit with ``429`` + ``Retry-After``, random ``503``s, scripted fault storms,
malformed pages on request, and a store of records that tests can change between pulls.

The store keeps each record's current state (one per key), ordered by (change time, key) as
the APIs are. Records read from the generator's ``apis/*.jsonl`` (one line per version) are
applied in order, so the newest version of each wins; ``until`` holds later versions back
until :meth:`ApiSimulator.release`.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from simulation.http_server import ServedSimulator, serve_in_thread, shut_down

log = logging.getLogger(__name__)
SOURCE_TZ = dt.timezone(dt.timedelta(hours=8))


class Refusal(Exception):
    def __init__(self, status: int, payload: dict[str, Any], headers: dict | None = None) -> None:
        super().__init__(status)
        self.status, self.payload, self.headers = status, payload, headers or {}


class ApiSimulator(ServedSimulator):
    """Base of the vehicle and business simulators (subclasses: ``key``, ``changed``, ``serve``)."""

    key: str
    changed: str
    path: str

    def __init__(
        self,
        records: Iterable[dict[str, Any]] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int = 10,
        failure_rate: float = 0.02,
        seed: int = 1,
        delay: float = 0.0,
        until: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.rate_limit = rate_limit
        self.failure_rate = failure_rate
        self.delay = delay
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.store: dict[str, dict[str, Any]] = {}
        self.pending: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # monotonic time of every request, for tests
        self.statuses: collections.Counter[int] = collections.Counter()
        self._recent: collections.deque[float] = collections.deque()
        self._faults: collections.deque[tuple[int, float | None]] = collections.deque()
        self._corrupt: collections.deque[str] = collections.deque()
        self.after_page: Callable[[int], None] | None = None  # called after each page served
        self.pages_served = 0
        for record in records:
            if until is not None and _time(record[self.changed]) > _time(until):
                self.pending.append(record)
            else:
                self._apply(record)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- data ---------------------------------------------------------------------------
    @classmethod
    def from_jsonl(cls, path: str | Path, **options: Any) -> ApiSimulator:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls((json.loads(line) for line in lines if line.strip()), **options)

    def _apply(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.store[record[self.key]] = dict(record)

    def ordered(self) -> list[dict[str, Any]]:
        with self.lock:
            return sorted(self.store.values(), key=lambda r: (_time(r[self.changed]), r[self.key]))

    def stamp(self) -> str:
        """A change time for an edit now: never before the newest record (ties allowed)."""
        with self.lock:
            newest = max((_time(r[self.changed]) for r in self.store.values()), default=None)
        now = dt.datetime.now(SOURCE_TZ).replace(microsecond=0)
        return max(now, newest or now).isoformat()

    def upsert(self, record: dict[str, Any], *, changed: str | None = None) -> dict[str, Any]:
        """Add a record or replace its current state; stamped now unless ``changed`` is given."""
        record = {**record, self.changed: changed or self.stamp()}
        self._apply(record)
        return record

    def change(self, key: str, *, changed: str | None = None, **fields: Any) -> dict[str, Any]:
        with self.lock:
            current = self.store[key]
        return self.upsert({**current, **fields}, changed=changed)

    def release(self, until: str | None = None) -> int:
        """Apply the held-back versions up to ``until`` (all when None); how many were applied."""
        with self.lock:
            due = [
                r for r in self.pending if until is None or _time(r[self.changed]) <= _time(until)
            ]
            self.pending = [r for r in self.pending if r not in due]
            for record in due:
                self._apply(record)
        return len(due)

    # -- faults -------------------------------------------------------------------------
    def storm(self, status: int, count: int, retry_after: float | None = 1) -> None:
        """The next ``count`` requests answer ``status`` (429 / 503), with Retry-After."""
        with self.lock:
            self._faults.extend([(status, retry_after)] * count)

    def corrupt_next_page(self, how: str) -> None:
        """invalid_json | missing_key | type_change: the next page served is malformed."""
        with self.lock:
            self._corrupt.append(how)

    def _admit(self) -> None:
        """The rate limit, scripted storms and random 503s, in that order."""
        with self.lock:
            now = time.monotonic()
            self.arrivals.append(now)
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            self._recent.append(now)
            if len(self._recent) > self.rate_limit:
                raise Refusal(429, {"error": "rate_limited"}, {"Retry-After": "1"})
            if self._faults:
                status, retry_after = self._faults.popleft()
                headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
                raise Refusal(
                    status, {"error": "unavailable" if status >= 500 else "throttled"}, headers
                )
            if self.failure_rate and self.rng.random() < self.failure_rate:
                raise Refusal(503, {"error": "unavailable"})

    def _body(self, payload: dict[str, Any], items_field: str) -> bytes:
        with self.lock:
            how = self._corrupt.popleft() if self._corrupt else None
        if how and payload[items_field]:
            item = dict(payload[items_field][0])
            if how == "missing_key":
                item.pop(self.key)
            elif how == "type_change":
                item[self.changed] = 20260101  # a number where a timestamp string was
            payload = {**payload, items_field: [item, *payload[items_field][1:]]}
        text = json.dumps(payload, ensure_ascii=False)
        return (text[: len(text) // 2] if how == "invalid_json" else text).encode("utf-8")

    # -- subclass interface --------------------------------------------------------------
    def authenticate(self, headers) -> None:
        raise NotImplementedError

    def serve(self, query: dict[str, str]) -> bytes:
        raise NotImplementedError

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> ApiSimulator:
        handler = type("BoundHandler", (_Handler,), {"simulator": self})
        self._server, self._thread = serve_in_thread(self.host, self.port, handler)
        self.port = self._server.server_address[1]
        return self

    def stop(self) -> None:
        shut_down(self._server, self._thread)
        self._server = self._thread = None


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def bad_request(message: str) -> Refusal:
    return Refusal(400, {"error": "bad_request", "message": message})


def int_param(query: dict[str, str], name: str, default: int, maximum: int) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
    if not 0 <= value <= maximum:
        raise bad_request(f"{name} must be between 0 and {maximum}")
    return value


def time_param(query: dict[str, str], name: str) -> dt.datetime | None:
    if name not in query:
        return None
    try:
        value = dt.datetime.fromisoformat(query[name])
    except ValueError:
        raise bad_request(f"{name} must be ISO-8601") from None
    if value.tzinfo is None:
        raise bad_request(f"{name} needs a UTC offset")
    return value


class _Handler(BaseHTTPRequestHandler):
    simulator: ApiSimulator
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s - %s", self.address_string(), format % args)

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.simulator.statuses[status] += 1
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        sim = self.simulator
        parts = urlsplit(self.path)
        try:
            sim._admit()
            sim.authenticate(self.headers)
            if parts.path != sim.path:
                raise Refusal(404, {"error": "not_found"})
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            if sim.delay:
                time.sleep(sim.delay)
            body = sim.serve(query)
        except Refusal as refusal:
            body = json.dumps(refusal.payload).encode("utf-8")
            return self._send(refusal.status, body, refusal.headers)
        with sim.lock:
            sim.pages_served += 1
            served = sim.pages_served
        if sim.after_page is not None:  # before the answer: the change lands between pages
            sim.after_page(served)
        self._send(200, body)
