"""Fast SQL forms of the costliest expectation conditions, for the compiled suites.

``fupin.quality_sql`` holds the reference conditions (the ones Great Expectations evaluates).
The date and ID checks (a regex, substrings cast to integers, ``make_date`` and ``extract``; a
PL/pgSQL call) were most of a suite's time. The forms here give the same answer for every value
(tests/quality/test_fast_conditions.py) at a fraction of the cost (PostgreSQL CPU per value in
docs/decisions.md, "Quality checks at province speed"):

- in a big batch (``DATE_SET_MIN_ROWS``), a date in a fixed format is valid exactly when its
  text is one of the valid strings of that format between 1900 and 2099: a set PostgreSQL
  builds once per statement (about 20 ms) and probes as a hashed subplan;
- an ID number is checked on its bytes: the common shape (18 bytes, 17 digits and a digit or
  X: one ``ltrim`` of the digit bytes) inline, with the birth date's month and day looked up
  in a constant set and the check digit as one expression; anything else (15-digit legacy
  numbers, wrong shapes) goes to ``ops.id_number_is_valid``, which decides as before;
- a regex that is a run of digits (``^[0-9]{12}$``, ``^[0-9]+$``: division codes, account
  numbers) is a length and an ``ltrim`` of the digit bytes;
- an amount regex (``DECIMAL_REGEXES``) is first tried on the two shapes nearly every amount
  has, digits and digits.digits, which such a regex always accepts (an ``ltrim`` of the value's
  bytes and three ``like``); any other value goes to the regex itself, which decides;
- an ICD-10 code regex (``CODE_REGEXES``) likewise: the shape is tested on the bytes first.

Trimming bytes is a plain loop; trimming text runs the multibyte-aware path, three times the
cost, and a regex converts the value to wide characters and builds its automaton per call.

An ID condition needs the normalised bytes of the value several times, so it declares them as a
*prepared* value: ``quality_sql.finding_select`` computes prepared values once per row, one
level below the expectation flags.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# A date format -> (the to_char pattern of one valid value, the step of the series).
SERIES = {
    "YYYY-MM-DD": ("YYYY-MM-DD", "1 day"),
    "YYYYMMDD": ("YYYYMMDD", "1 day"),
    "YYYYMM": ("YYYYMM", "1 month"),
}
STRFTIME = {"YYYY-MM-DD": "%Y-%m-%d", "YYYYMMDD": "%Y%m%d", "YYYYMM": "%Y%m"}
# Years the reference date condition accepts (quality_sql.date_condition).
FIRST_YEAR, LAST_YEAR = 1900, 2099
LEAP_YEAR = 2000  # the days of one leap year, and every year's number in front of them
ISO_DATE_PART = 10  # "ISO-8601": the regex decides the time part, the set the first 10 characters
# Building a set costs about 20 ms of CPU a statement; the reference costs about 1.2 µs a value
# and the set lookup 0.3 µs: below about 25k rows the reference is cheaper.
DATE_SET_MIN_ROWS = 30_000

DIGIT_RUN = re.compile(r"\^\[0-9\](?:\{(\d+)\}|\+)\$")

# Amount regexes that accept every "123" and "123.45" (tests/quality/test_fast_conditions.py).
DECIMAL_REGEXES = frozenset(
    {
        r"^[-+]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?$",
        r"^-?[0-9]+(\.[0-9]+)?$",
        r"^[0-9]+(\.[0-9]+)?$",
        r"^-?[0-9]{1,3}(,?[0-9]{3})*(\.[0-9]+)?$",
    }
)
# ICD-10 codes (medical settlements), checked on their bytes first.
CODE_REGEXES = frozenset({r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$"})
# Bytea literals of byte sets, for ltrim: the digits; the digits and the dot; digits and A-Z.
DIGIT_BYTES_SQL = "'\\x" + bytes(range(48, 58)).hex() + "'::bytea"
DIGIT_DOT_BYTES = "'\\x" + (bytes(range(48, 58)) + b".").hex() + "'::bytea"
CODE_BYTES = "'\\x" + (bytes(range(48, 58)) + bytes(range(65, 91))).hex() + "'::bytea"

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 check digit weights
X, LOWER_X = 88, 120


@dataclass(frozen=True)
class FastCondition:
    """SQL of the expected condition; ``prepared`` maps an alias used in it to the SQL that
    computes it once per row from the raw columns."""

    sql: str
    prepared: dict[str, str] = field(default_factory=dict)


def valid_dates_subquery(date_format: str) -> str:
    """Every valid value of ``date_format`` from FIRST_YEAR to LAST_YEAR: each year's number
    before the rest of each day of a leap year (29 February in leap years only), a third of the
    CPU of one to_char per day. Unnesting them from an array keeps the planner's estimate small
    (10 rows): a join's estimate (73k, or more) could exceed the hash memory limit, and the
    set would then be scanned for every value instead of hashed once."""
    pattern, step = SERIES[date_format]
    rest = pattern.removeprefix("YYYY")
    leap = "y % 4 = 0 and y % 100 <> 0 or y % 400 = 0"
    days = (
        f"select g::date d, to_char(g, '{rest}') r from generate_series(date '{LEAP_YEAR}-01-01',"
        f" date '{LEAP_YEAR}-12-31', interval '{step}') g offset 0"
    )
    return (
        f"select unnest(array(select y || r from generate_series({FIRST_YEAR}, {LAST_YEAR}) y,"
        f" ({days}) days where d <> date '{LEAP_YEAR}-02-29' or {leap}))"
    )


def date_condition(value_sql: str, date_format: str, regex: str | None = None) -> FastCondition:
    """``value_sql`` (a column) is a real date in ``date_format``; same answer as the reference.

    For ISO-8601 the reference's regex still checks the whole value, and the first ten
    characters must be a valid YYYY-MM-DD date."""
    value = f"btrim({value_sql})"
    if date_format in SERIES:
        # Every valid value has the format's length and no blank: a value of that length is
        # valid as it is or not at all (trimmed it would be shorter), so it needs no btrim.
        size = len(dt.date(2000, 1, 1).strftime(STRFTIME[date_format]))
        probe = f"case when octet_length({value_sql}) = {size} then {value_sql} else {value} end"
        return FastCondition(f"(({probe}) in ({valid_dates_subquery(date_format)}))")
    if date_format == "ISO-8601" and regex:
        days = valid_dates_subquery("YYYY-MM-DD")
        quoted = regex.replace("'", "''")
        return FastCondition(
            f"({value} ~ '{quoted}' and substr({value}, 1, {ISO_DATE_PART}) in ({days}))"
        )
    raise ValueError(f"no fast form for date format {date_format!r}")


def _month_days() -> str:
    """Every valid MMDD but 0229 (which needs the year), as a bytea array literal."""
    days = {dt.date(2024, 1, 1) + dt.timedelta(n) for n in range(366)}
    values = sorted(d.strftime("%m%d") for d in days if (d.month, d.day) != (2, 29))
    return "'{" + ",".join(values) + "}'::bytea[]"


def _digit(b: str, i: int) -> str:
    return f"(get_byte({b}, {i}) - 48)"


def _id_bytes_valid(b: str) -> str:
    """The checks of ops.id_number_is_valid on 18 normalised bytes already known to be 17
    ASCII digits and a digit or X (either case)."""
    year = " + ".join(f"{_digit(b, 6 + k)} * {10 ** (3 - k)}" for k in range(4))
    leap = f"(({year}) % 4 = 0 and ({year}) % 100 <> 0 or ({year}) % 400 = 0)"
    month_day = f"substring({b} from 11 for 4)"
    # The weighted sum of the bytes less 48 x the sum of the weights: one call a digit.
    weighted = " + ".join(f"get_byte({b}, {i}) * {w}" for i, w in enumerate(WEIGHTS))
    last = f"get_byte({b}, 17)"
    return (
        f"substring({b} from 7 for 4) <> '0000'::bytea"
        f" and case when {month_day} = '0229'::bytea then {leap}"
        f" else {month_day} = any({_month_days()}) end"
        f" and case {last} when {LOWER_X} then {X} else {last} end"
        f" = get_byte('10X98765432'::bytea, ({weighted} - {48 * sum(WEIGHTS)}) % 11)"
    )


def id_number_condition(value_sql: str, alias: str) -> FastCondition:
    """``value_sql`` is a valid GB 11643 ID number; the same answer as ops.id_number_is_valid.

    ``alias`` names the prepared normalised bytes (blanks removed; case is handled here)."""
    b = alias
    # 18 bytes whose leading digits trimmed leave at most one: 17 digits and an ASCII
    # character (a last byte other than a digit or X fails the check digit comparison).
    shape = f"octet_length({b}) = 18 and octet_length(ltrim({b}, {DIGIT_BYTES_SQL})) < 2"
    sql = (
        f"(case when {shape} then {_id_bytes_valid(b)}"
        f" else ops.id_number_is_valid({value_sql}) end)"
    )
    # btrim(v) trims spaces only, which the replace removes anyway.
    prepared = {alias: f"convert_to(replace({value_sql}, ' ', ''), 'UTF8')"}
    return FastCondition(sql, prepared)


def regex_condition(value_sql: str, regex: str, alias: str = "") -> FastCondition | None:
    """``value_sql ~ regex`` for an amount, code or digit-run regex, else None. ``alias``
    names the value's bytes where the form prepares them."""
    if regex in DECIMAL_REGEXES:
        return _decimal_condition(value_sql, regex)
    if regex in CODE_REGEXES and alias:
        return _code_condition(value_sql, regex, alias)
    run = DIGIT_RUN.fullmatch(regex)
    if not run:
        return None
    only_digits = f"ltrim(convert_to({value_sql}, 'UTF8'), {DIGIT_BYTES_SQL}) = ''::bytea"
    if run.group(1) is None:
        return FastCondition(f"({value_sql} <> '' and {only_digits})")
    # n bytes, all of them ASCII digits: exactly n digits.
    return FastCondition(f"(octet_length({value_sql}) = {int(run.group(1))} and {only_digits})")


