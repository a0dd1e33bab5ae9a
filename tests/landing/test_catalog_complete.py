"""One catalog describes a feed completely: every raw table it lists has its expectation suite
and a dbt staging model that reads it (a gap fails here, naming the table)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from fupin.catalog import load_catalog, raw_tables

PROJECT = Path(__file__).resolve().parents[2]
STAGING = PROJECT / "dbt_project" / "models" / "staging"
TABLES = [t.name for t in raw_tables()]


def _raw_sources() -> dict[str, str]:
    """raw table -> the dbt source that declares it."""
    declared = {}
    for path in STAGING.rglob("_*__sources.yml"):
        for source in yaml.safe_load(path.read_text(encoding="utf-8")).get("sources", []):
            if source.get("schema") == "raw":
                declared.update({t["name"]: source["name"] for t in source.get("tables", [])})
    return declared


def _read_by_models() -> set[tuple[str, str]]:
    """(source, table) pairs a staging model reads with source() or the landed_rows macro."""
    pattern = re.compile(r"(?:source|landed_rows)\(\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]")
    found: set[tuple[str, str]] = set()
    for path in STAGING.rglob("stg_*.sql"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_the_catalog_lists_file_feeds_with_their_readers():
    for feed in load_catalog().values():
        assert feed.transport in ("file", "rest", "database"), feed.name
        for file_kind in feed.files:
            assert file_kind.format in ("csv", "xlsx", "jsonl") or file_kind.reader, file_kind


@pytest.mark.parametrize("table", TABLES)
def test_every_raw_table_has_its_expectation_suite(table):
    path = PROJECT / "expectations" / f"{table}.json"
    assert path.exists(), f"raw.{table} has no expectation suite ({path.name})"
    suite = json.loads(path.read_text(encoding="utf-8"))
    assert suite["expectations"], f"{path.name} checks nothing"


@pytest.mark.parametrize("table", TABLES)
def test_every_raw_table_has_a_staging_model(table):
    sources = _raw_sources()
    assert table in sources, f"raw.{table} is not declared as a dbt source"
    assert (sources[table], table) in _read_by_models(), f"no stg_ model reads raw.{table}"
