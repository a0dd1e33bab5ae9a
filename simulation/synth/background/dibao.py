"""民政 dibao: subsistence allowances of registered and free households."""

from __future__ import annotations

import datetime as dt

from simulation.synth.background.common import hash_seconds, iso_time, random_day
from simulation.synth.deployment import Deployment
from simulation.synth.population import Person


def dibao_row(
    person: Person,
    assistance_type: str,
    monthly_cents: int,
    start: dt.date,
    end: dt.date | None = None,
    updated: str | None = None,
) -> dict:
    return {
        "recipient_id": None,  # numbered when written
        "id_number": person.id_number,
        "name": person.name,
        "head_id_number": person.household.head.id_number,
        "region_code": person.household.village,
        "assistance_type": assistance_type,
        "monthly_amount": f"{monthly_cents // 100}.{monthly_cents % 100:02d}",
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else None,
        "status": "停保" if end else "在保",
        "updated_at": updated or iso_time(end or start, 9 * 3600 + hash_seconds(person.id_number)),
    }


def dibao(deployment: Deployment) -> None:
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "dibao")
        for household in deployment.builders[county.code].households:
            if household.planted:
                continue  # planted cases set their own civil-affairs rows
            registry = household.registry
            if registry is not None:
                start = dt.date(rng.randint(2015, 2022), rng.randint(1, 12), 1)
                if registry.attribute == "低保贫困户":
                    for person in household.members[:2]:
                        cents = rng.randint(300, 620) * 100
                        deployment.dibao.append(dibao_row(person, "低保", cents, start))
                elif registry.attribute == "特困供养贫困户":
                    cents = rng.randint(780, 1050) * 100
                    deployment.dibao.append(dibao_row(household.head, "特困", cents, start))
                continue
            if household.planted:
                continue
            draw = rng.random()
            if draw < 0.03:
                start = dt.date(rng.randint(2016, 2025), rng.randint(1, 12), 1)
                cents = rng.randint(300, 620) * 100
                end = None
                if rng.random() < 0.3:
                    end = random_day(rng, period.start, period.complete_end)
                deployment.dibao.append(dibao_row(household.head, "低保", cents, start, end))
            elif draw < 0.05:
                day = random_day(rng, dt.date(2024, 1, 1), period.complete_end)
                cents = rng.randint(5, 30) * 10000
                deployment.dibao.append(dibao_row(household.head, "临时救助", cents, day, day))
