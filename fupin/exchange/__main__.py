"""Operator commands: ``python -m fupin.exchange push|reconcile --config FILE``.

``push`` exits 0 when every batch was answered (rejected and held records are findings, listed in
the summary), 1 when the push had to stop (the message says why; the next run continues).
``reconcile`` exits 0 when the national copy agrees with what the province recorded as accepted,
2 when it differs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from fupin import warehouse
from fupin.config import ConfigError, load_config
from fupin.exchange.client import ExchangeError
from fupin.exchange.push import push, reconcile
from fupin.privacy.redact import configured_secrets, install_log_redaction, mask_key


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fupin.exchange", description=__doc__)
    parser.add_argument("command", choices=("push", "reconcile"))
    parser.add_argument("--config", help="the YAML configuration (default: $FUPIN_CONFIG)")
    parser.add_argument("--prefix", help="reconcile: only keys starting with this region code")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load_config(args.config)
        install_log_redaction(configured_secrets(config))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    if config.national is None:
        print(
            "the configuration has no national: section (base_url, sender_id, secret)",
            file=sys.stderr,
        )
        return 1
    dsn = warehouse.resolve_dsn(config)
    try:
        if args.command == "push":
            report = push(dsn, config.national)
            print(report.summary())
            return 0
        result = reconcile(dsn, config.national, args.prefix)
    except ExchangeError as error:
        print(f"national exchange stopped: {error}", file=sys.stderr)
        return 1
    print(result.summary())
    for entity in result.entities.values():
        for item in entity.out_of_step[:20]:
            detail = f" ({item.detail})" if item.detail else ""
            print(f"  {entity.entity} {mask_key(item.key)}: {item.status}{detail}")
    return 0 if result.agrees else 2


if __name__ == "__main__":
    raise SystemExit(main())
