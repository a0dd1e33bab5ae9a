"""``python -m simulation.national``: the simulated national system as a process."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import time
from collections.abc import Iterable

from simulation.national.faults import FaultPlan, Window
from simulation.national.simulator import NationalSimulator


def _faults_from(text: str | None) -> list[str | None]:
    if not text:
        return []
    return [None if item in ("", "-", "ok") else item for item in text.split(",")]


def _rates_from(text: str | None) -> dict[str, float]:
    """``503=0.2,drop=0.1`` -> {"503": 0.2, "drop": 0.1}."""
    rates: dict[str, float] = {}
    for item in filter(None, (text or "").split(",")):
        kind, _, probability = item.partition("=")
        rates[kind.strip()] = float(probability)
    return rates


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM: stop like Ctrl-C (the state is written on the way out)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulation.national",
        description="Run the national-system simulator on 127.0.0.1 (national-exchange.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="0 = a free port")
    parser.add_argument("--sender-id", default="520000")
    secret = parser.add_mutually_exclusive_group(required=True)
    secret.add_argument("--secret", help="the shared secret (prefer --secret-env)")
    secret.add_argument("--secret-env", help="name of the environment variable holding it")
    parser.add_argument("--state-file", help="persist the national state to this JSON file")
    parser.add_argument("--window", choices=("open", "closed", "dates"), default="open")
    parser.add_argument("--window-opens", type=dt.date.fromisoformat, default=dt.date(2027, 3, 1))
    parser.add_argument("--window-closes", type=dt.date.fromisoformat, default=dt.date(2027, 3, 31))
    parser.add_argument("--faults", help="explicit fault list, e.g. 429,ok,drop,slow")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-rates", help="per kind, e.g. 503=0.2,drop=0.1")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every request")
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--slow-seconds", type=float, default=35.0)
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    secret_value = args.secret
    if args.secret_env:
        secret_value = os.environ.get(args.secret_env)
        if not secret_value:
            parser.error(f"environment variable {args.secret_env} is not set")
    window_open = {"open": True, "closed": False, "dates": None}[args.window]
    sim = NationalSimulator(
        secret=secret_value,
        sender_id=args.sender_id,
        host=args.host,
        port=args.port,
        window=Window(open=window_open, opens=args.window_opens, closes=args.window_closes),
        faults=FaultPlan(
            _faults_from(args.faults),
            rate=args.fault_rate,
            seed=args.fault_seed,
            retry_after=args.retry_after,
            slow_seconds=args.slow_seconds,
            rates=_rates_from(args.fault_rates),
        ),
        state_file=args.state_file,
        latency=args.latency_ms / 1000,
    )
    # The window given on the command line wins over the one in the state file.
    sim.window = Window(open=window_open, opens=args.window_opens, closes=args.window_closes)
    signal.signal(signal.SIGTERM, _stop)
    sim.start()
    print(f"national simulator at {sim.base_url} (sender {args.sender_id})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0
