"""Stewards' web logins: scrypt password hashes, department binding, rate-limited failures."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from fupin.catalog import load_catalog

# scrypt parameters (RFC 7914's interactive-login recommendation: n=2**14, r=8, p=1).
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
LOGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")


class AccountError(ValueError):
    """An account command or login that cannot be carried out, with the reason."""


class RateLimited(AccountError):
    """Too many wrong passwords: the login is refused until the lockout has passed."""


@dataclass(frozen=True)
class Steward:
    login: str
    department: str  # the catalog's department name
    feeds: tuple[str, ...]  # every feed of that department


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt$" + "$".join(base64.b64encode(x).decode() for x in (salt, digest))


def password_matches(password: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    given = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, **SCRYPT)
    return hmac.compare_digest(given, base64.b64decode(digest))


def department_feeds(feed: str) -> tuple[str, tuple[str, ...]]:
    """The department a feed belongs to (feeds.yml) and every feed of that department."""
    catalog = load_catalog()
    if feed not in catalog:
        raise AccountError(f"department {feed!r}: name one of its feeds ({', '.join(catalog)})")
    department = catalog[feed].department
    return department, tuple(f for f, spec in catalog.items() if spec.department == department)


def add_account(conn, login: str, feed: str, password: str | None = None) -> str:
    """Create (or reset) a steward's web login; returns the password (new unless given)."""
    if not LOGIN_NAME.match(login):
        raise AccountError(f"login {login!r}: lower-case letters, digits and _, from a letter")
    department_feeds(feed)
    password = password or secrets.token_urlsafe(12)
    with conn.cursor() as cur:
        cur.execute(
            "insert into ops.steward_account (login, department, password_hash)"
            " values (%s, %s, %s) on conflict (login) do update"
            " set department = excluded.department, password_hash = excluded.password_hash,"
            "     disabled_at = null, failed_logins = 0",
            (login, feed, hash_password(password)),
        )
    return password


def steward(conn, login: str) -> Steward | None:
    """The enabled steward with this login, or None."""
    with conn.cursor() as cur:
        cur.execute(
            "select department from ops.steward_account where login = %s and disabled_at is null",
            (login,),
        )
        row = cur.fetchone()
    if row is None:
        return None
    department, feeds = department_feeds(row[0])
    return Steward(login, department, feeds)


def authenticate(conn, login: str, password: str) -> Steward | None:
    """The steward, or None for a wrong login/password; RateLimited after MAX_FAILURES.

    Failures are counted in the database (every server process shares them); a success
    resets the count. The lockout applies before the password is even checked.
    """
    with conn.cursor() as cur:
        cur.execute(
            "select password_hash, failed_logins, now() - last_failed_at from ops.steward_account"
            " where login = %s and disabled_at is null for update",
            (login,),
        )
        row = cur.fetchone()
        if row is None:
            hash_password(password)  # same time spent as for a real login
            return None
        stored, failures, since = row
        if failures >= MAX_FAILURES and since is not None and since < LOCKOUT:
            raise RateLimited(
                f"too many wrong passwords: try again in {LOCKOUT.seconds // 60} minutes"
            )
        if not password_matches(password, stored):
            cur.execute(
                "update ops.steward_account set last_failed_at = now(), failed_logins ="
                " case when now() - coalesce(last_failed_at, now()) >= %s then 1"
                " else failed_logins + 1 end where login = %s",
                (LOCKOUT, login),
            )
            return None
        cur.execute(
            "update ops.steward_account set failed_logins = 0, last_failed_at = null"
            " where login = %s",
            (login,),
        )
    return steward(conn, login)
