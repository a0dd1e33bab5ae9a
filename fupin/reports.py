"""Reports per run, written by the DAG tasks themselves (scheduled runs and ``fupin cycle``).

Each run writes into ``<reports>/<as-of>/<run>/`` and nothing is overwritten: ``<run>`` is the
run's ``report_run`` conf (``fupin cycle`` gives all DAG runs of one cycle the same one) or its
Airflow run id. A feed run writes ``feed_<feed>.json`` and ``quarantine_<feed>.csv`` (the open
quarantine its steward has to fix); the warehouse run ``warehouse.json``; the exchange run
``cycle.json`` (the feeds' results found in the same folder, open alerts by rule, open
quarantine per feed, the push) and every feed's quarantine CSV. Personal values are masked or
withheld in them (the steward page shows them to the entitled steward), cells are neutralised
for spreadsheets, and ID numbers and secrets are redacted from the JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import Config
from fupin.privacy.redact import redact, report_row

QUARANTINE_COLUMNS = "source_file, source_row, field, value, reason, batch_id, quarantined_at"


def run_key(run_id: str | None, conf: dict[str, Any] | None = None) -> str:
    """The run's folder name: its ``report_run`` conf, else its run id, safe for a file name."""
    key = (conf or {}).get("report_run") or run_id or "run"
    return re.sub(r"[^A-Za-z0-9._+-]", "_", str(key))


def report_folder(config: Config, as_of: dt.date, key: str) -> Path:
    folder = config.reports_dir / as_of.isoformat() / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_json(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    # Reports reach logs and mail: no ID numbers or secrets in them (policy.md §6).
    path.write_text(
        redact(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n",
        encoding="utf-8",
    )
    return path


def write_quarantine_csv(cur, folder: Path, feed: str) -> Path:
    """The open quarantine of one feed, UTF-8 with BOM so that Excel opens it."""
    cur.execute(
        f"select {QUARANTINE_COLUMNS} from ops.quarantine where feed = %s and status = 'open'"
        " order by source_file, source_row",
        (feed,),
    )
    path = folder / f"quarantine_{feed}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([d.name for d in cur.description])
        writer.writerows(report_row(row) for row in cur.fetchall())
    return path


def write_feed_report(config: Config, folder: Path, summary: dict[str, Any]) -> Path:
    feed = summary["feed"]
    write_json(folder, f"feed_{feed}.json", summary)
    with warehouse.connect(warehouse.resolve_dsn(config)) as conn, conn.cursor() as cur:
        write_quarantine_csv(cur, folder, feed)
    return folder


def findings(dsn: str) -> dict[str, dict[str, int]]:
    """Open alerts by rule and open quarantined rows by feed."""
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        alerts: dict[str, int] = {}
        cur.execute("select to_regclass('marts.verification_alert') is not null")
        if cur.fetchone()[0]:
            cur.execute(
                "select rule_code, count(*) from marts.verification_alert where is_open"
                " group by rule_code order by rule_code"
            )
            alerts = dict(cur.fetchall())
        cur.execute(
            "select feed, count(*) from ops.quarantine where status = 'open'"
            " group by feed order by feed"
        )
        return {"alerts_open": alerts, "quarantine_open": dict(cur.fetchall())}


def write_cycle_report(
    config: Config, folder: Path, as_of: dt.date, push: dict[str, Any]
) -> dict[str, Any]:
    """The cycle summary, from what the runs of this folder wrote and the warehouse's state."""
    dsn = warehouse.resolve_dsn(config)
    feeds = {
        path.stem.removeprefix("feed_"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("feed_*.json"))
    }
    build = folder / "warehouse.json"
    summary = {
        "as_of": as_of.isoformat(),
        "run": folder.name,
        "feeds": feeds,
        "warehouse": json.loads(build.read_text(encoding="utf-8")) if build.exists() else None,
        **findings(dsn),
        "national_push": push,
    }
    write_json(folder, "cycle.json", summary)
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        for feed in load_catalog():
            write_quarantine_csv(cur, folder, feed)
    return summary
