"""Sessions and CSRF tokens of the steward page (no web framework imported here).

The session lives in a signed cookie (Starlette's SessionMiddleware, itsdangerous): the login,
when it started, when it was last used, and the CSRF token every form carries. A session
expires after ``IDLE`` without a request and after ``ABSOLUTE`` in any case; the steward is
re-read from the database on every request, so a disabled account loses its session at once.
"""

from __future__ import annotations

import hmac
import secrets
import time

IDLE = 30 * 60
ABSOLUTE = 8 * 60 * 60


def csrf_token(session: dict) -> str:
    """The session's CSRF token (made on first use; anonymous sessions get one for login)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def csrf_ok(session: dict, given: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and given and hmac.compare_digest(expected, given))


def start(session: dict, login: str) -> None:
    """A new session for ``login`` (a fresh CSRF token: no token from before the login)."""
    session.clear()
    now = int(time.time())
    session.update(login=login, since=now, seen=now, csrf=secrets.token_urlsafe(24))


def current_login(session: dict, now: float | None = None) -> str | None:
    """The session's login if it has not expired (then its last use is now)."""
    login = session.get("login")
    if login is None:
        return None
    now = time.time() if now is None else now
    if now - session.get("seen", 0) > IDLE or now - session.get("since", 0) > ABSOLUTE:
        session.clear()
        return None
    session["seen"] = int(now)
    return login
