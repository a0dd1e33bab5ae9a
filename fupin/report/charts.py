"""The report's charts (plotly figures, drawn by plotly.js inlined in the page)."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from fupin.report.data import ReportData, parent_code

HEIGHT = 340
LAYOUT = {
    "height": HEIGHT,
    "margin": {"l": 50, "r": 20, "t": 40, "b": 60},
    "font": {"family": "Noto Sans CJK SC, Noto Serif CJK SC, sans-serif", "size": 12},
    "paper_bgcolor": "white",
}
# Figures a treemap may be coloured by (rates of region_stats)
COLOUR_METRICS = (
    "poverty_incidence",
    "above_line_rate",
    "identification_accuracy",
    "poverty_index_mean",
    "income_per_capita_mean",
)


def colorscale(colour_by: str) -> str:
    """Red is bad: a high incidence, a low rate or mean."""
    return "RdYlGn_r" if colour_by == "poverty_incidence" else "RdYlGn"


def _numbers(values) -> list[float]:
    return [float(value) for value in values]


def _bar(title: str, labels: list[str], values: list[Decimal]) -> go.Figure:
    figure = go.Figure(go.Bar(x=labels, y=_numbers(values), name=title))
    figure.update_layout(title=title, **LAYOUT)
    return figure


def sub_region_rates(data: ReportData) -> go.Figure:
    """贫困发生率 and 达标率 of each sub-region."""
    children = data.children.get(data.region, [])
    names = [data.name(code) for code in children]
    figure = go.Figure()
    for metric, label in (("poverty_incidence", "贫困发生率"), ("above_line_rate", "达标率")):
        values = [data.value(code, metric) for code in children]
        figure.add_trace(go.Bar(x=names, y=_numbers(values), name=label))
    figure.update_layout(
        title="下级区域 贫困发生率与达标率", barmode="group", yaxis_tickformat=".0%", **LAYOUT
    )
    return figure


def causes(data: ReportData) -> go.Figure:
    found = data.breakdown(data.region, "households", "main_cause")
    return _bar("主要致贫原因 (户)", list(found), list(found.values()))


def alerts_by_rule(data: ReportData) -> go.Figure:
    found = data.breakdown(data.region, "open_alerts", "rule")
    return _bar("核查预警 (按规则, 未关闭)", list(found), list(found.values()))


def monitoring_by_month(data: ReportData) -> go.Figure:
    found = data.breakdown(data.region, "monitoring_objects", "month")
    figure = _bar("监测对象 (按纳入月份)", list(found), list(found.values()))
    figure.update_xaxes(type="category")  # months as labels, not a date axis
    return figure


def index_bands(data: ReportData) -> go.Figure:
    found = data.breakdown(data.region, "poverty_index_households", "band")
    figure = go.Figure(go.Pie(labels=list(found), values=_numbers(found.values()), sort=False))
    figure.update_layout(title="脱贫指数分档 (户)", **LAYOUT)
    return figure


def data_quality(data: ReportData, departments: dict[str, str]) -> go.Figure:
    """Rejected rows (fixed and still open) by department, for the whole province."""
    province = data.region[:2]
    figure = go.Figure()
    for metric, label in (("dq_rows_fixed", "已更正"), ("dq_rows_open", "待更正")):
        found = data.breakdown(province, metric, "feed")
        labels = [departments.get(feed, feed) for feed in found]
        figure.add_trace(go.Bar(x=labels, y=_numbers(found.values()), name=label))
    figure.update_layout(title="数据质量 (按部门, 全省, 拒收行)", barmode="stack", **LAYOUT)
    return figure


def region_treemap(data: ReportData, colour_by: str) -> go.Figure:
    """Every region below the chosen one, sized by households, coloured by ``colour_by``;
    clicking a region zooms into it (the drill-down down to villages)."""
    codes = [data.region, *data.descendants(data.region)]
    parents = ["" if code == data.region else parent_code(code) for code in codes]
    figure = go.Figure(
        go.Treemap(
            ids=codes,
            labels=[data.name(code) for code in codes],
            parents=parents,
            values=_numbers(data.value(code, "households") for code in codes),
            branchvalues="total",
            marker={
                "colors": _numbers(data.value(code, colour_by) for code in codes),
                "colorscale": colorscale(colour_by),
                "showscale": True,
            },
            maxdepth=3,
        )
    )
    figure.update_layout(title=f"区域树图 (面积: 户数, 颜色: {colour_by})", **LAYOUT)
    figure.update_layout(height=480)
    return figure
