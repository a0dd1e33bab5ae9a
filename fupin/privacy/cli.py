"""``fupin users``, ``fupin audit verify`` and ``fupin export`` (wired into ``fupin.cli``).

Each command reads the configuration from ``--config FILE`` or ``FUPIN_CONFIG`` and uses the
warehouse DSN of that file: an administrator's for ``users`` and ``audit``, the caller's own
login for ``export`` (or, with ``--as LOGIN``, the administrator acting as that login).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
from pathlib import Path

import psycopg2
from psycopg2 import sql

from fupin.privacy.roles import DOWNSTREAM_ROLES


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="configuration file (default: $FUPIN_CONFIG)")


def add_commands(subparsers) -> None:
    users = subparsers.add_parser("users", help="downstream logins bound to a region")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a login bound to a region (and department)")
    add.add_argument("name", help="login name (lower-case letters, digits, _)")
    add.add_argument("--role", required=True, choices=DOWNSTREAM_ROLES)
    add.add_argument("--region", required=True, help="region code the login is bound to")
    add.add_argument("--department", help="the feed a steward looks after, e.g. registry")
    _config_argument(add)
    add.set_defaults(handler=_users_add)
    listing = actions.add_parser("list", help="logins of this warehouse and their scope")
    _config_argument(listing)
    listing.set_defaults(handler=_users_list)
    disable = actions.add_parser("disable", help="withdraw a login (no login, no rows)")
    disable.add_argument("name")
    _config_argument(disable)
    disable.set_defaults(handler=_users_disable)

    audit = subparsers.add_parser("audit", help="the audit log")
    audit_actions = audit.add_subparsers(dest="action", required=True)
    verify = audit_actions.add_parser("verify", help="walk the hash chain; name the first break")
    _config_argument(verify)
    verify.set_defaults(handler=_audit_verify)

    export = subparsers.add_parser(
        "export", help="a published table for your region as CSV/XLSX (masked; logged)"
    )
    export.add_argument("--table", required=True, help="published table, e.g. member")
    export.add_argument("--region", required=True, help="region code within your scope")
    export.add_argument("--reason", required=True, help="why (recorded in the audit log)")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--output", type=Path, help="file to write (default: in the cwd)")
    export.add_argument("--unmasked", action="store_true", help="auditors only")
    export.add_argument(
        "--as", dest="as_login", help="act as this login (needs a superuser warehouse DSN)"
    )
    _config_argument(export)
    export.set_defaults(handler=_export)


@contextlib.contextmanager
def _connection(args):
    from fupin import warehouse
    from fupin.config import load_config

    config = load_config(args.config)
    conn = psycopg2.connect(warehouse.resolve_dsn(config))
    try:
        yield config, conn
    finally:
        conn.close()


def _fail(message: str) -> int:
    print(f"fupin: {message}", file=sys.stderr)
    return 1


def _users_add(args) -> int:
    from fupin.privacy.roles import UserError, add_user

    with _connection(args) as (config, conn):
        try:
            password = add_user(
                conn, args.name, args.role, args.region, args.department, config.province
            )
        except UserError as error:
            return _fail(str(error))
        conn.commit()
    print(f"login {args.name} ({args.role}, region {args.region}) bound to this warehouse.")
    if password is None:
        print("the login already existed on the server: its password is unchanged")
    else:
        print(f"password (shown once, hand it over privately): {password}")
    return 0


def _users_list(args) -> int:
    from fupin.privacy.roles import list_users

    with _connection(args) as (_, conn):
        logins = list_users(conn)
    print(f"{'login':<24} {'role':<14} {'region':<12} {'department':<12} state")
    for login in logins:
        state = "enabled" if login.enabled else "disabled"
        print(
            f"{login.login:<24} {login.role:<14} {login.region_code:<12}"
            f" {login.department or '':<12} {state}"
        )
    return 0


def _users_disable(args) -> int:
    from fupin.privacy.roles import UserError, disable_user

    with _connection(args) as (_, conn):
        try:
            disable_user(conn, args.name)
        except UserError as error:
            return _fail(str(error))
        conn.commit()
    print(f"login {args.name} disabled")
    return 0


def _audit_verify(args) -> int:
    from fupin.privacy.audit import verify

    with _connection(args) as (_, conn):
        result = verify(conn)
    print(result.render())
    return 0 if result.intact else 3


def _export(args) -> int:
    from fupin.privacy.export import ExportError, export

    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    output = args.output or Path(f"{args.table}_{args.region}_{stamp}.{args.format}")
    with _connection(args) as (_, conn):
        try:
            if args.as_login:
                _act_as(conn, args.as_login)
            result = export(
                conn,
                table=args.table,
                region=args.region,
                reason=args.reason,
                fmt=args.format,
                output=output,
                unmasked=args.unmasked,
            )
        except ExportError as error:
            return _fail(str(error))
        except psycopg2.Error as error:
            return _fail(f"export refused by the warehouse: {error.pgerror or error}".strip())
    kind = "masked" if result.masked else "UNMASKED"
    print(f"{result.rows} rows ({kind}) written to {result.path} for {result.login}; logged")
    return 0


def _act_as(conn, login: str) -> None:
    from fupin.privacy.export import ExportError

    with conn.cursor() as cur:
        cur.execute("select rolsuper from pg_roles where rolname = current_user")
        if not cur.fetchone()[0]:
            raise ExportError("--as needs a superuser warehouse DSN; otherwise use your own login")
        cur.execute("select 1 from pg_roles where rolname = %s and rolcanlogin", (login,))
        if cur.fetchone() is None:
            raise ExportError(f"no enabled login {login!r}")
        cur.execute(sql.SQL("set session authorization {}").format(sql.Identifier(login)))
