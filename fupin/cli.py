"""The ``fupin`` command: ``cycle``, ``db upgrade``."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from fupin.config import ConfigError, config_path, load_config
from fupin.privacy.cli import add_commands as add_privacy_commands


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fupin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    cycle = commands.add_parser(
        "cycle", help="run one complete cycle (land, check, build, evaluate, push) as the DAGs do"
    )
    cycle.add_argument("--config", type=Path, help="configuration file (default: $FUPIN_CONFIG)")
    cycle.add_argument("--as-of", type=_date, default=dt.date.today(), help="check date")

    db = commands.add_parser("db", help="warehouse schema")
    db.add_argument("action", choices=["upgrade"])
    db.add_argument("--config", type=Path)
    add_privacy_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        if handler := getattr(args, "handler", None):
            return handler(args)
        if args.command == "db":
            from fupin import warehouse

            warehouse.upgrade(warehouse.resolve_dsn(load_config(args.config)))
            print("warehouse schema is current")
            return 0
        from fupin.cycle import CycleError, run_cycle

        try:
            report = run_cycle(config_path(args.config), args.as_of)
        except CycleError as error:
            print(f"fupin cycle failed: {error}", file=sys.stderr)
            return 1
        print(report.render())
        return 0
    except ConfigError as error:
        print(f"fupin: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
