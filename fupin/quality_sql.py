"""The reviewed Great Expectations suites compiled to set-based SQL: one pass per suite.

Great Expectations 1.x validates a batch with several queries per expectation (its own
measurement: about 7k rows/s on the hukou suite, see docs/benchmarks.md). Every expectation
fupin uses is a column-map condition, so a suite is one pass over the new batch instead: a scan
of ``raw.<table> where _batch_id = any(...)`` (index on ``(_batch_id, _source_row)``) computes
every expectation's "unexpected" flag per row into a temporary table of findings, and one more
statement writes the quarantine rows and returns the counts per (batch, expectation). No Great
Expectations import, no per-row round trip, and the cost follows the batch, not the size of the
raw table. The costliest conditions (ID numbers, dates, digit and amount regexes) run in a fast
form of the same answer (fupin.quality_fast); a big batch is split over several connections
(fupin.quality_workers).

The conditions are GX's own semantics, so both paths quarantine the same (row, expectation,
reason) set (tests/quality/test_sql_equivalence.py): nulls are never unexpected except for
``expect_column_values_to_not_be_null``; an expectation whose condition is NULL for a value does
not flag it (GX's ``not (condition)`` in a WHERE). fupin's own conditions live here and are the
ones its GX expectations (fupin.gx_expectations) evaluate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from fupin import quality_fast

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"

# Per date format: the full-value regex and the 1-based positions of year, month and day
# (day None: the first of the month).
DATE_FORMATS = {
    "YYYY-MM-DD": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", 1, 6, 9),
    "YYYYMMDD": (r"^[0-9]{8}$", 1, 5, 7),
    "YYYYMM": (r"^[0-9]{6}$", 1, 5, None),
    "ISO-8601": (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
        r"(Z|[+-][0-9]{2}:?[0-9]{2})?$",
        1,
        6,
        9,
    ),
}


def _integer(text):
    return sa.cast(text, sa.Integer)


def date_condition(column, date_format: str):
    """SQL: the value is a real date in ``date_format``; CASE keeps the casts behind the regex."""
    if date_format not in DATE_FORMATS:
        raise ValueError(f"unknown date format {date_format!r}; one of {sorted(DATE_FORMATS)}")
    regex, y, m, d = DATE_FORMATS[date_format]
    value = sa.func.btrim(column)
    year = _integer(sa.func.substr(value, y, 4))
    month = _integer(sa.func.substr(value, m, 2))
    day = _integer(sa.func.substr(value, d, 2)) if d else sa.literal(1)
    # A day that overflows its month lands in the next month: 2026-02-31 -> March.
    real_day = sa.extract("month", sa.func.make_date(year, month, 1) + (day - 1)) == month
    return sa.case(
        (
            value.op("~")(regex),
            sa.case(
                (
                    sa.and_(year.between(1900, 2099), month.between(1, 12), day.between(1, 31)),
                    real_day,
                ),
                else_=sa.false(),
            ),
        ),
        else_=sa.false(),
    )


def id_number_condition(column):
    return sa.func.ops.id_number_is_valid(column)


def starts_with_id_number_condition(column):
    return sa.func.coalesce(
        sa.func.ops.id_number_is_valid(sa.func.substr(sa.func.btrim(column), 1, 18)), sa.false()
    )


def uscc_condition(column):
    # ops.uscc_is_valid (migration 0004) is the SQL twin of fupin.uscc, tested equal.
    return sa.func.ops.uscc_is_valid(sa.func.btrim(column))


def match_character_condition(column, other_column: str, position: int):
    # The other column of the same row, always quoted: departments name their columns.
    other = sa.column(sa.sql.quoted_name(other_column, quote=True))
    return sa.func.btrim(column) == sa.func.substr(sa.func.btrim(other), int(position), 1)


# Expectation type -> its expected condition (GX's column-map semantics; kwargs of the suite).
CONDITIONS = {
    "expect_column_values_to_not_be_null": lambda c, k: c.is_not(None),
    "expect_column_values_to_be_in_set": lambda c, k: c.in_(k["value_set"]),
    "expect_column_values_to_match_regex": lambda c, k: c.op("~")(sa.literal(k["regex"])),
    "expect_column_values_to_be_valid_id_number": lambda c, k: id_number_condition(c),
    "expect_column_values_to_start_with_valid_id_number": (
        lambda c, k: starts_with_id_number_condition(c)
    ),
    "expect_column_values_to_be_valid_date": lambda c, k: date_condition(c, k["date_format"]),
    "expect_column_values_to_be_valid_uscc": lambda c, k: uscc_condition(c),
    "expect_column_values_to_match_character_of": (
        lambda c, k: match_character_condition(c, k["other_column"], k["position"])
    ),
}
NULLS_COUNT = {"expect_column_values_to_not_be_null"}  # the only one that looks at nulls


@dataclass(frozen=True)
class Expectation:
    index: int
    type: str
    column: str
    kwargs: dict
    reason: str
    quarantine: bool

    @property
    def label(self) -> str:
        return f"{self.type}({self.column})"


def load_expectations(raw_table: str) -> tuple[str, list[Expectation]]:
    """The suite's name and expectations, read from the same reviewed JSON file GX reads."""
    path = EXPECTATIONS_DIR / f"{raw_table}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    expectations = []
    for index, item in enumerate(data["expectations"]):
        kwargs, meta = item["kwargs"], item.get("meta") or {}
        if item["type"] not in CONDITIONS or "mostly" in kwargs:
            raise ValueError(
                f"{path.name} expectation {index + 1}: {item['type']} with {sorted(kwargs)}"
                " has no SQL form; add it to fupin.quality_sql.CONDITIONS"
            )
        column = kwargs["column"]
        reason = meta.get("reason") or f"{item['type']} failed on {column}"
        expectations.append(
            Expectation(index, item["type"], column, kwargs, reason, meta.get("quarantine", True))
        )
    return data["name"], expectations


