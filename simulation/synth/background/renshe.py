"""人社 employment and insurance records."""

from __future__ import annotations

from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import work_region, yuan_text
from simulation.synth.deployment import Deployment
from simulation.synth.population import Person


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
