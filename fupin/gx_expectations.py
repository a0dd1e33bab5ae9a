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

The conditions themselves live in fupin.quality_sql, which also compiles the suites to one SQL
statement each (the fast path of fupin.quality); GX evaluates the very same expressions.
Null values are never unexpected here (GX skips them): required fields have their own
``expect_column_values_to_not_be_null``.
"""

from __future__ import annotations

from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from fupin.quality_sql import (
    DATE_FORMATS,
    date_condition,
    id_number_condition,
    match_character_condition,
    starts_with_id_number_condition,
    uscc_condition,
)

__all__ = ["DATE_FORMATS", "date_condition"]  # their home is fupin.quality_sql


class ColumnValuesValidIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_valid_id_number"

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        return id_number_condition(column)


class ExpectColumnValuesToBeValidIdNumber(ColumnMapExpectation):
    """Values are GB 11643 ID numbers (18 characters or 15-digit legacy; x accepted)."""

    map_metric = "column_values.fupin_valid_id_number"
    success_keys = ("mostly",)


class ColumnValuesStartWithValidIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_start_with_valid_id_number"

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        return starts_with_id_number_condition(column)


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
        return uscc_condition(column)


class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
    """Values are GB 32100 unified social credit codes with the right check character."""

    map_metric = "column_values.fupin_valid_uscc"
    success_keys = ("mostly",)


class ColumnValuesMatchCharacterOf(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_match_character_of"
    condition_value_keys = ("other_column", "position")

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, other_column, position, **kwargs):
        return match_character_condition(column, other_column, position)


class ExpectColumnValuesToMatchCharacterOf(ColumnMapExpectation):
    """The value equals character ``position`` (1-based) of ``other_column`` in the same row."""

    other_column: str
    position: int
    map_metric = "column_values.fupin_match_character_of"
    success_keys = ("other_column", "position", "mostly")
    args_keys = ("column", "other_column", "position")
