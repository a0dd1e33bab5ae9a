"""fupin's own Great Expectations expectations (registered with GX on import).

``expect_column_values_to_be_valid_id_number`` checks GB 11643 (format, birth date, check
digit) in the database with ``ops.id_number_is_valid``, the same function dbt uses, so a row
the quality check passes is a row staging can match.
"""

from __future__ import annotations

import sqlalchemy as sa
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
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


class ColumnValuesValidDate(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_valid_date"
    condition_value_keys = ("format",)

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, format, **kwargs):  # noqa: A002  (GX passes it by name)
        return sa.func.ops.is_valid_date(column, format)


class ExpectColumnValuesToBeValidDate(ColumnMapExpectation):
    """Values are real calendar dates in ``format`` (YYYY, MM, DD placeholders), checked with
    ``ops.is_valid_date``: ``2026-13-99`` or ``20260230`` fail, not just a wrong pattern."""

    map_metric = "column_values.fupin_valid_date"
    success_keys = ("format", "mostly")
    format: str
