"""``fupin report`` on a generated county: the page is rendered by headless Chromium to a PNG,
the figures it shows are read back from the rendered page and equal marts.region_stats, the
PDF opens with pdftoppm (every page), and no personal data is in either."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from index.built import built_world, query

from fupin.report.data import ReportError, load_report_data
from fupin.report.render import display, write_report

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("report_world")]
COUNTY = "520123"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def built(tmp_path_factory, admin_dsn):
    yield from built_world(tmp_path_factory.mktemp("report"), admin_dsn, "fupin_index_report")


@pytest.fixture(scope="module")
def report(built, tmp_path_factory):
    dsn, *_ = built
    out = tmp_path_factory.mktemp("report_out")
    html, pdf = write_report(dsn, COUNTY, out)
    return dsn, html, pdf


@pytest.fixture(scope="module")
def rendered(report):
    """What Chromium shows: the figures' data attributes and text, the charts' data, a PNG."""
    playwright = pytest.importorskip("playwright.sync_api")
    _, html, _ = report
    png = html.with_suffix(".png")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(html.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length === 7")
        page.screenshot(path=str(png), full_page=True)
        figures = page.eval_on_selector_all(
            "[data-metric]",
            "els => els.map(e => [e.dataset.region, e.dataset.metric, e.dataset.value,"
            " e.textContent.trim()])",
        )
        charts = page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('.js-plotly-plot')]"
            ".map(e => [e.id, e.data.map(t => ({x: t.x, y: t.y, labels: t.labels,"
            " values: t.values, ids: t.ids}))]))"
        )
        drill = page.eval_on_selector_all("[data-drill]", "els => els.map(e => e.dataset.drill)")
        browser.close()
    return {"png": png, "figures": figures, "charts": charts, "drill": drill}


def _stats(dsn: str, where: str = "true", *args) -> dict[tuple, Decimal]:
    rows = query(
        dsn,
        "select region_code, metric, dimension, dimension_value, value from marts.region_stats"
        f" where {where}",
        *args,
    )
    return {tuple(row[:4]): row[4] for row in rows}


def test_png_is_rendered(rendered):
    png = rendered["png"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000


def test_figures_shown_equal_region_stats(report, rendered):
    dsn, *_ = report
    stats = _stats(dsn, "region_code like %s", COUNTY + "%")
    units = {"rate", "count", "yuan", "score"}
    assert len(rendered["figures"]) > 100
    for region, metric, value, text in rendered["figures"]:
        key = (region, metric, "total", "")
        if key in stats:
            assert Decimal(value) == stats[key], key
            assert text in {display(stats[key], unit) for unit in units}, (key, text)
        else:
            assert text == "—", key
    shown = {(region, metric) for region, metric, *_ in rendered["figures"]}
    assert (COUNTY, "households") in shown and (COUNTY, "identification_accuracy") in shown


def test_drill_down_reaches_every_village(report, rendered):
    dsn, *_ = report
    regions = {row[0] for row in query(dsn, "select region_code from marts.region_stats")}
    below = {code for code in regions if code.startswith(COUNTY)}
    assert set(rendered["drill"]) == below
    assert any(len(code) == 12 for code in rendered["drill"])


def test_charts_show_the_warehouse_figures(report, rendered):
    dsn, *_ = report
    charts = rendered["charts"]
    for chart, metric, dimension in (
        ("chart-causes", "households", "main_cause"),
        ("chart-alerts", "open_alerts", "rule"),
        ("chart-monitoring", "monitoring_objects", "month"),
    ):
        stats = _stats(
            dsn, "region_code = %s and metric = %s and dimension = %s", COUNTY, metric, dimension
        )
        (trace,) = charts[chart]
        shown = dict(zip(trace["x"], trace["y"], strict=True))
        assert shown == {key[3]: float(value) for key, value in stats.items()}, chart
    (pie,) = charts["chart-index_bands"]
    bands = _stats(dsn, "region_code = %s and metric = 'poverty_index_households'", COUNTY)
    assert dict(zip(pie["labels"], pie["values"], strict=True)) == {
        key[3]: float(value) for key, value in bands.items()
    }
    (treemap,) = charts["chart-treemap"]
    assert treemap["ids"][0] == COUNTY and len(treemap["ids"]) == len(rendered["drill"])


def test_pdf_opens_with_every_page(report, tmp_path):
    _, _, pdf = report
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert pages >= 2 and len(list(tmp_path.glob("page-*.png"))) == pages
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "修文县" in text and "识别精准率" in text


def test_no_personal_data(report):
    dsn, html, pdf = report
    page = html.read_text(encoding="utf-8")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    people = query(dsn, "select id_number, name from marts.member where id_number is not null")
    for id_number, name in people:
        assert id_number not in page and id_number not in text
        if name and len(name) >= 3:
            assert name not in text


def test_unknown_region_and_other_check_date_are_refused(report):
    dsn, *_ = report
    with pytest.raises(ReportError, match="region 520199: no statistics"):
        load_report_data(dsn, "520199")
    with pytest.raises(ReportError, match="no region statistics as of 2026-10-01: build it"):
        load_report_data(dsn, COUNTY, dt.date(2026, 10, 1))
    with pytest.raises(ReportError, match="expected a 2-, 4-, 6-, 9- or 12-digit"):
        load_report_data(dsn, "5201234")


def test_a_check_date_built_earlier_is_read_from_the_history(report):
    dsn, *_ = report
    latest = load_report_data(dsn, COUNTY)
    dated = load_report_data(dsn, COUNTY, latest.as_of)
    assert dated.as_of == latest.as_of and dated.values == latest.values
    assert dated.children == latest.children


def test_a_province_report_maps_its_cities_from_offline_boundaries(built, tmp_path):
    from fupin.report import maps

    dsn, *_ = built
    data = load_report_data(dsn, "52")
    figure = maps.sub_region_map(data, "poverty_incidence", "RdYlGn_r")
    outlines = {trace.name for trace in figure.data if trace.fill == "toself"}
    assert len(outlines) == 9 and "5201" in outlines  # Guizhou's cities; Guiyang has figures
    coloured = {tuple(t.meta) for t in figure.data if t.fill == "toself" and t.meta[0]}
    assert coloured == {("5201", float(data.value("5201", "poverty_incidence")))}
    html, _ = write_report(dsn, "52", tmp_path, pdf=False)
    assert 'data-chart="map"' in html.read_text(encoding="utf-8")
    county = load_report_data(dsn, COUNTY)
    assert maps.sub_region_map(county, "poverty_incidence", "RdYlGn_r") is None  # townships
