"""Seeded, time-bounded fuzz: mutated generator files of every file feed through landing.

0 unhandled exceptions, and for every delivery rows received = rows in raw = physical rows of
the file, or a failed delivery naming the file and row (simulation.fuzz_landing). ``make fuzz``
runs the same harness on >= 10,000 deliveries.
"""

from __future__ import annotations

import pytest

from fupin import warehouse
from simulation.fuzz_landing import as_json, fuzz, samples_of

pytestmark = pytest.mark.integration


def test_mutated_deliveries_never_crash_and_lose_nothing(warehouse_dsn, world, tmp_path):
    samples = samples_of(world.landing_root)
    assert len({feed for feed, _, _ in samples}) == 10  # every file feed
    with warehouse.connect(warehouse_dsn) as conn:
        report = fuzz(
            conn, tmp_path / "landing", samples, seed=20261202, deliveries=400, seconds=60
        )
    assert report.deliveries >= 50, as_json(report)
    assert report.unhandled == [], as_json(report)
    assert report.violations == [], as_json(report)
    assert report.outcomes["failed"] and report.outcomes["landed"]
