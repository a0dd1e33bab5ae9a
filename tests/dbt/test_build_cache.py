"""Tables are not built again when nothing they read changed (macros/build_cache.sql), and the
warehouse a build leaves equals a ``--full-refresh`` after every kind of change.

A county's file feeds of August to mid-October are landed (the October registry, medical,
人社 and 残联 months and the late hukou deltas held back) and the project built as of 10-15.
Then: the same build again (every deterministic table kept), five hukou deltas with the check
date on to 10-20 (the registry's tables, their snapshots and V08 kept, the population's built
again; the tests of tables kept check nothing, the population's the rows it rewrote), and the
October months landed with the check date on to 10-31 (the registry's tables and V08 built
again). After each, every table built as a cached_table equals a full rebuild's. Last, a
table whose test failed is built again by the next build.
"""

from __future__ import annotations

import json
import re

import pytest

from fupin.dbt_runner import DbtRunError, run_dbt
from fupin.pipeline import land_feed
from tests.dbt.incremental import move
from tests.dbt.test_incremental_spine import LATE_HUKOU, LATE_OTHERS, land_all
from tests.helpers import landing_config, one_county, query

pytestmark = pytest.mark.integration

REGISTRY_TABLES = (
    "intermediate.int_registry__current_members",
    "intermediate.int_registry__current_households",
    "intermediate.int_verification__checked_members",
    "marts.member",
    "marts.household",
)
# V08 reads the check date only through 人社's current month (as_of_token)
PENSION = "intermediate.int_verification__v08_employee_pension"
POPULATION_TABLES = (
    "intermediate.int_monitoring__m07_labourer_died",
    "intermediate.int_verification__v05_dead_not_cancelled",
)


def build(dsn: str, as_of: str, work, *extra: str) -> None:
    run_dbt(dsn, ["build", *extra], {"as_of": as_of}, work_dir=work)


def cached_tables(dsn: str, work) -> list[str]:
    """schema.table of every model built as a cached_table."""
    result = run_dbt(
        dsn,
        ["ls", "--resource-type", "model", "--select", "config.materialized:cached_table",
         "--output", "json", "--output-keys", "schema", "alias"],
        work_dir=work,
    )  # fmt: skip
    return sorted(f"{n['schema']}.{n['alias']}" for n in map(json.loads, result.result))


def table_ids(dsn: str, tables: list[str]) -> dict[str, int]:
    """schema.table -> its relation id: a table built again is a new relation."""
    return {t: query(dsn, "select %s::regclass::oid", t)[0][0] for t in tables}


def table_contents(dsn: str, tables: list[str]) -> dict[str, str]:
    """schema.table -> a hash of its rows (without built_at, the time each row was written)."""
    row = "to_jsonb(t) - 'built_at'"
    return {
        table: query(
            dsn,
            f"select md5(coalesce(string_agg(({row})::text, E'\\n' order by ({row})::text), ''))"
            f" from {table} as t",  # noqa: S608
        )[0][0]
        for table in tables
    }


def compiled_test_filters(work, table: str) -> set[str]:
    """The where clauses of the compiled data tests of ``table`` (schema.table) in a run (a
    test reading all its rows, or reading it as the other side of a relationship, has none)."""
    schema, name = table.split(".")
    pattern = re.compile(rf'"{schema}"\."{name}" where ([^)]*)\)')
    filters = set()
    for path in (work / "target" / "run").rglob("*.sql"):
        filters.update(f.strip() for f in pattern.findall(path.read_text(encoding="utf-8")))
    return filters


def tokens(dsn: str, uids: tuple[str, ...], work) -> dict[str, str]:
    """uid -> its token (build_cache.sql, relation_token) as a model reading no raw table sees
    it, none saved."""
    token = "{{ relation_token('%s', {'saved': {}, 'ledger': {}}, []) }}"
    result = run_dbt(dsn, ["compile", "--inline", "|".join(token % uid for uid in uids)],
                     work_dir=work)  # fmt: skip
    return dict(zip(uids, result.result.results[0].node.compiled_code.split("|"), strict=True))


def assert_equals_full_rebuild(dsn: str, tables: list[str], as_of: str, work) -> None:
    built = table_contents(dsn, tables)
    build(dsn, as_of, work, "--full-refresh")
    rebuilt = table_contents(dsn, tables)
    assert [t for t in tables if built[t] != rebuilt[t]] == [], as_of


