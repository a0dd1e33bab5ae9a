"""财政 payroll: free adults on the public payroll, full lists by year."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Deployment
from simulation.synth.population import Household, Person


def payroll_unit(deployment: Deployment, rng, household: Household) -> tuple[str, str]:
    template, nature = rng.choice(vocab.PAYROLL_UNITS)
    township = deployment.builders[household.county.code].township_of(household.village)
    return template.format(county=household.county.name, township=township.name), nature


def payroll_entry(
    person: Person,
    unit: tuple[str, str],
    category: str,
    start: dt.date,
    stop: dt.date | None = None,
    id_text: str | None = None,
) -> dict:
    return {
        "证件号码": id_text or person.id_number,
        "姓名": person.name,
        "单位名称": unit[0],
        "单位性质": unit[1],
        "人员类别": category,
        "_start": start,
        "_stop": stop,
        "_person": person,
    }


def payroll(deployment: Deployment) -> None:
    """State-salaried staff among free people; each month a few hires and stops."""
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "payroll")
        builder = deployment.builders[county.code]
        candidates = [
            p
            for h in builder.households
            for p in h.members
            if p.is_free
            and not p.added_on
            and not p.hukou_events
            and 22 <= p.age(period.as_of) <= 75
        ]
        staff = []
        for person in candidates:
            age = person.age(period.as_of)
            if age < 60 and rng.random() < 0.04:
                start = dt.date(period.as_of.year - rng.randint(1, age - 21), rng.randint(1, 12), 1)
                entry = payroll_entry(
                    person, payroll_unit(deployment, rng, person.household), "在职", start
                )
            elif age >= 60 and rng.random() < 0.025:
                start = dt.date(period.as_of.year - rng.randint(25, 40), 9, 1)
                entry = payroll_entry(
                    person, payroll_unit(deployment, rng, person.household), "退休", start
                )
            else:
                continue
            staff.append(entry)
        on_payroll = {e["_person"].id_number for e in staff}
        hires = [
            p for p in candidates if p.id_number not in on_payroll and p.age(period.as_of) < 35
        ]
        rng.shuffle(hires)
        for year, month in period.months:
            for _ in range(rng.randint(1, 2)):
                if hires:
                    person = hires.pop()
                    day = dt.date(year, month, rng.randint(1, 28))
                    unit = payroll_unit(deployment, rng, person.household)
                    staff.append(payroll_entry(person, unit, "在职", day))
            working = [e for e in staff if e["人员类别"] == "在职" and e["_stop"] is None]
            if working and rng.random() < 0.6:
                rng.choice(working)["_stop"] = dt.date(year, month, rng.randint(1, 28))
        deployment.payroll.extend(staff)
