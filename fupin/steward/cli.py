"""``fupin steward`` (the stewards' web page) and ``fupin stewards add`` (their logins).

Wired into ``fupin.cli`` through its PLUGINS. The page uses the configuration's warehouse DSN;
set ``FUPIN_STEWARD_SECRET`` to keep sessions valid across restarts (else each start makes a
new signing key and everyone logs in again).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from fupin.steward.accounts import AccountError


def add_commands(subparsers) -> None:
    serve = subparsers.add_parser("steward", help="the data stewards' web page")
    serve.add_argument("--config", type=Path, help="configuration file (default: $FUPIN_CONFIG)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8090, help="port (default 8090)")
    serve.set_defaults(handler=_serve)

    stewards = subparsers.add_parser("stewards", help="the stewards' web logins")
    actions = stewards.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create (or reset) a steward's login")
    add.add_argument("login", help="lower-case letters, digits and _")
    add.add_argument(
        "--department", required=True, help="one feed of the department, e.g. registry"
    )
    add.add_argument("--config", type=Path, help="configuration file (default: $FUPIN_CONFIG)")
    add.set_defaults(handler=_add)


def _dsn(args) -> str:
    from fupin import warehouse
    from fupin.config import load_config

    return warehouse.resolve_dsn(load_config(args.config))


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from fupin.steward.app import create_app

    app = create_app(_dsn(args), os.environ.get("FUPIN_STEWARD_SECRET"))
    print(f"steward page on http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _add(args: argparse.Namespace) -> int:
    from fupin import warehouse
    from fupin.cli import CommandError
    from fupin.steward.accounts import add_account

    with warehouse.connect(_dsn(args)) as conn:
        try:
            password = add_account(conn, args.login, args.department)
        except AccountError as error:
            raise CommandError(str(error)) from None
    print(f"steward {args.login} ({args.department}'s department)")
    print(f"password (shown once, hand it over privately): {password}")
    return 0
