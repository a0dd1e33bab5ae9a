"""The real administrative divisions (../shared/reference/admin-divisions) the generator uses."""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_CANDIDATES = (
    PROJECT_ROOT.parent / "shared" / "reference" / "admin-divisions",
    PROJECT_ROOT / "reference" / "admin-divisions",
)


@dataclass(frozen=True)
class Township:
    code: str  # 9 digits
    name: str


@dataclass(frozen=True)
class County:
    code: str  # 6 digits
    name: str
    city_code: str
    townships: tuple[Township, ...]


def divisions_dir() -> Path:
    """The reference folder: $FUPIN_ADMIN_DIVISIONS, else the shared reference beside the repo."""
    if override := os.environ.get("FUPIN_ADMIN_DIVISIONS"):
        return Path(override)
    for candidate in _CANDIDATES:
        if (candidate / "areas.csv").exists():
            return candidate
    raise FileNotFoundError(
        "admin-divisions reference not found; set FUPIN_ADMIN_DIVISIONS to the folder "
        "holding areas.csv and streets.csv"
    )


def _read(name: str) -> list[dict[str, str]]:
    with open(divisions_dir() / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def province_counties(province: str) -> dict[str, County]:
    """Every county of a province with its townships, in code order."""
    townships: dict[str, list[Township]] = {}
    for row in _read("streets.csv"):
        if row["provinceCode"] == province:
            townships.setdefault(row["areaCode"], []).append(Township(row["code"], row["name"]))
    counties = {}
    for row in sorted(_read("areas.csv"), key=lambda r: r["code"]):
        if row["provinceCode"] == province and townships.get(row["code"]):
            counties[row["code"]] = County(
                code=row["code"],
                name=row["name"],
                city_code=row["cityCode"],
                townships=tuple(sorted(townships[row["code"]], key=lambda t: t.code)),
            )
    if not counties:
        raise ValueError(f"province {province!r} has no counties in the reference data")
    return counties


def county(province: str, code: str) -> County:
    counties = province_counties(province)
    if code not in counties:
        raise ValueError(f"county {code!r} is not a county of province {province} with townships")
    return counties[code]


@functools.cache
def province_name(province: str) -> str:
    for row in _read("provinces.csv"):
        if row["code"] == province:
            return row["name"]
    raise ValueError(f"unknown province {province!r}")


@functools.cache
def _historic_codes(province: str) -> tuple[tuple[str, str, int | None, int | None], ...]:
    """(code, name, first year, last year) of every county code the ID check knows.

    ID numbers keep the county code of first registration: someone registered before a
    county got its current code carries the older one (修文县 was 522524 until 1995).
    python-stdnum's table, which ``fupin.ids`` validates against, has these periods.
    """
    from stdnum import numdb

    codes = []
    for _, low, _high, _props, children in numdb.get("cn/loc").prefixes:
        if low != province:
            continue
        for _, suffix, _high2, props, _ in children:
            for entry in props.get("county", "").split(","):
                first = last = None
                name = entry
                if entry.startswith("["):
                    period, name = entry[1:].split("]", 1)
                    start, end = period.split("-")
                    first = int(start) if start else None
                    last = int(end) if end else None
                codes.append((province + suffix, name, first, last))
    return tuple(codes)


@functools.cache
def _year_plan(province: str, year: int) -> dict[str, tuple[str, int, int]]:
    """County -> (address code, share index, sharers) for people born in ``year``.

    A county uses its own code when the check table says it existed that year, else an
    older code of the same name (修文县: 522524 until 1995), else a code of that year that no
    other county uses, preferring its own prefecture. Only when the year has fewer codes than
    counties do two counties share one; scale mode then splits the sequence numbers.
    """

    def valid(first: int | None, last: int | None) -> bool:
        return (first is None or year >= first) and (last is None or year <= last)

    codes = [c for c in _historic_codes(province) if valid(c[2], c[3]) and c[0][4:] != "00"]
    available = sorted({c[0] for c in codes})
    counties = province_counties(province)
    plan: dict[str, str] = {}
    for code in counties:
        if code in available:
            plan[code] = code
    taken = set(plan.values())
    for code, county in counties.items():
        if code in plan:
            continue
        same_name = [c[0] for c in codes if c[1] == county.name and c[0] not in taken]
        if same_name:
            plan[code] = same_name[0]
            taken.add(same_name[0])
    for code in counties:
        if code in plan:
            continue
        free = [c for c in available if c not in taken]
        if free:
            choice = next((c for c in free if c[:4] == code[:4]), free[0])
        else:
            uses = {c: list(plan.values()).count(c) for c in available}
            choice = min(available, key=lambda c: (uses[c], c[:4] != code[:4], c))
        plan[code] = choice
        taken.add(choice)
    sharers: dict[str, list[str]] = {}
    for code in sorted(plan):
        sharers.setdefault(plan[code], []).append(code)
    return {
        code: (prefix, sharers[prefix].index(code), len(sharers[prefix]))
        for code, prefix in plan.items()
    }


def id_prefix_plan(province: str, county_code: str, birth_year: int) -> tuple[str, int, int]:
    """(address code, share index, number of counties sharing it) for a county and year."""
    plan = _year_plan(province, birth_year)
    return plan.get(county_code, (county_code, 0, 1))


def id_prefix(province: str, county_code: str, county_name: str, birth_year: int) -> str:
    """The 6-digit address code a person of this county born in ``birth_year`` carries."""
    return id_prefix_plan(province, county_code, birth_year)[0]
