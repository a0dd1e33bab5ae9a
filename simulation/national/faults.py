"""The simulated national system's misbehaviour and calendar: fault plans and the registration
window."""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Window:
    """The yearly household registration window. ``open`` None: decided by the dates."""

    open: bool | None = True
    opens: dt.date = dt.date(2027, 3, 1)
    closes: dt.date = dt.date(2027, 3, 31)

    def is_open(self, today: dt.date) -> bool:
        if self.open is not None:
            return self.open
        return self.opens <= today <= self.closes

    def describe(self, today: dt.date) -> dict[str, Any]:
        return {
            "open": self.is_open(today),
            "next_opens": self.opens.isoformat(),
            "closes": self.closes.isoformat(),
        }


FAULT_KINDS = ("429", "503", "drop", "slow")


class FaultPlan:
    """Which POST /batches requests misbehave, deterministically.

    ``faults`` is consumed first, one entry per request (None = behave); then each request
    draws from ``random.Random(seed)`` with probability ``rate`` one of ``kinds``, or, with
    ``rates`` (e.g. ``{"503": 0.2, "drop": 0.1}``), each kind with its own probability.
    - ``429`` / ``503``: answered at once with ``Retry-After: retry_after``; nothing applied.
    - ``drop``: the batch is applied, then the connection is closed without an answer.
    - ``slow``: the answer waits ``slow_seconds`` before the batch is processed (the client
      times out; the batch is applied later unless a retry got there first).
    """

    def __init__(
        self,
        faults: Sequence[str | None] = (),
        *,
        rate: float = 0.0,
        seed: int = 0,
        kinds: Sequence[str] = FAULT_KINDS,
        retry_after: int = 1,
        slow_seconds: float = 2.0,
        rates: Mapping[str, float] | None = None,
    ) -> None:
        if rates and sum(rates.values()) > 1:
            raise ValueError(f"fault rates add up to more than 1: {dict(rates)}")
        for kind in [*faults, *kinds, *(rates or {})]:
            if kind is not None and kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")
        self._explicit = list(faults)
        self._random = random.Random(seed)
        self.rate = rate
        self.kinds = tuple(kinds)
        self.rates = dict(rates or {})
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.injected: list[str] = []
        self._lock = threading.Lock()

    def next(self) -> str | None:
        with self._lock:
            if self._explicit:
                fault = self._explicit.pop(0)
            elif self.rates:
                fault, draw = None, self._random.random()
                for kind, probability in self.rates.items():
                    if draw < probability:
                        fault = kind
                        break
                    draw -= probability
            elif self.rate > 0 and self._random.random() < self.rate:
                fault = self._random.choice(self.kinds)
            else:
                fault = None
            if fault:
                self.injected.append(fault)
            return fault
