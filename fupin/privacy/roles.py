"""Downstream logins: each one a PostgreSQL login in one group role, bound to a region.

Logins and roles are cluster-wide; the binding (``audit.user_scope``) is per warehouse
database, so a login sees nothing in a database that did not bind it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from psycopg2 import sql

PLATFORM_ROLES = ("fupin_owner", "fupin_loader", "fupin_builder", "fupin_pusher")
DOWNSTREAM_ROLES = (
    "county_user",
    "city_user",
    "province_user",
    "steward",
    "auditor",
    "app_readonly",
)
# Region codes are prefixes: 2 province, 4 city, 6 county, 9 township, 12 village.
REGION_LENGTHS = {
    "county_user": (6,),
    "city_user": (4,),
    "province_user": (2,),
    "app_readonly": (2,),
    "auditor": (2, 4, 6),
    "steward": (2, 4, 6),
}
LOGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")


class UserError(ValueError):
    """A user command that cannot be carried out, with the reason."""


@dataclass(frozen=True)
class Login:
    login: str
    role: str
    region_code: str
    department: str | None
    enabled: bool
    created_at: object = None


def validate(name: str, role: str, region: str, department: str | None, province: str) -> None:
    if not LOGIN_NAME.match(name):
        raise UserError(
            f"login name {name!r}: lower-case letters, digits and _, starting with a letter"
        )
    if name in PLATFORM_ROLES or name in DOWNSTREAM_ROLES or name.startswith("pg_"):
        raise UserError(f"login name {name!r} is a reserved role name")
    if role not in DOWNSTREAM_ROLES:
        raise UserError(f"role {role!r}: one of {', '.join(DOWNSTREAM_ROLES)}")
    if not region.isdigit() or len(region) not in REGION_LENGTHS[role]:
        lengths = " or ".join(str(n) for n in REGION_LENGTHS[role])
        raise UserError(f"region {region!r}: a {role} is bound to a {lengths}-digit region code")
    if not region.startswith(province):
        raise UserError(f"region {region!r} is outside the province {province}")
    if (role == "steward") != (department is not None):
        raise UserError("--department is required for a steward and only for a steward")


def add_user(
    conn, name: str, role: str, region: str, department: str | None, province: str
) -> str | None:
    """Create the login and bind it; returns its new password.

    A login that already exists on the server (bound in another warehouse database) is bound
    here too and keeps its password (None is returned); a powerful role is never bound.
    """
    validate(name, role, region, department, province)
    ident = sql.Identifier(name)
    password = None
    with conn.cursor() as cur:
        cur.execute("select 1 from audit.user_scope where login = %s", (name,))
        if cur.fetchone():
            raise UserError(f"login {name!r} already exists in this warehouse")
        cur.execute(
            "select rolsuper or rolcreaterole or rolcreatedb or rolbypassrls or rolreplication"
            " or exists (select 1 from pg_auth_members m join pg_roles g on g.oid = m.roleid"
            "            where m.member = r.oid and g.rolname <> all(%s))"
            " from pg_roles r where rolname = %s",
            (list(DOWNSTREAM_ROLES), name),
        )
        existing = cur.fetchone()
        if existing and existing[0]:
            raise UserError(f"role {name!r} has other powers or memberships: not bound")
        if existing is None:
            password = secrets.token_urlsafe(18)
            cur.execute(
                sql.SQL("create role {} login inherit password %s").format(ident), (password,)
            )
        cur.execute(sql.SQL("grant {} to {}").format(sql.Identifier(role), ident))
        cur.execute(
            "insert into audit.user_scope (login, role, region_code, department)"
            " values (%s, %s, %s, %s)",
            (name, role, region, department),
        )
    return password


def list_users(conn) -> list[Login]:
    with conn.cursor() as cur:
        cur.execute(
            "select s.login, s.role, s.region_code, s.department,"
            " s.disabled_at is null and coalesce(r.rolcanlogin, false), s.created_at"
            " from audit.user_scope s left join pg_roles r on r.rolname = s.login"
            " order by s.region_code, s.login"
        )
        return [Login(*row) for row in cur.fetchall()]


def disable_user(conn, name: str) -> None:
    """No more logins, and no rows for a session still open (its scope is withdrawn)."""
    with conn.cursor() as cur:
        cur.execute(
            "update audit.user_scope set disabled_at = now()"
            " where login = %s and disabled_at is null",
            (name,),
        )
        if cur.rowcount == 0:
            raise UserError(f"no enabled login {name!r} in this warehouse")
        cur.execute(sql.SQL("alter role {} nologin").format(sql.Identifier(name)))
