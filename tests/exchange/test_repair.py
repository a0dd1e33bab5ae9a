"""reconcile --repair: the national side restored from an older copy is brought back in step;
and what the operator sees names counts and masked keys, never full ID numbers."""

from __future__ import annotations

import logging

import pytest
from exchange_helpers import SECRET, SENDER, household_id, id_number, mkey, seed, write_env_config

from fupin.exchange.cli import add_commands
from fupin.exchange.push import push
from fupin.exchange.reconcile import reconcile
from fupin.exchange.repair import repair

pytestmark = pytest.mark.integration


def roll_back(sync, simulator, national, client) -> None:
    """Push, take a national backup, change three households and push, restore the backup."""
    seed(sync)
    push(sync.dsn, national, client=client)
    backup = simulator.export_state()
    sync.household(household_id(1), size=9)  # changed after the backup
    sync.member(household_id(2), id_number(25))  # new after the backup
    sync.remove_member(household_id(3), id_number(32))  # deleted after the backup
    assert push(sync.dsn, national, client=client).sent == 3
    simulator.restore_state(backup)


def test_repair_after_the_national_side_went_back_to_an_older_copy(
    sync, simulator, national, client
):
    roll_back(sync, simulator, national, client)
    check = reconcile(sync.dsn, national, client=client)
    assert not check.agrees
    assert check["household"].differing == [household_id(1)]
    assert check["member"].differing == [household_id(2), household_id(3)]
    # the warehouse did not change: the push alone has nothing to send
    assert push(sync.dsn, national, client=client).summary() == "nothing to send"

    result = repair(sync.dsn, national, client=client)
    assert result.agrees and len(result.rounds) == 1, result.summary()
    assert result.rounds[0].resent == {
        "household": (1, [household_id(1)]),
        "member": (5, [household_id(2), household_id(3)]),  # 2 + the new one; 1 + the deleted one
    }
    assert reconcile(sync.dsn, national, client=client).in_step
    assert simulator.records("household")[household_id(1)]["data"]["size"] == 9
    assert mkey(household_id(2), id_number(25)) in simulator.records("member")
    assert mkey(household_id(3), id_number(32)) not in simulator.records("member")
    assert "checksums agree" in result.summary()
    # the national sequence went back with the restore: the batches were renumbered
    assert simulator.expected_sequence("household") == 3
    assert push(sync.dsn, national, client=client).batches == 0


def test_repair_reports_what_it_cannot_repair(sync, simulator, national, client):
    seed(sync, households=2, members=0)
    push(sync.dsn, national, client=client)
    simulator.put_record("household", household_id(7), 5, {"foreign": True})  # never ours
    result = repair(sync.dsn, national, client=client, max_rounds=2)
    assert not result.agrees
    assert result.rounds[0].resent == {"household": (0, [household_id(7)])}
    summary = result.summary()
    assert "STILL DIFFERS" in summary and "never sent" in summary
    assert repair(sync.dsn, national, client=client).rounds  # bounded, every time


def test_nothing_to_repair_sends_nothing(sync, simulator, national, client):
    seed(sync, households=1, members=1)
    push(sync.dsn, national, client=client)
    before = simulator.requests.count(("POST", "/exchange/v1/batches"))
    result = repair(sync.dsn, national, client=client)
    assert result.agrees and not result.rounds
    assert simulator.requests.count(("POST", "/exchange/v1/batches")) == before


def _cli(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="fupin")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_operator_repair_and_masked_output(
    sync, simulator, national, client, tmp_path, capsys, caplog, monkeypatch
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TEST_NATIONAL_SECRET", SECRET)
    monkeypatch.setenv("TEST_WAREHOUSE_DSN", sync.dsn)
    config = tmp_path / "fupin.yml"
    write_env_config(config, simulator, SENDER)
    monkeypatch.setenv("FUPIN_CONFIG", str(config))  # the config from the environment
    roll_back(sync, simulator, national, client)
    bad = id_number(99)[:17] + ("0" if id_number(99)[17] != "0" else "1")
    sync.member(household_id(1), bad)  # rejected by the national system
    assert _cli(["push"]) == 0
    assert _cli(["reconcile"]) == 2
    assert _cli(["reconcile", "--repair"]) == 0
    out = capsys.readouterr().out
    assert "DIFFERS" in out and "checksums agree" in out and "rejected upsert" in out
    assert f"{bad[:6]}********{bad[-4:]}" in out  # the rejected member, masked
    for number in (bad, id_number(11), id_number(25), id_number(32)):
        assert number not in out and number not in caplog.text
    assert "张三" not in out and "张三" not in caplog.text
    assert _cli(["reconcile", "--prefix", "520123"]) == 0
