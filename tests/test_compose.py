"""docker-compose.yml: the production layout parses and has every service it promises."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"
SERVICES = {
    "postgres",
    "redis",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
}


def test_compose_file_has_the_production_services():
    spec = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert set(spec["services"]) >= SERVICES
    worker = spec["services"]["airflow-worker"]
    assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker["build"] == "."  # the project's own image


def test_compose_config_validates_where_a_compose_cli_exists():
    for command in (["docker", "compose"], ["docker-compose"]):
        if not shutil.which(command[0]):
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, check=False)
        if probe.returncode != 0:
            continue
        result = subprocess.run(
            [*command, "-f", str(COMPOSE), "config", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return
