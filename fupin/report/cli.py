"""``fupin report --config FILE --region CODE [--as-of DATE]``: plugs into fupin (fupin.cli)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from fupin.config import load_config


def add_commands(commands) -> None:
    report = commands.add_parser(
        "report",
        help="write a region's statistics as a self-contained HTML page and a PDF",
        description="Reads marts.region_stats (aggregates only, no personal data) of the "
        "region and every region below it; writes report_<region>_<as-of>.html and .pdf.",
    )
    report.add_argument(
        "--config", type=Path, help="configuration file (default: the file named by FUPIN_CONFIG)"
    )
    report.add_argument("--region", required=True, help="2- to 12-digit region code")
    report.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        help="check date the warehouse was built as of (default: the last build's)",
    )
    report.add_argument("--out", type=Path, help="folder (default: <reports>/regions)")
    report.add_argument(
        "--colour-by", default="poverty_incidence", help="the treemap's colour figure"
    )
    report.add_argument("--no-pdf", action="store_true", help="write the HTML page only")
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from fupin import warehouse
    from fupin.cli import CommandError
    from fupin.report.charts import COLOUR_METRICS
    from fupin.report.data import ReportError
    from fupin.report.render import write_report

    config = load_config(args.config)
    if args.colour_by not in COLOUR_METRICS:
        raise CommandError(f"--colour-by: one of {', '.join(COLOUR_METRICS)}")
    out_dir = args.out or config.reports_dir / "regions"
    try:
        html, pdf = write_report(
            warehouse.resolve_dsn(config),
            args.region,
            out_dir,
            args.as_of,
            args.colour_by,
            pdf=not args.no_pdf,
        )
    except (ReportError, FileNotFoundError, RuntimeError) as error:
        raise CommandError(str(error)) from error
    print(f"report written: {html}" + (f" and {pdf}" if pdf else ""))
    return 0
