"""The business API (offset paging over a changing set, X-Api-Key) and its shareholders."""

from __future__ import annotations

import pytest

from tests.pulls.conftest import assert_landed_equals_source, business_source, pull, query

pytestmark = pytest.mark.integration


def test_full_pull_with_shareholders_as_their_own_rows(warehouse_dsn, business_sim):
    result = pull(warehouse_dsn, "business", business_source(business_sim), page_size=25)
    assert result.error is None and result.landed == len(business_sim.store)
    assert_landed_equals_source(warehouse_dsn, "business", business_sim.ordered())
    expected = sorted(
        (r["uscc"], r["changed_at"], str(n), h["id_number"])
        for r in business_sim.ordered()
        for n, h in enumerate(r["shareholders"], start=1)
    )
    landed = query(
        warehouse_dsn,
        "select uscc, changed_at, holder_no, id_number from raw.business__shareholder",
    )
    assert sorted(landed) == expected and expected
    (rows,) = query(warehouse_dsn, "select rows_received from ops.delivery")[0]
    assert rows == len(business_sim.store) + len(expected)


def test_offset_shift_between_pages_loses_and_duplicates_nothing(warehouse_dsn, business_sim):
    ordered = business_sim.ordered()
    base = dict(ordered[0])

    def shift(served: int) -> None:
        if served in (2, 4):
            # an entity already served changes: it moves to the end, every later offset shifts
            moved = business_sim.ordered()[served * 10]["uscc"]
            business_sim.change(moved, status="吊销")
            # and new ones are registered meanwhile
            for i in range(3):
                business_sim.upsert({**base, "uscc": f"91520123NEW{served}{i}00X0", "name": "新"})

    business_sim.after_page = shift
    result = pull(warehouse_dsn, "business", business_source(business_sim), page_size=20)
    assert result.error is None
    assert_landed_equals_source(warehouse_dsn, "business", business_sim.ordered())


def test_a_tie_longer_than_a_page_is_stepped_through(warehouse_dsn, business_sim):
    stamp = business_sim.stamp()
    for record in business_sim.ordered()[:45]:  # 45 entities share one changed_at
        business_sim.change(record["uscc"], changed=stamp, status="注销")
    result = pull(warehouse_dsn, "business", business_source(business_sim), page_size=20)
    assert result.error is None
    assert_landed_equals_source(warehouse_dsn, "business", business_sim.ordered())


def test_incremental_pull_and_storm(warehouse_dsn, business_sim):
    pull(warehouse_dsn, "business", business_source(business_sim), page_size=50)
    for record in business_sim.ordered()[:5]:
        business_sim.change(record["uscc"], status="注销")
    business_sim.storm(429, 4, retry_after=0.2)
    business_sim.storm(503, 4, retry_after=None)
    second = pull(warehouse_dsn, "business", business_source(business_sim), page_size=50)
    assert second.error is None and second.landed == 5 and second.retries == 8
    assert_landed_equals_source(warehouse_dsn, "business", business_sim.ordered())


def test_wrong_api_key(warehouse_dsn, business_sim):
    result = pull(warehouse_dsn, "business", business_source(business_sim, api_key="nope-key"))
    assert "refused the credential (HTTP 401)" in result.error
    assert "sources.business.api_key" in result.error and "nope-key" not in result.error


def test_a_shareholder_of_another_type_stops_the_pull(warehouse_dsn, business_sim):
    uscc = next(r["uscc"] for r in business_sim.ordered() if r["shareholders"])
    holders = [dict(h) for h in business_sim.store[uscc]["shareholders"]]
    holders[0]["subscribed_wan"] = "fifty"
    business_sim.store[uscc]["shareholders"] = holders
    result = pull(warehouse_dsn, "business", business_source(business_sim), page_size=1000)
    assert f"uscc {uscc}" in result.error and "subscribed_wan is not a number" in result.error
    assert query(warehouse_dsn, "select count(*) from raw.business__entity") == [(0,)]
