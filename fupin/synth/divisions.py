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
