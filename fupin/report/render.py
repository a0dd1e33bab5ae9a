"""``fupin report``: one region's statistics as a self-contained HTML page and a PDF.

The page holds everything it needs (plotly.js inlined, no network): headline figures, charts,
a treemap of the regions below (no offline boundary package: see docs/decisions.md) and a
drill-down table through the region tree down to the villages. Every figure shown carries its
exact value in ``data-value`` (a test reads them back). The PDF is printed by headless
Chromium (``chromium --headless --print-to-pdf``), so the product needs no Playwright.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import jinja2
import plotly.offline

from fupin.catalog import load_catalog
from fupin.report import charts, maps
from fupin.report.data import LEVELS, ReportData, load_report_data

TEMPLATE = Path(__file__).with_name("report.html.j2")
PDF_TIMEOUT = 180


@dataclass(frozen=True)
class Figure:
    metric: str
    label: str
    unit: str  # count | rate | yuan | score


HEADLINE = (
    Figure("households", "登记户数", "count"),
    Figure("people", "登记人数", "count"),
    Figure("poverty_incidence", "贫困发生率", "rate"),
    Figure("income_per_capita_mean", "年人均纯收入 (户均)", "yuan"),
    Figure("above_line_rate", "达标率", "rate"),
    Figure("identification_accuracy", "识别精准率", "rate"),
    Figure("monitoring_objects", "监测对象 (户)", "count"),
    Figure("relocation_occupancy_rate", "搬迁入住率", "rate"),
    Figure("relocation_employment_rate", "搬迁劳动力就业率", "rate"),
    Figure("relocation_income_mean", "搬迁户户均收入", "yuan"),
    Figure("enterprise_aid_amount", "企业帮扶金额", "yuan"),
    Figure("poverty_index_mean", "脱贫指数均值", "score"),
)
DRILL_DOWN = tuple(HEADLINE[i] for i in (0, 1, 2, 4, 5, 6, 11))


def display(value: Decimal, unit: str) -> str:
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "score":
        return f"{value:.1f}"
    return f"{value:,.0f}"


def departments() -> dict[str, str]:
    """feed -> its department's short name (fupin/feeds.yml)."""
    return {name: feed.department.split(" (")[0] for name, feed in load_catalog().items()}


def render_html(data: ReportData, colour_by: str = "poverty_incidence") -> str:
    if colour_by not in charts.COLOUR_METRICS:
        raise ValueError(f"colour_by: one of {', '.join(charts.COLOUR_METRICS)}")
    figures = {
        "sub_regions": charts.sub_region_rates(data),
        "treemap": charts.region_treemap(data, colour_by),
        "causes": charts.causes(data),
        "alerts": charts.alerts_by_rule(data),
        "monitoring": charts.monitoring_by_month(data),
        "index_bands": charts.index_bands(data),
        "data_quality": charts.data_quality(data, departments()),
    }
    region_map = maps.sub_region_map(data, colour_by, charts.colorscale(colour_by))
    if region_map is not None:  # a province's or a city's report (fupin.report.maps)
        figures["map"] = region_map
    chart_html = {
        name: figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{name}",
            config={"displayModeBar": False, "responsive": True},
        )
        for name, figure in figures.items()
    }
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        data=data,
        level=LEVELS[len(data.region)],
        headline=HEADLINE,
        drill_down=DRILL_DOWN,
        display=display,
        charts=chart_html,
        plotly_js=plotly.offline.get_plotlyjs(),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def chromium() -> str:
    """Debian's chromium (``make browser``), or the one named by FUPIN_CHROMIUM."""
    found = os.environ.get("FUPIN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise FileNotFoundError(f"{found}: no Chromium to print the PDF (make browser)")
    return found


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the page with every drill-down level open (#print) to ``pdf_path``."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        "--virtual-time-budget=10000",  # let plotly draw before printing
        f"--print-to-pdf={pdf_path}",
        f"{html_path.resolve().as_uri()}#print",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT)
    if result.returncode != 0 or not pdf_path.exists():
        raise RuntimeError(f"chromium could not print {html_path}: {result.stderr.strip()[-500:]}")


def write_report(
    dsn: str,
    region: str,
    out_dir: Path,
    as_of: dt.date | None = None,
    colour_by: str = "poverty_incidence",
    pdf: bool = True,
) -> tuple[Path, Path | None]:
    """Write ``report_<region>_<as_of>.html`` (and ``.pdf``) to ``out_dir``; return the paths."""
    data = load_report_data(dsn, region, as_of)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"report_{region}_{data.as_of}.html"
    html_path.write_text(render_html(data, colour_by), encoding="utf-8")
    if not pdf:
        return html_path, None
    pdf_path = html_path.with_suffix(".pdf")
    print_pdf(html_path, pdf_path)
    return html_path, pdf_path
