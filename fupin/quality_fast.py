"""Fast SQL forms of the costliest expectation conditions, for the compiled suites.

``fupin.quality_sql`` holds the reference conditions (the ones Great Expectations evaluates).
Measured per value on this project's machine (docs/benchmarks.md), the date check cost about
3.5 µs (regex, three substrings cast to integers, ``make_date`` and ``extract``) and the ID
check about 4.9 µs (a PL/pgSQL call): most of a suite's time. The forms here give the same
answer for every value (tests/quality/test_fast_conditions.py) at a fraction of the cost:

- a date is checked on its shape (length and dashes, or the reference regex for ISO-8601) and
  its eight digits YYYYMMDD: the year by comparison, the month and day in a constant set;
- an ID number is checked on its bytes: the common shape (18 ASCII characters, 17 digits and a
  digit or X) inline, with the birth date's month and day looked up in a constant set and the
  check digit as one expression; anything else (15-digit legacy numbers, wrong shapes) goes to
  ``ops.id_number_is_valid``, which decides as before;
- a regex that is a run of digits (``^[0-9]{12}$``, ``^[0-9]+$``: division codes, account
  numbers) is a length and an ``ltrim`` of the digits (0.24 µs against 0.77 µs a value).

An ID condition needs the normalised bytes of the value several times, so it declares them as a
*prepared* value: ``quality_sql.finding_select`` computes prepared values once per row, one
level below the expectation flags.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# Years the reference date condition accepts (quality_sql.date_condition).
FIRST_YEAR, LAST_YEAR = "1900", "2099"
DASHED = "YYYY-MM-DD"
# A date format -> (its length in bytes, or None for the regex-checked ISO-8601, and its
# 1-based (position, length) pieces that make the eight characters YYYYMMDD).
SHAPES = {
    "YYYYMMDD": (8, ((1, 8),)),
    "YYYYMM": (6, ((1, 6),)),  # the day is the first: "01" is appended
    DASHED: (10, ((1, 4), (6, 2), (9, 2))),
    "ISO-8601": (None, ((1, 4), (6, 2), (9, 2))),
}

DIGIT_RUN = re.compile(r"\^\[0-9\](?:\{(\d+)\}|\+)\$")

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 check digit weights
DIGIT_BYTES = tuple(range(48, 58))
X, LOWER_X = 88, 120


@dataclass(frozen=True)
class FastCondition:
    """SQL of the expected condition; ``prepared`` maps an alias used in it to the SQL that
    computes it once per row from the raw columns."""

    sql: str
    prepared: dict[str, str] = field(default_factory=dict)


def date_condition(
    value_sql: str, date_format: str, alias: str, regex: str | None = None
) -> FastCondition:
    """``value_sql`` (a column) is a real date in ``date_format``; same answer as the reference.

    The value's shape (length, dashes; the reference regex for ISO-8601) decides first; then its
    eight digits YYYYMMDD (prepared values: ``alias`` the digits, ``<alias>_value`` the trimmed
    value): the year between 1900 and 2099 and
    the month and day one of a constant set (hashed by PostgreSQL once), or 0229 in a leap
    year."""
    if date_format not in SHAPES:
        raise ValueError(f"no fast form for date format {date_format!r}")
    length, pieces = SHAPES[date_format]
    trimmed = f"btrim({value_sql})"
    digits = " || ".join(f"substr({trimmed}, {start}, {size})" for start, size in pieces)
    value = f"{alias}_value"
    if date_format == "YYYYMM":
        digits += " || '01'"
    if length is None:
        shape = f"{value} ~ '{regex.replace(chr(39), chr(39) * 2)}'"
    else:
        shape = f"octet_length({value}) = {length}"
        if pieces[0][1] == 4:  # dashed: the two dashes where they belong
            shape += f" and substr({value}, 5, 1) = '-' and substr({value}, 8, 1) = '-'"
    d = alias
    year = f"substr({d}, 1, 4)"
    leap = f"(({year}::int % 4 = 0 and {year}::int % 100 <> 0) or {year}::int % 400 = 0)"
    month_day = f"substr({d}, 5, 4)"
    sql = (
        f"(case when {shape} and ltrim({d}, '0123456789') = ''"
        f" then {year} collate \"C\" between '{FIRST_YEAR}' and '{LAST_YEAR}'"
        f" and case when {month_day} = '0229' then {leap}"
        f" else {month_day} = any({_month_days('text')}) end"
        " else false end)"
    )
    return FastCondition(sql, {value: trimmed, alias: digits})


def _month_days(sql_type: str) -> str:
    """Every valid MMDD but 0229 (which needs the year), as an array literal of ``sql_type``."""
    days = {dt.date(2024, 1, 1) + dt.timedelta(n) for n in range(366)}
    values = sorted(d.strftime("%m%d") for d in days if (d.month, d.day) != (2, 29))
    return "'{" + ",".join(values) + "}'::" + sql_type + "[]"


def _digit(b: str, i: int) -> str:
    return f"(get_byte({b}, {i}) - 48)"


def _id_bytes_valid(b: str) -> str:
    """The checks of ops.id_number_is_valid on 18 normalised bytes already known to be 17
    ASCII digits and a digit or X (either case)."""
    year = " + ".join(f"{_digit(b, 6 + k)} * {10 ** (3 - k)}" for k in range(4))
    leap = f"(({year}) % 4 = 0 and ({year}) % 100 <> 0 or ({year}) % 400 = 0)"
    month_day = f"substring({b} from 11 for 4)"
    weighted = " + ".join(f"{_digit(b, i)} * {w}" for i, w in enumerate(WEIGHTS))
    last = f"get_byte({b}, 17)"
    return (
        f"substring({b} from 7 for 4) <> '0000'::bytea"
        f" and case when {month_day} = '0229'::bytea then {leap}"
        f" else {month_day} = any({_month_days('bytea')}) end"
        f" and case {last} when {LOWER_X} then {X} else {last} end"
        f" = get_byte('10X98765432'::bytea, ({weighted}) % 11)"
    )


def id_number_condition(value_sql: str, alias: str) -> FastCondition:
    """``value_sql`` is a valid GB 11643 ID number; the same answer as ops.id_number_is_valid.

    ``alias`` names the prepared normalised bytes (blanks removed; case is handled here)."""
    b = alias
    # (byte # 48) < 10 exactly for the ASCII digits 0x30..0x39: one call per position.
    digits = " and ".join(f"(get_byte({b}, {i}) # 48) < 10" for i in range(17))
    last_ok = ", ".join(str(n) for n in (*DIGIT_BYTES, X, LOWER_X))
    sql = (
        f"(case when octet_length({b}) = 18 and {digits} and get_byte({b}, 17) in ({last_ok})"
        f" then {_id_bytes_valid(b)}"
        f" else ops.id_number_is_valid({value_sql}) end)"
    )
    prepared = {alias: f"convert_to(replace(btrim({value_sql}), ' ', ''), 'UTF8')"}
    return FastCondition(sql, prepared)


def regex_condition(value_sql: str, regex: str) -> FastCondition | None:
    """``value_sql ~ regex`` for a regex that is one run of ASCII digits, else None."""
    run = DIGIT_RUN.fullmatch(regex)
    if not run:
        return None
    only_digits = f"ltrim({value_sql}, '0123456789') = ''"
    if run.group(1) is None:
        return FastCondition(f"({value_sql} <> '' and {only_digits})")
    # n bytes, all of them ASCII digits: exactly n digits.
    return FastCondition(f"(octet_length({value_sql}) = {int(run.group(1))} and {only_digits})")
