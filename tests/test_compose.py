"""docker-compose.yml: valid against the compose specification, every production service, no
default secrets, the admin user created and the configuration checked at init.

The schema check always runs (check-jsonschema ships the compose-spec schema), so this test
cannot silently check nothing when no compose CLI is installed; `docker compose config` runs
in addition where one is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fupin import catalog

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {
    "postgres",
    "redis",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-worker-heavy",
    "airflow-triggerer",
    "airflow-init",
}
SECRETS = {
    "POSTGRES_PASSWORD",
    "AIRFLOW_DB_PASSWORD",
    "FUPIN_DB_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_ADMIN_PASSWORD",
    "NATIONAL_SECRET",
}


@pytest.fixture(scope="module")
def spec():
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_file_is_valid_against_the_compose_spec_schema():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(COMPOSE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_schema_check_catches_a_broken_file(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  web:\n    image: 3\n    restart: sometimes\n")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(broken),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_compose_file_has_the_production_services(spec):
    assert set(spec["services"]) >= SERVICES
    worker = spec["services"]["airflow-worker"]
    assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert worker["build"] == "."  # the project's own image
    # Every queue of the catalog has a worker serving it.
    served = set()
    for name in ("airflow-worker", "airflow-worker-heavy"):
        command = spec["services"][name]["command"].split()
        served |= set(command[command.index("--queues") + 1].split(","))
    assert served >= set(catalog.queues())


def test_no_secret_has_a_default():
    text = COMPOSE.read_text(encoding="utf-8")
    for name in SECRETS:
        uses = re.findall(rf"\$\{{{name}(:?[-?][^}}]*)?\}}", text)
        assert uses, f"{name} is not used"
        assert all(use.startswith(":?") for use in uses), f"{name} has a default: {uses}"
    assert "change-me" not in text


def test_init_creates_the_admin_and_checks_the_configuration(spec):
    init = spec["services"]["airflow-init"]
    assert init["environment"]["_AIRFLOW_WWW_USER_CREATE"] == "true"
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    script = init["command"][-1]
    assert "config/fupin.yml is missing" in script
    assert "/entrypoint airflow version" in script  # the image's entrypoint does migrate + user
    assert "fupin db upgrade" in script


def test_compose_config_validates_where_a_compose_cli_exists(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{name}=x\n" for name in SECRETS))
    for command in (["docker", "compose"], ["docker-compose"]):
        if not shutil.which(command[0]):
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, check=False)
        if probe.returncode != 0:
            continue
        result = subprocess.run(
            [*command, "--env-file", str(env_file), "-f", str(COMPOSE), "config", "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return
    pytest.skip("no compose CLI here; the schema test above validated the file")
