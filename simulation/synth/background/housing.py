"""住建 property certificates and renovations."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import free_adults, weekly_dates, yuan_text
from simulation.synth.deployment import Deployment
from simulation.synth.population import Household, Person


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
