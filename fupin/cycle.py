"""``fupin cycle``: one complete cycle, exactly as the scheduled DAGs run it.

It loads the DAG files from ``dags/`` with Airflow's own DagBag and runs each with
``dag.test()`` in dependency order (every feed DAG, then the warehouse DAG, then the national
exchange DAG), against an Airflow metadata database under the configured Airflow home. The
check date reaches every task as the run's ``as_of`` param.

Airflow reads its settings when it is first imported, so :func:`prepare_airflow` must run
before anything imports ``airflow``; this module imports it only inside functions.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import PROJECT_ROOT, Config, load_config
from fupin.privacy.redact import redact, report_row

log = logging.getLogger(__name__)
DAGS_FOLDER = PROJECT_ROOT / "dags"


class CycleError(RuntimeError):
    """A DAG of the cycle did not succeed."""


@dataclass
class CycleReport:
    as_of: dt.date
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)  # dag_id -> task results
    alerts: dict[str, int] = field(default_factory=dict)
    quarantine_open: dict[str, int] = field(default_factory=dict)
    report_dir: Path | None = None

    def feed_results(self) -> dict[str, dict[str, Any]]:
        return {
            dag_id.removeprefix("feed_"): next(iter(results.values()), {})
            for dag_id, results in self.runs.items()
            if dag_id.startswith("feed_")
        }

    def push_result(self) -> dict[str, Any]:
        return next(iter(self.runs.get("national_exchange", {}).values()), {})

    def render(self) -> str:
        lines = [f"fupin cycle as of {self.as_of}", "", "feed        landed rows  quarantined"]
        for feed, result in self.feed_results().items():
            lines.append(
                f"{feed:<11} {result.get('rows_received', 0):>11}  "
                f"{result.get('rows_quarantined', 0):>11}"
                + (f"  ({len(result['failed'])} file(s) failed)" if result.get("failed") else "")
            )
        lines.append("")
        lines.append(
            "open alerts by rule: "
            + (", ".join(f"{rule} {n}" for rule, n in sorted(self.alerts.items())) or "none")
        )
        push = self.push_result()
        lines.append(f"national push: {push.get('summary', push.get('reason', 'not run'))}")
        if self.report_dir:
            lines.append(f"reports: {self.report_dir}")
        return "\n".join(lines)


def prepare_airflow(config: Config, config_path: Path) -> None:
    """Point Airflow at fupin's DAGs and a metadata database under the Airflow home."""
    home = config.airflow.home
    home.mkdir(parents=True, exist_ok=True)
    os.environ["FUPIN_CONFIG"] = str(config_path.resolve())
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_FOLDER)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ.setdefault("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")


def _ensure_airflow_db() -> None:
    from airflow.utils import db

    db.initdb()


def load_dags() -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        details = "; ".join(f"{file}: {error}" for file, error in bag.import_errors.items())
        raise CycleError(f"DAG files failed to import: {details}")
    return bag.dags


def cycle_order() -> list[str]:
    """Every feed DAG, then the warehouse, then the national exchange."""
    feeds = [f"feed_{name}" for name in load_catalog()]
    return [*feeds, "warehouse", "national_exchange"]


def _task_results(dag_id: str, run_id: str) -> dict[str, Any]:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.scalars(
            XComModel.get_many(run_id=run_id, dag_ids=dag_id, key="return_value")
        ).all()
        return {row.task_id: XComModel.deserialize_value(row) for row in rows}


def run_cycle(config_path: Path, as_of: dt.date) -> CycleReport:
    config = load_config(config_path)
    prepare_airflow(config, config_path)
    dsn = warehouse.resolve_dsn(config)
    warehouse.upgrade(dsn)
    _ensure_airflow_db()
    dags = load_dags()
    report = CycleReport(as_of)
    for dag_id in cycle_order():
        dag = dags[dag_id]
        for task in dag.tasks:
            # An operator running the cycle wants the error now; scheduled runs keep retrying.
            task.retries = 0
        run = dag.test(run_conf={"as_of": as_of.isoformat()})
        state = str(getattr(run.state, "value", run.state))
        if state != "success":
            failed = [ti.task_id for ti in run.get_task_instances() if str(ti.state) != "success"]
            raise CycleError(f"DAG {dag_id} ended {state} (tasks not successful: {failed})")
        report.runs[dag_id] = _task_results(dag_id, run.run_id)
    _collect_findings(dsn, report)
    report.report_dir = write_reports(dsn, config, report)
    return report


def _collect_findings(dsn: str, report: CycleReport) -> None:
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("select to_regclass('marts.verification_alert') is not null")
        if cur.fetchone()[0]:
            cur.execute(
                "select rule_code, count(*) from marts.verification_alert where is_open"
                " group by rule_code"
            )
            report.alerts = dict(cur.fetchall())
        cur.execute("select feed, count(*) from ops.quarantine where status = 'open' group by feed")
        report.quarantine_open = dict(cur.fetchall())


def write_reports(dsn: str, config: Config, report: CycleReport) -> Path:
    """The cycle summary (JSON) and, per feed, the open quarantine its steward has to fix."""
    folder = config.airflow.home.parent / "reports" / report.as_of.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    summary = {
        "as_of": report.as_of.isoformat(),
        "feeds": report.feed_results(),
        "alerts_open": report.alerts,
        "quarantine_open": report.quarantine_open,
        "national_push": report.push_result(),
    }
    (folder / "cycle.json").write_text(
        redact(json.dumps(summary, ensure_ascii=False, indent=2, default=str)), encoding="utf-8"
    )
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        for feed in load_catalog():
            cur.execute(
                "select source_file, source_row, field, value, reason, batch_id, quarantined_at"
                " from ops.quarantine where feed = %s and status = 'open'"
                " order by source_file, source_row",
                (feed,),
            )
            with open(
                folder / f"quarantine_{feed}.csv", "w", encoding="utf-8-sig", newline=""
            ) as f:
                writer = csv.writer(f)
                writer.writerow([d.name for d in cur.description])
                writer.writerows(report_row(row) for row in cur.fetchall())
    return folder
