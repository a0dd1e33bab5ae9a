"""One small deployment per test session, shared by the generator's tests (read-only)."""

from __future__ import annotations

import json

import pytest

from simulation.synth import generate

SMALL = {
    "province": "52",
    "counties": ("520123", "520181"),
    "start": "2026-07",
    "end": "2026-10",
    "seed": 7,
    "households_per_county": 60,
}


@pytest.fixture(scope="session")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth-small")
    result = generate(out, **SMALL)
    truth = json.loads(result.ground_truth.read_text(encoding="utf-8"))
    return result, truth
