"""Background records of every feed, drawn from the population and kept clear of every rule.

Only "free" persons (not in a registered or planted household) get records that could fire a
rule (payroll, vehicles, property, businesses, deaths, admissions); registered households get
only rule-neutral records (insurance as residents, school places, small medical bills, the
allowances their attribute implies).
"""

from __future__ import annotations

import datetime as dt

from fupin.uscc import check_character as uscc_check_char
from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Deployment, add_mark, month_end
from simulation.synth.divisions import province_counties
from simulation.synth.population import Household, HukouEvent, IdNumbers, Person, yuan


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


# --- shared helpers ------------------------------------------------------------------------
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


# --- vehicle -------------------------------------------------------------------------------
class Plates:
    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.used: set[str] = set()
        cities = sorted({c.city_code for c in province_counties(deployment.province).values()})
        self.letters = {city: vocab.PLATE_LETTERS[i % 9] for i, city in enumerate(cities)}
        self.province = vocab.PLATE_PROVINCE.get(deployment.province, "贵")

    def new(self, rng, person: Person) -> str:
        letter = self.letters.get(person.household.county.city_code, "A")
        while True:
            tail = "".join(rng.choice(vocab.PLATE_CHARACTERS[-10:]) for _ in range(4))
            plate = f"{self.province}{letter}{rng.choice(vocab.PLATE_CHARACTERS)}{tail}"
            if plate not in self.used:
                self.used.add(plate)
                return plate


def vehicle_item(
    plate: str,
    person: Person,
    vehicle_type: str,
    usage: str,
    register_date: dt.date,
    price: int | None,
    status: str = "正常",
    updated_at: str | None = None,
) -> dict:
    return {
        "plate_no": plate,
        "owner_id_number": person.id_number,
        "owner_name": person.name,
        "vehicle_type": vehicle_type,
        "usage": usage,
        "register_date": register_date.isoformat(),
        "purchase_price": price,
        "status": status,
        "updated_at": updated_at or iso_time(register_date, 9 * 3600 + hash_seconds(plate)),
    }


def hash_seconds(text: str) -> int:
    """A stable pseudo-random second of the working day for a key (no Python hash())."""
    return sum(ord(c) * (i + 7) for i, c in enumerate(text)) % (8 * 3600)


def vehicles(deployment: Deployment, plates: Plates) -> None:
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "vehicle")
        # Nightly batch loads: several records share one updated_at.
        batch_times = [
            iso_time(random_day(rng, period.start, period.complete_end), 2 * 3600) for _ in range(3)
        ]
        for person in free_adults(deployment, county.code, 20, 70):
            if rng.random() > 0.14:
                continue
            kind = rng.random()
            if kind < 0.65:
                vehicle_type, usage = rng.choice(vocab.VEHICLE_TYPES_COUNTED), "非营运"
                price = rng.randint(45, 260) * 1000
                usage = "营运" if rng.random() < 0.08 else usage
            elif kind < 0.85:
                vehicle_type, usage, price = "摩托车", "非营运", rng.randint(3, 12) * 1000
            else:
                vehicle_type = rng.choice(("三轮汽车", "拖拉机", "轻型货车"))
                usage, price = "农用", rng.randint(8, 60) * 1000
            if rng.random() < 0.05:
                price = None
            register_date = random_day(rng, dt.date(2008, 1, 1), period.start)
            plate = plates.new(rng, person)
            item = vehicle_item(plate, person, vehicle_type, usage, register_date, price)
            deployment.vehicles.append(item)
            draw = rng.random()
            if draw < 0.04:
                changed = dict(item, status=rng.choice(("注销", "转出")))
                day = random_day(rng, period.start, period.complete_end)
                changed["updated_at"] = iso_time(day, 10 * 3600 + hash_seconds(plate))
                deployment.vehicles.append(changed)
            elif draw < 0.08:
                batched = dict(item, updated_at=rng.choice(batch_times))
                deployment.vehicles.append(batched)


