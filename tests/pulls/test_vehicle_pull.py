"""The vehicle API (page tokens, bearer token): full, incremental, ties, 410, storms, rate."""

from __future__ import annotations

import pytest

from tests.pulls.conftest import (
    assert_landed_equals_source,
    pull,
    query,
    vehicle_source,
)

pytestmark = pytest.mark.integration


def test_full_pull_lands_the_source_exactly_with_provenance(warehouse_dsn, vehicle_sim):
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=50)
    assert result.error is None
    assert result.landed == len(vehicle_sim.store) and result.pages > 5
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())
    (status, rows, kind, error) = query(
        warehouse_dsn,
        "select status, rows_received, kind, error from ops.delivery where batch_id = %s",
        result.batch_id,
    )[0]
    assert (status, rows, kind, error) == ("landed", result.landed, "pull", None)
    # every raw row points at the page (request) it came from
    pages = query(
        warehouse_dsn,
        "select page, request, first_row, last_row from ops.pull_page where batch_id = %s"
        " order by page",
        result.batch_id,
    )
    assert pages[0][2] == 1 and pages[-1][3] == result.landed
    assert all("page" in request for _, request, _, _ in pages)
    (mark,) = query(warehouse_dsn, "select updated_text, last_key from ops.pull_watermark")
    newest = vehicle_sim.ordered()[-1]
    assert mark == (newest["updated_at"], newest["plate_no"])


def test_nothing_new_lands_nothing_and_opens_no_batch(warehouse_dsn, vehicle_sim):
    pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=100)
    again = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=100)
    assert again.landed == 0 and again.batch_id is None and again.error is None
    assert query(warehouse_dsn, "select count(*) from ops.delivery") == [(1,)]


def test_incremental_pull_after_changes(warehouse_dsn, vehicle_sim):
    pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=100)
    plates = [r["plate_no"] for r in vehicle_sim.ordered()[:3]]
    for plate in plates:
        vehicle_sim.change(plate, status="注销")
    vehicle_sim.upsert({**vehicle_sim.store[plates[0]], "plate_no": "贵A0NEW1", "status": "正常"})
    second = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=100)
    # the overlap re-reads what shares the watermark's second; only the 4 changes are new
    assert second.landed == 4 and second.error is None
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())


def test_ties_on_the_timestamp_across_pages_and_pulls(warehouse_dsn, vehicle_sim):
    # 7 records share one updated_at; pages of 3 split them, and a pull stops inside them
    stamp = vehicle_sim.stamp()
    tied = [r["plate_no"] for r in vehicle_sim.ordered()[:7]]
    first = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=100)
    assert first.error is None
    for plate in tied[:4]:
        vehicle_sim.change(plate, changed=stamp, usage="营运")
    served = vehicle_sim.pages_served  # the next pull stops after its page 1 ...
    vehicle_sim.after_page = lambda n: (
        vehicle_sim.corrupt_next_page("invalid_json") if n == served + 1 else None
    )
    broken = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=3)
    assert broken.error and "not valid JSON" in broken.error
    assert 0 < broken.landed < 4  # page 1 (it also re-reads the overlap) landed
    vehicle_sim.after_page = None
    for plate in tied[4:]:  # ... and more records arrive at the very same timestamp
        vehicle_sim.change(plate, changed=stamp, usage="营运")
    third = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=3)
    assert third.error is None
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())


def test_expired_page_token_restarts_from_the_committed_watermark(warehouse_dsn, vehicle_sim):
    def expire_after_third_page(served: int) -> None:
        if served == 3:
            vehicle_sim.expire_tokens()

    vehicle_sim.after_page = expire_after_third_page
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=40)
    assert result.error is None and result.restarts == 1
    assert vehicle_sim.statuses[410] == 1
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())


def test_token_ttl_expiry_is_reported_and_survived(warehouse_dsn, vehicle_sim):
    vehicle_sim.token_ttl = 0.0  # every token is already expired when used
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=40)
    # each restart gets one more page; after 5 restarts the pull stops, saying why
    assert result.error and "page token expired (HTTP 410)" in result.error
    assert result.landed > 0 and result.restarts == 6
    vehicle_sim.token_ttl = 600.0
    pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=200)
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())


@pytest.mark.parametrize("status", [429, 503])
def test_storms_are_waited_out(warehouse_dsn, vehicle_sim, status):
    vehicle_sim.storm(status, 6, retry_after=0.2)
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=100)
    assert result.error is None and result.retries == 6
    assert vehicle_sim.statuses[status] == 6
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())


def test_random_503s_at_the_spec_rate(warehouse_dsn, vehicle_sim):
    vehicle_sim.failure_rate = 0.2
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=20)
    assert result.error is None and result.retries > 0
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())


def test_a_storm_longer_than_the_retries_stops_the_pull_clearly(warehouse_dsn, vehicle_sim):
    vehicle_sim.storm(503, 100, retry_after=None)
    result = pull(
        warehouse_dsn,
        "vehicle",
        vehicle_source(vehicle_sim),
        page_size=100,
        http_options={"attempts": 3, "backoff_initial": 0.01, "backoff_max": 0.02},
    )
    assert result.error and "HTTP 503" in result.error and result.landed == 0


def test_the_client_never_exceeds_10_requests_in_any_second(warehouse_dsn, vehicle_sim):
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=10)
    assert result.requests > 40
    arrivals = vehicle_sim.arrivals
    busiest = max(
        sum(1 for t in arrivals[i:] if t - start < 1.0) for i, start in enumerate(arrivals)
    )
    assert busiest <= 10
    assert vehicle_sim.statuses[429] == 0  # paced, not living on 429s


def test_wrong_token_is_reported_as_such_without_the_secret(warehouse_dsn, vehicle_sim, caplog):
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim, token="wrong-secret-x"))
    assert "refused the credential (HTTP 401)" in result.error
    assert "sources.vehicle.token" in result.error
    assert "wrong-secret-x" not in result.error and "wrong-secret-x" not in caplog.text
    assert query(warehouse_dsn, "select count(*) from ops.delivery") == [(0,)]


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("invalid_json", "not valid JSON"),
        ("missing_key", "the key field plate_no is missing"),
        ("type_change", "field updated_at is a number"),
    ],
)
def test_a_malformed_page_stops_the_pull_after_the_last_good_page(
    warehouse_dsn, vehicle_sim, how, message
):
    vehicle_sim.after_page = lambda n: vehicle_sim.corrupt_next_page(how) if n == 2 else None
    result = pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=30)
    assert message in result.error and "page 3" in result.error
    assert result.landed == 60  # pages 1 and 2, nothing of page 3
    assert query(warehouse_dsn, "select count(*) from raw.vehicle__registration") == [(60,)]
    (status, error) = query(warehouse_dsn, "select status, error from ops.delivery")[0]
    assert status == "landed" and message in error
    vehicle_sim.after_page = None
    pull(warehouse_dsn, "vehicle", vehicle_source(vehicle_sim), page_size=30)
    assert_landed_equals_source(warehouse_dsn, "vehicle", vehicle_sim.ordered())
