"""The `fupin` command as an operator meets it: readable help, one-line errors naming the key or
the cause, tracebacks only with --debug, no log noise before the first useful line."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fupin import cli

pytestmark = [pytest.mark.xdist_group("cli")]


def fupin(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fupin.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def config(tmp_path: Path, **overrides) -> Path:
    (tmp_path / "landing").mkdir(exist_ok=True)
    data = {"province": "52", "landing": {"root": str(tmp_path / "landing")}, **overrides}
    path = tmp_path / "fupin.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once it is closed


def test_help_is_plain_text_listing_the_commands():
    result = fupin("--help")
    assert result.returncode == 0
    assert "``" not in result.stdout and ":func:" not in result.stdout
    for command in ("cycle", "db", "warehouse", "docs"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"province": 520}, 'province: expected the 2-digit province code in quotes, e.g. "52"'),
        ({"warehouse": {"dsn": "not a dsn"}}, "warehouse.dsn: not a PostgreSQL connection string"),
        ({"warehouse": {"dns": "x"}}, "warehouse.dns: unknown key"),
        (
            {"national": {"base_url": "http://x", "sender_id": "520000", "secret": ""}},
            "national.secret: empty",
        ),
    ],
)
def test_bad_configuration_is_one_line_naming_the_key(tmp_path, override, expected):
    result = fupin("db", "upgrade", "--config", str(config(tmp_path, **override)))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and "pydantic" not in result.stderr


def test_closed_port_is_one_line_and_debug_shows_the_traceback(tmp_path):
    dsn = f"postgresql://postgres@127.0.0.1:{closed_port()}/fupin"
    path = config(tmp_path, warehouse={"dsn": dsn})
    result = fupin("db", "upgrade", "--config", str(path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f'fupin db: cannot reach the database: connection to server at "127.0.0.1", port '
        f"{dsn.split(':')[2].split('/')[0]} failed: Connection refused"
    ]
    debug = fupin("--debug", "db", "upgrade", "--config", str(path))
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_missing_configuration_and_landing_root(tmp_path):
    result = fupin("cycle", env={"FUPIN_CONFIG": ""})
    assert result.returncode == 2
    assert "pass --config FILE or set FUPIN_CONFIG" in result.stderr
    path = config(tmp_path, landing={"root": str(tmp_path / "typo")})
    result = fupin("cycle", "--config", str(path), "--as-of", "2026-10-31")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"fupin cycle: landing.root: {tmp_path / 'typo'} is not a folder (expected the folder "
        "the departments deliver into, with one sub-folder per feed)"
    ]


@pytest.mark.integration
def test_db_upgrade_prints_only_its_result(tmp_path, new_database):
    result = fupin(
        "db", "upgrade", "--config", str(config(tmp_path, warehouse={"dsn": new_database()}))
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "warehouse schema is current\n"
    assert result.stderr == ""  # no alembic INFO lines


def test_embedded_warehouse_start_status_stop(tmp_path):
    path = config(tmp_path, warehouse={"data_dir": str(tmp_path / "pg")})
    try:
        started = fupin("warehouse", "start", "--config", str(path))
        assert started.returncode == 0, started.stderr
        assert ": running (pid " in started.stdout
        assert ": running" in fupin("warehouse", "status", "--config", str(path)).stdout
    finally:
        stopped = fupin("warehouse", "stop", "--config", str(path))
    assert stopped.returncode == 0, stopped.stderr
    assert stopped.stdout.strip().endswith(": stopped")
    assert "stopped" in fupin("warehouse", "status", "--config", str(path)).stdout
    again = fupin("warehouse", "stop", "--config", str(path))
    assert "was not running" in again.stdout


def test_command_groups_plug_in_with_add_commands(monkeypatch):
    module = type(sys)("fupin_test_plugin")

    def add_commands(commands):
        hello = commands.add_parser("hello", help="a plugged-in group")
        hello.set_defaults(handler=lambda args: print("hello from a plugin") or 0)

    module.add_commands = add_commands
    monkeypatch.setitem(sys.modules, "fupin_test_plugin", module)
    monkeypatch.setattr(cli, "PLUGINS", ("fupin_test_plugin", "fupin.not_installed.cli"))
    parser = cli.build_parser()
    args = parser.parse_args(["hello"])
    assert args.handler(args) == 0
    with pytest.raises(SystemExit):
        parser.parse_args(["nope"])
    assert isinstance(parser, argparse.ArgumentParser)