def unexpected_sql(expectation: Expectation) -> str:
    """The row flag: true when GX would list the row as unexpected, else false (never NULL)."""
    column = sa.column(sa.sql.quoted_name(expectation.column, quote=True))
    condition = sa.not_(CONDITIONS[expectation.type](column, expectation.kwargs))
    if expectation.type not in NULLS_COUNT:
        condition = sa.and_(column.is_not(None), condition)
    flag = sa.func.coalesce(condition, sa.false())
    # A "named" dialect renders "%" as is; it is doubled once below for psycopg2.
    dialect = postgresql.dialect(paramstyle="named")
    text = str(flag.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return text.replace("%", "%%")  # the statement also takes psycopg2 parameters


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fast_condition(expectation: Expectation, rows: int) -> quality_fast.FastCondition | None:
    """The fast form of an expectation's condition for a run over ``rows`` rows, where one
    exists and pays (fupin.quality_fast)."""
    column, kwargs = _identifier(expectation.column), expectation.kwargs
    alias = f"_prepared_{expectation.index}"
    if expectation.type == "expect_column_values_to_be_valid_date":
        if rows < quality_fast.DATE_SET_MIN_ROWS:
            return None
        regex = DATE_FORMATS[kwargs["date_format"]][0]
        return quality_fast.date_condition(column, kwargs["date_format"], regex)
    if expectation.type == "expect_column_values_to_be_valid_id_number":
        return quality_fast.id_number_condition(column, alias)
    if expectation.type == "expect_column_values_to_match_regex":
        return quality_fast.regex_condition(column, kwargs["regex"], alias)
    if expectation.type == "expect_column_values_to_start_with_valid_id_number":
        return quality_fast.id_number_condition(f"substr(btrim({column}), 1, 18)", alias)
    return None


def compiled_flag(expectation: Expectation, rows: int = 0) -> tuple[str, dict[str, str]]:
    """The row flag the suite statement evaluates over ``rows`` rows (the fast form where there
    is one, the same answer as ``unexpected_sql``) and the prepared values it reads."""
    fast = _fast_condition(expectation, rows)
    if fast is None:
        return unexpected_sql(expectation), {}
    column = _identifier(expectation.column)
    flag = f"coalesce({column} is not null and not {fast.sql}, false)"
    prepared = {alias: sql.replace("%", "%%") for alias, sql in fast.prepared.items()}
    return flag.replace("%", "%%"), prepared


def finding_select(raw_table: str, expectations: list[Expectation], rows: int = 0) -> str:
    """The flagged (batch_id, source_row, idx, value) of the batches ``%(batches)s``: every
    row's flags in one pass, exploded per expectation. ``%(parts)s``/``%(part)s`` take one share
    of the rows (``_source_row %% parts = part``), so that several connections can split a big
    batch; parts 1, part 0 is the whole batch."""
    compiled = [compiled_flag(e, rows) for e in expectations]
    flags = ", ".join(
        f"{flag} as u{e.index}" for e, (flag, _) in zip(expectations, compiled, strict=True)
    )
    prepared = "".join(
        f", {sql} as {alias}" for _, values in compiled for alias, sql in values.items()
    )
    columns = ", ".join(f"{_identifier(e.column)}::text as v{e.index}" for e in expectations)
    any_flag = " or ".join(f"u{e.index}" for e in expectations)
    exploded = ", ".join(f"({e.index}, u{e.index}, v{e.index})" for e in expectations)
    # "offset 0" keeps each subquery whole: prepared values and flags are computed once a row.
    return f"""
select s._batch_id as batch_id, s._source_row as source_row, f.idx, f.value
  from (select _batch_id, _source_row, {flags}, {columns}
          from (select *{prepared} from raw.{_identifier(raw_table)}
                 where _batch_id = any(%(batches)s) and _source_row %% %(parts)s = %(part)s
                offset 0) p
        offset 0) s
 cross join lateral (values {exploded}) f(idx, bad, value)
 where ({any_flag}) and f.bad
"""  # noqa: S608  (identifiers from the catalog, conditions from the reviewed suites)


# The findings of one suite run, in the checking transaction (dropped at its end).
FINDING_TABLE = """
drop table if exists pg_temp.fupin_finding;
create temp table fupin_finding (batch_id text, source_row int, idx int, value text)
    on commit drop;
"""

# From the findings: insert the quarantine rows, return (batch, expectation index, rows) and
# per batch (batch, -1, distinct quarantined rows).
RECORD_STATEMENT = """
with meta as (
    select * from unnest(%(idx)s::int[], %(field)s::text[], %(rule)s::text[],
                         %(reason)s::text[], %(quarantine)s::bool[])
           m(idx, field, rule, reason, quarantine)
),
batch as (
    select * from unnest(%(batches)s::text[], %(files)s::text[]) b(batch_id, source_file)
),
quarantined as (
    insert into ops.quarantine (batch_id, feed, raw_table, source_file, source_row, field,
                                value, rule, reason)
    select f.batch_id, %(feed)s, %(table)s, b.source_file, f.source_row, m.field, f.value,
           m.rule,
           b.source_file || ' row ' || f.source_row || ', field ' || m.field || ': ' || m.reason
      from pg_temp.fupin_finding f join meta m using (idx) join batch b using (batch_id)
     where m.quarantine
    returning 1
)
select batch_id, idx, count(*) from pg_temp.fupin_finding group by batch_id, idx
union all
select f.batch_id, -1, count(distinct f.source_row)
  from pg_temp.fupin_finding f join meta m using (idx) where m.quarantine group by f.batch_id
"""


def collect_here(cur, select: str, params: dict) -> None:
    """The findings of the whole batch, by this transaction's own connection."""
    cur.execute(f"insert into pg_temp.fupin_finding {select}", {**params, "parts": 1, "part": 0})


@dataclass
class SuiteRun:
    """Per batch: expectation index -> unexpected rows; distinct rows quarantined."""

    unexpected: dict[str, dict[int, int]]
    quarantined_rows: dict[str, int]


def run_suite(
    cur,
    feed: str,
    raw_table: str,
    files: dict[str, str],
    expectations: list[Expectation],
    collect=None,
    rows: int = 0,
) -> SuiteRun:
    """Evaluate a suite over the batches ``files`` (batch id -> source file).

    The findings go to a temporary table: by one ``insert … select`` in this transaction, or
    by ``collect(cur, select, params)`` (fupin.quality_workers: several connections at once).
    One more statement records the quarantine and returns the counts. ``rows`` (the batches'
    size) chooses the conditions' forms that pay at that size."""
    batches = list(files)
    cur.execute(FINDING_TABLE)
    (collect or collect_here)(
        cur, finding_select(raw_table, expectations, rows), {"batches": batches}
    )
    cur.execute(
        RECORD_STATEMENT,
        {
            "batches": batches,
            "files": [files[b] for b in batches],
            "feed": feed,
            "table": raw_table,
            "idx": [e.index for e in expectations],
            "field": [e.column for e in expectations],
            "rule": [e.type for e in expectations],
            "reason": [e.reason for e in expectations],
            "quarantine": [e.quarantine for e in expectations],
        },
    )
    run = SuiteRun({b: {} for b in batches}, {b: 0 for b in batches})
    for batch_id, index, count in cur.fetchall():
        if index < 0:
            run.quarantined_rows[batch_id] = count
        else:
            run.unexpected[batch_id][index] = count
    return run
