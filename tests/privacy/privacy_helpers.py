"""The hand-made deliveries of tests/dbt (two counties of one city) for the privacy tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dbt"))
import dbt_scenario as scenario  # noqa: E402

CITY = scenario.COUNTY[:4]

__all__ = ["CITY", "scenario"]
