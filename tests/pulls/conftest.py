"""Pull tests: the generator's records behind the real simulators on 127.0.0.1, a real second
database for civil affairs, and a fresh warehouse per test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from connectors.pages import as_text
from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import BusinessSource, DibaoSource, VehicleSource
from fupin.pulls.runner import run_pull
from simulation import minzheng
from simulation.apis import BusinessApiSimulator, VehicleApiSimulator
from simulation.synth import generate

TOKEN = "test-vehicle-token-7f3a"
API_KEY = "test-business-key-91c2"
FAST = {"backoff_initial": 0.05, "backoff_max": 0.5}


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pulls-synth")
    generate(
        out, counties=("520123",), start="2026-07", end="2026-08", seed=3, households_per_county=300
    )
    return out


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def vehicle_records(synth_dir) -> list[dict]:
    return jsonl(synth_dir / "apis" / "vehicle.jsonl")


@pytest.fixture
def business_records(synth_dir) -> list[dict]:
    return jsonl(synth_dir / "apis" / "business.jsonl")


@pytest.fixture
def vehicle_sim(vehicle_records):
    with VehicleApiSimulator(vehicle_records, token=TOKEN, failure_rate=0.0) as sim:
        yield sim


@pytest.fixture
def business_sim(business_records):
    with BusinessApiSimulator(business_records, api_key=API_KEY, failure_rate=0.0) as sim:
        yield sim


@pytest.fixture
def dibao_dsn(new_database, synth_dir) -> str:
    dsn = new_database("minzheng_test")
    minzheng.load(dsn, synth_dir / "minzheng" / "assistance_recipient.csv")
    return dsn


def vehicle_source(sim, token: str = TOKEN) -> VehicleSource:
    return VehicleSource(base_url=sim.base_url, token=SecretStr(token))


def business_source(sim, api_key: str = API_KEY) -> BusinessSource:
    return BusinessSource(base_url=sim.base_url, api_key=SecretStr(api_key))


def dibao_source(dsn: str) -> DibaoSource:
    return DibaoSource(dsn=SecretStr(dsn))


def pull(dsn: str, feed: str, source, **options):
    options.setdefault("http_options", FAST)
    with warehouse.connect(dsn) as conn:
        return run_pull(conn, load_catalog()[feed], source, **options)


def query(dsn: str, statement: str, *args) -> list[tuple]:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(statement, args)
        return cur.fetchall()


def assert_landed_equals_source(dsn: str, feed: str, source_records: list[dict]) -> None:
    """No version twice in raw, and the newest landed version of every key is the source's
    current record, field for field; no key more, none less."""
    table = load_catalog()[feed].tables[0]
    key, updated = table.key_columns
    columns = ", ".join(f'"{c}"' for c in table.columns)
    rows = query(dsn, f"select {columns} from raw.{table.name}")  # noqa: S608
    versions = [(r[table.columns.index(key)], r[table.columns.index(updated)]) for r in rows]
    assert len(versions) == len(set(versions)), "a version landed twice"
    newest: dict[str, dict] = {}
    for row in rows:
        record = dict(zip(table.columns, row, strict=True))
        current = newest.get(record[key])
        if current is None or _when(record[updated]) > _when(current[updated]):
            newest[record[key]] = record
    expected = {
        str(r[key]): {c: as_text(r[c]) if c in r else None for c in table.columns}
        for r in source_records
    }
    assert set(newest) == set(expected), (
        f"missing {sorted(set(expected) - set(newest))[:5]}, extra "
        f"{sorted(set(newest) - set(expected))[:5]}"
    )
    different = [k for k in expected if newest[k] != expected[k]]
    assert not different, (
        different[:3],
        [newest[k] for k in different[:1]],
        [expected[k] for k in different[:1]],
    )


def _when(text: str):
    import datetime as dt

    return dt.datetime.fromisoformat(text)
