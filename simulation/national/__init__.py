"""A faithful simulator of the national system (national-exchange.md), as a real HTTP server.

It speaks exactly the protocol of the spec: signed batches, the 300 s clock skew, 413 limits,
per-sender-per-entity sequences, batch_id replay, per-key highest version, record validation,
the household registration window, ``unknown_household``, ``GET /batches/{id}``,
``GET /windows`` and ``GET /state/{entity}`` with its checksum. On top it can misbehave on
purpose, following a deterministic :class:`FaultPlan`: 429 / 503 with ``Retry-After``, a
connection dropped *after* the batch was applied, and a slow answer (the client times out).

In-process use (tests)::

    with NationalSimulator(secret="s3cret", sender_id="520000") as sim:
        push(dsn, NationalConfig(base_url=sim.base_url, sender_id="520000", secret="s3cret"))
        assert sim.state("household")["count"] == 3

As a process (demo)::

    python -m simulation.national --port 8765 --sender-id 520000 \\
        --secret-env NATIONAL_SECRET --state-file var/national.json --window closed

Choices where the spec is silent (documented in docs/national-exchange.md):
- GET requests are signed like POSTs (over an empty body); unsigned requests are refused (401).
- A record that is not an object, or has no ``op`` / ``key`` / positive integer ``version`` makes
  the whole body malformed (400). Bad *content* is a per-record rejection (``invalid_data``).
- An operation whose version is not higher than the stored one is ignored and counted as
  accepted (it is not an error: it is how a replayed or late record is made harmless).
- "Never accepted" is literal: re-upserting a deleted household is an update, not a new one.
  A member / monitoring / assistance operation is ``unknown_household`` when the household is
  absent or deleted.
- Timestamps must carry a UTC offset.
"""

from __future__ import annotations

from simulation.national.cli import main
from simulation.national.faults import FAULT_KINDS, FaultPlan, Window
from simulation.national.handler import HARD_READ_LIMIT
from simulation.national.replies import ProtocolRefusal, Reply
from simulation.national.rules import DEFAULT_RULES, RecordRules, data_problems, key_problem
from simulation.national.simulator import NATIONAL_TZ, NationalSimulator

__all__ = [
    "DEFAULT_RULES",
    "FAULT_KINDS",
    "HARD_READ_LIMIT",
    "NATIONAL_TZ",
    "FaultPlan",
    "NationalSimulator",
    "ProtocolRefusal",
    "RecordRules",
    "Reply",
    "Window",
    "data_problems",
    "key_problem",
    "main",
]
