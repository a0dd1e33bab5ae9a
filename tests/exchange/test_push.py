"""The push, end to end: sync tables in a real PostgreSQL -> outbox -> the simulator."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import select
import subprocess
import sys

import pytest
from exchange_helpers import (
    SECRET,
    SENDER,
    faults,
    household_id,
    id_number,
    mkey,
    seed,
    write_env_config,
)

from fupin.config import NationalConfig
from fupin.exchange.client import ExchangeClient, ExchangeError, ExchangeRefused
from fupin.exchange.push import push
from fupin.exchange.reconcile import reconcile
from fupin.exchange.sync_models import EXPOSURE_FILE, from_exposure
from simulation.national import NationalSimulator

push_, reconcile_ = push, reconcile

pytestmark = pytest.mark.integration


def posts(simulator) -> int:
    return simulator.requests.count(("POST", "/exchange/v1/batches"))


def test_pushes_households_then_members_and_reconciles(sync, simulator, national, client):
    seed(sync)
    report = push(sync.dsn, national, client=client)
    assert report["household"].upserts_sent == 3 and report["household"].accepted == 3
    assert report["member"].upserts_sent == 6 and report["member"].accepted == 6
    assert report.batches == 2 and report.retries == 0
    assert (
        simulator.records("member")[mkey(household_id(1), id_number(12))]["data"]["relation"]
        == "子"
    )
    check = reconcile(sync.dsn, national, client=client)
    assert check.in_step, check.summary()
    assert check["household"].national_count == 3


def test_second_push_without_change_sends_nothing(sync, simulator, national, client):
    seed(sync)
    push(sync.dsn, national, client=client)
    before = len(simulator.requests)
    report = push(sync.dsn, national, client=client)
    assert report.batches == 0 and report.sent == 0
    assert len(simulator.requests) == before  # not even a GET


def test_a_model_unchanged_since_the_last_push_is_not_compared(sync, simulator, national, client):
    """With dbt's output token of a sync model (build_cache.sql) and the entity's record state
    as at the last detection, the push does not compare the model again; a new token or a
    record state written since (a repair) makes it compare."""

    def token(value: str) -> None:
        sync.execute(
            "insert into ops.watermark (source, value) values (%s, %s)"
            " on conflict (source) do update set value = excluded.value",
            ("dbt-output:exchange.sync_household", json.dumps({"output": value})),
        )

    seed(sync)
    token("first")
    push(sync.dsn, national, client=client)
    sync.household(household_id(1), size=9)  # not through dbt: the token is unchanged
    assert push(sync.dsn, national, client=client)["household"].upserts_queued == 0
    token("second")
    assert push(sync.dsn, national, client=client)["household"].upserts_queued == 1
    sync.execute("update exchange.record_state set version = version + 1000 where record_key = %s",
                 (household_id(1),))  # fmt: skip
    sync.household(household_id(1), size=8)
    assert push(sync.dsn, national, client=client)["household"].upserts_queued == 1


def test_changes_get_higher_versions_and_vanished_keys_are_deleted(
    sync, simulator, national, client
):
    seed(sync)
    push(sync.dsn, national, client=client)
    old = simulator.records("household")[household_id(1)]["version"]
    sync.household(household_id(1), size=4)
    sync.remove_member(household_id(2), id_number(22))
    report = push(sync.dsn, national, client=client)
    assert (report["household"].upserts_sent, report["member"].deletes_sent) == (1, 1)
    record = simulator.records("household")[household_id(1)]
    assert record["version"] > old and record["data"]["size"] == 4
    assert mkey(household_id(2), id_number(22)) not in simulator.records("member")
    # a household that vanishes: its members are deleted first, then the household
    sync.remove_household(household_id(3))
    report = push(sync.dsn, national, client=client)
    assert report["member"].deletes_sent == 2 and report["household"].deletes_sent == 1
    assert report["member"].held == 0
    assert household_id(3) not in simulator.records("household")
    assert reconcile(sync.dsn, national, client=client).in_step


def test_window_closed_is_held_then_sent_when_the_window_opens(sync, simulator, national, client):
    seed(sync, households=1)
    push(sync.dsn, national, client=client)
    simulator.close_window()
    sync.household(household_id(1), size=5)  # update of a known household: goes through
    sync.household(household_id(2))  # new: needs the window
    sync.member(household_id(2), id_number(21))  # its member: unknown_household meanwhile
    report = push(sync.dsn, national, client=client)
    assert report["household"].accepted == 1 and report["household"].held == 1
    assert report["member"].held == 1
    held = sync.query(
        "select entity, record_key, code from exchange.held where released_at is null"
    )
    assert sorted(held) == [
        ("household", household_id(2), "window_closed"),
        ("member", mkey(household_id(2), id_number(21)), "unknown_household"),
    ]
    check = reconcile(sync.dsn, national, client=client)
    assert check.agrees and not check.in_step
    assert {o.key: o.status for o in check["household"].out_of_step} == {
        household_id(2): "held upsert"
    }
    # still closed: nothing is sent again
    report = push(sync.dsn, national, client=client)
    assert report.batches == 0 and report.window_open is False
    simulator.open_window()
    report = push(sync.dsn, national, client=client)
    assert report.window_open is True
    assert report["household"].accepted == 1 and report["member"].accepted == 1
    assert household_id(2) in simulator.records("household")
    assert mkey(household_id(2), id_number(21)) in simulator.records("member")
    assert sync.query("select count(*) from exchange.held where released_at is null") == [(0,)]
    assert reconcile(sync.dsn, national, client=client).in_step


def test_unknown_household_member_is_sent_after_its_household(sync, simulator, national, client):
    hid = household_id(1)
    sync.household(hid, attribute="不存在的属性")  # the household is rejected...
    sync.member(hid, id_number(11))
    report = push(sync.dsn, national, client=client)
    assert report["household"].rejected == 1 and report["member"].held == 1
    sync.household(hid)  # ...fixed by the county
    report = push(sync.dsn, national, client=client)
    assert report["household"].accepted == 1
    assert report["member"].released == 1 and report["member"].accepted == 1
    assert mkey(hid, id_number(11)) in simulator.records("member")
    rejections = sync.query("select code, resolved_at is not null from exchange.rejection")
    assert rejections == [("invalid_data", True)]


def test_invalid_record_is_rejected_and_the_rest_applied(sync, simulator, national, client, caplog):
    seed(sync, households=2, members=1)
    hid = household_id(1)
    bad = id_number(99)[:17] + ("0" if id_number(99)[17] != "0" else "1")
    sync.member(hid, bad)
    report = push(sync.dsn, national, client=client)
    assert report["member"].accepted == 2 and report["member"].rejected == 1
    assert len(simulator.records("member")) == 2
    rows = sync.query(
        "select record_key, code, message, resolved_at from exchange.rejection order by 1"
    )
    assert [(r[0], r[1], r[3]) for r in rows] == [(mkey(hid, bad), "invalid_data", None)]
    assert "check digit" in rows[0][2]
    assert "rejected by the national system" in caplog.text
    # not sent again while unchanged
    assert push(sync.dsn, national, client=client).batches == 0
    out = {o.key: o for o in reconcile(sync.dsn, national, client=client)["member"].out_of_step}
    assert out[mkey(hid, bad)].status == "rejected upsert"
    assert "check digit" in out[mkey(hid, bad)].detail


@pytest.mark.parametrize("kind", ["429", "503", "drop", "slow"])
def test_faults_are_survived_with_exactly_once_effect(sync, simulator, national, client, kind):
    seed(sync)
    simulator.faults = faults(kind, None, kind, slow_seconds=1.0)
    report = push(sync.dsn, national, client=client)
    assert report["household"].accepted == 3 and report["member"].accepted == 6
    assert report.retries >= 1
    # every batch applied once: one sequence per batch, each record once at its version
    assert simulator.expected_sequence("household") == 2
    assert simulator.expected_sequence("member") == 2
    assert reconcile(sync.dsn, national, client=client).in_step
    assert push(sync.dsn, national, client=client).batches == 0


def test_crash_between_send_and_recording_is_recovered(sync, simulator, national, client):
    seed(sync)

    class Crash(Exception):
        pass

    real_send = client.send_batch

    def send_then_crash(batch_id, sequence, body):
        real_send(batch_id, sequence, body)  # applied by the national side...
        raise Crash("power cut")  # ...but the province never records the answer

    client.send_batch = send_then_crash
    with pytest.raises(Crash):
        push(sync.dsn, national, client=client)
    assert sync.query("select status from exchange.batch") == [("sent",)]
    client.send_batch = real_send
    report = push(sync.dsn, national, client=client)
    assert report.recovered_batches == 1
    assert report["household"].accepted == 3 and report["member"].accepted == 6
    answers = sync.query("select http_status from exchange.receipt order by received_at")
    assert answers[0] == (200,)  # the stored first answer, replayed: applied once
    assert simulator.expected_sequence("household") == 2
    assert reconcile(sync.dsn, national, client=client).in_step


def test_sequence_conflict_renumbers_unaccepted_batches(sync, simulator, national, client, caplog):
    seed(sync, households=2, members=0)
    push(sync.dsn, national, client=client)
    # the province's counter is behind (e.g. restored from an older backup)
    sync.execute("update exchange.entity_sequence set next_sequence = 1 where entity = 'household'")
    sync.household(household_id(5))
    report = push(sync.dsn, national, client=client)
    assert report.renumbered_batches == 1 and report["household"].accepted == 1
    assert "renumbered from sequence 1 to 2" in caplog.text
    assert sync.query("select sequence, renumbered_from from exchange.batch order by sequence") == [
        (1, None),
        (2, 1),
    ]
    sync.household(household_id(6))
    push(sync.dsn, national, client=client)
    assert simulator.expected_sequence("household") == 4
    assert reconcile(sync.dsn, national, client=client).in_step


def test_more_than_1000_records_are_split(sync, simulator, national, client):
    sync.execute(
        """
        insert into exchange.sync_household
        select k, k, d, md5(d::text) from (
            select hid as k, jsonb_build_object('household_id', hid, 'village_code', left(hid, 12),
                   'attribute', '一般贫困户', 'poverty_status', '未脱贫') as d
            from (select '520123100201' || lpad(g::text, 8, '0') as hid
                  from generate_series(1, 2300) g) s
        ) t
        """
    )
    report = push(sync.dsn, national, client=client)
    assert report["household"].batches == 3 and report["household"].accepted == 2300
    assert sync.query("select max(record_count) from exchange.batch") == [(1000,)]
    assert simulator.state("household")["count"] == 2300


def test_reconcile_shows_a_tampered_national_state(sync, simulator, national, client):
    seed(sync)
    other = household_id(1, village="520202100201")
    sync.household(other)
    push(sync.dsn, national, client=client)
    assert reconcile(sync.dsn, national, client=client).agrees
    simulator.put_record("household", household_id(2), 999, {"tampered": True})
    simulator.remove_record("member", mkey(household_id(3), id_number(31)))
    check = reconcile(sync.dsn, national, client=client)
    assert not check["household"].agrees and not check["member"].agrees
    assert check["member"].national_count == check["member"].expected_count - 1
    assert "DIFFERS" in check.summary()
    # narrowed down to the households concerned
    assert check["household"].differing == [household_id(2)]
    assert check["member"].differing == [household_id(3)]
    assert check["household"].located and household_id(3) in check.summary()
    # per region: the other county still agrees, the tampered one does not
    assert reconcile(sync.dsn, national, "520202", client=client).agrees
    assert not reconcile(sync.dsn, national, "520123", client=client).agrees


def test_reconcile_lists_changes_not_yet_pushed(sync, simulator, national, client):
    seed(sync, households=2, members=0)
    push(sync.dsn, national, client=client)
    sync.household(household_id(1), size=9)
    sync.household(household_id(3))
    sync.remove_household(household_id(2))
    check = reconcile(sync.dsn, national, client=client)
    assert check.agrees and not check.in_step
    assert {o.key: o.status for o in check["household"].out_of_step} == {
        household_id(1): "changed",
        household_id(2): "vanished",
        household_id(3): "new",
    }


def test_wrong_secret_stops_the_push_and_the_next_run_resends(sync, simulator, national, caplog):
    caplog.set_level(logging.DEBUG)
    seed(sync, households=1, members=0)
    wrong = national.model_copy(update={"secret": type(national.secret)("not-the-secret-123")})
    with pytest.raises(ExchangeRefused, match="401"):
        push(sync.dsn, wrong, client=ExchangeClient(wrong, timeout=2))
    assert "not-the-secret-123" not in caplog.text and SECRET not in caplog.text
    report = push(sync.dsn, national, client=ExchangeClient(national, timeout=2))
    assert report.recovered_batches == 1 and report["household"].accepted == 1


def test_a_sync_model_the_exposure_does_not_name_stops_the_push(sync, national, client):
    """A new sync model cannot be left unsent silently: the push fails loudly and says how."""
    # The exposure names every entity's model now: a model for a future entity stands in.
    sync.execute(
        "create table exchange.sync_poverty_index (record_key text, household_id text, "
        "data jsonb, content_hash text)"
    )
    seed(sync, households=1, members=0)
    with pytest.raises(ExchangeError, match=r"sync_poverty_index.*add ref\('sync_poverty_index'\)"):
        push(sync.dsn, national, client=client)
    assert sync.query("select count(*) from exchange.batch") == [(0,)]


def test_other_entities_follow_their_household(sync, simulator, national, client, tmp_path):
    """sync_monitoring / sync_assistance are pushed once dbt builds them and the exposure names
    them (same columns)."""
    exposure = tmp_path / "_exchange__exposures.yml"
    exposure.write_text(
        # the project's exposure less sync_assistance, which this test does not build
        EXPOSURE_FILE.read_text(encoding="utf-8").replace("      - ref('sync_assistance')\n", ""),
        encoding="utf-8",
    )
    models = from_exposure(exposure)
    assert list(models.tables) == ["household", "member", "monitoring"]
    sync.execute(
        "create table exchange.sync_monitoring (record_key text, household_id text, data jsonb, "
        "content_hash text)"
    )
    seed(sync, households=1, members=0)
    push = functools.partial(push_, sync_models=models)
    reconcile = functools.partial(reconcile_, sync_models=models)
    push(sync.dsn, national, client=client)
    for hid in (household_id(1), household_id(2)):  # 2: a monitoring object not yet registered
        sync.execute(
            "insert into exchange.sync_monitoring values (%s, %s, %s, null)",
            (hid, hid, '{"object_type": "突发严重困难户", "first_seen": "2026-10-01"}'),
        )
    simulator.close_window()
    report = push(sync.dsn, national, client=client)
    assert report["monitoring"].accepted == 1 and report["monitoring"].held == 1
    sync.household(household_id(2))  # the new household for the national system
    simulator.open_window()
    report = push(sync.dsn, national, client=client)
    assert report["household"].accepted == 1 and report["monitoring"].accepted == 1
    assert sorted(simulator.records("monitoring")) == [household_id(1), household_id(2)]
    assert reconcile(sync.dsn, national, client=client).in_step


def test_push_uses_the_injected_clock_for_its_timestamps(sync):
    fixed = dt.datetime(2027, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    seed(sync, households=1, members=0)
    with NationalSimulator(secret=SECRET, sender_id=SENDER, now=lambda: fixed) as sim:
        national = NationalConfig(base_url=sim.base_url, sender_id=SENDER, secret=SECRET)
        assert push(sync.dsn, national, now=fixed)["household"].accepted == 1
        sync.household(household_id(1), size=7)
        with pytest.raises(ExchangeRefused, match="from our clock"):
            push(sync.dsn, national)  # the real clock is far from the simulator's
    body = json.loads(bytes(sync.query("select body from exchange.batch order by sequence")[0][0]))
    assert body["created_at"] == "2027-03-02T09:30:00+08:00"


def test_simulator_as_a_process_with_a_state_file(sync, tmp_path):
    """`python -m simulation.national` serves on 127.0.0.1 and persists its state."""
    state = tmp_path / "national.json"
    command = [
        sys.executable, "-m", "simulation.national", "--port", "0", "--sender-id", SENDER,
        "--secret-env", "TEST_NATIONAL_SECRET", "--state-file", str(state), "--window", "open",
    ]  # fmt: skip
    environment = os.environ | {"TEST_NATIONAL_SECRET": SECRET}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "the simulator did not start within 20 s"
        line = process.stdout.readline()
        base_url = line.split(" at ")[1].split()[0]
        assert base_url.startswith("http://127.0.0.1:")
        seed(sync, households=2, members=1)
        national = NationalConfig(base_url=base_url, sender_id=SENDER, secret=SECRET)
        client = ExchangeClient(national, timeout=5, max_attempts=3, sleep=lambda s: None)
        report = push(sync.dsn, national, client=client)
        assert report["household"].accepted == 2 and report["member"].accepted == 2
        assert reconcile(sync.dsn, national, client=client).in_step
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    saved = NationalSimulator.read_state_file(state)
    assert len(saved["records"]["household"]) == 2
    assert saved["sequences"] == {f"{SENDER}/household": 1, f"{SENDER}/member": 1}


def test_operator_commands(sync, simulator, tmp_path, capsys, monkeypatch):
    from fupin.exchange.__main__ import main

    monkeypatch.setenv("TEST_NATIONAL_SECRET", SECRET)
    monkeypatch.setenv("TEST_WAREHOUSE_DSN", sync.dsn)
    config = tmp_path / "fupin.yml"
    write_env_config(config, simulator, SENDER)
    seed(sync, households=2, members=1)
    assert main(["push", "--config", str(config)]) == 0
    assert "household: 2 upserts" in capsys.readouterr().out
    assert main(["reconcile", "--config", str(config), "--prefix", "520123"]) == 0
    simulator.remove_record("household", household_id(1))
    assert main(["reconcile", "--config", str(config)]) == 2
    out = capsys.readouterr().out
    assert "DIFFERS" in out and SECRET not in out


def test_batches_stay_under_5_mb(sync, simulator, national, client):
    for n in range(1, 31):  # 30 households of ~200 kB each: about 6 MB in all
        sync.household(household_id(n), note="备注" * 35_000)
    report = push(sync.dsn, national, client=client)
    assert report["household"].accepted == 30 and report["household"].batches == 2
    sizes = sync.query("select length(body) from exchange.batch")
    assert all(size <= 5_000_000 for (size,) in sizes)
    assert simulator.state("household")["count"] == 30
