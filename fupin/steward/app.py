"""The steward's pages (FastAPI, server-rendered Jinja2 templates, no front-end build).

Every route reads the steward from the session and passes the department's feeds to the
queries, which put them in the SQL; an id or feed of another department answers 404, as a
missing one does. Every POST carries the session's CSRF token. Views of delivered values are
appended to the audit log.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from fupin import warehouse
from fupin.privacy.audit import log_event
from fupin.steward import accounts, auth, corrections, queries
from fupin.steward.accounts import Steward

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


class NotAllowed(Exception):
    """No session (redirect to the login page)."""


def create_app(dsn: str, session_secret: str | None = None) -> FastAPI:
    app = FastAPI(title="fupin steward", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret or secrets.token_urlsafe(32),
        session_cookie="fupin_steward",
        max_age=auth.ABSOLUTE,
        same_site="strict",
    )
    app.state.dsn = dsn

    @app.exception_handler(NotAllowed)
    async def _to_login(request: Request, _exc: NotAllowed):
        return RedirectResponse("/login", status_code=303)

    _routes(app)
    return app


def connect(request: Request):
    """A connection for one request: committed on success, rolled back on error, closed."""
    return warehouse.connect(request.app.state.dsn)


def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("steward", None)
    context["csrf"] = auth.csrf_token(request.session)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def signed_in(request: Request, conn) -> Steward:
    login = auth.current_login(request.session)
    found = accounts.steward(conn, login) if login else None
    if found is None:
        request.session.clear()
        raise NotAllowed
    return found


def check_csrf(request: Request, token: str) -> None:
    if not auth.csrf_ok(request.session, token):
        raise NotAllowed


def log_view(conn, steward: Steward, object_name: str, rows: int, details: dict) -> None:
    log_event(
        conn,
        "steward_view",
        object_name,
        rows,
        "steward page",
        {"steward": steward.login, **details},
    )


def _routes(app: FastAPI) -> None:
    _login_routes(app)
    _page_routes(app)
    _form_routes(app)


def _login_routes(app: FastAPI) -> None:
    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request):
        return page(request, "login.html")

    @app.post("/login", response_class=HTMLResponse)
    def login(
        request: Request, login: str = Form(""), password: str = Form(""), csrf: str = Form("")
    ):
        if not auth.csrf_ok(request.session, csrf):
            return page(request, "login.html", 400, error="the form expired: try again")
        try:
            with connect(request) as conn:
                found = accounts.authenticate(conn, login.strip(), password)
        except accounts.RateLimited as error:
            return page(request, "login.html", 429, error=str(error))
        if found is None:
            return page(request, "login.html", 401, error="wrong login or password")
        auth.start(request.session, found.login)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        check_csrf(request, csrf)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)


def _page_routes(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            quality, totals = queries.data_quality(conn, steward.feeds)
            return page(
                request,
                "home.html",
                steward=steward,
                feeds=queries.feed_summaries(conn, steward.feeds),
                quality=quality,
                totals=totals,
                drift=queries.drift_events(conn, steward.feeds),
                failed=queries.failed_deliveries(conn, steward.feeds),
            )

    @app.get("/feeds/{feed}", response_class=HTMLResponse)
    def feed_page(request: Request, feed: str, notice: str = ""):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            if feed not in steward.feeds:
                return page(request, "missing.html", 404, steward=steward)
            groups = queries.quarantine_groups(conn, steward.feeds, feed)
            shown = sum(len(g.rows) for g in groups)
            log_view(conn, steward, "ops.quarantine", shown, {"feed": feed})
            return page(
                request,
                "feed.html",
                steward=steward,
                feed=feed,
                groups=groups,
                batches=queries.recent_batches(conn, steward.feeds, feed),
                notice=notice,
            )

    @app.get("/quarantine/{quarantine_id}", response_class=HTMLResponse)
    def row_page(request: Request, quarantine_id: int):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            return _row_form(request, conn, steward, quarantine_id)

    @app.get("/runs/{batch_id}", response_class=HTMLResponse)
    def validation(request: Request, batch_id: str):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            run = queries.validation_run(conn, steward.feeds, batch_id)
            if run is None:
                return page(request, "missing.html", 404, steward=steward)
            return page(request, "validation.html", steward=steward, run=run)

    @app.get("/health")
    def health() -> Response:
        return Response("ok", media_type="text/plain")


def _form_routes(app: FastAPI) -> None:
    @app.post("/quarantine/{quarantine_id}/correct", response_class=HTMLResponse)
    def correct(
        request: Request,
        quarantine_id: int,
        new_value: str = Form(""),
        why: str = Form(""),
        csrf: str = Form(""),
    ):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            check_csrf(request, csrf)
            try:
                accepted = corrections.correct(
                    conn, request.app.state.dsn, steward, quarantine_id, new_value, why
                )
            except corrections.CorrectionRefused as refused:
                conn.rollback()
                return _row_form(
                    request,
                    conn,
                    steward,
                    quarantine_id,
                    str(refused),
                    new_value=new_value,
                    why=why,
                )
            conn.commit()
            entry = queries.quarantined_row(conn, steward.feeds, quarantine_id)
        notice = (
            f"correction {accepted.correction_id} of row {accepted.source_row}"
            f" ({accepted.field}) accepted: it lands on the next cycle"
        )
        return RedirectResponse(
            request.url_for("feed_page", feed=entry["feed"]).include_query_params(notice=notice),
            status_code=303,
        )

    @app.post("/feeds/{feed}/awaiting-v2")
    def awaiting_v2(
        request: Request,
        feed: str,
        csrf: str = Form(""),
        quarantine_id: Annotated[list[int] | None, Form()] = None,
    ):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            check_csrf(request, csrf)
            if feed not in steward.feeds:
                return page(request, "missing.html", 404, steward=steward)
            marked = corrections.mark_awaiting_v2(conn, steward, quarantine_id or [])
        notice = f"{marked} rows marked as awaiting a corrected file (_v2)"
        return RedirectResponse(
            request.url_for("feed_page", feed=feed).include_query_params(notice=notice),
            status_code=303,
        )

    @app.post("/drift/{drift_id}/acknowledge")
    def acknowledge(request: Request, drift_id: int, csrf: str = Form("")):
        with connect(request) as conn:
            steward = signed_in(request, conn)
            check_csrf(request, csrf)
            if not corrections.acknowledge_drift(conn, steward, drift_id):
                return page(request, "missing.html", 404, steward=steward)
        return RedirectResponse("/", status_code=303)


def _row_form(request, conn, steward, quarantine_id, error="", **typed):
    entry = queries.quarantined_row(conn, steward.feeds, quarantine_id)
    if entry is None:
        return page(request, "missing.html", 404, steward=steward)
    log_view(
        conn,
        steward,
        f"raw.{entry['raw_table']}",
        1,
        {"batch_id": entry["batch_id"], "source_row": entry["source_row"]},
    )
    conn.commit()
    return page(
        request,
        "row.html",
        422 if error else 200,
        steward=steward,
        entry=entry,
        error=error,
        **typed,
    )
