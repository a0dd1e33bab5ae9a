"""The one YAML file that names every source and target (warehouse-contract.md §1).

Validated on load: an unknown key, a missing key or a wrong value is a ``ConfigError`` whose
message names the key path and what is wrong. Any string may be written ``${NAME}`` to read
it from the environment; secrets are held as ``SecretStr`` so they never appear in logs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any

import psycopg2.extensions
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    SecretStr,
    ValidationError,
)
from sqlalchemy.engine import URL

ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def dsn_to_uri(dsn: str) -> str:
    """Any DSN libpq accepts (URI or ``key=value`` form) as a ``postgresql://`` URI.

    Parsed by libpq itself (``psycopg2.extensions.parse_dsn``): what passes here is what the
    server connection will see. The URI form is what SQLAlchemy, Alembic and GX expect.
    """
    try:
        params = psycopg2.extensions.parse_dsn(dsn)
    except psycopg2.ProgrammingError:
        # libpq's message quotes the text, which may hold a password: not repeated here.
        raise ValueError(
            "not a PostgreSQL connection string; expected postgresql://user:password@host:5432/"
            "dbname or libpq's key=value form (host=... dbname=... user=...)"
        ) from None
    if not params:
        raise ValueError("empty; omit the key instead (warehouse: the embedded PostgreSQL)")
    host = params.pop("host", None)
    port = params.pop("port", None)
    socket = host is not None and host.startswith("/")
    if socket:  # a unix-socket folder goes in the query, as libpq's URIs write it
        params["host"] = host
        if port:
            params["port"] = port
    url = URL.create(
        "postgresql",
        username=params.pop("user", None),
        password=params.pop("password", None),
        host=None if socket else host,
        port=None if socket or not port else int(port),
        database=params.pop("dbname", None),
        query=params,
    )
    return url.render_as_string(hide_password=False)


def _non_empty(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().strip():
        raise ValueError("empty; a secret must have a value (check the environment variable)")
    return value


def _dsn(value: SecretStr) -> SecretStr:
    return SecretStr(dsn_to_uri(_non_empty(value).get_secret_value()))


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise ValueError(f"expected an http:// or https:// address, got {value!r}")
    return value


def _digits(count: int, what: str, example: str):
    def check(value: Any) -> str:
        # YAML reads 52 as a number; 052 or 520 would silently be another code.
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not re.fullmatch(rf"\d{{{count}}}", text):
            raise ValueError(
                f'expected the {count}-digit {what} in quotes, e.g. "{example}" (got {value!r})'
            )
        return text

    return check


Secret = Annotated[SecretStr, AfterValidator(_non_empty)]
Dsn = Annotated[SecretStr, AfterValidator(_dsn)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
ProvinceCode = Annotated[str, BeforeValidator(_digits(2, "province code", "52"))]
SenderId = Annotated[str, BeforeValidator(_digits(6, "sender id", "520000"))]


class WarehouseConfig(_Strict):
    # None: an embedded PostgreSQL (pgserver) under data_dir.
    dsn: Dsn | None = None
    data_dir: Path = PROJECT_ROOT / "var" / "warehouse"
    # Optional separate logins per stage; absent: the admin DSN acting as the stage's role
    # (fupin.privacy.stages).
    loader_dsn: SecretStr | None = None
    builder_dsn: SecretStr | None = None
    pusher_dsn: SecretStr | None = None


class LandingConfig(_Strict):
    root: Path


class VehicleSource(_Strict):
    base_url: HttpUrl
    token: Secret


class BusinessSource(_Strict):
    base_url: HttpUrl
    api_key: Secret


class DibaoSource(_Strict):
    dsn: Dsn


class SourcesConfig(_Strict):
    vehicle: VehicleSource | None = None
    business: BusinessSource | None = None
    dibao: DibaoSource | None = None


class NationalConfig(_Strict):
    base_url: HttpUrl
    sender_id: SenderId
    secret: Secret


class PolicyConfig(_Strict):
    """Overrides of the defaults in dbt_project/seeds (policy.md); per year where yearly."""

    poverty_line: dict[int, float] = {}
    monitoring_threshold: dict[int, float] = {}
    # Free-form overrides passed to dbt as vars (thresholds, switches), by their var name.
    vars: dict[str, Any] = {}
    # The poverty index's indicator tree (policy.md §4); None: config/poverty_index.yml.
    index_tree: Path | None = None


class AirflowConfig(_Strict):
    home: Path = PROJECT_ROOT / "var" / "airflow"


class SmtpConfig(_Strict):
    """A mail server for stewards' notices (addresses per steward role: ``recipients``)."""

    host: str
    port: int = 25
    sender: str  # the From address
    starttls: bool = False
    username: str | None = None
    password: Secret | None = None
    timeout: float = 10.0


