"""A synthetic county landed in a fresh warehouse, built with dbt as of chosen check dates.

Real parts only: the generator's files, ``fupin.landing`` and the quality suites (so that
quarantined rows stay out), the dbt project as ``fupin cycle`` runs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fupin import landing, quality, warehouse
from fupin.catalog import load_catalog
from fupin.config import Config
from fupin.dbt_runner import run_dbt
from fupin.pipeline import pull_feed
from simulation import minzheng

# The generator's assumption for the check year (ground_truth.json policy_assumed): a
# province sets its own threshold from 2022 on, so the test configures it as an operator would.
POLICY_VARS = {"monitoring_threshold_overrides": {"2026": 7000, "2027": 7000}}


def land_everything(dsn: str, synth_dir: Path, minzheng_dsn: str) -> None:
    """Land every complete delivery of every file feed and run its quality suites; pull the
    civil-affairs recipients (dibao) from the simulated 民政 database at ``minzheng_dsn``."""
    feeds = [feed.name for feed in load_catalog().values() if feed.transport == "file"]
    with warehouse.connect(dsn) as conn:
        for feed in feeds:
            run = landing.land_pending(conn, synth_dir / "landing", feed)
            quality.check_batches(conn, dsn, run.batches("landed", "superseded"))
    minzheng.load(minzheng_dsn, synth_dir / "minzheng" / "assistance_recipient.csv")
    config = Config(
        province="52",
        warehouse={"dsn": dsn},
        landing={"root": synth_dir / "landing"},
        sources={"dibao": {"dsn": minzheng_dsn}},
    )
    summary = pull_feed(config, "dibao")
    assert not summary["failed"], summary


def build(
    dsn: str,
    as_of: str,
    work_dir: Path,
    extra_vars: dict[str, Any] | None = None,
    *,
    tests: bool = True,
) -> None:
    """``dbt build`` as a cycle runs it (data tests unless ``tests`` is false, to save time)."""
    excluded = ["unit_test"] if tests else ["unit_test", "test"]
    run_dbt(
        dsn,
        ["build", "--exclude-resource-type", *excluded],
        {**POLICY_VARS, **(extra_vars or {}), "as_of": as_of},
        work_dir=work_dir,
    )


def query(dsn: str, sql: str, *args) -> list[tuple]:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def ground_truth(synth_dir: Path) -> dict[str, Any]:
    return json.loads((synth_dir / "ground_truth.json").read_text(encoding="utf-8"))
