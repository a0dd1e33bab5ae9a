"""The civil-affairs database: keyset pages, read-only session, in-place updates as versions."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from connectors import dibao
from fupin.catalog import load_catalog
from simulation import minzheng
from tests.pulls.conftest import assert_landed_equals_source, dibao_source, pull, query

pytestmark = pytest.mark.integration
CST = dt.timezone(dt.timedelta(hours=8))


def test_full_pull_in_small_keyset_pages(warehouse_dsn, dibao_dsn):
    result = pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn), page_size=25)
    source = minzheng.rows(dibao_dsn)
    assert result.error is None and result.landed == len(source) and result.pages >= 8
    assert_landed_equals_source(warehouse_dsn, "dibao", source)
    requests = [r for (r,) in query(warehouse_dsn, "select request from ops.pull_page")]
    assert "from the beginning" in requests[0] and "after (" in requests[1]


def test_rows_updated_in_place_land_as_new_versions(warehouse_dsn, dibao_dsn):
    pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn), page_size=50)
    (first, second) = [r["recipient_id"] for r in minzheng.rows(dibao_dsn)[:2]]
    minzheng.update_in_place(dibao_dsn, int(first), status="停保", end_date=dt.date(2026, 11, 30))
    minzheng.update_in_place(dibao_dsn, int(second), monthly_amount=999)
    result = pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn), page_size=50)
    assert result.landed == 2
    versions = query(
        warehouse_dsn,
        "select status, end_date from raw.dibao__recipient where recipient_id = %s"
        " order by updated_at",
        first,
    )
    assert len(versions) == 2 and versions[-1] == ("停保", "2026-11-30")
    assert_landed_equals_source(warehouse_dsn, "dibao", minzheng.rows(dibao_dsn))


def test_ties_on_updated_at_across_pages_and_pulls(warehouse_dsn, dibao_dsn):
    stamp = dt.datetime(2026, 11, 30, 2, 0, tzinfo=CST)  # a nightly batch: one timestamp
    ids = [int(r["recipient_id"]) for r in minzheng.rows(dibao_dsn)[:30]]
    for recipient in ids[:12]:
        minzheng.update_in_place(dibao_dsn, recipient, updated_at=stamp)
    pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn), page_size=5)  # pages split the tie
    for recipient in ids[12:]:  # more rows at the very same updated_at, lower ids among them
        minzheng.update_in_place(dibao_dsn, recipient, updated_at=stamp, status="停保")
    minzheng.update_in_place(dibao_dsn, ids[0], updated_at=stamp + dt.timedelta(seconds=1))
    pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn), page_size=5)
    assert_landed_equals_source(warehouse_dsn, "dibao", minzheng.rows(dibao_dsn))


def test_session_is_read_only_with_a_statement_timeout(dibao_dsn):
    conn = dibao.connect(dibao_source(dibao_dsn), load_catalog()["dibao"].pull)
    try:
        with conn.cursor() as cur:
            cur.execute("show statement_timeout")
            assert cur.fetchone()[0] == "30s"
            with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
                cur.execute("update minzheng.assistance_recipient set name = 'x'")
    finally:
        conn.close()


def test_unreachable_database_is_reported_without_the_password(warehouse_dsn):
    source = dibao_source("postgresql://reader:pa55word-secret@127.0.0.1:1/minzheng")
    result = pull(warehouse_dsn, "dibao", source)
    assert result.error.startswith("dibao: cannot connect to the civil-affairs database")
    assert "pa55word-secret" not in result.error


def test_backfill_from_a_timestamp_adds_only_what_is_missing(warehouse_dsn, dibao_dsn):
    pull(warehouse_dsn, "dibao", dibao_source(dibao_dsn), page_size=100)
    (mark,) = query(warehouse_dsn, "select updated_at from ops.pull_watermark")
    result = pull(
        warehouse_dsn, "dibao", dibao_source(dibao_dsn), since=dt.datetime(2020, 1, 1, tzinfo=CST)
    )
    assert result.landed == 0 and result.skipped > 0
    assert query(warehouse_dsn, "select updated_at from ops.pull_watermark") == [mark]
