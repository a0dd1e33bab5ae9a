"""``make airflow``: fupin's DAGs in a local Airflow (``airflow standalone``), ready to click.

It sets what Airflow would otherwise make you guess: the venv's ``bin`` first on PATH (Airflow
starts its components as ``airflow …`` sub-processes), ``AIRFLOW_HOME`` from the configuration
(``airflow.home``), ``AIRFLOW__CORE__DAGS_FOLDER`` = ``dags/``, no example DAGs, and
``FUPIN_CONFIG``: the file named by FUPIN_CONFIG, else the demo's reusable ``var/demo/fupin.yml``,
written here (with an empty landing folder) if missing. When the configuration's national system
is the local simulator, the simulator is started too. Then it waits for the API server's health
endpoint and prints the UI address and the login. Ctrl-C (or SIGTERM) stops everything.

Port: ``AIRFLOW__API__PORT`` (default 8080). Airflow's output: ``<airflow home>/standalone.log``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from fupin.config import PROJECT_ROOT, Config, load_config
from simulation.demo import CONFIG, DEMO_DIR, DEMO_SECRET, NATIONAL_PORT, NATIONAL_STATE
from simulation.demo import write_config as write_demo_config

BIN = Path(sys.executable).parent
PASSWORDS = "simple_auth_manager_passwords.json.generated"
READY_TIMEOUT = 600  # seconds; four Airflow components start on a shared machine


def ensure_config() -> Path:
    """FUPIN_CONFIG if set, else the demo's configuration, written if missing."""
    if named := os.environ.get("FUPIN_CONFIG"):
        return Path(named).resolve()
    if not CONFIG.exists():
        landing = DEMO_DIR / "synth" / "landing"
        landing.mkdir(parents=True, exist_ok=True)
        national = f"http://127.0.0.1:{NATIONAL_PORT}"
        write_demo_config(CONFIG, landing, national, DEMO_DIR / "warehouse")
        print(
            f"wrote {CONFIG.relative_to(PROJECT_ROOT)} (demo configuration; run make demo "
            "to fill its landing folder)"
        )
    return CONFIG


def metadata_database(config: Config) -> str:
    """Airflow's metadata database, on the warehouse's server (SQLite locks up under the
    scheduler, the API server and task processes at once): ``airflow`` on the embedded server,
    ``<warehouse database>_airflow`` on a configured one."""
    from fupin import warehouse

    dsn = warehouse.resolve_dsn(config)
    name = "airflow"
    if config.warehouse.dsn is not None:
        name = f"{warehouse.parse_dsn(dsn).dbname}_airflow"
    warehouse.ensure_database(dsn, name)
    return warehouse.sqlalchemy_url(warehouse.with_database(dsn, name))


def airflow_env(config: Config, config_path: Path, port: int) -> dict[str, str]:
    home = config.airflow.home
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_database(config),
        # Every component shares one machine here: give the tasks' API calls time to answer.
        "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": os.environ.get(
            "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT", "60"
        ),
        "FUPIN_CONFIG": str(config_path),
    }


def admin_password(home: Path) -> str:
    """The admin's password in SimpleAuthManager's file, chosen here on the first start."""
    path = home / PASSWORDS
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"admin": secrets.token_urlsafe(12)}), encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))["admin"]


def _listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def start_national(config: Config) -> subprocess.Popen | None:
    """The simulator, when the configuration points at one on this machine that is not up."""
    if config.national is None:
        return None
    url = urlsplit(config.national.base_url)
    if url.hostname not in ("127.0.0.1", "localhost") or not url.port:
        return None
    if _listening("127.0.0.1", url.port):
        return None
    secret = config.national.secret.get_secret_value()
    args = ["--port", str(url.port), "--sender-id", config.national.sender_id]
    args += ["--secret-env", "FUPIN_SIMULATOR_SECRET", "--state-file", str(NATIONAL_STATE)]
    env = {**os.environ, "FUPIN_SIMULATOR_SECRET": secret or DEMO_SECRET}
    log = (config.airflow.home / "national-simulator.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "simulation.national", *args],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = READY_TIMEOUT) -> bool:
    url = f"http://127.0.0.1:{port}/api/v2/monitor/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(2)
    return False


def _stop(process: subprocess.Popen | None) -> None:
    """Stop a component started in its own session, and everything it started.

    Airflow standalone shuts its components down on SIGINT; whatever of its process group is
    still there after a grace period (a task supervisor, an API worker) is terminated, then
    killed, so that nothing outlives the command.
    """
    if process is None:
        return
    for sig, grace in ((signal.SIGINT, 60), (signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        if not _group_alive(process.pid):
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        deadline = time.monotonic() + grace
        while _group_alive(process.pid) and time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(0.5)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _interrupt(signum, frame) -> None:
    """SIGTERM (a test, a service manager) stops like Ctrl-C."""
    raise KeyboardInterrupt


def main() -> int:
    config_path = ensure_config()
    config = load_config(config_path)
    port = int(os.environ.get("AIRFLOW__API__PORT", "8080"))
    home = config.airflow.home
    home.mkdir(parents=True, exist_ok=True)
    password = admin_password(home)
    env = airflow_env(config, config_path, port)
    national = start_national(config)
    log_path = home / "standalone.log"
    with log_path.open("ab") as log:
        airflow = subprocess.Popen(
            [str(BIN / "airflow"), "standalone"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole (_stop)
        )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print(f"starting Airflow (standalone) with AIRFLOW_HOME={home} ...", flush=True)
        if not wait_healthy(port, airflow):
            print(f"Airflow did not become healthy: see {log_path}", file=sys.stderr)
            return 1
        print(
            f"""
Airflow UI   http://127.0.0.1:{port}/
login        admin / {password}
DAGs         {PROJECT_ROOT / "dags"} (paused when new: unpause a feed DAG, then trigger it)
config       FUPIN_CONFIG={config_path}
logs         {log_path}
Ctrl-C stops Airflow{" and the national simulator" if national else ""}.""",
            flush=True,
        )
        airflow.wait()
        return airflow.returncode or 0
    except KeyboardInterrupt:
        print("stopping Airflow ...", flush=True)
        return 0
    finally:
        _stop(airflow)
        _stop(national)


if __name__ == "__main__":
    sys.exit(main())
