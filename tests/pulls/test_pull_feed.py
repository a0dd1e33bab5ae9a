"""``fupin.pipeline.pull_feed``: the DAG task of a pulled feed, quality checks included."""

from __future__ import annotations

import pytest

from fupin.config import parse_config
from fupin.pipeline import land_feed, pull_feed
from tests.pulls.conftest import API_KEY, TOKEN, query

pytestmark = pytest.mark.integration
BAD_ID = "522524197908201039"  # check digit wrong


def make_config(tmp_path, dsn, monkeypatch, *, vehicle=None, business=None, dibao=None):
    monkeypatch.setenv("TEST_VEHICLE_TOKEN", TOKEN)
    monkeypatch.setenv("TEST_BUSINESS_KEY", API_KEY)
    sources = {}
    if vehicle:
        sources["vehicle"] = {"base_url": vehicle.base_url, "token": "${TEST_VEHICLE_TOKEN}"}
    if business:
        sources["business"] = {"base_url": business.base_url, "api_key": "${TEST_BUSINESS_KEY}"}
    if dibao:
        sources["dibao"] = {"dsn": dibao}
    return parse_config(
        {
            "province": "52",
            "warehouse": {"dsn": dsn},
            "landing": {"root": str(tmp_path)},
            "sources": sources,
        }
    )


def test_summary_has_land_feeds_keys_and_bad_records_are_quarantined(
    tmp_path, warehouse_dsn, vehicle_sim, business_sim, dibao_dsn, monkeypatch
):
    plate = vehicle_sim.ordered()[5]["plate_no"]
    vehicle_sim.change(plate, owner_id_number=BAD_ID, status="报废")
    uscc = business_sim.ordered()[3]["uscc"]
    business_sim.change(uscc, uscc=uscc)  # unchanged code, a new version
    bad_uscc = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    business_sim.upsert({**business_sim.store[uscc], "uscc": bad_uscc})
    config = make_config(
        tmp_path,
        warehouse_dsn,
        monkeypatch,
        vehicle=vehicle_sim,
        business=business_sim,
        dibao=dibao_dsn,
    )
    summaries = {feed: pull_feed(config, feed) for feed in ("vehicle", "business", "dibao")}
    land_keys = set(land_feed(config, "registry"))
    for feed, summary in summaries.items():
        assert land_keys <= set(summary), feed
        assert summary["failed"] == [] and len(summary["landed"]) == 1, summary
    assert summaries["vehicle"]["rows_quarantined"] == 1
    quarantined = query(
        warehouse_dsn, "select raw_table, field, value, reason from ops.quarantine order by 1, 2"
    )
    assert ("business__entity", "uscc", bad_uscc) in [q[:3] for q in quarantined]
    fields = {(t, f) for t, f, _, _ in quarantined if t == "vehicle__registration"}
    assert fields == {
        ("vehicle__registration", "owner_id_number"),
        ("vehicle__registration", "status"),
    }
    value, reason = next((v, r) for t, f, v, r in quarantined if f == "owner_id_number")
    assert "/api/v1/vehicles pull" in reason and "row " in reason
    # the delivered value is kept for the steward, never written into the message
    assert value == BAD_ID and BAD_ID not in reason


def test_an_unconfigured_source_is_skipped_with_a_reason(tmp_path, warehouse_dsn, monkeypatch):
    summary = pull_feed(make_config(tmp_path, warehouse_dsn, monkeypatch), "business")
    assert summary["skipped"] == "sources.business not configured"
    assert summary["landed"] == []


def test_backfill_needs_a_utc_offset(tmp_path, warehouse_dsn, dibao_dsn, monkeypatch):
    config = make_config(tmp_path, warehouse_dsn, monkeypatch, dibao=dibao_dsn)
    with pytest.raises(ValueError, match="UTC offset"):
        pull_feed(config, "dibao", since="2026-01-01T00:00:00")
