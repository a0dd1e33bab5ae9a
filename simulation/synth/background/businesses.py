"""市场监管 businesses: USCC codes and registered market entities."""

from __future__ import annotations

import datetime as dt

from fupin.uscc import check_character as uscc_check_char
from simulation.synth import vocabulary as vocab
from simulation.synth.background.common import free_adults, hash_seconds, iso_time, random_day
from simulation.synth.deployment import Deployment
from simulation.synth.population import Person

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
