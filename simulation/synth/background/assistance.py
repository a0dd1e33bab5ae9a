"""残联 disability certificates, relocation, cadre assignments and enterprise aid."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import mobile, month_end_of, random_day, yuan_text
from simulation.synth.deployment import Deployment
from simulation.synth.population import Household, Person


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
