"""Every file the generator writes, for every file feed, lands whole with its provenance."""

from __future__ import annotations

import json

import pytest

from fupin import landing, warehouse
from fupin.catalog import load_catalog, raw_tables
from simulation.synth import resend
from tests.landing.conftest import copy_world, query

pytestmark = pytest.mark.integration

FILE_FEEDS = [name for name, feed in load_catalog().items() if feed.transport == "file"]


def land_all(dsn, root) -> dict[str, landing.LandingRun]:
    with warehouse.connect(dsn) as conn:
        return {feed: landing.land_pending(conn, root, feed) for feed in FILE_FEEDS}


def test_every_generated_file_lands_whole(warehouse_dsn, world, tmp_path):
    root = copy_world(world, tmp_path / "landing")
    truth = json.loads(world.ground_truth.read_text(encoding="utf-8"))
    runs = land_all(warehouse_dsn, root)

    results = {r.source_file: r for run in runs.values() for r in run.results}
    assert {r.outcome for r in results.values()} <= {"landed", "superseded"}, [
        (r.source_file, r.message) for r in results.values() if r.outcome not in ("landed",)
    ]
    assert [u for run in runs.values() for u in run.unrecognised] == []
    expected = {
        name.removeprefix("landing/"): rows
        for name, rows in world.counts.items()
        if name.startswith("landing/") and (root / name.removeprefix("landing/")).exists()
    }
    incomplete = [f for run in runs.values() for f in run.incomplete]
    assert incomplete == truth["quirks"]["missing_ok"]  # no .ok: not taken
    for file, rows in expected.items():
        if file in incomplete:
            continue
        assert sum(results[file].rows.values()) == rows, file
    # Provenance: every raw row names its batch, file and physical row.
    for table in raw_tables():
        bad = query(
            warehouse_dsn,
            f"select count(*) from raw.{table.name}"  # noqa: S608
            " where _batch_id is null or _source_file is null or _source_row < 1",
        )
        assert bad == [(0,)]
    ledger = query(
        warehouse_dsn,
        "select source_file, rows_received from ops.delivery where status <> 'failed'",
    )
    assert {f: n for f, n in ledger if f in expected} == {
        f: n for f, n in expected.items() if f not in incomplete
    }
    # Drift planted by the generator is reported, and nothing of it is lost.
    drift = {row[0] for row in query(warehouse_dsn, "select source_file from ops.schema_drift")}
    assert {d["file"] for d in truth["quirks"]["schema_drift"]} <= drift
    (v2,) = truth["quirks"]["v2_correction"]
    statuses = dict(query(warehouse_dsn, "select source_file, status from ops.delivery"))
    assert (statuses[v2["file"]], statuses[v2["replaces"]]) == ("landed", "superseded")


def test_resend_lands_nothing_twice(warehouse_dsn, world, tmp_path):
    out = tmp_path / "out"
    copy_world(world, out / "landing")
    root = out / "landing"
    land_all(warehouse_dsn, root)
    before = query(warehouse_dsn, "select count(*) from raw.payroll__change")
    relative = json.loads(world.ground_truth.read_text(encoding="utf-8"))["quirks"]["resend"][0]
    resend(out, relative)
    runs = land_all(warehouse_dsn, root)
    outcomes = {r.source_file: r.outcome for run in runs.values() for r in run.results}
    assert outcomes[relative] == "resend"
    assert set(outcomes.values()) == {"unchanged", "resend"}
    assert query(warehouse_dsn, "select count(*) from raw.payroll__change") == before
