"""Helpers the departments' background records share: dates, times, free adults, regions."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Deployment, month_end
from simulation.synth.divisions import province_counties
from simulation.synth.population import Person, yuan


def lower_x(id_number: str) -> str:
    return id_number[:-1] + "x" if id_number.endswith("X") else id_number


def iso_time(day: dt.date, seconds: int) -> str:
    """ISO-8601 with the +08:00 offset the departments' systems use."""
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def random_day(rng, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(max((last - first).days, 0) + 1))


def present(person: Person, day: dt.date) -> bool:
    """In the population on ``day``: registered in hukou by then and not cancelled."""
    if person.added_on and person.added_on > day:
        return False
    return person.cancelled_by(day) is None


def free_adults(deployment: Deployment, county_code: str, low: int, high: int) -> list[Person]:
    as_of = deployment.period.as_of
    return [
        p
        for h in deployment.builders[county_code].households
        for p in h.members
        if p.is_free and not p.added_on and not p.hukou_events and low <= p.age(as_of) <= high
    ]


def mobile(rng) -> str:
    return rng.choice(("13", "15", "18", "17")) + "".join(
        rng.choice("0123456789") for _ in range(9)
    )


def other_county(deployment: Deployment, rng, county_code: str) -> str:
    codes = [c for c in province_counties(deployment.province) if c != county_code]
    return rng.choice(codes) if codes else county_code


def work_region(deployment: Deployment, rng, person: Person) -> str:
    county_code = person.household.county.code
    if person.work_place in ("乡镇内", "乡镇外县内"):
        return county_code
    if person.work_place == "县外省内":
        return other_county(deployment, rng, county_code)
    if person.work_place == "省外":
        return rng.choice(vocab.OUTSIDE_COUNTIES)
    return ""


def hash_seconds(text: str) -> int:
    """A stable pseudo-random second of the working day for a key (no Python hash())."""
    return sum(ord(c) * (i + 7) for i, c in enumerate(text)) % (8 * 3600)


yuan_text = yuan
month_end_of = month_end


def weekly_dates(deployment: Deployment) -> list[dt.date]:
    """Weekly deliveries on Mondays in range (the range's first day if it has no Monday)."""
    period = deployment.period
    days = [d for d in period.days if d.weekday() == 0 and d <= period.complete_end]
    return days or [period.start]