class SpikePolicy(_Strict):
    """When a delivery's quarantine is a spike worth a notice (fupin.notices)."""

    # The feed's previous checked deliveries of the same file kind that make the baseline.
    lookback: int = 5
    # A spike: the quarantine rate is above factor x the baseline's median rate ...
    factor: float = 3.0
    # ... and above this rate (also the threshold of a first delivery, with no baseline) ...
    min_rate: float = 0.02
    # ... and at least this many rows are quarantined (a few bad rows are routine).
    min_rows: int = 10


class NotificationsConfig(_Strict):
    """Where stewards' notices go besides the outbox file and the log (fupin.notify)."""

    # A chat or mail gateway that takes a JSON POST {steward, subject, text}; None: file only.
    webhook_url: HttpUrl | None = None
    smtp: SmtpConfig | None = None
    # Steward role (feeds.yml steward_role) -> e-mail addresses; a role without any gets none.
    recipients: dict[str, list[str]] = {}
    spike: SpikePolicy = SpikePolicy()


class Config(_Strict):
    province: ProvinceCode
    warehouse: WarehouseConfig = WarehouseConfig()
    landing: LandingConfig
    sources: SourcesConfig = SourcesConfig()
    national: NationalConfig | None = None
    policy: PolicyConfig = PolicyConfig()
    airflow: AirflowConfig = AirflowConfig()
    notifications: NotificationsConfig = NotificationsConfig()

    @property
    def reports_dir(self) -> Path:
        """Per-run reports and the stewards' notification outbox, beside the Airflow home."""
        return self.airflow.home.parent / "reports"

    @property
    def dbt_runs_dir(self) -> Path:
        """One folder per dbt run: target/ (manifest, run results) and logs/dbt.log."""
        return self.airflow.home.parent / "dbt-runs"

    def dbt_vars(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "poverty_line_overrides": {str(k): v for k, v in self.policy.poverty_line.items()},
            "monitoring_threshold_overrides": {
                str(k): v for k, v in self.policy.monitoring_threshold.items()
            },
            **self.policy.vars,
            **self._index_tree_vars(),
        }

    def _index_tree_vars(self) -> dict[str, Any]:
        from fupin.index.tree import dbt_vars  # validated here: a bad tree fails before dbt

        return dbt_vars(self.policy.index_tree)


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


_MESSAGES = {
    "extra_forbidden": "unknown key (not ignored: check its spelling and place)",
    "missing": "required key is missing",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "dict_type": "expected a mapping of keys",
    "string_type": "expected text",
    "float_parsing": "expected a number",
    "int_parsing": "expected a whole number",
    "bool_parsing": "expected true or false",
    "path_type": "expected a path",
}


def _describe(error: ValidationError, source: str) -> str:
    """One line per problem: ``<file>: <key>: <what is expected>`` (not pydantic's text)."""
    lines = []
    for item in error.errors():
        # Skip the function-wrapper parts pydantic adds to locations of annotated types.
        key = ".".join(str(p) for p in item["loc"] if "[" not in str(p)) or "(top level)"
        if item["type"] == "value_error":
            message = str(item["ctx"]["error"])
        else:
            message = _MESSAGES.get(item["type"], item["msg"])
        lines.append(f"{source}: {key}: {message}")
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


def check_landing_root(config: Config) -> Path:
    """The landing root must exist: a typo there would otherwise look like "nothing delivered"."""
    root = config.landing.root
    if not root.is_dir():
        raise ConfigError(
            f"landing.root: {root} is not a folder (expected the folder the departments "
            "deliver into, with one sub-folder per feed)"
        )
    return root
