"""The simulator speaks national-exchange.md exactly (raw HTTP, no push, no database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

import pytest
import requests
from exchange_helpers import (
    SECRET,
    SENDER,
    household_data,
    household_id,
    id_number,
    member_data,
)

from fupin.exchange import protocol
from simulation.national import NationalSimulator, Window

TZ = dt.timezone(dt.timedelta(hours=8))


def signed(body: bytes, *, secret: str = SECRET, sender: str = SENDER, at=None) -> dict:
    timestamp = (at or dt.datetime.now(TZ)).isoformat(timespec="seconds")
    return {
        "X-Sender-Id": sender,
        "X-Timestamp": timestamp,
        "X-Signature": protocol.sign(secret, timestamp, body),
    }


def batch(entity: str, sequence: int, records: list[dict], batch_id: str | None = None) -> bytes:
    envelope = {
        "batch_id": batch_id or str(uuid.uuid4()),
        "entity": entity,
        "sequence": sequence,
        "created_at": dt.datetime.now(TZ).isoformat(),
        "records": records,
    }
    return json.dumps(envelope, ensure_ascii=False).encode()


def upsert(key: str, version: int, data: dict | None) -> dict:
    return {"op": "upsert", "key": key, "version": version, "data": data}


def post(sim: NationalSimulator, body: bytes, **sign_options) -> requests.Response:
    return requests.post(
        f"{sim.base_url}/exchange/v1/batches",
        data=body,
        headers=signed(body, **sign_options),
        timeout=5,
    )


def get(sim: NationalSimulator, path: str, **kwargs) -> requests.Response:
    return requests.get(
        f"{sim.base_url}/exchange/v1{path}", headers=signed(b""), timeout=5, **kwargs
    )


def households(*numbers: int, version: int = 1) -> list[dict]:
    return [upsert(household_id(n), version, household_data(household_id(n))) for n in numbers]


def test_binds_loopback_on_a_free_port(simulator):
    assert simulator.base_url.startswith("http://127.0.0.1:")
    assert simulator.port != 0


@pytest.mark.parametrize(
    "options",
    [
        {"secret": "wrong"},
        {"sender": "530000"},
        {"skew": -301},
        {"skew": 3600},  # far enough ahead that a loaded machine cannot close the gap
        {"naive": True},  # no UTC offset
    ],
    ids=["bad-signature", "unknown-sender", "301s-late", "1h-early", "naive-timestamp"],
)
def test_refuses_bad_signature_sender_and_timestamp(simulator, options):
    # Timestamps are taken when the test runs, not when it is collected (a loaded machine can
    # take minutes in between).
    if "skew" in options:
        options = {"at": dt.datetime.now(TZ) + dt.timedelta(seconds=options["skew"])}
    elif "naive" in options:
        options = {"at": dt.datetime.now()}
    response = post(simulator, batch("household", 1, households(1)), **options)
    assert response.status_code == 401
    assert simulator.state("household")["count"] == 0


def test_accepts_skew_within_300s_and_uses_the_injected_clock():
    fixed = dt.datetime(2026, 11, 22, 10, 0, tzinfo=TZ)
    with NationalSimulator(secret=SECRET, sender_id=SENDER, now=lambda: fixed) as sim:
        body = batch("household", 1, households(1))
        assert post(sim, body, at=fixed + dt.timedelta(seconds=299)).status_code == 202
        late = batch("household", 2, households(2))
        assert post(sim, late, at=fixed + dt.timedelta(seconds=301)).status_code == 401


def test_signature_covers_the_body(simulator):
    body = batch("household", 1, households(1))
    headers = signed(body)
    tampered = body.replace(b'"size": 3', b'"size": 4')
    assert tampered != body
    response = requests.post(
        f"{simulator.base_url}/exchange/v1/batches", data=tampered, headers=headers, timeout=5
    )
    assert response.status_code == 401


def test_gets_must_be_signed(simulator):
    response = requests.get(f"{simulator.base_url}/exchange/v1/windows", timeout=5)
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"entity": "household", "sequence": 1, "records": []}',
        batch("nonsense", 1, households(1)),
        batch("household", 0, households(1)),
        batch("household", 1, []),
        batch("household", 1, [{"op": "merge", "key": household_id(1), "version": 1}]),
        batch("household", 1, [{"op": "delete", "key": household_id(1), "version": 0}]),
    ],
    # stable ids: the batches carry a fresh batch_id and time, and xdist's workers must agree
    ids=[
        "not-json",
        "not-an-object",
        "no-batch-id",
        "unknown-entity",
        "sequence-0",
        "no-records",
        "unknown-op",
        "version-0",
    ],
)
def test_malformed_bodies_are_400(simulator, body):
    assert post(simulator, body).status_code == 400


def test_413_over_1000_records_and_over_5_mb(simulator):
    assert post(simulator, batch("household", 1, households(*range(1001)))).status_code == 413
    big = household_data(household_id(1), note="x" * protocol.MAX_BODY_BYTES)
    assert (
        post(simulator, batch("household", 1, [upsert(household_id(1), 1, big)])).status_code == 413
    )
    assert post(simulator, batch("household", 1, households(*range(1000)))).status_code == 202


def test_sequence_starts_at_1_per_entity_without_gaps(simulator):
    response = post(simulator, batch("household", 2, households(1)))
    assert response.status_code == 409
    assert response.json() == {"error": "sequence", "expected": 1}
    assert post(simulator, batch("household", 1, households(1))).status_code == 202
    assert post(simulator, batch("household", 3, households(2))).json()["expected"] == 2
    # another entity counts on its own
    member = member_data(household_id(1), id_number(1))
    key = f"{household_id(1)}|{id_number(1)}"
    assert post(simulator, batch("member", 1, [upsert(key, 1, member)])).status_code == 202


def test_batch_id_replay_returns_the_first_answer_and_reuse_is_409(simulator):
    batch_id = str(uuid.uuid4())
    body = batch("household", 1, households(1, 2), batch_id)
    first = post(simulator, body)
    assert first.status_code == 202
    assert first.json()["accepted"] == 2 and first.json()["batch_id"] == batch_id
    again = post(simulator, body)
    assert again.status_code == 200
    assert again.json() == first.json()
    other = post(simulator, batch("household", 2, households(3), batch_id))
    assert other.status_code == 409
    assert other.json()["error"] == "batch_id_reused"
    assert get(simulator, f"/batches/{batch_id}").json() == first.json()
    assert get(simulator, f"/batches/{uuid.uuid4()}").status_code == 404
    assert simulator.expected_sequence("household") == 2


def test_keeps_the_highest_version_and_ignores_lower_ones(simulator):
    key = household_id(1)
    post(simulator, batch("household", 1, [upsert(key, 5, household_data(key, size=5))]))
    answer = post(
        simulator, batch("household", 2, [upsert(key, 4, household_data(key, size=4))])
    ).json()
    assert answer["accepted"] == 1 and answer["rejected"] == []  # ignored, not an error
    assert post(simulator, batch("household", 3, [upsert(key, 5, household_data(key, size=9))]))
    assert simulator.records("household")[key] == {
        "version": 5,
        "data": household_data(key, size=5),
        "deleted": False,
    }
    post(simulator, batch("household", 4, [{"op": "delete", "key": key, "version": 3}]))
    assert key in simulator.records("household")
    post(simulator, batch("household", 5, [{"op": "delete", "key": key, "version": 6}]))
    assert key not in simulator.records("household")


def test_invalid_records_are_rejected_and_the_rest_applied(simulator):
    hid = household_id(1)
    post(simulator, batch("household", 1, households(1)))
    bad_id = id_number(9)[:17] + ("1" if id_number(9)[17] != "1" else "2")  # wrong check digit
    records = [
        upsert(f"{hid}|{id_number(1)}", 1, member_data(hid, id_number(1))),
        upsert(f"{hid}|{bad_id}", 1, member_data(hid, bad_id)),
        upsert(f"{hid}|{id_number(2)}", 1, member_data(hid, id_number(2), relation="邻居")),
        upsert(f"{hid}|{id_number(3)}", 1, {"id_number": id_number(3)}),  # no name, relation
        upsert(f"{hid}|{id_number(4)}", 1, member_data(hid, id_number(4))),
    ]
    answer = post(simulator, batch("member", 1, records)).json()
    assert answer["accepted"] == 2
    assert [(r["index"], r["code"]) for r in answer["rejected"]] == [
        (1, "invalid_data"),
        (2, "invalid_data"),
        (3, "invalid_data"),
    ]
    assert "check digit" in answer["rejected"][0]["message"]
    assert "邻居" in answer["rejected"][1]["message"]
    assert "name" in answer["rejected"][2]["message"]
    assert sorted(simulator.records("member")) == sorted(
        [f"{hid}|{id_number(1)}", f"{hid}|{id_number(4)}"]
    )
    bad_household = upsert(household_id(2), 1, household_data(household_id(2), attribute="富裕户"))
    answer = post(simulator, batch("household", 2, [bad_household])).json()
    assert answer["rejected"][0]["code"] == "invalid_data"


def test_window_closed_refuses_new_households_and_deletes_only():
    window = Window(open=False, opens=dt.date(2027, 3, 1), closes=dt.date(2027, 3, 31))
    with NationalSimulator(secret=SECRET, sender_id=SENDER, window=window) as sim:
        assert get(sim, "/windows").json() == {
            "household_registration": {
                "open": False,
                "next_opens": "2027-03-01",
                "closes": "2027-03-31",
            }
        }
        answer = post(sim, batch("household", 1, households(1))).json()
        assert answer["rejected"][0]["code"] == "window_closed"
        sim.open_window()
        assert post(sim, batch("household", 2, households(1))).json()["accepted"] == 1
        sim.close_window()
        hid = household_id(1)
        records = [
            upsert(hid, 2, household_data(hid, size=4)),  # update of a known household: fine
            {"op": "delete", "key": hid, "version": 3},
        ]
        answer = post(sim, batch("household", 3, records)).json()
        assert answer["accepted"] == 1
        assert answer["rejected"] == [
            {
                "index": 1,
                "key": hid,
                "code": "window_closed",
                "message": answer["rejected"][0]["message"],
            }
        ]
        member = upsert(f"{hid}|{id_number(1)}", 1, member_data(hid, id_number(1)))
        assert post(sim, batch("member", 1, [member])).json()["accepted"] == 1


def test_window_by_dates_follows_the_clock():
    today = dt.datetime(2027, 3, 10, 9, 0, tzinfo=TZ)
    window = Window(open=None, opens=dt.date(2027, 3, 1), closes=dt.date(2027, 3, 31))
    with NationalSimulator(
        secret=SECRET, sender_id=SENDER, window=window, now=lambda: today
    ) as sim:
        assert sim.window.describe(today.date())["open"] is True
        assert sim.window.describe(dt.date(2027, 4, 1))["open"] is False


def test_unknown_household(simulator):
    hid = household_id(7)
    member = upsert(f"{hid}|{id_number(1)}", 1, member_data(hid, id_number(1)))
    answer = post(simulator, batch("member", 1, [member])).json()
    assert answer["rejected"][0]["code"] == "unknown_household"
    monitoring = upsert(hid, 1, {"object_type": "突发严重困难户", "first_seen": "2026-01-05"})
    assert post(simulator, batch("monitoring", 1, [monitoring])).json()["rejected"][0]["code"] == (
        "unknown_household"
    )


def test_state_checksum_is_sha256_of_sorted_key_version_lines(simulator):
    post(simulator, batch("household", 1, households(3, 1, 2, version=4)))
    other_village = household_id(1, village="520202100201")
    post(
        simulator, batch("household", 2, [upsert(other_village, 2, household_data(other_village))])
    )
    post(simulator, batch("household", 3, [{"op": "delete", "key": household_id(3), "version": 5}]))
    lines = "".join(f"{k}:{v}\n" for k, v in sorted([(household_id(1), 4), (household_id(2), 4)]))
    lines = f"{lines}"
    all_lines = "".join(
        f"{k}:{v}\n"
        for k, v in sorted([(household_id(1), 4), (household_id(2), 4), (other_village, 2)])
    )
    state = get(simulator, "/state/household").json()
    assert state == {
        "entity": "household",
        "count": 3,
        "checksum": hashlib.sha256(all_lines.encode()).hexdigest(),
    }
    regional = get(simulator, "/state/household", params={"prefix": "5201"}).json()
    assert regional["count"] == 2
    assert regional["checksum"] == hashlib.sha256(lines.encode()).hexdigest()
    assert get(simulator, "/state/nonsense").status_code == 404


def test_state_persists_to_a_json_file(tmp_path):
    path = tmp_path / "national.json"
    with NationalSimulator(secret=SECRET, sender_id=SENDER, state_file=path) as sim:
        post(sim, batch("household", 1, households(1, 2)))
        before = sim.state("household")
    assert NationalSimulator.read_state_file(path)["sequences"] == {f"{SENDER}/household": 1}
    with NationalSimulator(secret=SECRET, sender_id=SENDER, state_file=path) as again:
        assert again.state("household") == before
        assert again.expected_sequence("household") == 2


def test_each_batch_is_journaled_before_it_is_answered(tmp_path):
    """A simulator that is never stopped cleanly (killed) keeps every batch it answered."""
    path = tmp_path / "national.json"
    sim = NationalSimulator(secret=SECRET, sender_id=SENDER, state_file=path).start()
    try:
        assert post(sim, batch("household", 1, households(1, 2))).status_code == 202
        assert post(sim, batch("household", 2, households(2, version=5))).status_code == 202
        with (tmp_path / "national.json.journal").open("a", encoding="utf-8") as journal:
            journal.write('{"batch_id": "torn')  # killed in the middle of a write
        saved = NationalSimulator.read_state_file(path)  # while it runs: snapshot + journal
        assert saved["sequences"] == {f"{SENDER}/household": 2}
        assert saved["records"]["household"][household_id(2)]["version"] == 5
        state = sim.state("household")
    finally:
        sim._server.shutdown()  # no stop(): nothing is written on the way out
        sim._server.server_close()
    with NationalSimulator(secret=SECRET, sender_id=SENDER, state_file=path) as again:
        assert again.state("household") == state
        assert again.expected_sequence("household") == 3
    assert not (tmp_path / "national.json.journal").exists()  # folded into the snapshot


def test_export_and_restore_state_is_a_backup_and_a_restore(simulator):
    post(simulator, batch("household", 1, households(1)))
    backup = simulator.export_state()
    post(simulator, batch("household", 2, households(1, 2, version=3)))
    simulator.restore_state(backup)
    assert sorted(simulator.records("household")) == [household_id(1)]
    assert simulator.records("household")[household_id(1)]["version"] == 1
    assert simulator.expected_sequence("household") == 2  # sequences went back too


def test_fault_rates_per_kind_and_latency():
    from simulation.national import FaultPlan

    plan = FaultPlan(rates={"503": 0.2, "drop": 0.1}, seed=3)
    drawn = [plan.next() for _ in range(5000)]
    assert 0.17 < drawn.count("503") / 5000 < 0.23
    assert 0.08 < drawn.count("drop") / 5000 < 0.12
    assert set(drawn) == {None, "503", "drop"}
    with pytest.raises(ValueError, match="more than 1"):
        FaultPlan(rates={"503": 0.8, "drop": 0.3})
    with NationalSimulator(secret=SECRET, sender_id=SENDER, latency=0.05) as slow:
        started = dt.datetime.now()
        assert get(slow, "/windows").status_code == 200
        assert (dt.datetime.now() - started).total_seconds() >= 0.05
