"""``python -m simulation.synth``: generate a synthetic deployment (or a scale run)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def _month(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month YYYY-MM")
    return text


def _counties(text: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in text.split(",") if c.strip())
    if not codes or not all(re.fullmatch(r"\d{6}", c) for c in codes):
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of 6-digit codes")
    return codes


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="python -m simulation.synth",
        description="Generate a synthetic province's department deliveries with planted cases.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--province", default="52", help="2-digit province code (default 52)")
    parser.add_argument(
        "--counties", type=_counties, default=("520123",), help="e.g. 520123,520381"
    )
    parser.add_argument("--start", type=_month, default="2026-07", help="first month YYYY-MM")
    parser.add_argument("--end", type=_month, default="2026-10", help="last month YYYY-MM")
    parser.add_argument("--as-of", default=None, help="check date YYYY-MM-DD (default: end)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--households-per-county", type=int, default=200)
    parser.add_argument("--drift", action="store_true", help="plant schema drift in some feeds")
    parser.add_argument(
        "--scale",
        choices=("county", "province"),
        help="stream a benchmark-sized deployment (no planted cases)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.scale:
            from simulation.synth.scale import generate_scale

            report = generate_scale(
                args.out,
                scale=args.scale,
                province=args.province,
                start=args.start,
                end=args.end,
                seed=args.seed,
            )
            for line in report.lines():
                print(line)
            return 0
        from simulation.synth import generate

        result = generate(
            args.out,
            province=args.province,
            counties=args.counties,
            start=args.start,
            end=args.end,
            seed=args.seed,
            households_per_county=args.households_per_county,
            drift=args.drift,
            as_of=args.as_of,
        )
    except ValueError as error:
        print(f"python -m simulation.synth: {error}", file=sys.stderr)
        return 2
    print(
        f"wrote {len(result.counts)} files ({sum(result.counts.values())} rows) under "
        f"{result.out_dir}; check date {result.as_of}; ground truth {result.ground_truth}"
    )
    return 0
