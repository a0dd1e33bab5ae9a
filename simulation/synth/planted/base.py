"""The planter's building blocks: planted households, members, dates, cases and quarantine marks."""

from __future__ import annotations

import datetime as dt

from fupin.ids import id_check_digit
from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Deployment
from simulation.synth.population import Household, Person, birth_for_age

Members = tuple[tuple[str, int, str], ...]
FAMILY: Members = (("户主", 47, "1"), ("配偶", 45, "2"), ("子", 23, "1"), ("女", 19, "2"))


def wrong_check_digit(id_number: str) -> str:
    """The same number with a check character that fails GB 11643."""
    right = id_check_digit(id_number[:17])
    wrong = "0123456789X"[("0123456789X".index(right) + 3) % 11]
    return id_number[:17] + wrong


def object_type(deployment: Deployment, household: Household) -> str | None:
    """The monitoring object a household with a risk becomes (policy.md §2), or None."""
    registry = household.registry
    if registry is not None:
        return "脱贫不稳定户" if registry.status == "已脱贫" else None
    members = {p.id_number for p in household.members}
    marginal = any(
        row["id_number"] in members
        and row["status"] == "在保"
        and row["assistance_type"] != "临时救助"
        for row in deployment.dibao
    )
    return "边缘易致贫户" if marginal else "突发严重困难户"


class PlanterBase:
    """Builds planted households in the first county and records their cases."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.truth = deployment.truth
        self.period = deployment.period
        self.county = deployment.counties[0]
        self.builder = deployment.builders[self.county.code]
        self.rng = deployment.rng("planted")
        self.as_of = self.period.as_of

    # --- building blocks ---------------------------------------------------------------------
    def household(
        self,
        rule: str,
        members: Members = FAMILY,
        *,
        registered: bool = True,
        status: str = "未脱贫",
        attribute: str = "一般贫困户",
        exit_year: int | None = None,
        net_income: float = 9_200,
    ) -> Household:
        household = self.builder.household()
        household.planted = rule
        surname = None
        for relation, age, sex in members:
            keep_surname = relation in ("子", "女", "孙子女") and surname
            person = self.builder.person(
                household, relation, age, sex, surname if keep_surname else None
            )
            surname = surname or person.name[0]
            person.reserved.add("planted")
            if person.health == "残疾" or person.disability:
                person.health, person.disability = "健康", None
        if registered:
            self.builder.register(
                household,
                attribute=attribute,
                status=status,
                exit_year=exit_year,
                net_income_cents=round(net_income * 100),
            )
            household.registry.danger_level = "无"
            household.registry.amounts_as_text = False
        return household

    def member(self, household: Household, relation: str) -> Person:
        return next(p for p in household.members if p.relation == relation)

    def date_before_check(self, days_back: int) -> dt.date:
        """A day ``days_back`` before the last complete day, never before the range starts."""
        day = self.period.complete_end - dt.timedelta(days=days_back)
        return max(day, self.period.start + dt.timedelta(days=1))

    def person_with_check_x(
        self, household: Household, relation: str, age: int, sex: str
    ) -> Person:
        """A member whose ID number ends in X (for the lower-case `x` quirk)."""
        person = self.builder.person(household, relation, age, sex)
        person.reserved.add("planted")
        while not person.id_number.endswith("X"):
            person.birth = birth_for_age(self.rng, age, self.as_of)
            person.id_number = self.builder.ids.allocate(person.birth, sex)
        return person

    def case(self, rule, expect, household=None, person=None, note="", **extra) -> dict:
        if rule.startswith("M") and expect == "positive" and household is not None:
            extra.setdefault("object_type", object_type(self.deployment, household))
        return self.truth.case(rule, expect, household, person, note, **extra)

    def quarantine(
        self, feed: str, field: str, delivered: str, note: str = "check digit wrong"
    ) -> dict:
        case = {
            "rule": "quarantine",
            "expect": "quarantined",
            "feed": feed,
            "field": field,
            "id_number": delivered,
            "note": note,
        }
        self.truth.cases.append(case)
        return case

        # Its true self is registered normally, so that the household exists in hukou.

    # --- helpers for the other feeds ---------------------------------------------------------
    def months_until_check(self) -> list[tuple[int, int]]:
        end = self.period.complete_end
        return [(y, m) for y, m in self.period.months if dt.date(y, m, 1) <= end]

    def day_in(self, year: int, month: int, day: int = 10) -> dt.date:
        return min(dt.date(year, month, day), self.period.complete_end)

    def labour(self, person: Person, skill: str) -> None:
        person.labour = skill
        working = skill in vocab.WORKING_LABOUR
        person.work_place = "县外省内" if working else "无"
        person.work_months = 8 if working else 0
        person.schooling = "非在校生"

    def set_labour(self, household: Household, *workers: Person) -> None:
        """Exactly ``workers`` are labourers; everybody else cannot work."""
        for person in household.members:
            if person in workers:
                self.labour(person, "普通劳动力")
            elif person.labour in vocab.WORKING_LABOUR:
                self.labour(person, "弱劳动力或半劳动力")
