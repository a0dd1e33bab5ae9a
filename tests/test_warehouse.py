import datetime as dt

import psycopg2
import pytest

from fupin import ids, warehouse

pytestmark = pytest.mark.integration


def test_upgrade_creates_schemas_and_is_repeatable(warehouse_dsn):
    warehouse.upgrade(warehouse_dsn)  # a second upgrade is a no-op
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("select nspname from pg_namespace")
        schemas = {row[0] for row in cur.fetchall()}
        assert {"raw", "ops", "staging", "intermediate", "marts", "exchange", "audit"} <= schemas
        cur.execute("select count(*) from raw.registry__member")
        assert cur.fetchone() == (0,)


def test_audit_log_is_append_only(warehouse_dsn):
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("insert into audit.access_log (action, object) values ('read', 'marts.member')")
    with (
        pytest.raises(psycopg2.Error, match="append-only"),
        warehouse.connect(warehouse_dsn) as conn,
        conn.cursor() as cur,
    ):
        cur.execute("delete from audit.access_log")


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",
        "11010519491231002x",
        "110105491231002",
        "110105194912310021",
        "1101051949123100",
        "11010519491331002X",
        "11010519490229002X",
        "11010520000229002X",
        "11010519491200002X",
        "11010500001231002X",
        "",
        None,
        " 11010519491231002X ",
    ],
)
def test_sql_id_functions_agree_with_python(warehouse_dsn, value):
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "select ops.normalize_id_number(%s), ops.id_number_is_valid(%s)", (value, value)
        )
        normalized, valid = cur.fetchone()
    assert normalized == ids.normalize_id_number(value)
    assert bool(valid) == ids.is_valid_id_number(value)


def _expected_date(digits: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(digits, "%Y%m%d").date() if digits.isascii() else None
    except ValueError:
        return None


def test_sql_date_from_digits_agrees_with_python(warehouse_dsn):
    """ops.date_from_digits (dbt's parse_date, migration 0009): every month's last days in
    common, leap and century years, year 0000, and what is not eight digits."""
    values = [
        f"{year:04d}{month:02d}{day:02d}"
        for year in (0, 1, 1900, 2000, 2023, 2024, 2100, 9999)
        for month in range(0, 14)
        for day in (0, 1, 28, 29, 30, 31, 32)
    ]
    values += ["2024022", "202402290", "2024-229", "２０２４０２２９", "", "abcdefgh"]
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("select v, ops.date_from_digits(v) from unnest(%s::text[]) v", (values,))
        rows = cur.fetchall()
    wrong = [(v, got) for v, got in rows if got != (_expected_date(v) if len(v) == 8 else None)]
    assert wrong == []
    assert sum(got is not None for _, got in rows) > 300


def test_embedded_default_when_no_dsn_is_configured(tmp_path):
    from fupin.config import parse_config

    config = parse_config(
        {
            "province": "52",
            "landing": {"root": str(tmp_path / "landing")},
            "warehouse": {"data_dir": str(tmp_path / "pg")},
        }
    )
    dsn = warehouse.resolve_dsn(config)
    assert warehouse.parse_dsn(dsn).dbname == "fupin"
    warehouse.upgrade(dsn)
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("show server_version")
        assert cur.fetchone()[0].startswith("16")
        cur.execute("select ops.id_number_is_valid('11010519491231002X')")
        assert cur.fetchone() == (True,)
    assert warehouse.resolve_dsn(config) == dsn  # a second start reuses the running server
