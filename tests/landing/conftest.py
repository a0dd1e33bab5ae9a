"""A small generated province shared by the landing tests, and helpers to deliver its files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from fupin import pipeline, warehouse
from fupin.config import Config
from simulation.synth import generate

WORLD = {
    "counties": ["520123"],
    "start": "2026-08",
    "end": "2026-09",
    "seed": 11,
    "households_per_county": 40,
    "drift": True,
}


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """The generator's deliveries of every file feed (with planted quirks and drift)."""
    return generate(tmp_path_factory.mktemp("landing-world"), **WORLD)


def deliver(root: Path, relative: str, data: bytes, *, ok: bool = True) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if ok:
        path.with_name(path.name + ".ok").write_bytes(b"")
    return path


def copy_delivery(world, root: Path, relative: str) -> Path:
    """Deliver one of the generator's files (with its .ok) into another landing root."""
    source = world.landing_root / relative
    return deliver(root, relative, source.read_bytes())


def resend_later(path: Path, seconds: float = 5) -> None:
    ok = path.with_name(path.name + ".ok")
    later = ok.stat().st_mtime + seconds
    os.utime(ok, (later, later))


def land(dsn: str, root: Path, feed: str) -> dict:
    """What the feed DAG does: land every new delivery, then check every unchecked batch."""
    config = Config(province="52", warehouse={"dsn": dsn}, landing={"root": root})
    return pipeline.land_feed(config, feed)


def query(dsn: str, statement: str, *args) -> list[tuple]:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(statement, args)
        return cur.fetchall()


def copy_world(world, root: Path) -> Path:
    shutil.copytree(world.landing_root, root)
    return root
