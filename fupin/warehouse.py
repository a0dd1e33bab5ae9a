"""The warehouse database: where it is, how to reach it, and how to bring it to the current schema.

With a DSN configured, that server is used. Without one, an embedded PostgreSQL 16 is started
from the ``pgserver`` wheel under the configured data folder (no system install, about a second).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.extensions
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from fupin.config import Config

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass(frozen=True)
class ConnectionParts:
    """A DSN taken apart, for tools that want fields (dbt profiles, Airflow connections)."""

    host: str
    port: int
    user: str
    password: str
    dbname: str


def parse_dsn(dsn: str) -> ConnectionParts:
    """Parsed by libpq itself, so that every form it accepts (URI, key=value) is understood."""
    params = psycopg2.extensions.parse_dsn(dsn)
    return ConnectionParts(
        host=params.get("host", "localhost"),
        port=int(params.get("port", 5432)),
        user=params.get("user", "postgres"),
        password=params.get("password", ""),
        dbname=params.get("dbname", "postgres"),
    )


def with_database(dsn: str, dbname: str) -> str:
    return make_url(dsn).set(database=dbname).render_as_string(hide_password=False)


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) the embedded server under ``data_dir``; returns its DSN."""
    with warnings.catch_warnings():  # platformdirs' XDG_RUNTIME_DIR notice is not ours
        warnings.simplefilter("ignore")
        import pgserver  # imported late: only the embedded default needs it

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode=None)
    uri = server.get_uri()
    log.info("embedded PostgreSQL running under %s", data_dir)
    return uri


@dataclass(frozen=True)
class EmbeddedStatus:
    data_dir: Path
    running: bool
    pid: int | None = None
    dsn: str | None = None

    def render(self) -> str:
        if not self.running:
            return f"embedded PostgreSQL under {self.data_dir}: stopped"
        return f"embedded PostgreSQL under {self.data_dir}: running (pid {self.pid}), {self.dsn}"


def embedded_status(data_dir: Path) -> EmbeddedStatus:
    """Whether the embedded server under ``data_dir`` runs, without starting it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir) if (data_dir / "PG_VERSION").exists() else None
    if info is None or not info.is_running():
        return EmbeddedStatus(data_dir, running=False)
    return EmbeddedStatus(data_dir, running=True, pid=info.pid, dsn=info.get_uri(database="fupin"))


def stop_embedded(data_dir: Path, timeout: float = 60) -> bool:
    """Stop the embedded server under ``data_dir`` (fast shutdown); False if it was not running.

    SIGINT to the postmaster is PostgreSQL's fast shutdown, what ``pg_ctl -m fast stop`` sends;
    signalled directly because pg_ctl would have to run as pgserver's own system user.
    """
    import psutil

    status = embedded_status(data_dir)
    if not status.running or status.pid is None:
        return False
    postmaster = psutil.Process(status.pid)
    postmaster.send_signal(signal.SIGINT)
    postmaster.wait(timeout)
    (data_dir / ".handle_pids.json").unlink(missing_ok=True)
    return True


def resolve_dsn(config: Config) -> str:
    """The warehouse DSN: the configured one, or the embedded server's ``fupin`` database."""
    if config.warehouse.dsn is not None:
        return config.warehouse.dsn.get_secret_value()
    admin = start_embedded(config.warehouse.data_dir)
    ensure_database(admin, "fupin")
    return with_database(admin, "fupin")


def ensure_database(admin_dsn: str, dbname: str) -> None:
    with contextlib.closing(psycopg2.connect(admin_dsn)) as conn:
        conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with conn.cursor() as cur:
            cur.execute("select 1 from pg_database where datname = %s", (dbname,))
            if cur.fetchone() is None:
                cur.execute(f'create database "{dbname}"')


def drop_database(admin_dsn: str, dbname: str) -> None:
    with contextlib.closing(psycopg2.connect(admin_dsn)) as conn:
        conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with conn.cursor() as cur:
            cur.execute(f'drop database if exists "{dbname}" with (force)')


@contextlib.contextmanager
def connect(dsn: str) -> Iterator[psycopg2.extensions.connection]:
    """A psycopg2 connection that commits on success and rolls back on error."""
    conn = psycopg2.connect(dsn)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def upgrade(dsn: str) -> None:
    """Bring the platform-owned schemas to the newest migration and create the raw tables."""
    from fupin.landing import ensure_raw_tables  # the raw tables follow the feed catalog
    from fupin.privacy.grants import apply_platform_grants

    alembic_config = AlembicConfig()
    alembic_config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(sqlalchemy_url(dsn))
    # Alembic announces every step at INFO; an operator wants the first useful line instead.
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    alembic_log.setLevel(max(logging.WARNING, level))
    try:
        with engine.begin() as conn:
            alembic_config.attributes["connection"] = conn
            command.upgrade(alembic_config, "head")
    finally:
        alembic_log.setLevel(level)
        engine.dispose()
    with connect(dsn) as conn:
        ensure_raw_tables(conn)
        apply_platform_grants(conn)  # owners and privileges of the tables just created


def sqlalchemy_url(dsn: str) -> str:
    """The DSN as a SQLAlchemy URL with the psycopg2 driver (Alembic, Great Expectations)."""
    url = make_url(dsn)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)
