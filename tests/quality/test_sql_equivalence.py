"""The suites compiled to SQL (fupin.quality_sql) quarantine exactly what Great Expectations
quarantines: same (batch, row, expectation, field, value, reason) rows and the same findings,
over the generator's planted bad rows of every feed (files and pulled sources) plus a broken
copy of a row per checked field kind (tests/feeds/test_bad_values.py)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from fupin import landing, quality, quality_fast, quality_workers, warehouse
from fupin.catalog import load_catalog
from fupin.quality_sql import CONDITIONS, load_expectations, unexpected_sql
from simulation.apis import BusinessApiSimulator, VehicleApiSimulator
from simulation.synth import generate
from tests.feeds.test_bad_values import BROKEN, append_broken
from tests.pulls.conftest import (
    API_KEY,
    TOKEN,
    business_source,
    dibao_source,
    jsonl,
    pull,
    vehicle_source,
)

pytestmark = pytest.mark.integration

QUARANTINE = (
    "select batch_id, raw_table, source_file, source_row, field, value, rule, reason, status"
    " from ops.quarantine"
)
RESULTS = (
    "select batch_id, raw_table, suite, expectation, column_name, success, unexpected_count,"
    " element_count, details from ops.quality_result"
)


def _snapshot(dsn: str) -> tuple[Counter, Counter]:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(QUARANTINE)
        quarantined = Counter(cur.fetchall())
        cur.execute(RESULTS)
        results = Counter(row[:8] + (_details(row[8]),) for row in cur)
    return quarantined, results


def _details(details: dict) -> str:
    # GX adds its own throwaway asset name (kwargs.batch_id) to the kwargs it reports.
    kwargs = {k: v for k, v in details["kwargs"].items() if k != "batch_id"}
    return json.dumps({**details, "kwargs": kwargs}, sort_keys=True)


def _check_all(dsn: str, engine: str, workers: int = 1) -> tuple[Counter, Counter]:
    """Forget every finding and check every landed batch again with ``engine``."""
    with warehouse.connect(dsn) as conn:
        with conn.cursor() as cur:
            cur.execute("delete from ops.quarantine")
            cur.execute("delete from ops.quality_result")
            cur.execute(
                "select batch_id from ops.delivery where status in ('landed', 'superseded')"
                " order by landed_at, batch_id"
            )
            batches = [row[0] for row in cur.fetchall()]
        conn.commit()
        quality.check_batches(conn, dsn, batches, engine=engine, workers=workers)
    return _snapshot(dsn)


def _land_world(dsn: str, tmp_path, new_database) -> dict:
    result = generate(
        tmp_path,
        counties=("520123",),
        start="2026-09",
        end="2026-10",
        seed=5,
        households_per_county=20,
    )
    root = result.landing_root
    for relative, encoding, changes, _ in BROKEN:
        append_broken(root, relative, encoding, changes)
    with warehouse.connect(dsn) as conn:
        for feed in load_catalog().values():
            if feed.transport == "file":
                landing.land_pending(conn, root, feed.name)
    records = jsonl(tmp_path / "apis" / "vehicle.jsonl")
    with VehicleApiSimulator(records, token=TOKEN, failure_rate=0.0) as sim:
        pull(dsn, "vehicle", vehicle_source(sim))
    records = jsonl(tmp_path / "apis" / "business.jsonl")
    with BusinessApiSimulator(records, api_key=API_KEY, failure_rate=0.0) as sim:
        pull(dsn, "business", business_source(sim))
    from simulation import minzheng

    minzheng_dsn = new_database("fupin_quality_minzheng")
    minzheng.load(minzheng_dsn, tmp_path / "minzheng" / "assistance_recipient.csv")
    pull(dsn, "dibao", dibao_source(minzheng_dsn))
    return json.loads(result.ground_truth.read_text(encoding="utf-8"))


def test_sql_and_gx_quarantine_the_same_rows(warehouse_dsn, tmp_path, new_database, monkeypatch):
    truth = _land_world(warehouse_dsn, tmp_path, new_database)
    sql_quarantine, sql_results = _check_all(warehouse_dsn, "sql")
    gx_quarantine, gx_results = _check_all(warehouse_dsn, "gx")
    # Every batch split over three connections (fupin.quality_workers), however small, with
    # the forms of a big batch (fupin.quality_fast).
    monkeypatch.setattr(quality_workers, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(quality_fast, "DATE_SET_MIN_ROWS", 1)
    shared_quarantine, shared_results = _check_all(warehouse_dsn, "sql", workers=3)

    assert sql_quarantine == gx_quarantine == shared_quarantine
    assert sql_results == gx_results == shared_results
    # Not vacuous: every feed was checked, and every planted quarantine case was found.
    checked = {feed for (feed,) in _query(warehouse_dsn, "select distinct feed from ops.delivery")}
    assert checked == set(load_catalog())
    found = {(f, r, c) for _, _, f, r, c, *_ in sql_quarantine}
    planted = {
        (case["file"], case["row"], case["field"])
        for case in truth["cases"]
        if case["rule"] == "quarantine" and "file" in case
    }
    assert planted and planted <= found
    assert len({rule for *_, rule, _, _ in sql_quarantine}) >= 5


def _query(dsn: str, statement: str) -> list[tuple]:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(statement)
        return cur.fetchall()


def test_every_expectation_of_every_suite_compiles():
    """A suite with an expectation the compiler does not know fails loudly, naming it."""
    for table in {t.name for feed in load_catalog().values() for t in feed.tables}:
        _, expectations = load_expectations(table)
        for expectation in expectations:
            assert expectation.type in CONDITIONS
            assert "coalesce" in unexpected_sql(expectation)


def test_an_expectation_without_a_sql_form_fails_loudly(tmp_path, monkeypatch, new_database):
    import fupin.quality_sql as quality_sql

    suite = {
        "name": "x",
        "expectations": [
            {
                "type": "expect_column_values_to_match_regex",
                "kwargs": {"column": "a", "regex": "^5%'"},
            },
            {"type": "expect_column_mean_to_be_between", "kwargs": {"column": "a"}},
        ],
    }
    (tmp_path / "raw__x.json").write_text(json.dumps(suite), encoding="utf-8")
    monkeypatch.setattr(quality_sql, "EXPECTATIONS_DIR", tmp_path)
    with pytest.raises(ValueError, match="raw__x.json expectation 2: expect_column_mean"):
        load_expectations("raw__x")
    suite["expectations"].pop()
    (tmp_path / "raw__x.json").write_text(json.dumps(suite), encoding="utf-8")
    (regex,) = load_expectations("raw__x")[1]
    # A quote is doubled, a percent sign escaped for psycopg2's parameters.
    flag = unexpected_sql(regex)
    assert "'^5%%'''" in flag
    with warehouse.connect(new_database("fupin_quality_regex")) as conn, conn.cursor() as cur:
        cur.execute(f'select {flag} from unnest(%(v)s::text[]) t("a")', {"v": ["5%'", "6"]})
        assert [row[0] for row in cur.fetchall()] == [False, True]