# --- business ------------------------------------------------------------------------------
ORGANIZATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organization_code(body8: str) -> str:
    """GB 11714 organisation code: 8 characters and their check character."""
    total = sum(int(c, 36) * w for c, w in zip(body8, ORGANIZATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def new_uscc(rng, county_code: str, entity_type: str) -> str:
    kind = {"个体工商户": "2", "农民专业合作社": "3"}.get(entity_type, "1")
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = f"9{kind}{county_code}{organization_code(body)}"
    return first17 + uscc_check_char(first17)


def business_item(
    rng,
    county: object,
    entity_type: str,
    legal_rep: Person,
    capital_wan: float | None,
    established: dt.date,
    shareholders: list[tuple[Person, float]],
    status: str = "存续",
    changed_at: str | None = None,
    name: str | None = None,
) -> dict:
    word = rng.choice(vocab.COMPANY_WORDS)
    suffix = vocab.COMPANY_SUFFIX[entity_type]
    if name is None:
        name = (
            f"{county.name}{legal_rep.name}{word}经营部"
            if entity_type == "个体工商户"
            else f"{county.name[:2]}{rng.choice(vocab.BRANDS)}{word}{suffix}"
        )
    return {
        "uscc": new_uscc(rng, county.code, entity_type),
        "name": name,
        "entity_type": entity_type,
        "legal_rep_id_number": legal_rep.id_number,
        "legal_rep_name": legal_rep.name,
        "registered_capital_wan": capital_wan,
        "established_on": established.isoformat(),
        "status": status,
        "region_code": county.code,
        "changed_at": changed_at or iso_time(established, 10 * 3600 + hash_seconds(name)),
        "shareholders": [
            {"id_number": p.id_number, "name": p.name, "subscribed_wan": amount}
            for p, amount in shareholders
        ],
    }


def businesses(deployment: Deployment) -> None:
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "business")
        adults = free_adults(deployment, county.code, 22, 65)
        for person in adults:
            if rng.random() > 0.05:
                continue
            entity_type = rng.choices(
                ("个体工商户", "有限责任公司", "股份有限公司", "农民专业合作社"), (55, 30, 3, 12)
            )[0]
            established = random_day(rng, dt.date(2005, 1, 1), period.start)
            if entity_type == "个体工商户":
                capital, holders = None, []
            else:
                capital = float(rng.choice((5, 10, 20, 30, 50, 100, 200, 500, 1000)))
                partners = rng.sample(adults, k=min(len(adults), rng.randint(1, 5)))
                holders = [(person, round(capital * 0.5, 2))] + [
                    (p, round(capital * 0.5 / len(partners), 2))
                    for p in partners
                    if p is not person
                ]
            item = business_item(rng, county, entity_type, person, capital, established, holders)
            deployment.businesses.append(item)
            if rng.random() < 0.05:
                day = random_day(rng, period.start, period.complete_end)
                deployment.businesses.append(
                    dict(
                        item,
                        status=rng.choice(("注销", "吊销")),
                        changed_at=iso_time(day, 15 * 3600 + hash_seconds(item["uscc"])),
                    )
                )


# --- dibao ---------------------------------------------------------------------------------
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


# --- medical -------------------------------------------------------------------------------
class MedicalIds:
    def __init__(self) -> None:
        self.next = 1

    def new(self, day: dt.date, county_code: str) -> str:
        number = self.next
        self.next += 1
        return f"JS{county_code}{day:%Y%m%d}{number:07d}"


def hospitals(county, township_name: str) -> tuple[str, ...]:
    return (
        f"{county.name}人民医院",
        f"{county.name}中医医院",
        f"{township_name}卫生院",
        "贵州医科大学附属医院",
    )


def settlement(
    ids: MedicalIds,
    person: Person,
    hospital: str,
    visit_type: str,
    diagnosis: tuple[str, str, str],
    total_cents: int,
    self_pay_cents: int,
    settled: dt.date,
    stay_days: int = 0,
    relief: bool = False,
) -> dict:
    remaining = total_cents - self_pay_cents
    serious = remaining * 15 // 100 if visit_type == "住院" and total_cents > 1_500_000 else 0
    assistance = remaining * 10 // 100 if relief and visit_type == "住院" else 0
    basic = remaining - serious - assistance
    admitted = settled - dt.timedelta(days=stay_days)
    return {
        "结算ID": ids.new(settled, person.household.county.code),
        "证件号码": person.id_number,
        "姓名": person.name,
        "就诊类型": visit_type,
        "医疗机构": hospital,
        "入院日期": admitted.isoformat(),
        "出院日期": settled.isoformat() if visit_type == "住院" else None,
        "诊断编码": diagnosis[0],
        "诊断名称": diagnosis[1],
        "总费用": yuan_text(total_cents),
        "基本医保支付": yuan_text(basic),
        "大病保险支付": yuan_text(serious),
        "医疗救助支付": yuan_text(assistance),
        "个人自付": yuan_text(self_pay_cents),
        "结算日期": settled.isoformat(),
        "_self_pay": self_pay_cents,
    }


yuan_text = yuan


def reversal_of(row: dict, day: dt.date) -> dict:
    """The row that reverses a settlement: 结算ID ``{original}-R`` and negative amounts."""
    reversed_row = {k: v for k, v in row.items() if not k.startswith("_")}
    reversed_row["结算ID"] = f"{row['结算ID']}-R"
    for column in ("总费用", "基本医保支付", "大病保险支付", "医疗救助支付", "个人自付"):
        value = row[column]
        reversed_row[column] = value if value.startswith("0.00") else f"-{value}"
    reversed_row["结算日期"] = day.isoformat()
    reversed_row["_self_pay"] = -row["_self_pay"]
    return reversed_row


def medical(deployment: Deployment, ids: MedicalIds) -> None:
    """About one settlement per four residents a month; household totals stay below M02."""
    period = deployment.period
    diagnoses = {
        kind: [d for d in vocab.ICD10 if d[2] == kind]
        for kind in ("普通门诊", "门诊慢特病", "住院")
    }
    for county in deployment.counties:
        rng = deployment.rng(county.code, "medical")
        builder = deployment.builders[county.code]
        reversals = 0
        for household in builder.households:
            registry = household.registry
            if registry is not None:
                annual = registry.declared_net_cents * len(household.members)
                budget = min(200_000, annual * 40 // 100)
            else:
                budget = 1_000_000
            spent = 0
            township = builder.township_of(household.village).name
            for person in household.members:
                if "medical" in person.reserved or not person.in_hukou:
                    continue
                for year, month in period.months:
                    first = dt.date(year, month, 1)
                    last = min(month_end_of(year, month), period.complete_end)
                    if last < first or not present(person, last) or rng.random() > 0.26:
                        continue
                    visit_type = rng.choices(("普通门诊", "门诊慢特病", "住院"), (72, 20, 8))[0]
                    if visit_type == "住院":
                        total = rng.randint(2_500, 38_000) * 100
                        self_pay = total * rng.randint(6, 14) // 100
                        stay = rng.randint(3, 15)
                    else:
                        total = rng.randint(30, 1_500 if visit_type == "门诊慢特病" else 400) * 100
                        self_pay = total * rng.randint(20, 50) // 100
                        stay = 0
                    if spent + self_pay > budget:
                        visit_type, stay = "普通门诊", 0
                        total = rng.randint(20, 80) * 100
                        self_pay = total * 3 // 10
                        if spent + self_pay > budget:
                            continue
                    spent += self_pay
                    settled = random_day(rng, first, last)
                    row = settlement(
                        ids,
                        person,
                        rng.choice(hospitals(county, township)),
                        visit_type,
                        rng.choice(diagnoses[visit_type]),
                        total,
                        self_pay,
                        settled,
                        stay,
                        relief=registry is not None,
                    )
                    if row["证件号码"].endswith("X") and rng.random() < 0.3:
                        row["证件号码"] = lower_x(row["证件号码"])
                        if len(deployment.truth.quirks["lowercase_x"]) < 4:
                            add_mark(row, deployment.truth.quirk("lowercase_x", field="证件号码"))
                    deployment.medical.setdefault((year, month), []).append(row)
                    later = [m for m in period.months if m > (year, month)]
                    if later and reversals < 3 and rng.random() < 0.02:
                        # A reversal months later (the department's correction of a bill).
                        reversals += 1
                        r_year, r_month = later[-1] if len(later) > 1 else later[0]
                        r_day = random_day(
                            rng,
                            dt.date(r_year, r_month, 1),
                            min(month_end_of(r_year, r_month), period.complete_end),
                        )
                        reversal = reversal_of(row, r_day)
                        deployment.medical.setdefault((r_year, r_month), []).append(reversal)
                        deployment.truth.quirk(
                            "reversal",
                            file=f"medical/yibao_settle_{year}{month:02d}.csv",
                            original_settlement_id=row["结算ID"],
                            reversal_file=f"medical/yibao_settle_{r_year}{r_month:02d}.csv",
                        )
        for rows in deployment.medical.values():
            rows.sort(key=lambda r: (r["结算日期"], r["结算ID"]))


month_end_of = month_end


# --- education -----------------------------------------------------------------------------
def term_dates(deployment: Deployment) -> list[dt.date]:
    """Snapshots at the start of each term in range (1 March, 1 September), else at the start."""
    period = deployment.period
    dates = [
        dt.date(year, month, 1)
        for year, month in period.months
        if month in (3, 9) and dt.date(year, month, 1) <= period.complete_end
    ]
    return dates or [period.start]


def school_of(county, township_name: str, stage: str) -> tuple[str, str]:
    names = {
        "学前": f"{township_name}中心幼儿园",
        "小学": f"{township_name}中心小学",
        "初中": f"{township_name}中学",
        "高中": f"{county.name}第一中学",
        "中职": f"{county.name}中等职业学校",
        "高职": "贵州交通职业技术学院",
        "本科": "贵州大学",
    }
    name = names[stage]
    code = "52" + str(10_000_000 + sum(ord(c) for c in name) * 97 % 89_999_999)[:8]
    return code, name


def stage_for_age(age: int, rng) -> tuple[str, int] | None:
    if 3 <= age <= 5:
        return "学前", age - 2
    if 6 <= age <= 11:
        return "小学", age - 5
    if 12 <= age <= 14:
        return "初中", age - 11
    if 15 <= age <= 17:
        return ("高中" if rng.random() < 0.7 else "中职"), age - 14
    return None


def enrolment_row(
    person: Person, school: tuple[str, str], stage: str, grade: int, status: str, updated: str
) -> dict:
    return {
        "student_no": f"G{person.id_number}",
        "id_number": person.id_number,
        "name": person.name,
        "school_code": school[0],
        "school_name": school[1],
        "stage": stage,
        "grade": grade,
        "status": status,
        "region_code": person.household.village,
        "updated_at": updated,
    }


def enrolments(deployment: Deployment) -> dict[dt.date, list[dict]]:
    snapshots: dict[dt.date, list[dict]] = {}
    dates = term_dates(deployment)
    for snapshot in dates:
        rows = []
        for county in deployment.counties:
            rng = deployment.rng(county.code, "education", snapshot)
            builder = deployment.builders[county.code]
            for household in builder.households:
                township = builder.township_of(household.village).name
                for person in household.members:
                    if not present(person, snapshot) or not person.in_hukou:
                        continue
                    override = deployment.enrolment_overrides.get(person.id_number)
                    if override == "none":
                        continue
                    age = person.age(snapshot)
                    placed = stage_for_age(age, rng)
                    if placed is None and 18 <= age <= 21:
                        wants = person.schooling == "本科及以上" or (
                            person.is_free and rng.random() < 0.25
                        )
                        placed = ("本科", age - 17) if wants else None
                    if placed is None:
                        continue
                    stage, grade = placed
                    status = "在读"
                    if override == "辍学" and snapshot == dates[-1]:
                        status = "辍学"
                    elif person.is_free and age >= 12 and rng.random() < 0.01:
                        status = rng.choice(("休学", "辍学"))
                    updated = iso_time(snapshot - dt.timedelta(days=3), 8 * 3600)
                    school = school_of(county, township, stage)
                    rows.append(enrolment_row(person, school, stage, grade, status, updated))
        if snapshot == dates[-1]:
            rows.extend(deployment.enrolment_extra)
        snapshots[snapshot] = rows
    return snapshots


def admissions(deployment: Deployment) -> None:
    period = deployment.period
    years = range(period.start.year - 1, period.end.year + 1)
    for county in deployment.counties:
        rng = deployment.rng(county.code, "admissions")
        for household in deployment.builders[county.code].households:
            for person in household.members:
                if not person.is_free or person.added_on:
                    continue
                for year in years:
                    if person.age(dt.date(year, 8, 1)) == 18 and rng.random() < 0.3:
                        deployment.admissions.setdefault(year, []).append(
                            admission_row(rng, person, year)
                        )


def admission_row(rng, person: Person, year: int, exam_no: str | None = None) -> dict:
    university, level = rng.choice(vocab.UNIVERSITIES)
    day = dt.date(year, 7, 10) + dt.timedelta(days=rng.randrange(40))
    return {
        "exam_no": exam_no or f"{year % 100:02d}52{person.id_number[2:6]}{person.id_number[-6:-1]}",
        "id_number": person.id_number,
        "name": person.name,
        "university": university,
        "major": rng.choice(vocab.MAJORS),
        "level": level,
        "admitted_at": day.isoformat(),
    }


# --- renshe --------------------------------------------------------------------------------
def renshe_row(
    person: Person,
    insurance: str,
    state: str,
    employer: dict | None,
    base_cents: int | None,
    employment: str,
    region: str,
) -> dict:
    return {
        "证件号码": person.id_number,
        "姓名": person.name,
        "参保险种": insurance,
        "参保状态": state,
        "单位名称": employer["name"] if employer else None,
        "单位统一社会信用代码": employer["uscc"] if employer else None,
        "月缴费基数": yuan_text(base_cents) if base_cents is not None else None,
        "就业状态": employment,
        "务工地区划": region,
        "_person": person,
    }


def renshe(deployment: Deployment) -> None:
    """Monthly records: residents' pension for the registered, employees' insurance for others."""
    employers = [
        b for b in deployment.businesses if b["entity_type"] in ("有限责任公司", "股份有限公司")
    ]
    as_of = deployment.period.as_of
    for county in deployment.counties:
        rng = deployment.rng(county.code, "renshe")
        for household in deployment.builders[county.code].households:
            for person in household.members:
                age = person.age(as_of)
                if "renshe" in person.reserved or person.added_on or not 16 <= age <= 59:
                    continue
                if person.schooling != "非在校生":
                    continue
                if person.is_free and employers and rng.random() < 0.35:
                    employer = rng.choice(employers)
                    base = rng.randint(3_200, 9_000) * 100
                    region = employer["region_code"]
                    deployment.renshe.append(
                        renshe_row(person, "职工养老", "参保缴费", employer, base, "就业", region)
                    )
                    if rng.random() < 0.6:
                        deployment.renshe.append(
                            renshe_row(person, "失业", "参保缴费", employer, base, "就业", region)
                        )
                    continue
                if person.is_registered and person.pension_insured != "是":
                    continue
                if person.work_place == "无" or person.labour not in vocab.WORKING_LABOUR:
                    employment = "无"
                else:
                    employment = "就业" if person.work_months >= 6 else "灵活就业"
                region = work_region(deployment, rng, person) if employment != "无" else ""
                deployment.renshe.append(
                    renshe_row(person, "城乡居民养老", "参保缴费", None, None, employment, region)
                )


# --- property ------------------------------------------------------------------------------
def weekly_dates(deployment: Deployment) -> list[dt.date]:
    """Weekly deliveries on Mondays in range (the range's first day if it has no Monday)."""
    period = deployment.period
    days = [d for d in period.days if d.weekday() == 0 and d <= period.complete_end]
    return days or [period.start]


class Certificates:
    def __init__(self, deployment: Deployment) -> None:
        self.next = 1
        self.abbreviation = vocab.CERTIFICATE_PROVINCE.get(deployment.province, "黔")

    def new(self, county, year: int) -> str:
        number = self.next
        self.next += 1
        return f"{self.abbreviation}({year}){county.name}不动产权第{number:07d}号"


def property_row(
    certificate: str,
    person: Person,
    address: str,
    use: str,
    area: float,
    kind: str,
    day: dt.date,
    price_cents: int | None,
) -> dict:
    return {
        "不动产权证号": certificate,
        "权利人证件号码": person.id_number,
        "权利人姓名": person.name,
        "坐落": address,
        "区划代码": person.household.county.code,
        "房屋用途": use,
        "建筑面积": f"{area:.2f}",
        "登记类型": kind,
        "登记日期": day.isoformat(),
        "交易价格": yuan_text(price_cents) if price_cents is not None else None,
        "_date": day,
    }


def address(rng, county) -> str:
    street = rng.choice(vocab.STREET_WORDS)
    return f"{county.name}{street}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋"


def properties(deployment: Deployment, certificates: Certificates) -> None:
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "property")
        buyers = free_adults(deployment, county.code, 25, 70)
        issued: list[dict] = []
        for day in period.days:
            if day > period.complete_end or not buyers:
                continue
            for _ in range(rng.randint(0, 2)):
                person = rng.choice(buyers)
                use = rng.choices(("住宅", "商业", "办公", "其他"), (80, 10, 4, 6))[0]
                kind = rng.choices(("首次登记", "转移登记", "注销登记"), (45, 45, 10))[0]
                if kind == "注销登记" and issued:
                    old = rng.choice(issued)
                    row = dict(old, 登记类型="注销登记", 登记日期=day.isoformat(), 交易价格=None)
                    row["_date"] = day
                    deployment.properties.append(row)
                    continue
                kind = "转移登记" if kind == "注销登记" else kind
                area = rng.uniform(55, 180)
                price = (
                    None
                    if kind == "首次登记" and rng.random() < 0.4
                    else int(area * rng.randint(3_500, 7_500)) * 100
                )
                row = property_row(
                    certificates.new(county, day.year),
                    person,
                    address(rng, county),
                    use,
                    area,
                    kind,
                    day,
                    price,
                )
                issued.append(row)
                deployment.properties.append(row)


def renovation_row(
    household: Household,
    level: str,
    state: str,
    appraised: dt.date,
    finished: dt.date | None,
    day: dt.date,
) -> dict:
    return {
        "户主证件号码": household.head.id_number,
        "村代码": household.village,
        "鉴定等级": level,
        "改造状态": state,
        "鉴定日期": appraised.isoformat(),
        "竣工日期": finished.isoformat() if finished else None,
        "_date": day,
    }


def renovations(deployment: Deployment) -> None:
    """Appraisals of registered households' houses: safe (A/B) or renovated (C/D 已竣工)."""
    weeks = weekly_dates(deployment)
    for county in deployment.counties:
        rng = deployment.rng(county.code, "renovation")
        for household in deployment.builders[county.code].households:
            registry = household.registry
            if registry is None or household.planted or rng.random() > 0.15:
                continue
            appraised = dt.date(rng.randint(2016, 2024), rng.randint(1, 12), rng.randint(1, 28))
            if registry.danger_level in ("A", "B"):
                level, state, finished = registry.danger_level, "未改造", None
            else:
                level, state = rng.choice("CD"), "已竣工"
                finished = appraised + dt.timedelta(days=rng.randint(90, 400))
            deployment.renovations.append(
                renovation_row(household, level, state, appraised, finished, rng.choice(weeks))
            )


# --- disability ----------------------------------------------------------------------------
def certificate_row(
    person: Person, category: int, grade: int, issued: dt.date, living: str, care: str
) -> dict:
    return {
        "残疾人证号": f"{person.id_number}{category}{grade}",
        "姓名": person.name,
        "残疾类别": str(category),
        "残疾等级": str(grade),
        "发证日期": issued.isoformat(),
        "困难残疾人生活补贴": living,
        "重度残疾人护理补贴": care,
        "_issued": issued,
    }


def disability(deployment: Deployment) -> None:
    period = deployment.period
    for county in deployment.counties:
        rng = deployment.rng(county.code, "disability")
        for household in deployment.builders[county.code].households:
            for person in household.members:
                if "disability" in person.reserved or person.added_on:
                    continue
                if person.disability is None and person.is_free and rng.random() < 0.015:
                    person.disability = (rng.randint(1, 7), rng.randint(1, 4))
                if person.disability is None:
                    continue
                category, grade = person.disability
                issued = random_day(rng, dt.date(2010, 1, 1), period.complete_end)
                living = "是" if person.is_registered or rng.random() < 0.3 else "否"
                care = "是" if grade <= 2 else "否"
                deployment.certificates.append(
                    certificate_row(person, category, grade, issued, living, care)
                )


# --- relocation ----------------------------------------------------------------------------
def relocation_row(
    deployment: Deployment, rng, household: Household, labourers: int, employed: int
) -> dict:
    builder = deployment.builders[household.county.code]
    township = builder.county.townships[0]
    year = rng.randint(2016, 2020)
    moved_in = dt.date(year, rng.randint(6, 12), rng.randint(1, 28))
    return {
        "户编号": household.registry.household_id,
        "户主证件号码": household.head.id_number,
        "迁出村代码": household.village,
        "安置点名称": f"{township.name}{rng.choice(vocab.RESETTLEMENT_SITE_SUFFIXES)}",
        "安置点区划": f"{township.code}{rng.randint(1, 12):03d}",
        "搬迁年度": year,
        "是否入住": "是",
        "入住日期": moved_in,
        "家庭劳动力人数": labourers,
        "已就业人数": employed,
        "户年收入": round(household.registry.declared_net_cents * len(household.members) / 100, 2),
    }


def labourers(household: Household) -> int:
    return sum(1 for p in household.members if p.labour in vocab.WORKING_LABOUR)


def relocations(deployment: Deployment) -> None:
    for county in deployment.counties:
        rng = deployment.rng(county.code, "relocation")
        for household in deployment.builders[county.code].households:
            if household.registry is None or household.planted or rng.random() > 0.08:
                continue
            household.registry.relocated = True
            workers = labourers(household)
            employed = rng.randint(1, workers) if workers else 0
            deployment.relocations.append(
                relocation_row(deployment, rng, household, workers, employed)
            )


# --- assistance ----------------------------------------------------------------------------
def cadre_assignments(deployment: Deployment) -> None:
    """Every registered household has a cadre (state staff); a few change within the range."""
    period = deployment.period
    staff = [e for e in deployment.payroll if e["人员类别"] == "在职" and e["_stop"] is None]
    staff = [e for e in staff if e["_start"] < period.start and e["_person"].is_free]
    for county in deployment.counties:
        rng = deployment.rng(county.code, "cadres")
        local = [e for e in staff if e["_person"].household.county.code == county.code] or staff
        if not local:
            continue
        phones = {e["_person"].id_number: mobile(rng) for e in local}
        for household in deployment.builders[county.code].households:
            if household.registry is None:
                continue
            cadre = rng.choice(local)
            start = dt.date(rng.randint(2019, 2024), rng.randint(1, 12), 1)
            end = None
            if rng.random() < 0.05:
                end = random_day(rng, period.start, period.complete_end - dt.timedelta(days=1))
            deployment.cadre_assignments.append(cadre_row(cadre, phones, household, start, end))
            if end:
                successor = rng.choice(local)
                deployment.cadre_assignments.append(
                    cadre_row(successor, phones, household, end + dt.timedelta(days=1), None)
                )


def cadre_row(
    entry: dict, phones: dict, household: Household, start: dt.date, end: dt.date | None
) -> dict:
    person = entry["_person"]
    unit = entry["单位名称"]
    level = "乡镇" if "镇" in unit[3:] or "乡" in unit[3:] or "街道" in unit else "县直"
    return {
        "帮扶责任人证件号码": person.id_number,
        "姓名": person.name,
        "单位名称": unit,
        "单位层级": level,
        "联系电话": phones[person.id_number],
        "帮扶户编号": household.registry.household_id,
        "开始日期": start.isoformat(),
        "结束日期": end.isoformat() if end else None,
        "_start": start,
        "_end": end,
    }


def enterprise_aid(deployment: Deployment) -> None:
    period = deployment.period
    companies = [
        b
        for b in deployment.businesses
        if b["entity_type"] in ("有限责任公司", "股份有限公司") and b["status"] == "存续"
    ]
    if not companies:
        return
    for county in deployment.counties:
        rng = deployment.rng(county.code, "enterprise-aid")
        builder = deployment.builders[county.code]
        registered = [h for h in builder.households if h.registry is not None]
        for year, month in period.months:
            last = min(month_end_of(year, month), period.complete_end)
            if last < dt.date(year, month, 1):
                continue
            for _ in range(rng.randint(3, 8)):
                company = rng.choice(companies)
                if rng.random() < 0.5 or not registered:
                    target_type, target = "村", rng.choice(builder.villages)
                    beneficiaries = rng.randint(20, 300)
                else:
                    household = rng.choice(registered)
                    target_type, target = "户", household.registry.household_id
                    beneficiaries = len(household.members)
                deployment.enterprise_aid.setdefault((year, month), []).append(
                    {
                        "企业统一社会信用代码": company["uscc"],
                        "企业名称": company["name"],
                        "帮扶对象类型": target_type,
                        "帮扶对象代码": target,
                        "帮扶方式": rng.choice(vocab.AID_METHODS),
                        "帮扶金额（元）": yuan_text(rng.randint(20, 2_000) * 10_000),
                        "受益人数": beneficiaries,
                        "帮扶日期": random_day(rng, dt.date(year, month, 1), last).isoformat(),
                    }
                )
