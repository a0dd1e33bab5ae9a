"""Data quality: run each raw table's Great Expectations suite on one batch, quarantine bad rows.

This is the one module that talks to Great Expectations (its 1.x API still moves). Suites are
reviewed JSON files, ``expectations/<raw table>.json``, in GX's own format. An expectation's
``meta`` says what happens to the rows it finds:

- ``"quarantine": true`` (the default for column-map expectations): every unexpected row goes
  to ``ops.quarantine`` with ``meta.reason``, the field and the delivered value;
- ``"quarantine": false``: a finding recorded in ``ops.quality_result`` only (the row lands).

Rows are never deleted: raw keeps them, quarantine lists them, staging leaves them out.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from fupin.catalog import load_catalog

log = logging.getLogger(__name__)
EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass
class TableCheck:
    raw_table: str
    rows_checked: int = 0
    rows_quarantined: int = 0
    failed_expectations: list[str] = field(default_factory=list)


@dataclass
class BatchCheck:
    batch_id: str
    tables: list[TableCheck]
    rows_fixed: int = 0

    @property
    def rows_quarantined(self) -> int:
        return sum(t.rows_quarantined for t in self.tables)


@functools.cache
def _register_custom_expectations() -> None:
    import fupin.gx_expectations  # noqa: F401  (registers on import)


def load_suite(raw_table: str):
    import great_expectations as gx

    _register_custom_expectations()
    path = EXPECTATIONS_DIR / f"{raw_table}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return gx.ExpectationSuite(**data)


def _sqlalchemy_url(dsn: str) -> str:
    from fupin.warehouse import _sqlalchemy_url as url

    return url(dsn)


def check_batch(conn, dsn: str, batch_id: str) -> BatchCheck:
    """Validate every raw table of one landed batch; quarantine and record the results."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    with conn.cursor() as cur:
        cur.execute(
            "select feed, kind, source_file from ops.delivery where batch_id = %s", (batch_id,)
        )
        feed, kind, source_file = cur.fetchone()
        # A re-check replaces the earlier findings of this batch.
        cur.execute("delete from ops.quality_result where batch_id = %s", (batch_id,))
        cur.execute(
            "delete from ops.quarantine where batch_id = %s and status = 'open'", (batch_id,)
        )
    (file_kind,) = [f for f in load_catalog()[feed].files if f.kind == kind]

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_sql("warehouse", connection_string=_sqlalchemy_url(dsn))
    checks = []
    for table in file_kind.tables:
        suite = load_suite(table.name)
        asset = source.add_query_asset(
            table.name,
            query=f"select * from raw.{table.name} where _batch_id = '{batch_id}'",  # noqa: S608
        )
        batch = asset.add_batch_definition_whole_table("batch").get_batch()
        result = batch.validate(
            suite,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": ["_source_row"],
            },
        )
        checks.append(_record(conn, batch_id, feed, table.name, source_file, suite.name, result))
    fixed = _resolve_superseded(conn, batch_id, file_kind)
    with conn.cursor() as cur:
        cur.execute(
            "update ops.delivery set rows_quarantined = ("
            "  select count(distinct (raw_table, source_row)) from ops.quarantine"
            "  where batch_id = %s) where batch_id = %s",
            (batch_id, batch_id),
        )
    conn.commit()
    return BatchCheck(batch_id, checks, fixed)


def _record(conn, batch_id, feed, raw_table, source_file, suite_name, result) -> TableCheck:
    check = TableCheck(raw_table)
    quarantined_rows: set[int] = set()
    with conn.cursor() as cur:
        for item in result.results:
            config = item.expectation_config
            column = config.kwargs.get("column")
            outcome = item.result or {}
            check.rows_checked = max(check.rows_checked, outcome.get("element_count") or 0)
            error = (item.exception_info or {}).get("exception_message")
            if error:
                raise RuntimeError(
                    f"{suite_name}: {config.type} on {column} failed to run: {error}"
                )
            cur.execute(
                "insert into ops.quality_result (batch_id, raw_table, suite, expectation,"
                " column_name, success, unexpected_count, element_count, details)"
                " values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    batch_id,
                    raw_table,
                    suite_name,
                    config.type,
                    column,
                    item.success,
                    outcome.get("unexpected_count") or 0,
                    outcome.get("element_count") or 0,
                    json.dumps(
                        {"kwargs": config.kwargs, "observed": outcome.get("observed_value")},
                        default=str,
                        ensure_ascii=False,
                    ),
                ),
            )
            if item.success:
                continue
            check.failed_expectations.append(f"{config.type}({column})")
            meta = config.meta or {}
            if not meta.get("quarantine", True) or "unexpected_index_list" not in outcome:
                continue
            reason = meta.get("reason") or f"{config.type} failed on {column}"
            for unexpected in outcome["unexpected_index_list"]:
                row = int(unexpected["_source_row"])
                value = unexpected.get(column)
                quarantined_rows.add(row)
                cur.execute(
                    "insert into ops.quarantine (batch_id, feed, raw_table, source_file,"
                    " source_row, field, value, rule, reason)"
                    " values (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        batch_id,
                        feed,
                        raw_table,
                        source_file,
                        row,
                        column,
                        None if value is None else str(value),
                        config.type,
                        f"{source_file} row {row}, field {column}: {reason}"
                        + ("" if value is None else f" (delivered: {value})"),
                    ),
                )
    check.rows_quarantined = len(quarantined_rows)
    return check


def _resolve_superseded(conn, batch_id: str, file_kind) -> int:
    """Close the quarantine of the batches this one superseded.

    A quarantined row counts as fixed when the correction has a row with the same record key
    that is not quarantined itself; the others are closed as superseded.
    """
    fixed = 0
    with conn.cursor() as cur:
        cur.execute("select batch_id from ops.delivery where superseded_by = %s", (batch_id,))
        replaced = [row[0] for row in cur.fetchall()]
        if not replaced:
            return 0
        for table in file_kind.tables:
            keys = " and ".join(
                f'old."{c}" is not distinct from new."{c}"' for c in table.key_columns
            )
            cur.execute(
                f"""
                update ops.quarantine q
                   set status = 'fixed', resolved_at = now(), resolved_by_batch = %(new)s
                  from raw.{table.name} old
                 where q.batch_id = any(%(old)s) and q.raw_table = %(table)s and q.status = 'open'
                   and old._batch_id = q.batch_id and old._source_row = q.source_row
                   and exists (
                       select 1 from raw.{table.name} new
                        where new._batch_id = %(new)s and {keys or "false"}
                          and not exists (
                              select 1 from ops.quarantine nq
                               where nq.batch_id = %(new)s and nq.raw_table = %(table)s
                                 and nq.source_row = new._source_row))
                """,  # noqa: S608  (identifiers come from the catalog)
                {"new": batch_id, "old": replaced, "table": table.name},
            )
            fixed += cur.rowcount
        cur.execute(
            "update ops.quarantine set status = 'superseded', resolved_at = now(),"
            " resolved_by_batch = %s where batch_id = any(%s) and status = 'open'",
            (batch_id, replaced),
        )
    return fixed
