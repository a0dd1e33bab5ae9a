"""fupin's own Great Expectations expectations (registered with GX on import).

All of them are SQL conditions evaluated in the warehouse, so a row the quality check passes is
a row staging can parse:

- ``expect_column_values_to_be_valid_id_number``: GB 11643 (format, birth date, check digit)
  with ``ops.id_number_is_valid``, the same function dbt uses;
- ``expect_column_values_to_start_with_valid_id_number``: the first 18 characters are a valid
  ID number (the disability certificate: ID number + 类别 + 等级);
- ``expect_column_values_to_be_valid_date``: a real calendar date in the feed's format
  (``YYYY-MM-DD``, ``YYYYMMDD``, ``YYYYMM`` or an ISO-8601 timestamp); 2026-02-31 fails;
- ``expect_column_values_to_be_valid_uscc``: a GB 32100 unified social credit code with the
  right check character, with ``ops.uscc_is_valid`` (python-stdnum's ``cn.uscc`` wrongly
  requires 8 leading digits; ``fupin.uscc`` is the Python twin);
- ``expect_column_values_to_match_character_of``: the value equals one character of another
  column (残疾类别 / 残疾等级 against the certificate number).

Null values are never unexpected here (GX skips them): required fields have their own
``expect_column_values_to_not_be_null``.
"""

from __future__ import annotations

import sqlalchemy as sa
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

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


class ColumnValuesValidIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_valid_id_number"

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        return sa.func.ops.id_number_is_valid(column)


class ExpectColumnValuesToBeValidIdNumber(ColumnMapExpectation):
    """Values are GB 11643 ID numbers (18 characters or 15-digit legacy; x accepted)."""

    map_metric = "column_values.fupin_valid_id_number"
    success_keys = ("mostly",)


class ColumnValuesStartWithValidIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_start_with_valid_id_number"

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        return sa.func.coalesce(
            sa.func.ops.id_number_is_valid(sa.func.substr(sa.func.btrim(column), 1, 18)),
            sa.false(),
        )


class ExpectColumnValuesToStartWithValidIdNumber(ColumnMapExpectation):
    """The first 18 characters are a valid GB 11643 ID number (a certificate number)."""

    map_metric = "column_values.fupin_start_with_valid_id_number"
    success_keys = ("mostly",)


class ColumnValuesValidDate(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_valid_date"
    condition_value_keys = ("date_format",)

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, date_format, **kwargs):
        return date_condition(column, date_format)


class ExpectColumnValuesToBeValidDate(ColumnMapExpectation):
    """Values are real calendar dates in ``date_format`` (see DATE_FORMATS)."""

    date_format: str
    map_metric = "column_values.fupin_valid_date"
    success_keys = ("date_format", "mostly")
    args_keys = ("column", "date_format")


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_valid_uscc"

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        # ops.uscc_is_valid (migration 0004) is the SQL twin of fupin.uscc, tested equal.
        return sa.func.ops.uscc_is_valid(sa.func.btrim(column))


class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
    """Values are GB 32100 unified social credit codes with the right check character."""

    map_metric = "column_values.fupin_valid_uscc"
    success_keys = ("mostly",)


class ColumnValuesMatchCharacterOf(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_match_character_of"
    condition_value_keys = ("other_column", "position")

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, other_column, position, **kwargs):
        # The other column of the same row, always quoted: departments name their columns.
        other = sa.column(sa.sql.quoted_name(other_column, quote=True))
        return sa.func.btrim(column) == sa.func.substr(sa.func.btrim(other), int(position), 1)


class ExpectColumnValuesToMatchCharacterOf(ColumnMapExpectation):
    """The value equals character ``position`` (1-based) of ``other_column`` in the same row."""

    other_column: str
    position: int
    map_metric = "column_values.fupin_match_character_of"
    success_keys = ("other_column", "position", "mostly")
    args_keys = ("column", "other_column", "position")
