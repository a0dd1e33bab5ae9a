"""Run the warehouse's dbt project (``dbt_project/``) in-process against one database.

The platform's Airflow task and the tests call :func:`run_dbt`. dbt's own console output is
not printed: its messages go to the ``fupin.dbt`` logger (so an Airflow task log shows them and
a terminal does not) and in full to ``logs/dbt.log`` of the run's folder. With ``keep_in``
each run gets its own folder there, ``<UTC time>_<command>/`` with ``target/manifest.json``,
``run_results.json`` and ``logs/dbt.log``, kept for docs, lineage and observability tools.

dbt reads its connection from
the ``FUPIN_DBT_*`` environment variables named in ``dbt_project/profiles.yml``; they are set
from the DSN for the duration of the call. dbt's runner is not thread-safe (and the variables
are process-wide), so calls in one process are serialised by a lock; separate processes
(pytest-xdist workers, Airflow workers) each get their own target and log folders, so they do
not collide inside the project directory.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt_common.events.base_types import EventMsg

from fupin.index.tree import dbt_vars as tree_vars
from fupin.privacy.stages import role_of
from fupin.warehouse import parse_dsn

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
FAILED_STATUSES = {"error", "fail", "runtime error"}
_LOCK = threading.Lock()
log = logging.getLogger("fupin.dbt")
_LEVELS = {"info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}


class DbtRunError(RuntimeError):
    """dbt did not succeed; ``failures`` lists (node, status, message) of the failing nodes."""

    def __init__(self, message: str, result: dbtRunnerResult, failures: list[tuple[str, str, str]]):
        super().__init__(message)
        self.result = result
        self.failures = failures


# Session settings of every dbt connection (libpq's PGOPTIONS; dbt's profile has no place for
# them). JIT compilation off: the planner's costs grow with the warehouse, and past
# jit_optimize_above_cost it spent 14 of 16.7 s of the region facts at 4x optimising and
# emitting code for a query whose work takes 2.6 s (docs/decisions.md, "JIT off for dbt").
DBT_SESSION_OPTIONS = "-c jit=off"


def connection_env(dsn: str) -> dict[str, str]:
    """The FUPIN_DBT_* variables profiles.yml reads, for the database of ``dsn``, and the
    session options (DBT_SESSION_OPTIONS) after any PGOPTIONS already set."""
    parts = parse_dsn(dsn)
    return {
        "PGOPTIONS": f"{os.environ.get('PGOPTIONS', '')} {DBT_SESSION_OPTIONS}".strip(),
        "FUPIN_DBT_HOST": parts.host,
        "FUPIN_DBT_PORT": str(parts.port),
        "FUPIN_DBT_USER": parts.user,
        "FUPIN_DBT_PASSWORD": parts.password,
        "FUPIN_DBT_DBNAME": parts.dbname,
        # the stage's role when the DSN switches to one (fupin.privacy.stages)
        "FUPIN_DBT_ROLE": role_of(dsn) or "",
    }


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_dbt(
    dsn: str,
    args: Sequence[str],
    vars: Mapping[str, Any] | None = None,
    *,
    project_dir: Path = PROJECT_DIR,
    work_dir: Path | None = None,
    keep_in: Path | None = None,
) -> dbtRunnerResult:
    """Run ``dbt <args>`` (e.g. ``["build"]``) against the database of ``dsn`` with ``vars``.

    ``work_dir`` receives dbt's ``target/`` and ``logs/``; ``keep_in`` a new folder per run
    under it (see the module doc); by default a temporary folder removed afterwards. Raises
    :class:`DbtRunError` naming the failing nodes and the log file when dbt does not succeed.
    """
    if not args:
        raise ValueError("run_dbt needs a dbt command, e.g. ['build']")
    if work_dir is None and keep_in is not None:
        work_dir = run_folder(keep_in, args[0])
    if not vars or "poverty_index_tree" not in vars:  # the default indicator tree (policy.md §4)
        vars = {**tree_vars(), **(vars or {})}
    with _LOCK, _work_dir(work_dir) as folder:
        command = [
            *args,
            "--project-dir",
            str(project_dir),
            "--profiles-dir",
            str(project_dir),
            "--target-path",
            str(folder / "target"),
            "--log-path",
            str(folder / "logs"),
            "--quiet",  # the console: our logger has dbt's messages (see _forward)
            "--no-use-colors",
            "--no-use-colors-file",
            "--log-level-file",
            "info",
        ]
        if vars:
            command += ["--vars", json.dumps(dict(vars), ensure_ascii=False, default=str)]
        with _environment(connection_env(dsn)):
            result = dbtRunner(callbacks=[_forward]).invoke(command)
        log_file = folder / "logs" / "dbt.log"
    if not result.success:
        failures = failing_nodes(result)
        kept = f"\n  dbt's log: {log_file}" if work_dir is not None else ""
        raise DbtRunError(_describe(args, result, failures) + kept, result, failures)
    return result


def run_folder(root: Path, command: str) -> Path:
    """A new folder for one run's artifacts: ``<root>/<UTC time>_<command>`` (sortable)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = root / f"{stamp}_{command}_{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def _forward(event: EventMsg) -> None:
    """dbt's console lines (info and above) to the ``fupin.dbt`` logger."""
    level = _LEVELS.get(event.info.level)
    if level is not None and event.info.msg and log.isEnabledFor(level):
        log.log(level, "%s", event.info.msg)


@contextmanager
def _work_dir(work_dir: Path | None) -> Iterator[Path]:
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    with tempfile.TemporaryDirectory(prefix="fupin-dbt-") as folder:
        yield Path(folder)


def failing_nodes(result: dbtRunnerResult) -> list[tuple[str, str, str]]:
    """(unique_id, status, message) of every node that errored or failed."""
    failures = []
    for node_result in getattr(result.result, "results", None) or []:
        status = str(getattr(node_result.status, "value", node_result.status))
        if status in FAILED_STATUSES:
            node = getattr(node_result, "node", None)
            name = getattr(node, "unique_id", None) or str(node)
            failures.append((name, status, (node_result.message or "").strip()))
    return failures


def _describe(
    args: Sequence[str], result: dbtRunnerResult, failures: list[tuple[str, str, str]]
) -> str:
    lines = [f"dbt {' '.join(args)} failed"]
    if result.exception is not None:
        lines.append(f"  {type(result.exception).__name__}: {result.exception}")
    lines += [f"  {status}: {name}: {message}" for name, status, message in failures]
    if len(lines) == 1:
        lines.append("  (no failing node reported: see dbt's log)")
    return "\n".join(lines)
