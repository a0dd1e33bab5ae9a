"""Planted cases: a positive and near-miss negatives for every rule, and rows to quarantine.

Each case lives on its own household (built here, in the first county, marked ``planted``) so
that tests can check rules independently; background generators leave planted households out
of anything that could fire a rule. Where one planted fact fires a second rule by definition
(a V09 income is also below M01's threshold; M07's dead labourer is also V05), the second rule
gets its own case too, so each rule's positives in the ground truth are complete.
"""

from __future__ import annotations

import datetime as dt

from fupin.ids import id_check_digit
from fupin.synth import vocabulary as vocab
from fupin.synth.background import add_event, lower_x, payroll_entry, payroll_unit
from fupin.synth.deployment import Deployment, add_mark, month_end
from fupin.synth.population import Household, Person, birth_for_age

Members = tuple[tuple[str, int, str], ...]
FAMILY: Members = (("户主", 47, "1"), ("配偶", 45, "2"), ("子", 23, "1"), ("女", 19, "2"))


def wrong_check_digit(id_number: str) -> str:
    """The same number with a check character that fails GB 11643."""
    right = id_check_digit(id_number[:17])
    wrong = "0123456789X"[("0123456789X".index(right) + 3) % 11]
    return id_number[:17] + wrong


class Planter:
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
        return self.truth.case(rule, expect, household, person, note, **extra)

    # --- V01 财政供养 -------------------------------------------------------------------------
    def v01(self) -> None:
        deployment, rng = self.deployment, self.rng
        year = self.as_of.year

        def staff(person, category, start, stop=None, **extra) -> dict:
            entry = payroll_entry(
                person, payroll_unit(deployment, rng, person.household), category, start, stop
            )
            entry.update(extra)
            deployment.payroll.append(entry)
            return entry

        working = self.household("V01")
        head = self.member(working, "户主")
        staff(head, "在职", dt.date(2012, 9, 1))
        self.case("V01", "positive", working, head, "member on payroll 在职 (yearly list)")

        retired = self.household("V01", (("户主", 44, "1"), ("配偶", 42, "2"), ("父母", 68, "1")))
        parent = self.member(retired, "父母")
        staff(parent, "退休", dt.date(1980, 9, 1))
        self.case("V01", "positive", retired, parent, "member on payroll 退休")

        leaving = self.household("V01")
        spouse = self.member(leaving, "配偶")
        stop_later = self.as_of + dt.timedelta(days=61)
        staff(spouse, "在职", dt.date(2016, 3, 1), stop_later)
        self.case(
            "V01",
            "positive",
            leaving,
            spouse,
            f"payroll 停薪日期 {stop_later} after the check date",
        )

        # A hire in a change file whose first version had the ID number wrong; _v2 fixes it.
        hired = self.household("V01")
        son = self.member(hired, "子")
        hire_day = self.date_before_check(20)
        bad = wrong_check_digit(son.id_number)
        quarantine = {
            "rule": "quarantine",
            "expect": "quarantined",
            "feed": "payroll",
            "field": "证件号码",
            "id_number": bad,
            "note": "check digit wrong; the file's _v2 correction fixes the row",
            "superseded_by": f"payroll/caizheng_biandong_{hire_day:%Y%m}_v2.xlsx",
        }
        self.truth.cases.append(quarantine)
        staff(son, "在职", hire_day, _v1_id=bad, _v1_marks=[quarantine])
        self.case(
            "V01",
            "positive",
            hired,
            son,
            f"hired {hire_day} (新增 in caizheng_biandong_{hire_day:%Y%m}_v2.xlsx; "
            "the _v1 row had a wrong check digit)",
        )

        stopped = self.household("V01")
        head = self.member(stopped, "户主")
        early_stop = self.period.start - dt.timedelta(days=45)
        staff(head, "在职", dt.date(2010, 3, 1), early_stop, _listed=True)
        self.case(
            "V01", "negative", stopped, head, f"payroll 停薪日期 {early_stop} before the check date"
        )

        reduced = self.household("V01")
        head = self.member(reduced, "户主")
        stop_day = self.date_before_check(35)
        staff(head, "在职", dt.date(2009, 7, 1), stop_day)
        self.case(
            "V01",
            "negative",
            reduced,
            head,
            f"payroll 减少, 停薪日期 {stop_day} (change file {stop_day:%Y%m}) before the check",
        )

        # A row of the yearly list that cannot be matched: quarantined.
        outsider = self.household("quarantine", registered=False)
        person = outsider.head
        bad_row = {
            "证件号码": wrong_check_digit(person.id_number),
            "姓名": person.name,
            "单位名称": f"{self.county.name}交通运输局",
            "单位性质": "行政",
            "人员类别": "在职",
            "起薪日期": dt.date(2018, 8, 1),
            "停薪日期": None,
        }
        add_mark(bad_row, self.quarantine("payroll", "证件号码", bad_row["证件号码"]))
        deployment.payroll_full_extra.setdefault(year, []).append(bad_row)

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

    # --- V10 身份不符 -------------------------------------------------------------------------
    def v10(self) -> None:
        truth = self.truth

        typo = self.household("V10")
        son = self.member(typo, "子")
        son.registry_id_text = wrong_check_digit(son.id_number)
        self.case(
            "V10",
            "positive",
            typo,
            son,
            "registry 证件号码 fails the check digit (lands)",
            id_number=son.registry_id_text,
            true_id_number=son.id_number,
        )
        landed = {
            "rule": "registry_bad_id",
            "expect": "lands",
            "feed": "registry",
            "field": "证件号码",
            "household_id": typo.registry.household_id,
            "id_number": son.registry_id_text,
            "note": "lands and raises V10",
        }
        truth.cases.append(landed)
        son.marks.setdefault("registry", []).append(landed)

        renamed = self.household("V10")
        spouse = self.member(renamed, "配偶")
        spouse.registry_name = spouse.name
        spouse.name = spouse.name[0] + ("慧" if spouse.name[-1] != "慧" else "蕙")
        self.case(
            "V10",
            "positive",
            renamed,
            spouse,
            f"hukou name {spouse.name} differs from registry {spouse.registry_name}",
        )

        missing = self.household("V10")
        daughter = self.member(missing, "女")
        daughter.in_hukou = False
        self.case(
            "V10", "positive", missing, daughter, "valid ID number not in the hukou population"
        )

        born = self.household("V10")
        head = self.member(born, "户主")
        shifted = head.birth.replace(day=1 if head.birth.day != 1 else 2)
        head.hukou_birth_text = shifted.strftime("%Y%m%d")
        self.case(
            "V10",
            "positive",
            born,
            head,
            f"hukou 出生日期 {head.hukou_birth_text} differs from the ID number's birth date",
        )

        lower = self.household("V10", FAMILY[:3])
        x_member = self.person_with_check_x(lower, "女", 17, "2")
        x_member.registry_id_text = lower_x(x_member.id_number)
        quirk = truth.quirk("lowercase_x", field="证件号码", sheet="成员信息")
        x_member.marks.setdefault("registry", []).append(quirk)
        self.case(
            "V10",
            "negative",
            lower,
            x_member,
            "registry carries the number with a lower-case x; it normalises to the hukou one",
        )

        legacy = self.household("V10")
        head = self.member(legacy, "户主")
        head.hukou_legacy_15 = True
        self.case(
            "V10",
            "negative",
            legacy,
            head,
            "hukou holds the 15-digit legacy number; it upgrades to the registry one",
        )

        blank = self.household("V10")
        spouse = self.member(blank, "配偶")
        spouse.registry_name = spouse.name + " "
        self.case("V10", "negative", blank, spouse, "registry name has a trailing blank")

        # Two changes of one person in one delta, the later 变动日期 on the earlier line.
        repeated = self.household("V10")
        head = self.member(repeated, "户主")
        day = self.date_before_check(12)
        correct, typo_name = head.name, head.name[0] + "某" + head.name[1:][:1]
        first = add_event(head, day, "变更", change_date=day, name=correct)
        second = add_event(
            head, day, "变更", change_date=day - dt.timedelta(days=1), name=typo_name
        )
        rows = truth.quirk(
            "repeated_person_in_delta",
            file=f"hukou/hukou_delta_{day:%Y%m%d}.csv",
            id_number=head.id_number,
            final_name=correct,
            note="apply in 变动日期 order: the earlier line carries the later date",
        )
        first.marks.append(_row_collector(rows, "rows"))
        second.marks.append(_row_collector(rows, "rows"))
        self.case(
            "V10",
            "negative",
            repeated,
            head,
            f"two 变更 rows in one delta; applied in 变动日期 order the name is {correct}",
        )

    def hukou_quarantine(self) -> None:
        outsider = self.household("quarantine", registered=False)
        person = outsider.head
        day = self.date_before_check(25)
        row = {
            "公民身份号码": wrong_check_digit(person.id_number),
            "姓名": person.name,
            "性别": person.sex,
            "出生日期": person.birth.strftime("%Y%m%d"),
            "民族": person.ethnic,
            "户号": outsider.hukou_no,
            "与户主关系": "01",
            "户籍地区划": outsider.village,
            "变动类型": "新增",
            "注销原因": "",
            "变动日期": day.strftime("%Y%m%d"),
        }
        add_mark(row, self.quarantine("hukou", "公民身份号码", row["公民身份号码"]))
        self.deployment.extra_rows.setdefault(f"hukou_delta:{day:%Y%m%d}", []).append(row)
        # Its true self is registered normally, so that the household exists in hukou.


class _RowCollector(dict):
    """A mark that appends the row number to a list of the quirk instead of overwriting it."""

    def __init__(self, target: dict, key: str) -> None:
        super().__init__()
        self.target, self.key = target, key

    def __setitem__(self, name, value) -> None:
        if name == "row":
            self.target.setdefault(self.key, []).append(value)
            self.target[self.key].sort()


def _row_collector(target: dict, key: str) -> dict:
    return _RowCollector(target, key)


def plant(deployment: Deployment) -> None:
    planter = Planter(deployment)
    planter.v01()
    planter.v10()
    planter.hukou_quarantine()


__all__ = ["plant", "Planter", "wrong_check_digit", "vocab", "month_end"]
