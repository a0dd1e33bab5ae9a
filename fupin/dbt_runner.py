"""Run the warehouse's dbt project (``dbt_project/``) in-process against one database.

The platform's Airflow task and the tests call :func:`run_dbt`. dbt reads its connection from
the ``FUPIN_DBT_*`` environment variables named in ``dbt_project/profiles.yml``; they are set
from the DSN for the duration of the call. dbt's runner is not thread-safe (and the variables
are process-wide), so calls in one process are serialised by a lock; separate processes
(pytest-xdist workers, Airflow workers) each get their own target and log folders, so they do
not collide inside the project directory.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner, dbtRunnerResult

from fupin.privacy.stages import role_of
from fupin.warehouse import parse_dsn

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
FAILED_STATUSES = {"error", "fail", "runtime error"}
_LOCK = threading.Lock()


class DbtRunError(RuntimeError):
    """dbt did not succeed; ``failures`` lists (node, status, message) of the failing nodes."""

    def __init__(self, message: str, result: dbtRunnerResult, failures: list[tuple[str, str, str]]):
        super().__init__(message)
        self.result = result
        self.failures = failures


def connection_env(dsn: str) -> dict[str, str]:
    """The FUPIN_DBT_* variables profiles.yml reads, for the database of ``dsn``."""
    parts = parse_dsn(dsn)
    return {
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
) -> dbtRunnerResult:
    """Run ``dbt <args>`` (e.g. ``["build"]``) against the database of ``dsn`` with ``vars``.

    ``work_dir`` receives dbt's ``target/`` and ``logs/``; by default a temporary folder that
    is removed afterwards. Raises :class:`DbtRunError` naming the failing nodes when dbt does
    not succeed.
    """
    if not args:
        raise ValueError("run_dbt needs a dbt command, e.g. ['build']")
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
        ]
        if vars:
            command += ["--vars", json.dumps(dict(vars), ensure_ascii=False, default=str)]
        with _environment(connection_env(dsn)):
            result = dbtRunner().invoke(command)
    if not result.success:
        failures = failing_nodes(result)
        raise DbtRunError(_describe(args, result, failures), result, failures)
    return result


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
