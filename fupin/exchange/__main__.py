"""``python -m fupin.exchange push|reconcile [--repair] [--prefix P] --config FILE``: the same
commands as ``fupin push`` / ``fupin reconcile`` (:mod:`fupin.exchange.cli`)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from fupin.exchange.cli import add_commands


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fupin.exchange", description=__doc__)
    parser.add_argument("--verbose", action="store_true")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