def test_unchanged_tables_are_kept(warehouse_dsn, tmp_path):
    result = one_county(tmp_path / "gen", seed=9, households=60, start="2026-08", end="2026-10")
    root, aside = result.landing_root, tmp_path / "aside"
    move(LATE_HUKOU + LATE_OTHERS, root, aside)
    config = landing_config(warehouse_dsn, root)
    land_all(config, root)
    build(warehouse_dsn, "2026-10-15", tmp_path / "b1")
    tables = cached_tables(warehouse_dsn, tmp_path / "ls")
    assert set(REGISTRY_TABLES + POPULATION_TABLES) <= set(tables)

    first = table_ids(warehouse_dsn, tables)
    build(warehouse_dsn, "2026-10-15", tmp_path / "b2")
    again = table_ids(warehouse_dsn, tables)
    rebuilt = [t for t in tables if first[t] != again[t]]
    assert len(rebuilt) < len(tables) / 4, f"an unchanged build rebuilt {rebuilt}"
    assert not set(rebuilt) & set(REGISTRY_TABLES + POPULATION_TABLES)
    assert_equals_full_rebuild(warehouse_dsn, tables, "2026-10-15", tmp_path / "f2")

    before = table_ids(warehouse_dsn, tables)
    # a raw table's token follows its own feed's batches, and so does a view of it
    uids = (
        "source.fupin.hukou.hukou__delta",
        "source.fupin.medical.medical__settlement",
        "model.fupin.stg_relocation__households",
    )
    tokens_before = tokens(warehouse_dsn, uids, tmp_path / "k1")
    move(LATE_HUKOU[1:6], aside, root)
    land_feed(config, "hukou")
    tokens_after = tokens(warehouse_dsn, uids, tmp_path / "k2")
    assert [uid for uid in uids if tokens_before[uid] != tokens_after[uid]] == [uids[0]]
    build(warehouse_dsn, "2026-10-20", tmp_path / "b3")
    after = table_ids(warehouse_dsn, tables)
    assert all(before[t] == after[t] for t in REGISTRY_TABLES), "the registry did not change"
    assert before[PENSION] == after[PENSION], "人社's current month did not change"
    assert all(before[t] != after[t] for t in POPULATION_TABLES), "the population changed"
    # the tests of tables kept check nothing; those of the population the rows it rewrote
    assert compiled_test_filters(tmp_path / "b3", REGISTRY_TABLES[0]) == {"false"}
    (population,) = compiled_test_filters(tmp_path / "b3", "intermediate.int_hukou__population")
    assert population.startswith("built_at >= timestamptz"), population
    # nor are the snapshots of the registry's marts taken again
    assert compiled_test_filters(tmp_path / "b3", "marts.member_history") == {"false"}
    assert_equals_full_rebuild(warehouse_dsn, tables, "2026-10-20", tmp_path / "f3")

    before = table_ids(warehouse_dsn, tables)
    move(LATE_OTHERS + LATE_HUKOU, aside, root)
    land_all(config, root)
    build(warehouse_dsn, "2026-10-31", tmp_path / "b4")
    after = table_ids(warehouse_dsn, tables)
    assert all(before[t] != after[t] for t in REGISTRY_TABLES), "the October registry landed"
    assert before[PENSION] != after[PENSION], "人社's October month landed"
    assert compiled_test_filters(tmp_path / "b4", "marts.member_history") == set()
    assert_equals_full_rebuild(warehouse_dsn, tables, "2026-10-31", tmp_path / "f4")

    # a table whose test failed is built (and tested) again by the next build
    query(warehouse_dsn, "insert into marts.member select * from marts.member limit 1")
    with pytest.raises(DbtRunError, match="unique_member_member_key"):
        run_dbt(warehouse_dsn, ["test", "--select", "member"], {"as_of": "2026-10-31"},
                work_dir=tmp_path / "t5")  # fmt: skip
    before = table_ids(warehouse_dsn, ["marts.member"])
    build(warehouse_dsn, "2026-10-31", tmp_path / "b5")
    assert table_ids(warehouse_dsn, ["marts.member"]) != before
    unique = "select count(*) = count(distinct member_key) from marts.member"
    assert query(warehouse_dsn, unique)[0][0]
