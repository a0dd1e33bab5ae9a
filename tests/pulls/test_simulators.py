"""The department API simulators behave as department-feeds.md says (real HTTP on loopback)."""

from __future__ import annotations

import requests

from simulation.apis import BusinessApiSimulator, VehicleApiSimulator
from tests.pulls.conftest import API_KEY, TOKEN

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_vehicle_auth_paging_order_and_limits(vehicle_records):
    with VehicleApiSimulator(vehicle_records, token=TOKEN, failure_rate=0.0) as sim:
        url = sim.base_url + "/api/v1/vehicles"
        assert requests.get(url, timeout=5).status_code == 401
        assert (
            requests.get(url, headers={"Authorization": "Bearer x"}, timeout=5).status_code == 401
        )
        assert (
            requests.get(url, params={"page_size": 501}, headers=BEARER, timeout=5).status_code
            == 400
        )
        first = requests.get(url, params={"page_size": 5}, headers=BEARER, timeout=5).json()
        items = first["items"]
        order = [(i["updated_at"], i["plate_no"]) for i in items]
        assert order == sorted(order) and first["next_page_token"]
        since = items[-1]["updated_at"]
        again = requests.get(
            url, params={"updated_since": since, "page_size": 500}, headers=BEARER, timeout=5
        ).json()
        assert again["items"][0]["updated_at"] == since  # updated_since is inclusive


def test_vehicle_rate_limit_answers_429_with_retry_after(vehicle_records):
    with VehicleApiSimulator(vehicle_records, token=TOKEN, failure_rate=0.0) as sim:
        url = sim.base_url + "/api/v1/vehicles"
        with requests.Session() as session:
            answers = [
                session.get(url, params={"page_size": 1}, headers=BEARER, timeout=5)
                for _ in range(15)
            ]
        limited = [a for a in answers if a.status_code == 429]
        assert limited and all(a.headers["Retry-After"] == "1" for a in limited)


def test_token_expiry_answers_410(vehicle_records):
    with VehicleApiSimulator(vehicle_records, token=TOKEN, failure_rate=0.0) as sim:
        url = sim.base_url + "/api/v1/vehicles"
        token = requests.get(url, params={"page_size": 5}, headers=BEARER, timeout=5).json()[
            "next_page_token"
        ]
        sim.expire_tokens()
        gone = requests.get(url, params={"page_token": token}, headers=BEARER, timeout=5)
        assert gone.status_code == 410


def test_about_one_request_in_fifty_fails_with_503(vehicle_records):
    with VehicleApiSimulator(vehicle_records, token=TOKEN, rate_limit=10_000, seed=4) as sim:
        url = sim.base_url + "/api/v1/vehicles"
        with requests.Session() as session:
            codes = [
                session.get(url, params={"page_size": 1}, headers=BEARER, timeout=5).status_code
                for _ in range(500)
            ]
        assert 3 <= codes.count(503) <= 20 and set(codes) == {200, 503}


def test_business_offsets_shift_when_the_set_changes(business_records):
    with BusinessApiSimulator(business_records, api_key=API_KEY, failure_rate=0.0) as sim:
        url = sim.base_url + "/api/v2/entities"
        headers = {"X-Api-Key": API_KEY}
        assert requests.get(url, timeout=5).status_code == 401
        page1 = requests.get(url, params={"offset": 0, "limit": 10}, headers=headers, timeout=5)
        first = page1.json()["data"]
        assert page1.json()["total"] == len(sim.store)
        sim.change(first[0]["uscc"], status="注销")  # moves to the end: offsets shift by one
        page2 = requests.get(
            url, params={"offset": 10, "limit": 10}, headers=headers, timeout=5
        ).json()["data"]
        ordered = sim.ordered()
        assert page2[0]["uscc"] == ordered[10]["uscc"] != first[-1]["uscc"]
        after = first[-1]["changed_at"]
        rest = requests.get(
            url, params={"changed_after": after, "limit": 1000}, headers=headers, timeout=5
        ).json()["data"]
        assert all(r["changed_at"] > after for r in rest)  # changed_after is exclusive
