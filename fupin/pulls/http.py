"""HTTP for the REST sources: paced under the department's rate limit, retried with tenacity.

- Pacing: at most ``rate`` requests in any window of ``1 s + margin`` (a sliding log of each
  request's response time: a request reaches the server before its response comes back, so
  however late a loaded client sends, the server never sees more than ``rate`` in a second),
  so the client does not live on 429s; retries go through the same pacer.
- Retries: 429 and 5xx and network errors, up to ``attempts`` tries; a ``Retry-After`` header is
  honoured (capped), otherwise exponential backoff with jitter.
- 401 / 403 are a refused credential, 410 an expired page token: neither is retried here.
- The credential travels only in the request headers: never in a URL, a log line, an error
  message or a return value.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from tenacity.wait import wait_base

from connectors.pages import CredentialRefused, PageExpired, SourceError, SourceUnavailable

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 60.0


class Pacer:
    """At most ``calls`` requests in any ``period`` seconds (sliding log; thread-safe).

    ``wait`` takes a slot at the send time; ``finished`` moves it to the response time."""

    def __init__(
        self,
        calls: int,
        period: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.calls = max(1, calls)
        self.period = period
        self._clock = clock
        self._sleep = sleep
        # Slots as one-element lists, moved later by finished(); an expired slot behind a
        # later one waits its turn to leave, which only ever paces more.
        self._slots: collections.deque[list[float]] = collections.deque()
        self._lock = threading.Lock()

    def wait(self) -> list[float]:
        with self._lock:
            while True:
                now = self._clock()
                while self._slots and now - self._slots[0][0] >= self.period:
                    self._slots.popleft()
                if len(self._slots) < self.calls:
                    slot = [now]
                    self._slots.append(slot)
                    return slot
                self._sleep(self.period - (now - self._slots[0][0]))

    def finished(self, slot: list[float]) -> None:
        with self._lock:
            slot[0] = self._clock()


class RetryableStatus(SourceError):
    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _WaitRetryAfter(wait_base):
    """The server's Retry-After when it gave one, else exponential backoff with jitter."""

    def __init__(self, fallback: wait_base) -> None:
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER_SECONDS)
        return self.fallback(retry_state)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare for these APIs; fall back to backoff


class PacedClient:
    """GET requests to one REST source, paced and retried. ``feed`` names it in messages."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        *,
        feed: str,
        credential_key: str,
        rate_per_second: float | None,
        attempts: int = 10,
        timeout: float = 30.0,
        backoff_initial: float = 0.2,
        backoff_max: float = 10.0,
        pace_margin: float = 0.1,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.feed = feed
        self.credential_key = credential_key  # e.g. sources.vehicle.token, for messages
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.pacer = Pacer(int(rate_per_second), 1.0 + pace_margin) if rate_per_second else None
        self.retrying = Retrying(
            retry=retry_if_exception_type(
                (RetryableStatus, requests.ConnectionError, requests.Timeout)
            ),
            stop=stop_after_attempt(attempts),
            wait=_WaitRetryAfter(
                wait_exponential(multiplier=backoff_initial, max=backoff_max)
                + wait_random(0, backoff_initial)
            ),
            before_sleep=self._log_retry,
            reraise=True,
        )
        self.requests_sent = 0
        self.retries = 0

    def _log_retry(self, retry_state: RetryCallState) -> None:
        self.retries += 1
        error = retry_state.outcome.exception() if retry_state.outcome else None
        log.info("%s: retry %d after %s", self.feed, retry_state.attempt_number, error)

    def get(self, path: str, params: Mapping[str, Any], where: str) -> bytes:
        """The body of a successful GET, or the error that says what went wrong."""
        try:
            return self.retrying(self._get_once, path, params, where)
        except RetryableStatus as error:
            raise SourceUnavailable(
                f"{error} (gave up after {self.requests_sent} requests)"
            ) from None
        except (requests.ConnectionError, requests.Timeout) as error:
            raise SourceUnavailable(
                f"{where}: {self.base_url} did not answer ({type(error).__name__})"
                " after every retry"
            ) from None

    def _get_once(self, path: str, params: Mapping[str, Any], where: str) -> bytes:
        slot = self.pacer.wait() if self.pacer else None
        self.requests_sent += 1
        try:
            response = self.session.get(self.base_url + path, params=params, timeout=self.timeout)
        finally:
            if slot:
                self.pacer.finished(slot)
        status = response.status_code
        if status in (401, 403):
            raise CredentialRefused(
                f"{where}: the source refused the credential (HTTP {status}); check "
                f"{self.credential_key} in the configuration file"
            )
        if status == 410:
            raise PageExpired(f"{where}: the page token expired (HTTP 410)")
        if status in RETRY_STATUSES:
            raise RetryableStatus(f"{where}: HTTP {status}", _retry_after(response))
        if status != 200:
            raise SourceError(f"{where}: HTTP {status}: {response.text[:200]}")
        return response.content

    def close(self) -> None:
        self.session.close()
