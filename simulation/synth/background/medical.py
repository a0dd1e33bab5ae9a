"""医保 medical settlements: small bills, reversals, settlement IDs."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import lower_x, month_end_of, present, random_day, yuan_text
from simulation.synth.deployment import Deployment, add_mark
from simulation.synth.population import Person


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
                    bill = _bill(rng, budget - spent)
                    if bill is None:
                        continue
                    visit_type, total, self_pay, stay = bill
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
                        reversals += 1
                        _reverse_later(deployment, rng, row, (year, month), later)
        for rows in deployment.medical.values():
            rows.sort(key=lambda r: (r["结算日期"], r["结算ID"]))


def _bill(rng, budget_left: int) -> tuple[str, int, int, int] | None:
    """A visit's (type, total, self-pay, stay) within the household's budget, or None."""
    visit_type = rng.choices(("普通门诊", "门诊慢特病", "住院"), (72, 20, 8))[0]
    if visit_type == "住院":
        total = rng.randint(2_500, 38_000) * 100
        self_pay = total * rng.randint(6, 14) // 100
        stay = rng.randint(3, 15)
    else:
        total = rng.randint(30, 1_500 if visit_type == "门诊慢特病" else 400) * 100
        self_pay = total * rng.randint(20, 50) // 100
        stay = 0
    if self_pay > budget_left:
        visit_type, stay = "普通门诊", 0
        total = rng.randint(20, 80) * 100
        self_pay = total * 3 // 10
        if self_pay > budget_left:
            return None
    return visit_type, total, self_pay, stay


def _reverse_later(deployment: Deployment, rng, row: dict, month: tuple, later: list) -> None:
    """A reversal months later (the department's correction of a bill)."""
    year, month_number = month
    r_year, r_month = later[-1] if len(later) > 1 else later[0]
    r_day = random_day(
        rng,
        dt.date(r_year, r_month, 1),
        min(month_end_of(r_year, r_month), deployment.period.complete_end),
    )
    reversal = reversal_of(row, r_day)
    deployment.medical.setdefault((r_year, r_month), []).append(reversal)
    deployment.truth.quirk(
        "reversal",
        file=f"medical/yibao_settle_{year}{month_number:02d}.csv",
        original_settlement_id=row["结算ID"],
        reversal_file=f"medical/yibao_settle_{r_year}{r_month:02d}.csv",
    )
