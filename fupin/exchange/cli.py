"""Operator commands of the national exchange, for ``fupin`` and ``python -m fupin.exchange``:

- ``push``: exits 0 when every batch was answered (rejected and held records are findings,
  counted in the summary), 1 when the push had to stop (the message says why; the next run
  continues);
- ``reconcile [--prefix P]``: exits 0 when the national copy agrees with what the province
  recorded as accepted, 2 when it differs;
- ``reconcile --repair``: re-sends what differs with fresh versions until the checksums agree
  (bounded rounds); exits 0 when they agree at the end, 2 when not.

The configuration comes from ``--config FILE`` or ``FUPIN_CONFIG``. Output names counts and
masked keys (ID numbers: first 6 and last 4 characters), never full ID numbers or names.
"""

from __future__ import annotations

import argparse
import sys

from fupin.config import ConfigError, load_config
from fupin.exchange import protocol
from fupin.exchange.client import ExchangeError
from fupin.exchange.reconcile import ReconcileReport

LISTED = 20  # records not in step printed per entity


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add ``push`` and ``reconcile`` to a parser's subcommands (``handler`` = what runs)."""
    push = subparsers.add_parser("push", help="send the changes to the national system")
    push.add_argument("--config", help="the YAML configuration (default: $FUPIN_CONFIG)")
    push.set_defaults(handler=run_push)
    check = subparsers.add_parser(
        "reconcile", help="compare the national copy with the province's (and --repair it)"
    )
    check.add_argument("--config", help="the YAML configuration (default: $FUPIN_CONFIG)")
    check.add_argument("--prefix", help="only keys starting with this region code, e.g. 520123")
    check.add_argument(
        "--repair",
        action="store_true",
        help="re-send the differing records with fresh versions until the checksums agree",
    )
    check.add_argument("--max-rounds", type=int, default=3, help="repair rounds (default 3)")
    check.set_defaults(handler=run_reconcile)


def _settings(args: argparse.Namespace):
    from fupin import warehouse
    from fupin.privacy.redact import configured_secrets, install_log_redaction

    config = load_config(args.config)
    install_log_redaction(configured_secrets(config))
    if config.national is None:
        raise ConfigError(
            "the configuration has no national: section (base_url, sender_id, secret)"
        )
    return warehouse.resolve_dsn(config), config.national


def run_push(args: argparse.Namespace) -> int:
    from fupin.exchange.push import push

    try:
        dsn, national = _settings(args)
        report = push(dsn, national)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    except ExchangeError as error:
        print(f"national exchange stopped: {protocol.mask_text(error)}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def run_reconcile(args: argparse.Namespace) -> int:
    from fupin.exchange.reconcile import reconcile
    from fupin.exchange.repair import repair

    try:
        dsn, national = _settings(args)
        if args.repair:
            repaired = repair(dsn, national, args.prefix, max_rounds=args.max_rounds)
            print(protocol.mask_text(repaired.summary()))
            _print_out_of_step(repaired.after)
            return 0 if repaired.agrees else 2
        result = reconcile(dsn, national, args.prefix)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    except ExchangeError as error:
        print(f"national exchange stopped: {protocol.mask_text(error)}", file=sys.stderr)
        return 1
    print(protocol.mask_text(result.summary()))
    _print_out_of_step(result)
    return 0 if result.agrees else 2


def _print_out_of_step(result: ReconcileReport) -> None:
    for entity in result.entities.values():
        for item in entity.out_of_step[:LISTED]:
            detail = f" ({protocol.mask_text(item.detail)})" if item.detail else ""
            print(f"  {entity.entity} {protocol.mask_key(item.key)}: {item.status}{detail}")
        if len(entity.out_of_step) > LISTED:
            print(f"  {entity.entity}: {len(entity.out_of_step) - LISTED} more not in step")
