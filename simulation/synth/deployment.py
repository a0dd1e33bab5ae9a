"""The state of one synthetic deployment: period, population, every feed's records, ground truth.

Records are dicts keyed by the department's column names (see columns.py); keys starting with
``_`` are the generator's own (dates that decide which delivery carries the row, marks).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from simulation.synth import divisions
from simulation.synth.divisions import County
from simulation.synth.population import Household, Person, PopulationBuilder, build_county, rng_for
from simulation.synth.writers import MARKS

# Thresholds the planted cases rely on (policy.md defaults; the check year's monitoring threshold
# is an assumption the project configures for tests). Written to the ground truth.
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952, 2020: 4000, 2021: 4000}
ASSUMED_MONITORING_THRESHOLD = 7000
M01_2021_THRESHOLD = 6000


def parse_month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of the first month
    end: dt.date  # last day of the last month
    as_of: dt.date  # the check date the planted cases are right for

    @classmethod
    def of(cls, start: str, end: str, as_of: str | dt.date | None) -> Period:
        first = dt.date(*parse_month(start), 1)
        last = month_end(*parse_month(end))
        if last < first:
            raise ValueError(f"end {end} is before start {start}")
        if as_of is None:
            check = last
        elif isinstance(as_of, dt.date):
            check = as_of
        else:
            check = dt.date.fromisoformat(as_of)
        if not first + dt.timedelta(days=20) <= check <= last:
            raise ValueError(
                f"as_of {check} must lie in the generated range, at least 20 days after its start"
            )
        return cls(first, last, check)

    @property
    def months(self) -> list[tuple[int, int]]:
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    @property
    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(count)]

    @property
    def complete_end(self) -> dt.date:
        """The last day whose deliveries are all complete (the range's last day has one without
        `.ok`); planted events happen on or before it and on or before the check date."""
        return min(self.as_of, self.end - dt.timedelta(days=1))


@dataclass
class GroundTruth:
    cases: list[dict] = field(default_factory=list)
    quirks: dict[str, list] = field(
        default_factory=lambda: {
            name: []
            for name in (
                "title_row",
                "thousands_separator",
                "trailing_blank_rows",
                "legacy_15_digit",
                "lowercase_x",
                "repeated_person_in_delta",
                "v2_correction",
                "missing_ok",
                "resend",
                "reversal",
                "schema_drift",
            )
        }
    )

    def case(
        self,
        rule: str,
        expect: str,
        household: Household | None = None,
        person: Person | None = None,
        note: str = "",
        **extra: object,
    ) -> dict:
        case: dict = {
            "rule": rule,
            "expect": expect,
            "household_id": household.registry.household_id
            if household is not None and household.registry is not None
            else None,
            "id_number": person.id_number if person is not None else None,
            "note": note,
        }
        if household is not None and household.registry is None:
            # Not registered: the hukou household, as the warehouse identifies it (policy.md).
            case["hukou_household_no"] = household.hukou_no
            case["village_code"] = household.village
        case.update(extra)
        self.cases.append(case)
        return case

    def quirk(self, name: str, **details: object) -> dict:
        entry = dict(details)
        self.quirks[name].append(entry)
        return entry


def add_mark(row: dict, mark: dict) -> dict:
    row.setdefault(MARKS, []).append(mark)
    return row


@dataclass
class Deployment:
    province: str
    counties: list[County]
    seed: int
    period: Period
    households_per_county: int
    drift: bool = False
    builders: dict[str, PopulationBuilder] = field(default_factory=dict)
    truth: GroundTruth = field(default_factory=GroundTruth)
    # Records per feed (rows keyed by the department's columns).
    payroll: list[dict] = field(default_factory=list)  # staff, with _start/_stop dates
    payroll_extra_changes: dict[tuple[int, int], list[dict]] = field(default_factory=dict)
    payroll_full_extra: dict[int, list[dict]] = field(default_factory=dict)
    vehicles: list[dict] = field(default_factory=list)
    businesses: list[dict] = field(default_factory=list)
    dibao: list[dict] = field(default_factory=list)
    medical: dict[tuple[int, int], list[dict]] = field(default_factory=dict)
    enrolment_overrides: dict[str, str] = field(default_factory=dict)  # id -> none/辍学
    enrolment_extra: list[dict] = field(default_factory=list)  # in the last snapshot
    admissions: dict[int, list[dict]] = field(default_factory=dict)
    renshe: list[dict] = field(default_factory=list)  # monthly records, with _months
    properties: list[dict] = field(default_factory=list)  # with _date
    renovations: list[dict] = field(default_factory=list)  # with _date
    certificates: list[dict] = field(default_factory=list)  # with _issued
    relocations: list[dict] = field(default_factory=list)
    cadre_assignments: list[dict] = field(default_factory=list)  # with _start/_end
    enterprise_aid: dict[tuple[int, int], list[dict]] = field(default_factory=dict)
    extra_rows: dict[str, list[dict]] = field(default_factory=dict)  # file kind -> bad rows
    # Number allocators shared by planted cases and background (set by the generator).
    plates: object = None
    settlement_ids: object = None
    property_certificates: object = None
    other_ids: dict[str, object] = field(default_factory=dict)  # newcomers' counties
    used_ids: dict = field(default_factory=dict)  # (prefix, birth date, sex) -> count

    @classmethod
    def create(
        cls,
        province: str,
        county_codes: list[str],
        seed: int,
        period: Period,
        households_per_county: int,
        drift: bool,
    ) -> Deployment:
        counties = [divisions.county(province, code) for code in county_codes]
        deployment = cls(province, counties, seed, period, households_per_county, drift)
        for county in counties:
            deployment.builders[county.code] = build_county(
                county, seed, period.as_of, households_per_county, deployment.used_ids
            )
        return deployment

    def rng(self, *purpose: object):
        return rng_for(self.seed, *purpose)

    @property
    def households(self) -> list[Household]:
        return [h for builder in self.builders.values() for h in builder.households]

    def persons(self) -> list[Person]:
        return [p for h in self.households for p in h.members]

    def registered(self) -> list[Household]:
        return [h for h in self.households if h.registry is not None]
