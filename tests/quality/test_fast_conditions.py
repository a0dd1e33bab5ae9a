"""The fast forms of the date and ID conditions (fupin.quality_fast), as the compiled suites
evaluate them, flag exactly the values the reference conditions flag (the ones Great
Expectations evaluates), on every edge of the calendar and of the ID number's shape."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from fupin import ids, quality_fast, warehouse
from fupin.quality_sql import DATE_FORMATS, Expectation, compiled_flag, unexpected_sql
from tests.quality.test_fast_id_check import _values as id_values

pytestmark = pytest.mark.integration
COLUMN = "日期或号码"


def _expectation(kind: str, **kwargs) -> Expectation:
    return Expectation(0, kind, COLUMN, {"column": COLUMN, **kwargs}, "reason", True)


def _both_flags(dsn: str, expectation: Expectation, values: list) -> list[tuple]:
    """(value, fast flag, reference flag) per value, the fast one over its prepared values (the
    forms of a big batch)."""
    fast, prepared = compiled_flag(expectation, rows=10**9)
    assert fast != unexpected_sql(expectation)  # a fast form
    prepared_sql = "".join(f", {sql} as {alias}" for alias, sql in prepared.items())
    reference = unexpected_sql(expectation)
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            f'select "{COLUMN}", {fast}, {reference} from (select *{prepared_sql}'
            f' from unnest(%(v)s::text[]) t("{COLUMN}") offset 0) p',
            {"v": values},
        )
        return cur.fetchall()


def _date_values(date_format: str) -> list:
    days = [dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(2099, 12, 31), dt.date(2100, 1, 1)]
    days += [dt.date(year, 2, 28) for year in (1900, 1999, 2000, 2023, 2024)]
    days += [dt.date(2024, month, 1) for month in range(1, 13)]
    pattern = {"YYYY-MM-DD": "%Y-%m-%d", "YYYYMMDD": "%Y%m%d", "YYYYMM": "%Y%m"}.get(
        date_format, "%Y-%m-%dT08:30:00+08:00"
    )
    values = [d.strftime(pattern) for d in days]
    for year in (1900, 2000, 2023, 2024):  # impossible and possible last days of months
        for month, day in ((2, 29), (2, 30), (4, 31), (6, 30), (12, 32), (13, 1), (0, 10)):
            values += [f"{year}-{month:02d}-{day:02d}", f"{year}{month:02d}{day:02d}"]
            values += [f"{year}{month:02d}", f"{year}-{month:02d}-{day:02d}T00:00:00Z"]
    values += [f" {values[0]} ", values[0] + "\n", "２０２４０１０１", "2024/01/01", "", " "]
    values += ["20240101 12:00", "2024-01-01T24:00:00Z", "2024-01-01 08:00", "abcdefgh", None]
    values += ["2024--1-01", "2024-1-011", "202-01-011", "2024-01-１", "2024/01/01", "2024a1"]
    values += ["2024-01-01T08:30:00+0800", "2024-02-29 23:59:59.5", "1900-02-29T00:00:00Z"]
    # The format's length with blanks in it: the fast form probes those untrimmed.
    values += [" " + values[0][:-1], values[0][1:] + " ", " " + values[0][1:-1] + " "]
    values += ["\t" + values[0][1:], values[0][:4] + " " + values[0][5:], "　" + values[0][3:]]
    return values


@pytest.mark.parametrize("date_format", sorted(DATE_FORMATS))
def test_fast_dates_flag_what_the_reference_flags(warehouse_dsn, date_format):
    expectation = _expectation("expect_column_values_to_be_valid_date", date_format=date_format)
    rows = _both_flags(warehouse_dsn, expectation, _date_values(date_format))
    assert [(value, fast) for value, fast, reference in rows if fast is not reference] == []
    flagged = sum(fast for _, fast, _ in rows)
    assert 0 < flagged < len(rows)  # not vacuous: both answers occur


@pytest.mark.parametrize("date_format", sorted(quality_fast.SERIES))
def test_the_date_set_is_every_day_of_the_years(warehouse_dsn, date_format):
    pattern, step = quality_fast.SERIES[date_format]
    days = (
        f"select to_char(d, '{pattern}') from generate_series(date '1900-01-01',"
        f" date '2099-12-31', interval '{step}') d"
    )
    built = quality_fast.valid_dates_subquery(date_format)
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute(f"select count(*), count(distinct v) from ({built}) s(v)")
        assert cur.fetchone() == ({"YYYYMM": 2400}.get(date_format, 73049),) * 2
        cur.execute(f"({built}) except all ({days}) union all (({days}) except all ({built}))")
        assert cur.fetchall() == []


def test_the_date_set_is_hashed_even_with_little_work_mem(warehouse_dsn):
    # Not hashed, the set would be scanned for every value: minutes for a big batch.
    expectation = _expectation("expect_column_values_to_be_valid_date", date_format="YYYYMMDD")
    fast, _ = compiled_flag(expectation, rows=10**9)
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        cur.execute("set local work_mem = '64kB'")
        cur.execute(
            f"explain (verbose) select {fast} from generate_series(1, 1000000) g,"
            f' lateral (select g::text) t("{COLUMN}")',
            {},  # the flag's "%%" are psycopg2's
        )
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "hashed SubPlan" in plan, plan


def _id_edge_values() -> list:
    valid = "11010519491231002X"
    # Right check digits on impossible and possible birth dates: the date decides.
    births = ("00000101", "00040229", "19000229", "20000229", "20240229", "20230229", "20240230")
    dated = [f"110105{birth}001" for birth in births]
    return [
        valid.lower(),
        " 1101 0519 4912 3100 2X ",
        valid[:17] + "Ｘ",  # a full-width X: 18 characters, 20 bytes
        "一" + valid[1:],
        *(body + ids.id_check_digit(body) for body in dated),
        "110105491231002",  # legacy 15 digits
        "X" * 18,
        valid[:10] + "X" + valid[11:],
        # The shape test trims the leading digits: what is left must be nothing or one X.
        "X" + valid[1:],
        valid[:16] + "XX",
        valid[:17] + "x",
        valid[:17] + "Y",
        valid + "0",
        valid[:17],
        valid[:17] + "0X",
        valid[:17] + "\u00d8",  # a 2-byte character after 17 digits: 19 bytes
        valid[:16] + "\u00d8",  # 16 digits and a 2-byte character: 18 bytes
        valid[:17] + "\n",
        "0" * 17 + "X",
        "9" * 18,
        None,
    ]


@pytest.mark.parametrize(
    "kind",
    [
        "expect_column_values_to_be_valid_id_number",
        "expect_column_values_to_start_with_valid_id_number",
    ],
)
def test_fast_id_numbers_flag_what_the_reference_flags(warehouse_dsn, kind):
    values = id_values() + _id_edge_values()
    if kind.endswith("start_with_valid_id_number"):
        values += [f"{v}{suffix}" for v in values[:200] if v for suffix in ("11", "-2", " 一")]
    rows = _both_flags(warehouse_dsn, _expectation(kind), values)
    assert [(value, fast) for value, fast, reference in rows if fast is not reference] == []
    flagged = sum(fast for _, fast, _ in rows)
    assert 200 < flagged < len(rows) - 300


@pytest.mark.parametrize("regex", ["^[0-9]{12}$", "^[0-9]{6}$", "^[0-9]+$"])
def test_fast_digit_runs_flag_what_the_regex_flags(warehouse_dsn, regex):
    values = ["520123000000", "52012300000", "5201230000001", "52012300000a", "５２０１２３"]
    values += ["520123", " 520123", "520123 ", "52012３", "-52012", "", "0", "1" * 40, None]
    values += ["520123\n", "一二三四五六", "52O123"]
    expectation = _expectation("expect_column_values_to_match_regex", regex=regex)
    rows = _both_flags(warehouse_dsn, expectation, values)
    assert [(value, fast) for value, fast, reference in rows if fast is not reference] == []
    assert 0 < sum(fast for _, fast, _ in rows) < len(rows)


AMOUNTS = ["0", "0.00", "9562.57", "1,234.50", "+12", "-3.5", "12.", ".5", "1.2.3", "1,23", "", " "]
AMOUNTS += ["12 ", "１２", "1e5", "--1", "1,234,567", "00012.000", "12.3a", ".", "..", "1..2", None]
# The byte form: a byte set (digits, dot), no dot at either end, at most one dot.
AMOUNTS += ["1.", ".1", "1.2.", ".1.2", "12..34", "1.23.4", "٣", "1٣", "1.٣", "１.５", "12\n"]
AMOUNTS += ["\n12", "12\t", "1 2", "1\u00b72", "1。2", "0x10", "-", "+", "+.5", "-1,234.5"]
AMOUNTS += ["1" * 60, "9" * 30 + "." + "0" * 30, "12.34 ", "12%", "12_3", "1/2", "½"]


@pytest.mark.parametrize("regex", sorted(quality_fast.DECIMAL_REGEXES))
def test_fast_amounts_flag_what_the_regex_flags(warehouse_dsn, regex):
    # The shapes the fast form accepts without the regex are ones the regex accepts.
    assert re.fullmatch(regex, "123") and re.fullmatch(regex, "123.45")
    expectation = _expectation("expect_column_values_to_match_regex", regex=regex)
    rows = _both_flags(warehouse_dsn, expectation, AMOUNTS)
    assert [(value, fast) for value, fast, reference in rows if fast is not reference] == []
    assert 0 < sum(fast for _, fast, _ in rows) < len(rows)


CODES = ["S72.0", "E11.9", "N18.5", "A00", "Z99.1234", "Z99.12345", "A0", "A000", "A00.", "a00"]
CODES += ["A00.a", "A00.A1B2", "A00..1", "A00-1", "A00.0 ", " A00", "A00\n", "Ａ00", "A０0", ""]
CODES += ["A00.0Ａ", "Ä00", "A001.0", "AA0.0", "A00.一", "@00", "[00", "A/0", "A:0", "A00.@"]
CODES += ["A00.[", "A00.Z", "A00./", "A00.:", "A00,1", "A00.\u00c0", "A0\u00c0", None, "A00.0.0"]


@pytest.mark.parametrize("regex", sorted(quality_fast.CODE_REGEXES))
def test_fast_codes_flag_what_the_regex_flags(warehouse_dsn, regex):
    expectation = _expectation("expect_column_values_to_match_regex", regex=regex)
    rows = _both_flags(warehouse_dsn, expectation, CODES)
    assert [(value, fast) for value, fast, reference in rows if fast is not reference] == []
    assert 5 < sum(fast for _, fast, _ in rows) < len(rows) - 5
