"""Sign and send batches to the national system, and survive its faults (national-exchange.md).

:meth:`ExchangeClient.send_batch` sends one batch body (exact bytes: a retry re-sends the same
bytes under the same batch_id) and returns the national answer:
- 429 / 503: wait ``Retry-After`` (capped) and send the same batch again;
- a dropped connection or a timeout: ask ``GET /batches/{id}`` at once; if the national system
  knows the batch, its stored answer is ours; otherwise wait (backoff) and send the same batch
  again;
- 409 sequence: if the expected sequence is past ours and the national system knows our batch,
  take its stored answer; otherwise raise :class:`SequenceConflict` (the push renumbers);
- 401 / 400 / 413 / 409 batch_id_reused: :class:`ExchangeRefused` (stop: retrying cannot help);
- retries exhausted: :class:`ExchangeUnavailable` (the batch stays unanswered; the next push
  re-sends it with the same batch_id and body).

The secret is only used to sign; it never appears in a log line or an exception. One client
may be shared by threads (one per entity): each thread gets its own HTTP session.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import requests

from fupin.exchange import protocol

log = logging.getLogger(__name__)
NATIONAL_TZ = dt.timezone(dt.timedelta(hours=8))


class NationalSettings(Protocol):
    """What the client needs of ``fupin.config.NationalConfig`` (or anything shaped like it)."""

    base_url: str
    sender_id: str
    secret: Any  # SecretStr or str


class ExchangeError(Exception):
    """The push cannot go on; the message says why and what to do."""


class ExchangeRefused(ExchangeError):
    """The national system refused the request (401, 400, 413, batch_id reused)."""

    def __init__(self, status: int, payload: Any, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.payload = payload


class ExchangeUnavailable(ExchangeError):
    """No answer after the allowed retries; the same batch must be sent again later."""


class SequenceConflict(ExchangeError):
    def __init__(self, batch_id: str, sent: int, expected: int) -> None:
        super().__init__(
            f"batch {batch_id} was sent as sequence {sent}; the national system expects {expected}"
        )
        self.batch_id = batch_id
        self.sent = sent
        self.expected = expected


@dataclass
class BatchAnswer:
    status: int  # 202 first answer, 200 replay or stored answer
    answer: dict[str, Any]
    attempts: int  # POSTs sent for this batch in this call
    recovered: bool = False  # the answer came from GET /batches/{id} or a replay
    retries: int = 0  # failed attempts survived (429, 503, dropped connection, timeout)


def _secret_value(secret: Any) -> str:
    return secret.get_secret_value() if hasattr(secret, "get_secret_value") else str(secret)


class ExchangeClient:
    def __init__(
        self,
        national: NationalSettings,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        max_attempts: int = 8,
        max_wait: float = 60.0,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = national.base_url.rstrip("/")
        self.sender_id = national.sender_id
        self._secret = _secret_value(national.secret)
        self.timeout = (connect_timeout, timeout)
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.backoff = backoff
        self.sleep = sleep
        self.now = now or (lambda: dt.datetime.now(NATIONAL_TZ))
        self._fixed_session = session
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def __repr__(self) -> str:  # never show the secret
        return f"ExchangeClient({self.base_url!r}, sender={self.sender_id!r})"

    @property
    def session(self) -> requests.Session:
        """The calling thread's HTTP session (requests.Session is not meant to be shared)."""
        if self._fixed_session is not None:
            return self._fixed_session
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        if self._fixed_session is not None:
            self._fixed_session.close()

    # -- transport ---------------------------------------------------------------------------
    def _headers(self, body: bytes) -> dict[str, str]:
        timestamp = self.now().isoformat(timespec="seconds")
        return {
            "X-Sender-Id": self.sender_id,
            "X-Timestamp": timestamp,
            "X-Signature": protocol.sign(self._secret, timestamp, body),
            "Content-Type": "application/json; charset=utf-8",
        }

    def _get(self, path: str, params: dict[str, str] | None = None) -> requests.Response:
        url = f"{self.base_url}{protocol.API}{path}"
        return self.session.get(
            url, params=params, headers=self._headers(b""), timeout=self.timeout
        )

    def _get_json(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        """A GET with the same retry rules as a batch (GETs are safe to repeat)."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._get(path, params)
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt == self.max_attempts:
                    raise ExchangeUnavailable(
                        f"GET {path}: no answer ({type(error).__name__})"
                    ) from None
                self._wait(None, attempt)
                continue
            if response.status_code in (429, 503) and attempt < self.max_attempts:
                self._wait(response.headers.get("Retry-After"), attempt)
                continue
            if response.status_code != 200:
                raise _refusal(response, f"GET {path}")
            return response.json()
        raise ExchangeUnavailable(f"GET {path}: no answer after {self.max_attempts} attempts")

    def _wait(self, retry_after: str | None, attempt: int) -> None:
        try:
            seconds = float(retry_after) if retry_after is not None else None
        except ValueError:
            seconds = None
        if seconds is None:
            seconds = self.backoff * 2 ** (attempt - 1)
        self.sleep(min(max(seconds, 0.0), self.max_wait))

    # -- the API -----------------------------------------------------------------------------
    def windows(self) -> dict[str, Any]:
        return self._get_json("/windows")

    def state(self, entity: str, prefix: str | None = None) -> dict[str, Any]:
        return self._get_json(f"/state/{entity}", {"prefix": prefix} if prefix else None)

    def stored_answer(self, batch_id: str) -> dict[str, Any] | None:
        """GET /batches/{id}: the stored answer, or None when the national side does not know it."""
        try:
            response = self._get(f"/batches/{batch_id}")
        except (requests.ConnectionError, requests.Timeout):
            return None  # unknown for now: the caller re-sends the same batch, which is safe
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            if response.status_code in (429, 503):
                return None
            raise _refusal(response, f"GET /batches/{batch_id}")
        return response.json()

    def send_batch(self, batch_id: str, sequence: int, body: bytes) -> BatchAnswer:
        """Send one batch (exact bytes) until it has an answer; see the module docstring."""
        url = f"{self.base_url}{protocol.API}/batches"
        ask_first = False  # after a drop or timeout, first ask whether the batch arrived
        failures = 0
        for attempt in range(1, self.max_attempts + 1):
            if ask_first:
                stored = self.stored_answer(batch_id)
                if stored is not None:
                    log.info(
                        "batch %s: arrived before the connection failed; stored answer taken",
                        batch_id,
                    )
                    return BatchAnswer(200, stored, attempt - 1, True, failures)
            try:
                response = self.session.post(
                    url, data=body, headers=self._headers(body), timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                log.warning(
                    "batch %s (sequence %s): %s on attempt %d; it may have been applied: "
                    "asking, else re-sending the same batch",
                    batch_id, sequence, type(error).__name__, attempt,
                )  # fmt: skip
                failures += 1
                # Ask at once: a connection dropped after the batch was applied needs no wait.
                stored = self.stored_answer(batch_id)
                if stored is not None:
                    log.info(
                        "batch %s: arrived before the connection failed; stored answer taken",
                        batch_id,
                    )
                    return BatchAnswer(200, stored, attempt, True, failures)
                ask_first = True
                if attempt < self.max_attempts:
                    self._wait(None, attempt)
                continue
            ask_first = False
            status = response.status_code
            if status in (200, 202):
                return BatchAnswer(status, response.json(), attempt, status == 200, failures)
            if status in (429, 503):
                retry_after = response.headers.get("Retry-After")
                failures += 1
                log.warning(
                    "batch %s: national answered %d, retry after %s s (attempt %d)",
                    batch_id, status, retry_after, attempt,
                )  # fmt: skip
                if attempt < self.max_attempts:
                    self._wait(retry_after, attempt)
                continue
            payload = _payload(response)
            if status == 409 and isinstance(payload, dict) and payload.get("error") == "sequence":
                expected = int(payload["expected"])
                if expected > sequence:
                    stored = self.stored_answer(batch_id)
                    if stored is not None:
                        log.info(
                            "batch %s: sequence %d already accepted (national expects %d); "
                            "stored answer taken",
                            batch_id, sequence, expected,
                        )  # fmt: skip
                        return BatchAnswer(200, stored, attempt, True, failures)
                raise SequenceConflict(batch_id, sequence, expected)
            raise _refusal(response, f"batch {batch_id}")
        if ask_first and (stored := self.stored_answer(batch_id)) is not None:
            return BatchAnswer(200, stored, self.max_attempts, True, failures)
        raise ExchangeUnavailable(
            f"batch {batch_id} (sequence {sequence}): no answer after {self.max_attempts} "
            "attempts; it stays unanswered and the next push sends it again (same batch_id)"
        )


def _payload(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


def _refusal(response: requests.Response, what: str) -> ExchangeRefused:
    payload = _payload(response)
    status = response.status_code
    reason = {
        400: "malformed request (a bug in the batch builder)",
        401: "refused the signature or sender: check national.sender_id, national.secret and "
        "the clock (300 s skew allowed)",
        409: "conflict",
        413: "batch too large (the batcher must split at 1,000 records and 5 MB)",
    }.get(status, "unexpected answer")
    detail = json.dumps(payload, ensure_ascii=False) if not isinstance(payload, str) else payload
    return ExchangeRefused(
        status, payload, f"{what}: national system answered {status}, {reason}: {detail}"
    )
