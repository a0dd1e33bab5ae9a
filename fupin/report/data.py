"""The report's figures, read from marts.region_stats only (aggregates: no personal data).

:class:`ReportData` holds every row of the chosen region and of every region below it (and the
province's data-quality rows), keyed as the table is: (region, metric, dimension, value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from fupin import warehouse

LEVELS = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}
CODE_LENGTHS = tuple(LEVELS)


class ReportError(ValueError):
    """The report cannot be made (unknown region, warehouse built as of another date)."""


@dataclass
class ReportData:
    region: str
    as_of: dt.date
    values: dict[tuple[str, str, str, str], Decimal]
    names: dict[str, str]
    children: dict[str, list[str]] = field(default_factory=dict)

    def value(self, region: str, metric: str, dimension: str = "total", item: str = "") -> Decimal:
        return self.values.get((region, metric, dimension, item), Decimal(0))

    def has(self, region: str, metric: str, dimension: str = "total", item: str = "") -> bool:
        return (region, metric, dimension, item) in self.values

    def breakdown(self, region: str, metric: str, dimension: str) -> dict[str, Decimal]:
        """dimension value -> value of one metric of one region, in dimension-value order."""
        found = {
            item: value
            for (code, name, dim, item), value in self.values.items()
            if code == region and name == metric and dim == dimension
        }
        return dict(sorted(found.items()))

    def name(self, region: str) -> str:
        return self.names.get(region) or f"村 {region[-3:]}"  # villages are not in the reference

    def descendants(self, region: str) -> list[str]:
        """Every region below ``region``, parents before children."""
        found = []
        for child in self.children.get(region, []):
            found += [child, *self.descendants(child)]
        return found


def parent_code(code: str) -> str | None:
    index = CODE_LENGTHS.index(len(code))
    return code[: CODE_LENGTHS[index - 1]] if index else None


def load_report_data(dsn: str, region: str, as_of: dt.date | None = None) -> ReportData:
    if len(region) not in LEVELS or not region.isdigit():
        raise ReportError(f"region {region!r}: expected a 2-, 4-, 6-, 9- or 12-digit region code")
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        # the latest build, or the history of every check date built
        table, dated = (
            ("region_stats", "") if as_of is None else ("region_stats_history", " and as_of = %s")
        )
        cur.execute(
            "select region_code, region_name, metric, dimension, dimension_value, value, as_of"
            f" from marts.{table} where (region_code like %s or region_code = %s){dated}",
            (region + "%", region[:2], *([as_of] if as_of else [])),
        )
        rows = cur.fetchall()
    built = {row[6] for row in rows}
    if as_of is not None and not rows:
        raise ReportError(
            f"the warehouse has no region statistics as of {as_of}: "
            f"build it as of {as_of} first (fupin cycle --as-of {as_of})"
        )
    if not any(row[0] == region for row in rows):
        raise ReportError(f"region {region}: no statistics in marts.{table}")
    data = ReportData(
        region=region,
        as_of=next(iter(built)),
        values={tuple(row[:1] + row[2:5]): row[5] for row in rows},
        names={row[0]: row[1] for row in rows if row[1]},
    )
    codes = sorted({row[0] for row in rows if row[0].startswith(region)})
    for code in codes:
        if code != region and (parent := parent_code(code)) is not None:
            data.children.setdefault(parent, []).append(code)
    return data
