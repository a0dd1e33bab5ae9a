"""A batch split over several connections (fupin.quality_workers) falls back to the checking
connection alone when the others cannot see its rows (landed in the same transaction)."""

from __future__ import annotations

import pytest

from fupin import quality_sql, quality_workers, warehouse

pytestmark = pytest.mark.integration


def test_rows_the_workers_cannot_see_are_checked_in_the_transaction(warehouse_dsn, monkeypatch):
    monkeypatch.setattr(quality_workers, "PARALLEL_MIN_ROWS", 1)
    _, expectations = quality_sql.load_expectations("hukou__full")
    rows = [("11010519491231002X", "甲", "1"), ("bad", "乙", "3"), (None, None, "1")]
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "insert into ops.delivery (batch_id, feed, kind, period, source_file, content_sha256,"
            " size_bytes, status, delivered_at) values ('b1', 'hukou', 'full', '202610',"
            " 'hukou/f.csv', 'x', 1, 'landed', now())"
        )
        cur.execute("select set_config('fupin.batch_id', 'b1', true)")
        cur.execute("select set_config('fupin.source_file', 'hukou/f.csv', true)")
        cur.executemany(
            'insert into raw.hukou__full ("公民身份号码", "姓名", "性别") values (%s, %s, %s)', rows
        )
        collect = quality_workers.collector(warehouse_dsn, "hukou__full", len(rows), workers=2)
        assert collect is not None
        run = quality_sql.run_suite(
            cur, "hukou", "hukou__full", {"b1": "hukou/f.csv"}, expectations, collect
        )
        conn.rollback()
    by_label = {e.label: run.unexpected["b1"].get(e.index, 0) for e in expectations}
    assert by_label["expect_column_values_to_be_valid_id_number(公民身份号码)"] == 1
    assert by_label["expect_column_values_to_not_be_null(姓名)"] == 1
    assert by_label["expect_column_values_to_be_in_set(性别)"] == 1
    assert run.quarantined_rows["b1"] == 2


def test_small_batches_and_one_worker_stay_on_one_connection():
    assert quality_workers.collector("dsn", "t", quality_workers.PARALLEL_MIN_ROWS - 1, 4) is None
    assert quality_workers.collector("dsn", "t", 10**9, workers=1) is None
