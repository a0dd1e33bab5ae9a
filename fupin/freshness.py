"""Is each department feed on time? ``dbt source freshness`` over the last landed delivery.

The thresholds come from the catalog's cadence (feeds.yml ``cadence``), the most frequent
delivery named there: a feed delivered daily is late after 2 days, monthly after 35. They are
written in ``dbt_project/models/staging/ops/_ops__feed_freshness.yml`` (source
``feed_deliveries``, one table per feed) and a test keeps that file equal to the catalog. A
late feed is a finding: its steward is told, the run does not fail.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import Config
from fupin.dbt_runner import DbtRunError, run_dbt
from fupin.notify import Notice, notify
from fupin.privacy.stages import stage_dsn

SOURCE = "feed_deliveries"
# cadence word -> (warn after, error after) in days; the most frequent one in the text counts.
CADENCE_DAYS = {
    "daily": (2, 4),
    "on demand": (2, 4),  # pulled sources: pulled daily by their DAGs
    "weekly": (9, 14),
    "monthly": (35, 45),
    "per term": (100, 130),
    "quarterly": (100, 130),
    "yearly": (380, 400),
}


def expected_freshness(cadence: str) -> tuple[int, int]:
    found = [days for word, days in CADENCE_DAYS.items() if re.search(word, cadence)]
    if not found:
        raise ValueError(f"cadence {cadence!r}: none of {sorted(CADENCE_DAYS)}")
    return min(found)


def check_freshness(config: Config) -> list[dict[str, Any]]:
    """Run dbt's freshness check; tell the steward of every late feed; return the results."""
    # it only reads the sources: the builder's role is enough
    dsn = stage_dsn(config, warehouse.resolve_dsn(config), "builder")
    args = ["source", "freshness", "--select", f"source:{SOURCE}"]
    try:
        result = run_dbt(dsn, args, config.dbt_vars(), keep_in=config.dbt_runs_dir)
    except DbtRunError as error:  # an 'error' freshness status is a finding, not a failure
        if error.result.result is None:
            raise
        result = error.result
    catalog = load_catalog()
    rows = []
    for node in result.result.results:
        if str(getattr(node.node.resource_type, "value", node.node.resource_type)) != "source":
            continue  # the project's on-run-end hooks run with the freshness check too
        feed = node.node.name
        status = str(getattr(node.status, "value", node.status))
        row = {
            "feed": feed,
            "status": status,
            "max_loaded_at": str(getattr(node, "max_loaded_at", None)),
            "age_days": round(getattr(node, "age", 0) / 86400, 1),
        }
        rows.append(row)
        if status != "pass" and feed in catalog:
            notify(config, _late_notice(catalog[feed], row))
    return sorted(rows, key=lambda r: r["feed"])


def _late_notice(feed, row: dict[str, Any]) -> Notice:
    warn, _ = expected_freshness(feed.cadence)
    if row["max_loaded_at"] in (None, "None"):
        return Notice(
            steward=feed.steward_role,
            feed=feed.name,
            subject=f"{feed.name}: no delivery has landed yet",
            text=f"No {feed.name} delivery has landed so far; the feed is {feed.cadence}. "
            "Please deliver it with its .ok marker.",
        )
    return Notice(
        steward=feed.steward_role,
        feed=feed.name,
        subject=f"{feed.name}: no delivery landed for {row['age_days']} days",
        text=f"The last {feed.name} delivery landed at {row['max_loaded_at']}; the feed is "
        f"{feed.cadence}, so one was expected within {warn} days. Please deliver it with its "
        ".ok marker.",
    )


def freshness_source() -> dict[str, Any]:
    """The dbt source file's content, made from the catalog (a test keeps the file equal)."""
    tables = []
    for name, feed in load_catalog().items():
        warn, error = expected_freshness(feed.cadence)
        query = (
            f"select max(landed_at) from ops.delivery where feed = '{name}'"
            " and status in ('landed', 'superseded')"
        )
        tables.append(
            {
                "name": name,
                "identifier": "delivery",
                "description": f"Last landed {name} delivery ({feed.department}, {feed.cadence}).",
                "config": {
                    "loaded_at_query": query,
                    "freshness": {
                        "warn_after": {"count": warn, "period": "day"},
                        "error_after": {"count": error, "period": "day"},
                    },
                },
            }
        )
    source = {
        "name": SOURCE,
        "description": "The delivery ledger seen per feed: is each department on time? "
        "Generated from fupin/feeds.yml by `python -m fupin.freshness`.",
        "schema": "ops",
        "tables": tables,
    }
    return {"version": 2, "sources": [source]}


if __name__ == "__main__":
    print("# Generated by `python -m fupin.freshness` from fupin/feeds.yml: do not edit.")
    print(yaml.safe_dump(freshness_source(), allow_unicode=True, sort_keys=False, width=100))
