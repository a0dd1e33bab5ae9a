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
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from psycopg2.extras import execute_values

from fupin import quality_sql, quality_workers
from fupin.catalog import load_catalog
from fupin.warehouse import sqlalchemy_url

log = logging.getLogger(__name__)
EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# The generic SQL datasource is deliberate: GX's Postgres one refuses socket DSNs (pgserver).
warnings.filterwarnings("ignore", message="You are using a generic SQLDatasource")


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


def unchecked_batches(conn, feed: str | None = None) -> list[str]:
    """Landed (or held, or since superseded) batches whose check is not recorded yet."""
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id from ops.delivery"
            " where checked_at is null and status in ('landed', 'superseded', 'held')"
            "   and (%(feed)s::text is null or feed = %(feed)s)"
            " order by landed_at, batch_id",
            {"feed": feed},
        )
        return [row[0] for row in cur.fetchall()]


def check_unchecked(conn, dsn: str, feed: str | None = None) -> list[BatchCheck]:
    """Check every batch the ledger lists as unchecked: whatever crashed when, each landed
    batch is checked exactly once (the results and ``checked_at`` commit together)."""
    return check_batches(conn, dsn, unchecked_batches(conn, feed))


def check_batches(
    conn, dsn: str, batch_ids: list[str], *, engine: str = "sql", workers: int | None = None
) -> list[BatchCheck]:
    """Validate batches, one suite run per raw table for all of them (a day's deltas together).

    ``engine="sql"`` (the default) runs each suite as one set-based statement over the batches
    (fupin.quality_sql); ``engine="gx"`` runs it through Great Expectations, with the same
    findings and quarantine (tested equal), about 30x slower. Findings are recorded per batch;
    a re-check replaces a batch's earlier findings. The batches are marked checked in the same
    transaction. ``workers`` (default: the CPU count) caps the connections that share a big
    batch's SQL pass (fupin.quality_workers); 1 keeps it on ``conn`` alone.
    """
    if not batch_ids:
        return []
    if engine not in ("sql", "gx"):
        raise ValueError(f"unknown quality engine {engine!r}: 'sql' or 'gx'")
    with conn.cursor() as cur:
        cur.execute(
            "select batch_id, feed, kind, source_file from ops.delivery"
            " where batch_id = any(%s) order by batch_id",
            (list(batch_ids),),
        )
        deliveries = cur.fetchall()
        cur.execute("delete from ops.quality_result where batch_id = any(%s)", (list(batch_ids),))
        cur.execute(
            "delete from ops.quarantine where batch_id = any(%s) and status = 'open'",
            (list(batch_ids),),
        )
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for batch_id, feed, kind, source_file in deliveries:
        groups.setdefault((feed, kind), {})[batch_id] = source_file

    validate = (
        _gx_validator(dsn)
        if engine == "gx"
        else functools.partial(_validate_sql, dsn=dsn, workers=workers)
    )
    checks: dict[str, BatchCheck] = {b: BatchCheck(b, []) for b in batch_ids}
    for (feed, kind), files in groups.items():
        (file_kind,) = [f for f in load_catalog()[feed].files if f.kind == kind]
        for table in file_kind.tables:
            for batch_id, table_check in validate(conn, feed, table.name, files):
                checks[batch_id].tables.append(table_check)
        for batch_id in files:
            checks[batch_id].rows_fixed = _resolve_superseded(conn, batch_id, file_kind)
    with conn.cursor() as cur:
        cur.execute(
            "update ops.delivery d set checked_at = now(), rows_quarantined = ("
            "  select count(distinct (q.raw_table, q.source_row)) from ops.quarantine q"
            "  where q.batch_id = d.batch_id) where d.batch_id = any(%s)",
            (list(batch_ids),),
        )
    conn.commit()
    return [checks[b] for b in batch_ids]


def _row_counts(conn, raw_table: str, batch_ids) -> dict[str, int]:
    with conn.cursor() as cur:
        cur.execute(
            f"select _batch_id, count(*) from raw.{raw_table}"  # noqa: S608
            " where _batch_id = any(%s) group by 1",
            (list(batch_ids),),
        )
        return dict(cur.fetchall())


def _insert_results(cur, rows: list[tuple]) -> None:
    execute_values(
        cur,
        "insert into ops.quality_result (batch_id, raw_table, suite, expectation, column_name,"
        " success, unexpected_count, element_count, details) values %s",
        rows,
    )


def _details(kwargs: dict, reason: str) -> str:
    return json.dumps({"kwargs": kwargs, "reason": reason}, default=str, ensure_ascii=False)


