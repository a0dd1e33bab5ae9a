"""``fupin cycle``: one complete cycle, exactly as the scheduled DAGs run it.

It loads the DAG files from ``dags/`` with Airflow's own DagBag and runs each with
``dag.test()`` in dependency order (every feed DAG, then the warehouse DAG, then the national
exchange DAG), against an Airflow metadata database under the configured Airflow home. The
check date reaches every task as the run's ``as_of`` param.

Airflow reads its settings when it is first imported, so :func:`prepare_airflow` must run
before anything imports ``airflow``; this module imports it only inside functions.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import PROJECT_ROOT, Config, check_landing_root, load_config

log = logging.getLogger(__name__)
DAGS_FOLDER = PROJECT_ROOT / "dags"


class CycleError(RuntimeError):
    """A DAG of the cycle did not succeed."""


@dataclass
class CycleReport:
    """What the exchange DAG's report task wrote (cycle.json), read back for the terminal."""

    as_of: dt.date
    summary: dict[str, Any] = field(default_factory=dict)
    report_dir: Path | None = None

    @property
    def alerts(self) -> dict[str, int]:
        return self.summary.get("alerts_open", {})

    def feed_results(self) -> dict[str, dict[str, Any]]:
        return self.summary.get("feeds", {})

    def push_result(self) -> dict[str, Any]:
        return self.summary.get("national_push") or {}

    def failed_files(self) -> int:
        return sum(len(r.get("failed") or []) for r in self.feed_results().values())

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
        if self.failed_files():
            lines.append(
                f"{self.failed_files()} delivery file(s) failed to land: flagged on their feed "
                "DAG runs, stewards notified"
            )
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


class CycleObserver(Protocol):
    """Told when each DAG of the cycle starts and ends (the demo's progress lines)."""

    def started(self, dag_id: str) -> None: ...

    def finished(self, dag_id: str, results: dict[str, Any]) -> None: ...


def run_cycle(
    config_path: Path, as_of: dt.date, observer: CycleObserver | None = None
) -> CycleReport:
    config = load_config(config_path)
    check_landing_root(config)
    prepare_airflow(config, config_path)
    warehouse.upgrade(warehouse.resolve_dsn(config))
    _ensure_airflow_db()
    dags = load_dags()
    # One folder for all runs of this cycle: reports/<as-of>/cycle_<UTC time>/.
    run = "cycle_" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    conf = {"as_of": as_of.isoformat(), "report_run": run}
    results: dict[str, dict[str, Any]] = {}
    for dag_id in cycle_order():
        dag = dags[dag_id]
        for task in dag.tasks:
            # An operator running the cycle wants the error now; scheduled runs keep retrying.
            task.retries = 0
        if observer:
            observer.started(dag_id)
        dag_run = dag.test(run_conf=conf)
        state = str(getattr(dag_run.state, "value", dag_run.state))
        if state != "success":
            failed = [
                ti.task_id for ti in dag_run.get_task_instances() if str(ti.state) != "success"
            ]
            raise CycleError(f"DAG {dag_id} ended {state} (tasks not successful: {failed})")
        results[dag_id] = _task_results(dag_id, dag_run.run_id)
        if observer:
            observer.finished(dag_id, results[dag_id])
    folder = Path(results["national_exchange"]["write_cycle_report"])
    summary = json.loads((folder / "cycle.json").read_text(encoding="utf-8"))
    return CycleReport(as_of, summary, folder)
