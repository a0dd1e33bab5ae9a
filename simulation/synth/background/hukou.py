"""公安 hukou: legacy numbers and the monthly hukou events (births, deaths, moves)."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Deployment
from simulation.synth.divisions import province_counties
from simulation.synth.population import Household, HukouEvent, IdNumbers, Person


def current_state(person: Person) -> tuple[str, str]:
    """The person's hukou name and village after the events recorded so far."""
    for event in reversed(person.hukou_events):
        if event.change_type != "注销":
            return event.name or person.name, event.village or person.household.village
    return person.name, person.household.village


def add_event(
    person: Person,
    file_date: dt.date,
    change_type: str,
    *,
    change_date: dt.date | None = None,
    reason: str = "",
    name: str | None = None,
    village: str | None = None,
) -> HukouEvent:
    current_name, current_village = current_state(person)
    event = HukouEvent(
        person=person,
        file_date=file_date,
        change_date=change_date or file_date,
        change_type=change_type,
        reason=reason,
        name=name or current_name,
        village=village or current_village,
    )
    person.hukou_events.append(event)
    return event


def legacy_numbers(deployment: Deployment) -> None:
    """Some people born before 2000 are still held under their 15-digit number in hukou."""
    for county in deployment.counties:
        rng = deployment.rng(county.code, "legacy")
        for household in deployment.builders[county.code].households:
            for person in household.members:
                if person.birth.year < 2000 and not person.reserved and rng.random() < 0.05:
                    person.hukou_legacy_15 = True


def hukou_events(deployment: Deployment) -> None:
    """Daily changes of free people: births, deaths, moves out and in, corrections."""
    period = deployment.period
    for county in deployment.counties:
        builder = deployment.builders[county.code]
        rng = deployment.rng(county.code, "hukou-events")
        free = [p for h in builder.households for p in h.members if p.is_free]
        free_households = [h for h in builder.households if not h.registry and not h.planted]
        per_day = max(1, len(free) // 1500)
        cancelled: set[str] = set()
        repeated_planted = False
        for day in period.days:
            for _ in range(rng.randint(per_day, per_day * 3)):
                kind = rng.choices(
                    ("birth", "death", "move_out", "move_in", "rename", "move"),
                    (22, 18, 14, 10, 16, 20),
                )[0]
                if kind == "birth":
                    _birth(builder, rng, rng.choice(free_households), day, period.as_of)
                    continue
                if kind == "move_in":
                    _move_in(deployment, builder, rng, county.code, day)
                    continue
                person = rng.choice(free)
                if person.id_number in cancelled or person.added_on:
                    continue
                age = person.age(period.as_of)
                if kind == "death" and age >= 68:
                    add_event(
                        person,
                        day,
                        "注销",
                        change_date=day - dt.timedelta(days=rng.randint(0, 6)),
                        reason="死亡",
                    )
                    cancelled.add(person.id_number)
                elif kind == "move_out" and 18 <= age <= 50:
                    reason = rng.choices(("迁出", "服兵役", "出国定居", "其他"), (85, 8, 3, 4))[0]
                    add_event(person, day, "注销", reason=reason)
                    cancelled.add(person.id_number)
                elif kind == "rename":
                    new_name = person.name[0] + rng.choice(
                        vocab.MALE_GIVEN if person.sex == "1" else vocab.FEMALE_GIVEN
                    )
                    add_event(person, day, "变更", name=new_name)
                    if not repeated_planted and rng.random() < 0.5:
                        # Corrected again the same day: the later line wins (same 变动日期).
                        add_event(person, day, "变更", name=person.name)
                        repeated_planted = True
                elif kind == "move":
                    village = rng.choice(builder.villages)
                    for member in person.household.members:
                        if member.id_number not in cancelled and not member.added_on:
                            add_event(member, day, "变更", village=village)


def deployment_county_codes(deployment: Deployment) -> list[str]:
    return list(province_counties(deployment.province))


def builder_ids_for(deployment: Deployment, county_code: str):
    """ID allocators for people first registered in another county of the province."""
    if county_code in deployment.builders:
        return deployment.builders[county_code].ids
    if county_code not in deployment.other_ids:
        deployment.other_ids[county_code] = IdNumbers(
            county_code, deployment.province, deployment.used_ids
        )
    return deployment.other_ids[county_code]


def _birth(builder, rng, household: Household, day: dt.date, as_of: dt.date) -> None:
    """A baby of a free household, registered on ``day`` (born up to 25 days before)."""
    head_age = household.head.age(as_of)
    sex = rng.choice("12")
    relation = ("子" if sex == "1" else "女") if head_age < 45 else "孙子女"
    birth = day - dt.timedelta(days=rng.randint(0, 25))
    baby = builder.person(household, relation, 0, sex, household.head.name[0])
    baby.birth = birth
    baby.id_number = builder.ids.allocate(birth, sex)
    baby.added_on = day
    baby.schooling, baby.labour, baby.health = "非在校生", "无劳动力", "健康"
    baby.disability = None
    add_event(baby, day, "新增", change_date=birth)


def _move_in(deployment: Deployment, builder, rng, county_code: str, day: dt.date) -> None:
    """A newcomer in a household of their own, registered on ``day``."""
    household = builder.household()
    age = rng.randint(20, 45)
    sex = rng.choice("12")
    newcomer = builder.person(household, "户主", age, sex)
    others = [c for c in deployment_county_codes(deployment) if c != county_code]
    if others:
        # Born elsewhere: the ID number keeps the county of first registration.
        newcomer.id_number = builder_ids_for(deployment, rng.choice(others)).allocate(
            newcomer.birth, sex
        )
    newcomer.added_on = day
    newcomer.disability = None
    add_event(newcomer, day, "新增", change_date=day - dt.timedelta(days=1))
