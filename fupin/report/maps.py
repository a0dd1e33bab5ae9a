"""A map of the report's sub-regions coloured by a chosen figure, where a package ships their
boundaries offline: cnmaps (with its data package) has every city and county of China, not the
townships or villages, so a province's or a city's report gets a map and a county's does not
(its treemap stands in). Regions are matched to the boundaries by name (reference/admin-divisions
names, as in region_stats)."""

from __future__ import annotations

from collections.abc import Iterator

import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from fupin.report.charts import LAYOUT
from fupin.report.data import ReportData

# the report's level -> (cnmaps' level of its sub-regions, the record's key holding their name)
SUB_LEVELS = {2: ("市", "city"), 4: ("区县", "district")}


def boundaries(data: ReportData) -> list[tuple[str | None, str, object]]:
    """(sub-region code or None when the warehouse has no figures for it, name, its
    (multi)polygon) of every sub-region; empty where no package ships the boundaries."""
    if len(data.region) not in SUB_LEVELS:
        return []
    try:
        from cnmaps import get_adm_maps
    except ImportError:  # the map is an extra: the treemap is always there
        return []
    level, key = SUB_LEVELS[len(data.region)]
    scope = {"province" if len(data.region) == 2 else "city": data.name(data.region)}
    records = get_adm_maps(**scope, level=level, record="all")
    by_name = {data.name(code): code for code in data.children.get(data.region, [])}
    return [(by_name.get(r[key]), r[key], r["geometry"]) for r in records if r.get(key)]


def _rings(geometry) -> Iterator[tuple[list[float], list[float]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        x, y = polygon.exterior.coords.xy
        yield list(x), list(y)


def sub_region_map(data: ReportData, colour_by: str, colorscale: str) -> go.Figure | None:
    """Filled outlines of the sub-regions, coloured by ``colour_by``; None without boundaries."""
    shapes = boundaries(data)
    if not shapes:
        return None
    values = {code: data.value(code, colour_by) for code, *_ in shapes if code}
    values = {code: value for code, value in values.items() if data.has(code, colour_by)}
    known = [float(v) for v in values.values()]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    figure = go.Figure()
    for code, name, geometry in sorted(shapes, key=lambda shape: shape[1]):
        value = values.get(code)
        share = 0.5 if value is None or high == low else (float(value) - low) / (high - low)
        colour = "#dddddd" if value is None else sample_colorscale(colorscale, share)[0]
        label = f"{name}: {'—' if value is None else value}"
        for x, y in _rings(geometry):
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    fill="toself",
                    fillcolor=colour,
                    line={"color": "white", "width": 1},
                    mode="lines",
                    name=code or name,
                    showlegend=False,
                    hoverinfo="text",
                    text=label,
                    meta=[code, None if value is None else float(value)],
                )
            )
    figure.add_trace(  # the colour bar
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            marker={
                "colorscale": colorscale,
                "cmin": low,
                "cmax": high,
                "showscale": True,
                "color": [low],
            },
        )
    )
    figure.update_layout(title=f"分区地图 (颜色: {colour_by})", **LAYOUT)
    figure.update_layout(height=480)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    return figure
