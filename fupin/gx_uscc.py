"""GX expectation ``expect_column_values_to_be_valid_uscc`` (registered with GX on import).

The check runs in the database with ``ops.uscc_is_valid`` (migration 0004), the SQL twin of
``fupin.uscc``, so a code the quality check passes is one staging can rely on. Kept out of
``fupin/gx_expectations.py`` so that module has one owner; fupin.pulls imports this one before
it checks a batch.
"""

from __future__ import annotations

import sqlalchemy as sa
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import (
    ColumnMapMetricProvider,
    column_condition_partial,
)


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.fupin_valid_uscc"

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        return sa.func.ops.uscc_is_valid(column)


class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
    """Values are GB 32100 unified social credit codes (format and check character)."""

    map_metric = "column_values.fupin_valid_uscc"
    success_keys = ("mostly",)
