"""The big feeds' staging tables built incrementally by batch equal a full rebuild.

Medical, renshe, hukou full snapshots and registry workbooks are landed and checked for three
months and the staging built; then the fourth month lands, a renshe ``_v2`` supersedes a month
already built, and a medical month already built is checked again with one more row
quarantined. The incremental build must leave the untouched months' rows where they were (same
row versions), drop what was superseded or quarantined, add the new month, and give exactly what
``--full-refresh`` gives.
"""

from __future__ import annotations

import re

import pytest

from fupin.dbt_runner import run_dbt
from fupin.pipeline import land_feed
from tests.dbt.incremental import move
from tests.helpers import landing_config, one_county, query, recheck_with_one_more_quarantined

pytestmark = pytest.mark.integration

FEEDS = ("medical", "renshe", "hukou", "registry", "disability")
TABLES = (
    "stg_medical__settlement_lines",
    "stg_renshe__insurance",
    "stg_hukou__snapshots",
    "stg_registry__households",
    "stg_registry__members",
    "stg_disability__certificates",
)
SELECT = [
    "build",
    "--exclude-resource-type",
    "unit_test",
    "--indirect-selection",
    "cautious",
    "--select",
    *TABLES,
    "stg_medical__settlements",
    "stg_disability__current_certificates",
]
LATE = (
    "medical/yibao_settle_202610.csv",
    "renshe/renshe_202610.csv",
    "hukou/hukou_full_202610.csv.gz",
    "registry/520123/建档立卡_520123_202610.xlsx",
    "disability/canlian_202610.csv",
)


def contents(dsn: str, table: str) -> list[tuple]:
    return query(dsn, f"select * from staging.{table} order by batch_id, source_row")  # noqa: S608


def source_files(dsn: str, table: str) -> list[str]:
    return [f for (f,) in query(dsn, f"select distinct source_file from staging.{table}")]  # noqa: S608


def row_versions(dsn: str, table: str, source_file: str) -> list[tuple]:
    return query(
        dsn,
        f"select source_row, xmin::text from staging.{table} where source_file = %s"  # noqa: S608
        " order by source_row",
        source_file,
    )


def compiled_test_scopes(work, model: str) -> set[str]:
    """The batch filters of the compiled data tests on ``model`` in a run's target."""
    scopes = set()
    for path in (work / "target" / "run").rglob("*.sql"):
        sql = path.read_text(encoding="utf-8")
        if f'"staging"."{model}"' in sql and "dbt_internal_test" in sql:
            found = re.search(r"batch_id = any\((array\[[^]]*\])", sql)
            scopes.add(found.group(1) if found else "all rows")
    return scopes


def assert_tests_follow_batches(dsn: str, work) -> None:
    """The incremental run's tests of a table built by batch read the batches it built."""
    (medical_new,) = query(
        dsn,
        "select batch_id from ops.delivery"
        " where source_file = 'medical/yibao_settle_202610.csv' and status = 'landed'",
    )[0]
    (scope,) = compiled_test_scopes(work, "stg_medical__settlement_lines")
    assert medical_new in scope and "202607" not in scope, scope
    assert compiled_test_scopes(work, "stg_medical__settlements") == {scope}
    assert compiled_test_scopes(work, "stg_hukou__snapshots") != {"all rows"}
    (disability,) = compiled_test_scopes(work, "stg_disability__certificates")
    assert "202610" in disability and "202609" not in disability, disability
    assert compiled_test_scopes(work, "stg_disability__current_certificates") == {disability}


def write_renshe_v2(root) -> None:
    lines = (root / "renshe/renshe_202609.csv").read_text(encoding="utf-8").splitlines()
    (root / "renshe/renshe_202609_v2.csv").write_text("\n".join(lines[:-1]) + "\n", "utf-8")
    (root / "renshe/renshe_202609_v2.csv.ok").write_bytes(b"")


def test_incremental_staging_equals_a_full_rebuild(warehouse_dsn, tmp_path):
    result = one_county(tmp_path / "gen", seed=5, households=30, start="2026-07", end="2026-10")
    root, aside = result.landing_root, tmp_path / "aside"
    aside.mkdir()
    config = landing_config(warehouse_dsn, root)
    dbt_vars = {"as_of": result.as_of.isoformat()}

    move(LATE, root, aside)
    for feed in FEEDS:
        land_feed(config, feed)
    run_dbt(warehouse_dsn, SELECT, dbt_vars, work_dir=tmp_path / "dbt1")
    untouched = row_versions(warehouse_dsn, TABLES[0], "medical/yibao_settle_202607.csv")
    assert untouched

    move(LATE, aside, root)
    write_renshe_v2(root)
    for feed in FEEDS:
        land_feed(config, feed)
    recheck_with_one_more_quarantined(warehouse_dsn, "medical/yibao_settle_202608.csv", 3)
    run_dbt(warehouse_dsn, SELECT, dbt_vars, work_dir=tmp_path / "dbt2")

    assert row_versions(warehouse_dsn, TABLES[0], "medical/yibao_settle_202607.csv") == untouched
    files = {t: set(source_files(warehouse_dsn, t)) for t in TABLES}
    assert "medical/yibao_settle_202610.csv" in files[TABLES[0]]
    assert "hukou/hukou_full_202610.csv.gz" in files[TABLES[2]]
    assert "registry/520123/建档立卡_520123_202610.xlsx" in files[TABLES[4]]
    assert "renshe/renshe_202609_v2.csv" in files[TABLES[1]]
    assert_tests_follow_batches(warehouse_dsn, tmp_path / "dbt2")
    assert "renshe/renshe_202609.csv" not in files[TABLES[1]]
    assert not query(
        warehouse_dsn,
        "select 1 from staging.stg_medical__settlement_lines"
        " where source_file = 'medical/yibao_settle_202608.csv' and source_row = 3",
    )
    incremental = {t: contents(warehouse_dsn, t) for t in (*TABLES, "stg_medical__settlements")}

    run_dbt(warehouse_dsn, [*SELECT, "--full-refresh"], dbt_vars, work_dir=tmp_path / "dbt3")
    for table, rows in incremental.items():
        assert contents(warehouse_dsn, table) == rows, table
