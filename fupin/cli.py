"""The ``fupin`` command. Thin: each sub-command parses its arguments and calls a package.

Command groups plug in with ``add_commands(subparsers)``; each sub-command sets
``handler=<function(args) -> exit code>``. Expected failures (bad configuration, an unreachable
database, a failed cycle) print one line and exit non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import sys
import traceback
from pathlib import Path

from fupin.config import ConfigError, config_path, load_config

DESCRIPTION = """\
fupin: department feeds -> quality checks -> dbt warehouse -> national exchange.

Every command reads one YAML configuration: --config FILE, or the file named by $FUPIN_CONFIG
(start from config/fupin.example.yml)."""
EPILOG = """\
examples:
  fupin cycle --config config/fupin.yml --as-of 2026-10-31
  fupin db upgrade --config config/fupin.yml
  fupin warehouse status
  fupin docs --serve"""
# Command groups owned by other packages: each module has add_commands(subparsers).
PLUGINS = (
    "fupin.privacy.cli",
    "fupin.exchange.cli",
    "fupin.policy",
    "fupin.report.cli",
    "fupin.steward.cli",
)
EXIT_FAILED = 1
EXIT_CONFIG = 2


class CommandError(RuntimeError):
    """An expected failure: printed as one line, no traceback (unless --debug)."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help="configuration file (default: the file named by FUPIN_CONFIG)"
    )


def _cycle(args: argparse.Namespace) -> int:
    from fupin.cycle import run_cycle

    report = run_cycle(config_path(args.config), args.as_of)
    print(report.render())
    return 0


def _db(args: argparse.Namespace) -> int:
    from fupin import warehouse

    warehouse.upgrade(warehouse.resolve_dsn(load_config(args.config)))
    print("warehouse schema is current")
    return 0


def _warehouse(args: argparse.Namespace) -> int:
    from fupin import warehouse

    config = load_config(args.config)
    data_dir = config.warehouse.data_dir
    if config.warehouse.dsn is not None:
        if args.action != "status":
            raise CommandError(
                "warehouse.dsn is configured: the warehouse is that server, start and stop it "
                "where it runs (these commands manage the embedded one)"
            )
        with warehouse.connect(config.warehouse.dsn.get_secret_value()):
            print("configured warehouse server (warehouse.dsn): reachable")
        return 0
    if args.action == "start":
        warehouse.resolve_dsn(config)  # starts it and creates the fupin database
    elif args.action == "stop" and not warehouse.stop_embedded(data_dir):
        print(f"embedded PostgreSQL under {data_dir}: was not running")
        return 0
    print(warehouse.embedded_status(data_dir).render())
    return 0


def _docs(args: argparse.Namespace) -> int:
    from fupin.docs import generate_docs, serve_docs

    config = load_config(args.config)
    folder = generate_docs(config)
    print(f"dbt docs written to {folder} (open index.html through a web server)")
    if args.serve:
        serve_docs(folder, args.port)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """fupin's own command groups."""
    cycle = commands.add_parser(
        "cycle",
        help="run one complete cycle (land, check, build, push) through the DAGs, as scheduled",
        description="Runs every feed DAG, then the warehouse and national exchange DAGs, with "
        "Airflow's dag.test(). Exits 0 when the cycle completed: rejected files and rows are "
        "findings, listed in the report.",
    )
    _config_argument(cycle)
    cycle.add_argument("--as-of", type=_date, default=dt.date.today(), help="check date")
    cycle.set_defaults(handler=_cycle)

    db = commands.add_parser("db", help="bring the warehouse schema to the current version")
    db.add_argument("action", choices=["upgrade"])
    _config_argument(db)
    db.set_defaults(handler=_db)

    server = commands.add_parser(
        "warehouse", help="start, stop or show the embedded PostgreSQL (no warehouse.dsn)"
    )
    server.add_argument("action", choices=["start", "stop", "status"])
    _config_argument(server)
    server.set_defaults(handler=_warehouse)

    docs = commands.add_parser("docs", help="write the dbt docs site (dbt docs generate)")
    _config_argument(docs)
    docs.add_argument("--serve", action="store_true", help="then serve it on 127.0.0.1")
    docs.add_argument("--port", type=int, default=8081)
    docs.set_defaults(handler=_docs)


def _plugins(commands: argparse._SubParsersAction) -> None:
    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name is not None and name.startswith(error.name):
                continue  # that package is not installed in this build
            raise
        module.add_commands(commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fupin",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="debug logs and full tracebacks")
    parser.add_argument("-v", "--verbose", action="store_true", help="progress logs (INFO)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_commands(commands)
    _plugins(commands)
    return parser


def _expected(error: BaseException) -> tuple[str, int] | None:
    """The message and exit code of an expected failure, else None (a bug: traceback)."""
    import psycopg2

    from fupin.cycle import CycleError
    from fupin.dbt_runner import DbtRunError

    if isinstance(error, ConfigError):
        return str(error), EXIT_CONFIG
    cause = getattr(error, "orig", None) or error.__cause__  # SQLAlchemy wraps psycopg2's
    for candidate in (error, cause):
        if isinstance(candidate, psycopg2.OperationalError):
            # libpq's first line is the cause; the next ones are advice.
            first = (str(candidate).strip() or "unreachable").splitlines()[0]
            return f"cannot reach the database: {first}", EXIT_FAILED
    if isinstance(error, CycleError | CommandError | DbtRunError):
        return str(error), EXIT_FAILED
    return None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    level = logging.DEBUG if args.debug else logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("fupin: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        expected = _expected(error)
        if expected is None or args.debug:
            traceback.print_exc()
        if expected is None:
            return EXIT_FAILED
        message, code = expected
        print(f"fupin {args.command}: {message}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
