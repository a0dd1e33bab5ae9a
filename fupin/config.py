"""The one YAML file that names every source and target (warehouse-contract.md §1).

Validated on load: an unknown key, a missing key or a wrong value is a ``ConfigError`` whose
message names the key path and what is wrong. Any string may be written ``${NAME}`` to read
it from the environment; secrets are held as ``SecretStr`` so they never appear in logs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WarehouseConfig(_Strict):
    # None: an embedded PostgreSQL (pgserver) under data_dir.
    dsn: SecretStr | None = None
    data_dir: Path = PROJECT_ROOT / "var" / "warehouse"
    # Optional separate logins per stage; absent: the admin DSN acting as the stage's role
    # (fupin.privacy.stages).
    loader_dsn: SecretStr | None = None
    builder_dsn: SecretStr | None = None
    pusher_dsn: SecretStr | None = None


class LandingConfig(_Strict):
    root: Path


class VehicleSource(_Strict):
    base_url: str
    token: SecretStr


class BusinessSource(_Strict):
    base_url: str
    api_key: SecretStr


class DibaoSource(_Strict):
    dsn: SecretStr


class SourcesConfig(_Strict):
    vehicle: VehicleSource | None = None
    business: BusinessSource | None = None
    dibao: DibaoSource | None = None


class NationalConfig(_Strict):
    base_url: str
    sender_id: str = Field(pattern=r"^\d{6}$")
    secret: SecretStr


class PolicyConfig(_Strict):
    """Overrides of the defaults in dbt_project/seeds (policy.md); per year where yearly."""

    poverty_line: dict[int, float] = {}
    monitoring_threshold: dict[int, float] = {}
    # Free-form overrides passed to dbt as vars (thresholds, switches), by their var name.
    vars: dict[str, Any] = {}


class AirflowConfig(_Strict):
    home: Path = PROJECT_ROOT / "var" / "airflow"


class Config(_Strict):
    province: str = Field(pattern=r"^\d{2}$")
    warehouse: WarehouseConfig = WarehouseConfig()
    landing: LandingConfig
    sources: SourcesConfig = SourcesConfig()
    national: NationalConfig | None = None
    policy: PolicyConfig = PolicyConfig()
    airflow: AirflowConfig = AirflowConfig()

    @field_validator("province", mode="before")
    @classmethod
    def _province_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def dbt_vars(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "poverty_line_overrides": {str(k): v for k, v in self.policy.poverty_line.items()},
            "monitoring_threshold_overrides": {
                str(k): v for k, v in self.policy.monitoring_threshold.items()
            },
            **self.policy.vars,
        }


def _expand_env(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand_env(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"{path}: environment variable {name} is not set")
            return os.environ[name]

        return ENV_REFERENCE.sub(substitute, value)
    return value


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"invalid configuration in {source}:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            message = "unknown key (not ignored: check its spelling and place)"
        elif item["type"] == "missing":
            message = "required key is missing"
        else:
            message = item["msg"]
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)


def parse_config(data: Any, source: str = "<config>") -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the configuration must be a mapping of keys")
    # An explicit `dsn:` with nothing after it means the embedded default, like omitting it.
    expanded = _expand_env(data, "")
    try:
        return Config.model_validate(expanded)
    except ValidationError as error:
        raise ConfigError(_describe(error, source)) from None


def config_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The configuration file: ``path``, else the one named by FUPIN_CONFIG."""
    path = path or os.environ.get("FUPIN_CONFIG")
    if not path:
        raise ConfigError("no configuration: pass --config FILE or set FUPIN_CONFIG")
    return Path(path)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the file named by ``path`` or by the environment variable FUPIN_CONFIG."""
    file = config_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{file}: cannot read the configuration ({error.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{file}: not valid YAML ({error})") from None
    config = parse_config(data, str(file))
    # Relative paths in the file are relative to the file, not to the working directory.
    base = file.resolve().parent
    landing = LandingConfig(root=(base / config.landing.root).resolve())
    return config.model_copy(update={"landing": landing})
