"""Fixtures for the national exchange: a simulator on a free 127.0.0.1 port, a fast client
(no real sleeping, short timeouts, bounded attempts) and sync tables shaped like dbt's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from exchange_helpers import SECRET, SENDER, Sync

from fupin.config import NationalConfig
from fupin.exchange.client import ExchangeClient
from simulation.national import NationalSimulator, Window


@pytest.fixture
def simulator() -> Iterator[NationalSimulator]:
    with NationalSimulator(secret=SECRET, sender_id=SENDER, window=Window(open=True)) as sim:
        yield sim


@pytest.fixture
def national(simulator) -> NationalConfig:
    return NationalConfig(base_url=simulator.base_url, sender_id=SENDER, secret=SECRET)


@pytest.fixture
def client(national) -> Iterator[ExchangeClient]:
    """A client that never really sleeps and gives up quickly: tests stay fast and bounded."""
    sleeps: list[float] = []
    c = ExchangeClient(
        national, timeout=0.5, connect_timeout=0.5, max_attempts=6, sleep=sleeps.append
    )
    c.sleeps = sleeps  # type: ignore[attr-defined]
    yield c
    c.close()


@pytest.fixture
def sync(warehouse_dsn) -> Sync:
    return Sync(warehouse_dsn)
