"""What the DAG tasks do, as plain functions of the configuration (no Airflow imports).

The feed DAGs call :func:`land_feed`, the warehouse DAG :func:`build_warehouse`, the exchange
DAG :func:`push_to_national`. Each returns a small JSON-able summary (it becomes the task's
XCom and the ``fupin cycle`` report).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from fupin import landing, quality, warehouse
from fupin.config import Config
from fupin.privacy.redact import redact
from fupin.privacy.stages import stage_dsn
from fupin.steward import batches as correction_batches

log = logging.getLogger(__name__)
BUILD_WATERMARK = "warehouse_build"


def as_of_date(value: str | dt.date | None, fallback: dt.date) -> dt.date:
    if value in (None, ""):
        return fallback
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def land_feed(config: Config, feed: str) -> dict[str, Any]:
    """Land every new complete delivery of a file-drop feed and check its quality."""
    dsn = stage_dsn(config, warehouse.resolve_dsn(config), "loader")
    with warehouse.connect(dsn) as conn:
        run = landing.land_pending(conn, config.landing.root, feed)
        corrections = correction_batches.land_corrections(conn, feed)
        # Driven by the ledger, not by this run: batches a crash left unchecked are checked too.
        checks = quality.check_unchecked(conn, dsn, feed)
        corrected = correction_batches.resolve_corrections(conn, feed)
    summary = {
        "feed": feed,
        "landed": run.batches("landed", "superseded"),
        "resends": run.batches("resend"),
        "failed": [
            {"file": r.source_file, "error": redact(r.message or "")}
            for r in run.results
            if r.outcome == "failed"
        ],
        "held": [
            {"file": r.source_file, "batch": r.batch_id, "reason": r.message}
            for r in run.results
            if r.outcome == "held"
        ],
        "incomplete": run.incomplete,
        "unrecognised": [{"file": u.source_file, "reason": u.reason} for u in run.unrecognised],
        "checked": [c.batch_id for c in checks],
        "landing_findings": sum(r.findings for r in run.results),
        "rows_received": sum(sum(r.rows.values()) for r in run.results),
        "rows_quarantined": sum(c.rows_quarantined for c in checks),
        "rows_fixed": sum(c.rows_fixed for c in checks) + corrected,
        "schema_drift": [f"{t}: {change} {col}" for r in run.results for t, change, col in r.drift],
        "corrections": corrections,
    }
    log.info("feed %s: %s", feed, json.dumps(summary, ensure_ascii=False))
    return summary


def pull_feed(
    config: Config, feed: str, *, since: str | dt.datetime | None = None
) -> dict[str, Any]:
    """Pull the changes of a REST / database source (fupin.pulls) and check their quality.

    Same summary keys as :func:`land_feed`. ``since`` (ISO-8601) backfills from that time
    instead of the watermark; versions already landed are skipped. A source missing from the
    configuration is skipped with a reason, not an error (a deployment may not have it yet).
    """
    from fupin.catalog import load_catalog
    from fupin.pulls.runner import run_pull

    spec = load_catalog()[feed]
    source = getattr(config.sources, spec.pull.source)
    summary: dict[str, Any] = {
        "feed": feed,
        "landed": [],
        "resends": [],
        "failed": [],
        "incomplete": [],
        "rows_received": 0,
        "rows_quarantined": 0,
        "rows_fixed": 0,
        "schema_drift": [],
        # the file feeds' landing keys, empty for a pull: one summary shape for every feed
        "held": [],
        "unrecognised": [],
        "checked": [],
        "landing_findings": 0,
        "corrections": [],
    }
    if source is None:
        log.warning("feed %s: sources.%s is not configured: not pulled", feed, spec.pull.source)
        return {**summary, "skipped": f"sources.{spec.pull.source} not configured"}
    if isinstance(since, str):
        since = dt.datetime.fromisoformat(since)
    if since is not None and since.tzinfo is None:
        raise ValueError(f"backfill time {since.isoformat()} needs a UTC offset (e.g. +08:00)")
    dsn = warehouse.resolve_dsn(config)
    with warehouse.connect(dsn) as conn:
        result = run_pull(conn, spec, source, since=since)
        checks = quality.check_batches(conn, dsn, result.batches)
    summary.update(
        landed=result.batches,
        failed=[{"file": spec.pull.endpoint, "error": result.error}] if result.error else [],
        rows_received=result.rows_landed,
        rows_quarantined=sum(c.rows_quarantined for c in checks),
        schema_drift=[
            f"{spec.tables[0].name}: added {name}" for name in sorted(result.unknown_fields)
        ],
        pull={
            "landed": result.landed,
            "pages": result.pages,
            "returned": result.records,
            "skipped": result.skipped,
            "requests": result.requests,
            "retries": result.retries,
            "restarts": result.restarts,
            "recovered": result.recovered,
        },
    )
    log.info("feed %s: %s", feed, json.dumps(summary, ensure_ascii=False))
    return summary


def _build_state(conn) -> str:
    """What the warehouse is built from: the landed batches (a new one means rebuild)."""
    with conn.cursor() as cur:
        cur.execute(
            "select coalesce(max(landed_at)::text, '') || ':' || count(*)"
            " from ops.delivery where status in ('landed', 'superseded')"
        )
        return cur.fetchone()[0]


def build_warehouse(config: Config, as_of: dt.date, *, force: bool = False) -> dict[str, Any]:
    """``dbt build`` as of the check date; skipped when nothing landed since the last build."""
    from fupin.dbt_runner import run_dbt

    dsn = stage_dsn(config, warehouse.resolve_dsn(config), "builder")
    with warehouse.connect(dsn) as conn:
        state = f"{as_of.isoformat()}@{_build_state(conn)}"
        with conn.cursor() as cur:
            cur.execute("select value from ops.watermark where source = %s", (BUILD_WATERMARK,))
            previous = cur.fetchone()
    if previous and previous[0] == state and not force:
        log.info("warehouse already built from the same deliveries as of %s: skipped", as_of)
        return {"built": False, "as_of": as_of.isoformat(), "reason": "nothing new"}
    vars_ = {**config.dbt_vars(), "as_of": as_of.isoformat()}
    # Unit tests check the models' logic on given rows: CI runs them, a cycle need not.
    result = run_dbt(
        dsn,
        ["build", "--exclude-resource-type", "unit_test"],
        vars_,
        keep_in=config.dbt_runs_dir,
    )
    statuses: dict[str, int] = {}
    for node in result.result or []:
        statuses[str(node.status)] = statuses.get(str(node.status), 0) + 1
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "insert into ops.watermark (source, value) values (%s, %s)"
            " on conflict (source) do update set value = excluded.value, updated_at = now()",
            (BUILD_WATERMARK, state),
        )
    return {"built": True, "as_of": as_of.isoformat(), "nodes": statuses}


def push_to_national(config: Config, as_of: dt.date) -> dict[str, Any]:
    """Push the sync models' changes to the national system (if one is configured)."""
    from fupin.exchange.push import push

    if config.national is None:
        log.warning("no national system configured: nothing pushed")
        return {"pushed": False, "reason": "national not configured"}
    report = push(stage_dsn(config, warehouse.resolve_dsn(config), "pusher"), config.national)
    return {
        "pushed": True,
        "as_of": as_of.isoformat(),
        "sent": report.sent,
        "batches": report.batches,
        "retries": report.retries,
        "summary": report.summary(),
        "entities": {
            name: {
                "sent": e.upserts_sent + e.deletes_sent,
                "accepted": e.accepted,
                "rejected": e.rejected,
                "held": e.held,
            }
            for name, e in report.entities.items()
        },
    }
