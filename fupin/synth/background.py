"""Background records of every feed, drawn from the population and kept clear of every rule.

Only "free" persons (not in a registered or planted household) get records that could fire a
rule (payroll, vehicles, property, businesses, deaths, admissions); registered households get
only rule-neutral records (insurance as residents, school places, small medical bills, the
allowances their attribute implies).
"""

from __future__ import annotations

import datetime as dt

from fupin.synth import vocabulary as vocab
from fupin.synth.deployment import Deployment
from fupin.synth.population import Household, HukouEvent, Person, birth_for_age


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
                    household = rng.choice(free_households)
                    head_age = household.head.age(period.as_of)
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
                    continue
                if kind == "move_in":
                    household = builder.household()
                    age = rng.randint(20, 45)
                    sex = rng.choice("12")
                    newcomer = builder.person(household, "户主", age, sex)
                    others = [c for c in deployment_county_codes(deployment) if c != county.code]
                    if others:
                        # Born elsewhere: the ID number keeps the county of first registration.
                        newcomer.id_number = builder_ids_for(
                            deployment, rng.choice(others)
                        ).allocate(newcomer.birth, sex)
                    newcomer.added_on = day
                    newcomer.disability = None
                    add_event(newcomer, day, "新增", change_date=day - dt.timedelta(days=1))
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
    from fupin.synth.divisions import province_counties

    return list(province_counties(deployment.province))


_OTHER_COUNTY_IDS: dict[str, object] = {}


def builder_ids_for(deployment: Deployment, county_code: str):
    """ID allocators for people first registered in another county of the province."""
    from fupin.synth.population import IdNumbers

    key = f"{deployment.seed}:{county_code}"
    if key not in _OTHER_COUNTY_IDS:
        _OTHER_COUNTY_IDS[key] = IdNumbers(county_code)
    return _OTHER_COUNTY_IDS[key]


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


def lower_x(id_number: str) -> str:
    return id_number[:-1] + "x" if id_number.endswith("X") else id_number


def birth_for(rng, age: int, as_of: dt.date) -> dt.date:
    return birth_for_age(rng, age, as_of)