def _validate_sql(conn, feed: str, raw_table: str, files: dict[str, str], *, dsn: str, workers):
    """One set-based pass per suite (fupin.quality_sql): findings, quarantine, counts; a big
    batch split over several connections (fupin.quality_workers)."""
    suite_name, expectations = quality_sql.load_expectations(raw_table)
    row_counts = _row_counts(conn, raw_table, files)
    rows = sum(row_counts.values())
    collect = quality_workers.collector(dsn, raw_table, rows, workers)
    checks, results = [], []
    with conn.cursor() as cur:
        run = quality_sql.run_suite(cur, feed, raw_table, files, expectations, collect, rows)
        for batch_id in files:
            check = TableCheck(raw_table, rows_checked=row_counts.get(batch_id, 0))
            check.rows_quarantined = run.quarantined_rows[batch_id]
            for e in expectations:
                unexpected = run.unexpected[batch_id].get(e.index, 0)
                if unexpected:
                    check.failed_expectations.append(e.label)
                results.append(
                    (
                        batch_id,
                        raw_table,
                        suite_name,
                        e.type,
                        e.column,
                        not unexpected,
                        unexpected,
                        check.rows_checked,
                        _details(e.kwargs, e.reason),
                    )
                )
            checks.append((batch_id, check))
        _insert_results(cur, results)
    return checks


def _gx_validator(dsn: str):
    """Great Expectations' own validation (the reference the SQL path is tested against)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_sql("warehouse", connection_string=sqlalchemy_url(dsn))
    runs = iter(range(1_000_000))

    def validate(conn, feed: str, raw_table: str, files: dict[str, str]):
        suite = load_suite(raw_table)
        listed = ", ".join("'" + b.replace("'", "''") + "'" for b in files)
        asset = source.add_query_asset(
            f"{raw_table}-{next(runs)}",
            query=f"select * from raw.{raw_table} where _batch_id in ({listed})",  # noqa: S608
        )
        result = (
            asset.add_batch_definition_whole_table("batches")
            .get_batch()
            .validate(
                suite,
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": ["_batch_id", "_source_row"],
                },
            )
        )
        return _record(conn, feed, raw_table, files, suite.name, result)

    return validate


def _record(conn, feed, raw_table, files: dict[str, str], suite_name, result):
    """Per batch: the quality results and the quarantined rows of one table's validation."""
    row_counts = _row_counts(conn, raw_table, files)
    checks = {b: TableCheck(raw_table, rows_checked=row_counts.get(b, 0)) for b in files}
    quarantined: dict[str, set[int]] = {b: set() for b in files}
    with conn.cursor() as cur:
        for item in result.results:
            config = item.expectation_config
            column = config.kwargs.get("column")
            outcome = item.result or {}
            error = (item.exception_info or {}).get("exception_message")
            if error:
                raise RuntimeError(
                    f"{suite_name}: {config.type} on {column} failed to run: {error}"
                )
            by_batch: dict[str, list[dict]] = {b: [] for b in files}
            for unexpected in outcome.get("unexpected_index_list") or []:
                by_batch[unexpected["_batch_id"]].append(unexpected)
            row_level = "unexpected_index_list" in outcome
            meta = config.meta or {}
            reason = meta.get("reason") or f"{config.type} failed on {column}"
            for batch_id, source_file in files.items():
                found = by_batch[batch_id]
                success = not found if row_level else item.success
                _insert_results(
                    cur,
                    [
                        (
                            batch_id,
                            raw_table,
                            suite_name,
                            config.type,
                            column,
                            success,
                            len(found) if row_level else outcome.get("unexpected_count") or 0,
                            row_counts.get(batch_id, 0),
                            _details(config.kwargs, reason),
                        )
                    ],
                )
                if success:
                    continue
                checks[batch_id].failed_expectations.append(f"{config.type}({column})")
                if not meta.get("quarantine", True):
                    continue
                quarantine_rows = []
                for unexpected in found:
                    row = int(unexpected["_source_row"])
                    value = unexpected.get(column)
                    quarantined[batch_id].add(row)
                    quarantine_rows.append(
                        (
                            batch_id,
                            feed,
                            raw_table,
                            source_file,
                            row,
                            column,
                            None if value is None else str(value),
                            config.type,
                            # The value is personal data: it stays in the value column.
                            f"{source_file} row {row}, field {column}: {reason}",
                        )
                    )
                # One statement per page of rows: a bad file can quarantine millions of them.
                execute_values(
                    cur,
                    "insert into ops.quarantine (batch_id, feed, raw_table, source_file,"
                    " source_row, field, value, rule, reason) values %s",
                    quarantine_rows,
                    page_size=5000,
                )
    for batch_id, check in checks.items():
        check.rows_quarantined = len(quarantined[batch_id])
        yield batch_id, check


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
