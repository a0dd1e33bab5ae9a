"""A warehouse built from the generator's synthetic county, as the platform builds it.

The generator writes the deliveries and the ground truth for a check date; every file feed is
landed and quality-checked (``fupin.pipeline.land_feed``), the pulled feeds (vehicle, business,
dibao) are pulled from their simulators (``fupin.pipeline.pull_feed``; the civil-affairs table
lives in schema ``minzheng`` of the same database), then dbt builds as of that date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2

from fupin import pipeline, warehouse
from fupin.catalog import load_catalog
from fupin.config import Config, parse_config
from fupin.dbt_runner import run_dbt
from simulation.sources import simulated_sources
from simulation.synth import generate

COUNTY = "520123"
SYNTH = {
    "counties": (COUNTY,),
    "start": "2026-07",
    "end": "2026-10",
    "seed": 13,
    "households_per_county": 30,
}
# The two check dates the rules are compared on: the range's last day and a month before.
CHECK_DATES = ("2026-09-30", "2026-10-31")


@dataclass
class SynthWarehouse:
    dsn: str
    out_dir: Path
    truth: dict[str, Any]
    config: Config
    work_dir: Path

    @property
    def as_of(self) -> str:
        return self.truth["as_of"]

    def dbt_vars(self, **extra: Any) -> dict[str, Any]:
        return {**self.config.dbt_vars(), "as_of": self.as_of, **extra}

    def build(self, *exclude: str, **extra_vars: Any) -> None:
        run_dbt(
            self.dsn,
            [
                "build",
                "--exclude-resource-type",
                "unit_test",
                *(["--exclude", *exclude] if exclude else []),
            ],
            self.dbt_vars(**extra_vars),
            work_dir=self.work_dir,
        )

    def land(self, feeds: list[str] | None = None) -> None:
        for feed in feeds or file_feeds():
            pipeline.land_feed(self.config, feed)

    def query(self, sql: str, *args: Any) -> list[tuple]:
        conn = psycopg2.connect(self.dsn)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, args)
                return cur.fetchall()
        finally:
            conn.close()


def file_feeds() -> list[str]:
    """Every feed of the catalog that arrives as files."""
    return [name for name, feed in load_catalog().items() if feed.pull is None]


def pulled_feeds() -> list[str]:
    return [name for name, feed in load_catalog().items() if feed.pull is not None]


def make_synth_warehouse(root: Path, dsn: str, as_of: str) -> SynthWarehouse:
    result = generate(root / "synth", as_of=as_of, **SYNTH)
    truth = json.loads(result.ground_truth.read_text(encoding="utf-8"))
    warehouse.upgrade(dsn)
    config = parse_config(
        {
            "province": "52",
            "warehouse": {"dsn": dsn},
            "landing": {"root": str(result.landing_root)},
        }
    )
    built = SynthWarehouse(dsn, root / "synth", truth, config, root / "dbt")
    built.land()
    with simulated_sources(root / "synth", dsn, failure_rate=0.0) as sources:
        pulling = parse_config(
            {
                "province": "52",
                "warehouse": {"dsn": dsn},
                "landing": {"root": str(result.landing_root)},
                "sources": sources.config(),
            }
        )
        for feed in pulled_feeds():
            pipeline.pull_feed(pulling, feed)
    return built


def cases(truth: dict[str, Any], rule: str, expect: str) -> set[tuple[str, str | None]]:
    return {
        (c["household_id"], c["id_number"])
        for c in truth["cases"]
        if c["rule"] == rule and c["expect"] == expect
    }