def _decimal_condition(value_sql: str, regex: str) -> FastCondition:
    v = value_sql
    # Digits, or digits.digits: every byte a digit or a dot, at most one dot, not at an end.
    # Trimming bytes is a plain loop; trimming text (multibyte characters) costs 3x more.
    plain = (
        f"ltrim(convert_to({v}, 'UTF8'), {DIGIT_DOT_BYTES}) = ''::bytea and {v} <> ''"
        f" and {v} not like '.%' and {v} not like '%.' and {v} not like '%.%.%'"
    )
    quoted = regex.replace("'", "''")
    return FastCondition(f"(case when {plain} then true else {v} ~ '{quoted}' end)")


def _code_condition(value_sql: str, regex: str, alias: str) -> FastCondition:
    """An ICD-10 code: a capital, two digits, then optionally a dot and 1-4 digits or capitals.

    Values of that shape in ASCII bytes are accepted here; any other value goes to the regex."""
    b = alias
    head = (
        f"get_byte({b}, 0) between 65 and 90 and (get_byte({b}, 1) # 48) < 10"
        f" and (get_byte({b}, 2) # 48) < 10"
    )
    tail = f"get_byte({b}, 3) = 46 and ltrim(substring({b} from 5), {CODE_BYTES}) = ''::bytea"
    n = f"octet_length({b})"
    plain = f"case when {n} = 3 then {head} when {n} between 5 and 8 then {head} and {tail} end"
    quoted = regex.replace("'", "''")
    sql = f"(case when {plain} then true else {value_sql} ~ '{quoted}' end)"
    return FastCondition(sql, {alias: f"convert_to({value_sql}, 'UTF8')"})
