"""Each stage of the platform acts as its own least-privileged role (separation of duties).

From the one administrative ``warehouse.dsn`` (warehouse-contract.md §1), a stage connects with
``options=-c role=fupin_<stage>``: the server switches role at connection start, for psycopg2,
SQLAlchemy (Great Expectations) and dbt alike, so the loader cannot touch the marts, dbt cannot
touch the push's tables, and none of them can alter the audit log. A separate login per stage
may be configured instead (``warehouse.loader_dsn``, ``builder_dsn``, ``pusher_dsn``).
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote

from sqlalchemy.engine import make_url

from fupin.config import Config

STAGES = {"loader": "fupin_loader", "builder": "fupin_builder", "pusher": "fupin_pusher"}


def with_role(dsn: str, role: str) -> str:
    """``dsn`` that switches to ``role`` as soon as it connects."""
    url = make_url(dsn)
    options = url.query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    base = url.difference_update_query(["options"]).render_as_string(hide_password=False)
    # libpq does not read '+' as a space in a URI: percent-encode the whole value
    value = quote(f"{options} -c role={role}".strip(), safe="")
    return f"{base}{'&' if '?' in base else '?'}options={value}"


def role_of(dsn: str) -> str | None:
    """The role a DSN made by :func:`with_role` switches to (for dbt's profile)."""
    query = dsn.partition("?")[2]
    for options in parse_qs(query).get("options", []):
        for part in options.split():
            if part.startswith("role="):
                return part.removeprefix("role=")
    return None


def stage_dsn(config: Config, admin_dsn: str, stage: str) -> str:
    """The DSN a stage uses: its configured login, else the admin DSN acting as its role."""
    role = STAGES[stage]
    configured = getattr(config.warehouse, f"{stage}_dsn", None)
    if configured is not None:
        return configured.get_secret_value()
    return with_role(admin_dsn, role)
