"""``make airflow-celery``: fupin's DAGs in Airflow as production runs them, on one machine.

The components run as separate processes, as docker-compose.yml lays them out: the API server,
the scheduler, the dag-processor and Celery workers (``airflow celery worker``), with the
CeleryExecutor, Redis as the broker (``FUPIN_CELERY_BROKER``, default db 5 of the local Redis)
and Airflow's metadata in PostgreSQL (``<warehouse db>_airflow``, as ``make airflow``). Each
process has its own process group and log under ``<airflow home>/celery-logs/``; stopping
stops every group as a whole (SIGINT, then TERM, then KILL) and empties the broker's db.

Workers on one machine would all report the machine's name; each gets its own name
(``hostname_callable`` below) so that the task instances say which worker ran them.

The integration test tests/test_celery_scheduler.py drives this class; an operator runs
``make airflow-celery`` (``FUPIN_CELERY_WORKERS`` workers, default 2) and stops it with Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

from fupin import catalog
from fupin.config import PROJECT_ROOT, load_config
from simulation.local_airflow import (
    BIN,
    READY_TIMEOUT,
    _interrupt,
    _stop,
    admin_password,
    airflow_env,
    ensure_config,
    start_national,
)

DEFAULT_BROKER = "redis://127.0.0.1:6379/5"
WORKER_NAME = "FUPIN_AIRFLOW_WORKER"  # the name a worker's task instances report
JWT_SECRET_FILE = "jwt_secret.generated"


def worker_hostname() -> str:
    """Airflow's ``[core] hostname_callable`` for the workers started here."""
    return os.environ.get(WORKER_NAME) or socket.getfqdn()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _shared_secret(home: Path) -> str:
    """The API server signs the tasks' tokens, the workers present them: one secret for all."""
    path = home / JWT_SECRET_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def flush_broker(url: str) -> None:
    """Empty the broker's db (only that one: other dbs of the server belong to others)."""
    client = redis.Redis.from_url(url, socket_timeout=10)
    try:
        client.flushdb()
    finally:
        client.close()


@dataclass
class Component:
    name: str
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])


@dataclass
class CeleryAirflow:
    """Airflow's components with the CeleryExecutor; a context manager stops them all."""

    config_path: Path
    port: int = 0
    broker_url: str = DEFAULT_BROKER
    concurrency: int = 2
    components: list[Component] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.config = load_config(self.config_path)
        self.home = self.config.airflow.home
        self.logs = self.home / "celery-logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.port = self.port or _free_port()
        self.password = admin_password(self.home)
        self.env = {
            **airflow_env(self.config, self.config_path, self.port),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CELERY__BROKER_URL": self.broker_url,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.concurrency),
            "AIRFLOW__API_AUTH__JWT_SECRET": _shared_secret(self.home),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Component:
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [str(BIN / "airflow"), *args],
                env=env or self.env,
                cwd=PROJECT_ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
            )
        component = Component(name, process, log)
        self.components.append(component)
        return component

    def migrate(self) -> None:
        """Create or upgrade the metadata database once, before the components share it."""
        component = self._spawn("db-migrate", ["db", "migrate"])
        self.components.remove(component)
        if component.process.wait(READY_TIMEOUT) != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{component.tail()}")

    def start(self, workers: int = 2) -> None:
        flush_broker(self.broker_url)
        self.migrate()
        self._spawn("api-server", ["api-server", "--port", str(self.port)])
        self._spawn("scheduler", ["scheduler"])
        self._spawn("dag-processor", ["dag-processor"])
        for number in range(1, workers + 1):
            self.add_worker(f"worker{number}")
        self.wait_ready()

    def add_worker(self, name: str, queues: str | None = None) -> Component:
        """One more ``airflow celery worker``: its own name, log server port and log; it
        serves ``queues`` (default: every queue of the catalog, the heavy feeds' included)."""
        queues = queues or ",".join(catalog.queues())
        env = {
            **self.env,
            WORKER_NAME: name,
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{__name__}.worker_hostname",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(_free_port()),
        }
        args = ["celery", "worker", "--celery-hostname", f"{name}@%h", "--queues", queues]
        return self._spawn(name, args, env)

    def health(self) -> dict:
        answer = requests.get(f"{self.base_url}/api/v2/monitor/health", timeout=10)
        answer.raise_for_status()
        return answer.json()

    def _ready(self) -> bool:
        try:
            health = self.health()
        except requests.RequestException:
            return False
        parts = ("metadatabase", "scheduler", "dag_processor")
        if any((health.get(p) or {}).get("status") != "healthy" for p in parts):
            return False
        workers = [c for c in self.components if c.name.startswith("worker")]
        return all(" ready." in c.tail(200) for c in workers)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if dead := [c.name for c in self.components if c.process.poll() is not None]:
                raise RuntimeError(f"Airflow component(s) exited: {dead}\n{self.diagnostics()}")
            if self._ready():
                return
            time.sleep(3)
        raise TimeoutError(f"Airflow did not become ready in {timeout} s\n{self.diagnostics()}")

    def diagnostics(self, lines: int = 40) -> str:
        """The tail of every component's log, for a failing test or operator."""
        return "\n".join(f"--- {c.name} ({c.log}) ---\n{c.tail(lines)}" for c in self.components)

    def stop(self) -> None:
        # Workers first (their running tasks report to the API server), the API server last.
        for component in reversed(self.components):
            _stop(component.process)
        flush_broker(self.broker_url)

    def __enter__(self) -> CeleryAirflow:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> int:
    config_path = ensure_config()
    workers = int(os.environ.get("FUPIN_CELERY_WORKERS", "2"))
    airflow = CeleryAirflow(
        config_path,
        port=int(os.environ.get("AIRFLOW__API__PORT", "8080")),
        broker_url=os.environ.get("FUPIN_CELERY_BROKER", DEFAULT_BROKER),
    )
    national = start_national(airflow.config)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(f"starting Airflow (CeleryExecutor, {workers} workers) ...", flush=True)
        airflow.start(workers)
        print(
            f"""
Airflow UI   {airflow.base_url}/
login        admin / {airflow.password}
broker       {airflow.broker_url}
logs         {airflow.logs}
Ctrl-C stops every component{" and the national simulator" if national else ""}.""",
            flush=True,
        )
        while all(c.process.poll() is None for c in airflow.components):
            time.sleep(5)
        print(f"a component exited:\n{airflow.diagnostics()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping Airflow ...", flush=True)
        return 0
    finally:
        airflow.stop()
        _stop(national)


if __name__ == "__main__":
    sys.exit(main())
