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
from simulation.synth import vocabulary as vocab
from simulation.synth.background import (
    add_event,
    address,
    admission_row,
    business_item,
    certificate_row,
    dibao_row,
    enrolment_row,
    free_adults,
    hash_seconds,
    iso_time,
    lower_x,
    new_uscc,
    payroll_entry,
    payroll_unit,
    property_row,
    relocation_row,
    renovation_row,
    renshe_row,
    reversal_of,
    settlement,
    vehicle_item,
    weekly_dates,
)
from simulation.synth.deployment import Deployment, add_mark
from simulation.synth.population import Household, Person, birth_for_age

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
        if rule.startswith("M") and expect == "positive" and household is not None:
            extra.setdefault("object_type", object_type(self.deployment, household))
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

    # --- V02 车辆 -----------------------------------------------------------------------------
    def v02(self) -> None:

        rng = self.rng
        registered_on = self.date_before_check(70)

        def own(rule_note, expect, vehicle_type, usage, price, status="正常", later=None, **extra):
            household = self.household("V02")
            owner = self.member(household, "户主")
            plate = self.deployment.plates.new(rng, owner)
            item = vehicle_item(plate, owner, vehicle_type, usage, registered_on, price)
            self.deployment.vehicles.append(item)
            if status != "正常":
                item["status"] = status
            if later is not None:
                changed = dict(item, status=later)
                changed["updated_at"] = iso_time(self.date_before_check(10), 11 * 3600)
                self.deployment.vehicles.append(changed)
            self.case("V02", expect, household, owner, rule_note, plate_no=plate, **extra)

        own("小型轿车 非营运 正常, price 120,000", "positive", "小型轿车", "非营运", 120_000)
        own("轻型货车 at exactly 30,000", "positive", "轻型货车", "非营运", 30_000)
        own(
            "小型普通客车, purchase price unknown",
            "positive",
            "小型普通客车",
            "非营运",
            None,
            severity="low",
        )
        own("摩托车 (excluded type)", "negative", "摩托车", "非营运", 8_000)
        own("轻型货车 with usage 农用", "negative", "轻型货车", "农用", 60_000)
        own("小型轿车 at 29,999", "negative", "小型轿车", "非营运", 29_999)
        own("三轮汽车 at 35,000 (excluded type)", "negative", "三轮汽车", "非营运", 35_000)
        own("小型轿车 with status 注销", "negative", "小型轿车", "非营运", 90_000, status="注销")
        own(
            "小型轿车 正常, then a later record 转出 (sold)",
            "negative",
            "小型轿车",
            "非营运",
            70_000,
            later="转出",
        )

    # --- V03 商品房 ---------------------------------------------------------------------------
    def v03(self) -> None:

        rng = self.rng
        weeks = weekly_dates(self.deployment)
        first_day = weeks[0] if len(weeks) == 1 else weeks[-2]
        numbers = self.deployment.property_certificates

        def register(note, expect, use, kind, price, cancelled=False):
            household = self.household("V03")
            owner = self.member(household, "户主")
            day = min(first_day, self.period.complete_end)
            certificate = numbers.new(self.county, day.year)
            row = property_row(
                certificate, owner, address(rng, self.county), use, 98.5, kind, day, price
            )
            self.deployment.properties.append(row)
            if cancelled:
                later = dict(row, 登记类型="注销登记", 交易价格=None)
                later["_date"] = later_day = weeks[-1]
                later["登记日期"] = later_day.isoformat()
                self.deployment.properties.append(later)
            self.case("V03", expect, household, owner, note, certificate=certificate)

        register("首次登记 住宅 with 交易价格 380,000", "positive", "住宅", "首次登记", 38_000_000)
        register("转移登记 商业 with 交易价格 520,000", "positive", "商业", "转移登记", 52_000_000)
        register(
            "首次登记 住宅 without 交易价格 (self-built)", "negative", "住宅", "首次登记", None
        )
        register("转移登记 办公 with 交易价格", "negative", "办公", "转移登记", 30_000_000)
        register(
            "转移登记 住宅 with 交易价格, later 注销登记",
            "negative",
            "住宅",
            "转移登记",
            41_000_000,
            cancelled=True,
        )

    # --- V04 经营主体 -------------------------------------------------------------------------
    def v04(self) -> None:

        rng = self.rng
        partners = free_adults(self.deployment, self.county.code, 30, 60)[:3]
        established = dt.date(2019, 4, 8)

        def entity(note, expect, entity_type, capital, role, status="存续", later=None):
            household = self.household("V04")
            member = self.member(household, "户主")
            outsider = partners[0] if partners else self.member(household, "配偶")
            if role == "legal_rep":
                holders = [] if capital is None else [(member, capital)]
                rep = member
            else:
                holders = [(outsider, capital / 2), (member, capital / 2)]
                rep = outsider
            item = business_item(rng, self.county, entity_type, rep, capital, established, holders)
            item["status"] = status
            self.deployment.businesses.append(item)
            if later:
                changed = dict(item, status=later)
                stamp = iso_time(self.date_before_check(15), 3600 * 14 + hash_seconds(item["uscc"]))
                changed["changed_at"] = stamp
                self.deployment.businesses.append(changed)
            role_text = "legal representative" if role == "legal_rep" else "shareholder"
            self.case("V04", expect, household, member, f"{role_text} of {note}", uscc=item["uscc"])

        entity("a 存续 个体工商户", "positive", "个体工商户", None, "legal_rep")
        entity("a 存续 有限责任公司, capital 50万", "positive", "有限责任公司", 50.0, "shareholder")
        entity(
            "a 存续 有限责任公司, capital exactly 10万",
            "positive",
            "有限责任公司",
            10.0,
            "legal_rep",
        )
        entity("a 农民专业合作社, capital 30万", "negative", "农民专业合作社", 30.0, "shareholder")
        entity("a 农民专业合作社, capital 60万", "negative", "农民专业合作社", 60.0, "legal_rep")
        entity("a 有限责任公司 with capital 9万", "negative", "有限责任公司", 9.0, "legal_rep")
        entity("a 个体工商户 later 注销", "negative", "个体工商户", None, "legal_rep", later="注销")
        entity(
            "a 吊销 有限责任公司, capital 100万",
            "negative",
            "有限责任公司",
            100.0,
            "shareholder",
            status="吊销",
        )

    # --- V05 死亡未销 / M07 主要劳力死亡 -------------------------------------------------------
    def v05_m07(self) -> None:
        elderly = self.household("V05", (*FAMILY, ("父母", 82, "1")))
        father = self.member(elderly, "父母")
        self.labour(father, "丧失劳动力")
        day = self.date_before_check(40)
        add_event(father, day, "注销", change_date=day - dt.timedelta(days=2), reason="死亡")
        self.case("V05", "positive", elderly, father, f"hukou 注销 死亡 on {day}")

        moved = self.household("V05")
        son = self.member(moved, "子")
        self.set_labour(moved, self.member(moved, "户主"), son)
        add_event(son, self.date_before_check(30), "注销", reason="迁出")
        self.case("V05", "negative", moved, son, "hukou 注销 with reason 迁出, not 死亡")

        soldier = self.household("V05")
        son = self.member(soldier, "子")
        self.set_labour(soldier, self.member(soldier, "户主"), son)
        add_event(son, self.date_before_check(28), "注销", reason="服兵役")
        self.case("V05", "negative", soldier, son, "hukou 注销 with reason 服兵役")

        sole = self.household(
            "M07", (("户主", 52, "1"), ("配偶", 50, "2"), ("父母", 79, "2"), ("女", 12, "2"))
        )
        head = self.member(sole, "户主")
        self.set_labour(sole, head)
        self.labour(self.member(sole, "配偶"), "丧失劳动力")
        day = self.date_before_check(50)
        add_event(head, day, "注销", change_date=day - dt.timedelta(days=1), reason="死亡")
        self.case(
            "M07",
            "positive",
            sole,
            None,
            "the only 普通劳动力 (the head) died",
            member_id_number=head.id_number,
        )
        self.case("V05", "positive", sole, head, "died; also the M07 case of this household")

        two = self.household("M07")
        head, spouse = self.member(two, "户主"), self.member(two, "配偶")
        self.set_labour(two, head, spouse)
        day = self.date_before_check(45)
        add_event(head, day, "注销", reason="死亡")
        self.case(
            "M07",
            "negative",
            two,
            None,
            "one of two labourers died",
            member_id_number=head.id_number,
        )
        self.case("V05", "positive", two, head, "died; the M07 near-miss of this household")

        gone = self.household("M07")
        head = self.member(gone, "户主")
        self.set_labour(gone, head)
        add_event(head, self.date_before_check(44), "注销", reason="迁出")
        self.case(
            "M07",
            "negative",
            gone,
            None,
            "the only labourer moved out (迁出), not died",
            member_id_number=head.id_number,
        )

    # --- V06 重复登记 -------------------------------------------------------------------------
    def v06(self) -> None:
        parents = self.household("V06")
        daughter = self.member(parents, "女")
        daughter_age = daughter.age(self.as_of)
        married = self.household("V06", (("户主", daughter_age + 3, "1"),))
        copy = self.builder.person(married, "配偶", daughter_age, "2")
        copy.id_number, copy.name, copy.birth = daughter.id_number, daughter.name, daughter.birth
        copy.in_hukou = False  # one person in hukou, listed by two registry households
        copy.reserved.update({"planted", "medical", "renshe", "disability"})
        copy.schooling, copy.labour, copy.health, copy.disability = (
            daughter.schooling,
            daughter.labour,
            daughter.health,
            None,
        )
        married.registry.declared_net_cents = 920_000
        self.case("V06", "positive", parents, daughter, "also a member of another household")
        self.case("V06", "positive", married, copy, "also a member of another household")

        one = self.household("V06")
        other = self.household("V06")
        first, second = self.member(one, "配偶"), self.member(other, "配偶")
        second.name = first.name
        self.case(
            "V06",
            "negative",
            one,
            first,
            "same name as a member of another household, different ID number",
        )
        self.case(
            "V06",
            "negative",
            other,
            second,
            "same name as a member of another household, different ID number",
        )

    # --- V07 低保不符 -------------------------------------------------------------------------
    def v07(self) -> None:

        stopped_on = self.date_before_check(60)
        since = dt.date(2019, 3, 1)

        stopped = self.household("V07", attribute="低保贫困户")
        head = self.member(stopped, "户主")
        self.deployment.dibao.append(dibao_row(head, "低保", 45_000, since, stopped_on))
        self.case(
            "V07",
            "positive",
            stopped,
            None,
            f"低保贫困户 whose only 低保 stopped on {stopped_on} (停保)",
        )

        none = self.household("V07", attribute="低保贫困户")
        self.case("V07", "positive", none, None, "低保贫困户 with no civil-affairs record at all")

        general = self.household("V07")
        spouse = self.member(general, "配偶")
        self.deployment.dibao.append(dibao_row(spouse, "低保", 48_000, since))
        self.case("V07", "positive", general, spouse, "一般贫困户 with a member 在保 低保")

        covered = self.household("V07", attribute="低保贫困户")
        head = self.member(covered, "户主")
        self.deployment.dibao.append(dibao_row(head, "低保", 52_000, since))
        self.case("V07", "negative", covered, None, "低保贫困户 with its head 在保 低保")

        ended = self.household("V07")
        head = self.member(ended, "户主")
        self.deployment.dibao.append(dibao_row(head, "低保", 40_000, since, stopped_on))
        self.case("V07", "negative", ended, head, "一般贫困户 whose member's 低保 is 停保")

        relief = self.household("V07")
        head = self.member(relief, "户主")
        self.deployment.dibao.append(
            dibao_row(head, "临时救助", 200_000, self.date_before_check(20))
        )
        self.case(
            "V07", "negative", relief, head, "一般贫困户 with a member 在保 临时救助 (not 低保)"
        )

    # --- V08 职工参保 -------------------------------------------------------------------------
    def v08(self) -> None:

        employers = [b for b in self.deployment.businesses if b["entity_type"] == "有限责任公司"]
        employer = {"name": "深圳市宏达电子有限公司", "uscc": "91440300MA5F000000"}

        employer["uscc"] = new_uscc(self.rng, "440300", "有限责任公司")
        employer = employers[0] if employers else employer

        def insured(note, expect, state, base_cents):
            household = self.household("V08")
            son = self.member(household, "子")
            son.reserved.add("renshe")
            row = renshe_row(son, "职工养老", state, employer, base_cents, "就业", "440303")
            self.deployment.renshe.append(row)
            self.case("V08", expect, household, son, note)

        insured("职工养老 参保缴费, base 4,200", "positive", "参保缴费", 420_000)
        insured("职工养老 参保缴费, base exactly 3,000", "positive", "参保缴费", 300_000)
        insured("职工养老 参保缴费, base 2,999", "negative", "参保缴费", 299_900)
        insured("职工养老 暂停缴费, base 5,000", "negative", "暂停缴费", 500_000)

    # --- V09 虚假脱贫 and M01 收入低于监测线 ---------------------------------------------------
    def v09_m01(self) -> None:
        def exited(rule, expect, note, income, status="已脱贫", exit_year=2020, also=()):
            household = self.household(rule, status=status, exit_year=exit_year, net_income=income)
            self.case(rule, expect, household, None, note, net_income_per_capita=income)
            for other_rule, other_expect in also:
                self.case(
                    other_rule,
                    other_expect,
                    household,
                    None,
                    f"{note} (the {rule} case of this household)",
                    net_income_per_capita=income,
                )
            return household

        exited(
            "V09",
            "positive",
            "已脱贫 2020 with 年人均纯收入 3,800 < 4,000",
            3_800,
            also=[("M01", "positive")],
        )
        exited(
            "V09",
            "positive",
            "已脱贫 2016 with 年人均纯收入 2,900 < 2,952",
            2_900,
            exit_year=2016,
            also=[("M01", "positive")],
        )
        exited(
            "V09",
            "negative",
            "已脱贫 2016 with 年人均纯收入 exactly 2,952",
            2_952,
            exit_year=2016,
            also=[("M01", "positive")],
        )
        computed = exited(
            "V09",
            "negative",
            "已脱贫 2020, declared 年人均纯收入 8,000; (income - expense) / size is lower (3,600)",
            8_000,
        )
        registry = computed.registry
        size = len(computed.members)
        registry.transfer_cents += 360_000 * size - registry.declared_net_cents * size
        registry.declared_net_cents = 800_000
        exited(
            "V09",
            "negative",
            "未脱贫 with 年人均纯收入 3,500 (not exited)",
            3_500,
            status="未脱贫",
            also=[("M01", "positive")],
        )
        exited("M01", "positive", "已脱贫 with 年人均纯收入 6,500 < 7,000", 6_500, also=[])
        exited("M01", "positive", "返贫 with 年人均纯收入 5,000", 5_000, status="返贫")
        exited("M01", "negative", "年人均纯收入 exactly 7,000", 7_000)
        exited("M01", "negative", "年人均纯收入 7,200", 7_200)

    # --- M02 大额医疗支出 ---------------------------------------------------------------------
    def m02(self) -> None:

        deployment = self.deployment
        months = self.months_until_check()
        first, last = months[0], months[-1]
        ids = deployment.settlement_ids

        def bill(person, month, self_pay, total=None, day=12):
            total = total or self_pay * 4
            township = self.builder.township_of(person.household.village).name
            row = settlement(
                ids,
                person,
                f"{township}卫生院" if total < 100_000 else f"{self.county.name}人民医院",
                "住院",
                vocab.ICD10[6],
                total,
                self_pay,
                self.day_in(*month, day),
                8,
            )
            deployment.medical.setdefault(month, []).append(row)
            return row

        def household(rule_status, members=FAMILY, registered=True, income=9_200):
            planted = self.household(
                "M02", members, registered=registered, status=rule_status, net_income=income
            )
            for person in planted.members:
                person.reserved.add("medical")
            return planted

        exited = household("已脱贫")
        bill(self.member(exited, "户主"), first, 320_000)
        bill(self.member(exited, "配偶"), last, 210_000, day=5)
        self.case(
            "M02",
            "positive",
            exited,
            None,
            "已脱贫 household, self-pay 3,200 + 2,100 = 5,300 >= 5,000 over two members",
            self_pay_12m=5300.0,
            object_type="脱贫不稳定户",
        )

        netted = household("已脱贫")
        bill(self.member(netted, "户主"), first, 340_000)
        reversed_bill = bill(self.member(netted, "配偶"), first, 230_000, day=20)
        reversal = reversal_of(reversed_bill, self.day_in(*last, 8))
        deployment.medical.setdefault(last, []).append(reversal)
        self.truth.quirk(
            "reversal",
            file=f"medical/yibao_settle_{first[0]}{first[1]:02d}.csv",
            original_settlement_id=reversed_bill["结算ID"],
            reversal_file=f"medical/yibao_settle_{last[0]}{last[1]:02d}.csv",
        )
        self.case(
            "M02",
            "negative",
            netted,
            None,
            "已脱贫 household, 3,400 + 2,300 = 5,700, but the 2,300 bill is reversed later: "
            "4,400 < 5,000",
            self_pay_12m=3400.0,
            reversal_of=reversed_bill["结算ID"],
        )

        sudden = household("", registered=False, members=(*FAMILY[:2], ("子", 18, "1")))
        bill(self.member(sudden, "户主"), first, 1_500_000, total=6_000_000)
        bill(self.member(sudden, "户主"), last, 650_000, total=2_600_000)
        self.case(
            "M02",
            "positive",
            sudden,
            None,
            "unregistered rural household, self-pay 21,500 >= 20,000",
            self_pay_12m=21500.0,
            object_type="突发严重困难户",
        )
        self.m02_admission = sudden

        marginal = household("", registered=False)
        bill(self.member(marginal, "配偶"), last, 2_400_000, total=9_000_000)
        deployment.dibao.append(
            dibao_row(self.member(marginal, "户主"), "低保", 45_000, dt.date(2021, 6, 1))
        )
        self.case(
            "M02",
            "positive",
            marginal,
            None,
            "unregistered household with a member 在保 低保, self-pay 24,000",
            self_pay_12m=24000.0,
            object_type="边缘易致贫户",
        )

        below = household("", registered=False)
        bill(self.member(below, "户主"), first, 1_500_000, total=5_000_000)
        self.case(
            "M02",
            "negative",
            below,
            None,
            "unregistered household, self-pay 15,000 < 20,000",
            self_pay_12m=15000.0,
        )

        share = household("未脱贫", members=(("户主", 60, "1"), ("配偶", 58, "2")), income=8_000)
        bill(self.member(share, "户主"), last, 850_000)
        self.case(
            "M02",
            "positive",
            share,
            None,
            "未脱贫 household of 2 at 8,000: self-pay 8,500 >= 50% of 16,000",
            self_pay_12m=8500.0,
            object_type=None,
        )

        under = household("未脱贫")
        bill(self.member(under, "户主"), last, 900_000)
        self.case(
            "M02",
            "negative",
            under,
            None,
            "未脱贫 household of 4 at 9,200: self-pay 9,000 < 20,000 and < 50% of 36,800",
            self_pay_12m=9000.0,
        )

    # --- M03 控辍保学 -------------------------------------------------------------------------
    def m03(self) -> None:
        overrides = self.deployment.enrolment_overrides

        def child(note, expect, age, override=None, schooling=None):
            household = self.household("M03", (*FAMILY[:2], ("子", age, "1")))
            kid = self.member(household, "子")
            if override:
                overrides[kid.id_number] = override
            if schooling:
                kid.schooling = schooling
            self.case("M03", expect, household, kid, note, age=age)
            return household, kid

        child("aged 10, 学籍 status 辍学", "positive", 10, "辍学", "非在校生")
        child("aged 12, no 学籍 record", "positive", 12, "none", "非在校生")
        _, kid = child(
            "aged 9, no own 学籍 record; a record of another child with the same name exists",
            "positive",
            9,
            "none",
            "非在校生",
        )
        namesake_home = self.household("M03", (("户主", 38, "1"), ("子", 9, "1")), registered=False)
        self.member(namesake_home, "子").name = kid.name
        child("aged 16 without 学籍 (past compulsory age)", "negative", 16, "none", "非在校生")
        child("aged 5 without 学籍 (before school age)", "negative", 5, "none", "非在校生")
        child("aged 15, 在读", "negative", 15)

    # --- M04 住房不安全 -----------------------------------------------------------------------
    def m04(self) -> None:

        weeks = weekly_dates(self.deployment)

        def house(note, expect, level, state, registry_level, *, earlier=None):
            household = self.household("M04")
            household.registry.danger_level = registry_level
            appraised = dt.date(2023, 5, 16)
            finished = dt.date(2024, 11, 30) if state == "已竣工" else None
            if earlier:
                self.deployment.renovations.append(
                    renovation_row(household, earlier[0], earlier[1], appraised, None, weeks[0])
                )
            self.deployment.renovations.append(
                renovation_row(household, level, state, appraised, finished, weeks[-1])
            )
            self.case("M04", expect, household, None, note)

        house("rated C, 改造中", "positive", "C", "改造中", "C")
        house("rated D, 未改造", "positive", "D", "未改造", "D")
        house("rated C but 已竣工", "negative", "C", "已竣工", "C")
        house("rated B, 未改造", "negative", "B", "未改造", "B")
        if len(weeks) > 1:
            house(
                "an earlier record D 改造中, the latest D 已竣工",
                "negative",
                "D",
                "已竣工",
                "D",
                earlier=("D", "改造中"),
            )

    # --- M05 残疾补贴缺失 ---------------------------------------------------------------------
    def m05(self) -> None:

        def disabled(note, expect, grade, living, care, *, status="未脱贫", attribute="一般贫困户"):
            household = self.household(
                "M05",
                status=status,
                attribute=attribute,
                exit_year=2020 if status == "已脱贫" else None,
            )
            person = self.member(household, "配偶")
            person.health, person.disability = "残疾", (4, grade)
            self.labour(person, "丧失劳动力")
            person.reserved.add("disability")
            self.deployment.certificates.append(
                certificate_row(person, 4, grade, dt.date(2018, 6, 1), living, care)
            )
            if attribute == "低保贫困户":
                self.deployment.dibao.append(
                    dibao_row(self.member(household, "户主"), "低保", 50_000, dt.date(2020, 1, 1))
                )
            self.case("M05", expect, household, person, note, grade=grade)

        disabled("grade 1 without 重度残疾人护理补贴", "positive", 1, "是", "否")
        disabled(
            "grade 3 in a 未脱贫 household without 困难残疾人生活补贴", "positive", 3, "否", "否"
        )
        disabled(
            "grade 4 in an 已脱贫 低保贫困户 without 困难残疾人生活补贴",
            "positive",
            4,
            "否",
            "否",
            status="已脱贫",
            attribute="低保贫困户",
        )
        disabled(
            "grade 3 in an 已脱贫 一般贫困户 without either subsidy (not a poor household, "
            "not severe)",
            "negative",
            3,
            "否",
            "否",
            status="已脱贫",
        )
        disabled("grade 2 with both subsidies", "negative", 2, "是", "是")

    # --- M06 搬迁无就业 -----------------------------------------------------------------------
    def m06(self) -> None:

        def relocated(note, expect, workers, employed):
            household = self.household("M06", status="已脱贫", exit_year=2020)
            household.registry.relocated = True
            chosen = [p for p in household.members if p.relation != "户主"][:workers]
            self.set_labour(household, *chosen)
            if workers == 0:
                for person in household.members:
                    self.labour(person, "丧失劳动力" if person.age(self.as_of) > 60 else "无劳动力")
            row = relocation_row(self.deployment, self.rng, household, workers, employed)
            self.deployment.relocations.append(row)
            self.case("M06", expect, household, None, note, labourers=workers, employed=employed)

        relocated("relocated, 2 labourers, 0 employed", "positive", 2, 0)
        relocated("relocated, no labourer, 0 employed", "negative", 0, 0)
        relocated("relocated, 3 labourers, 1 employed", "negative", 3, 1)

    # --- S01 高校录取资助 ---------------------------------------------------------------------
    def s01(self) -> None:

        year = self.as_of.year
        admissions = self.deployment.admissions

        student_home = self.household("S01", (*FAMILY[:2], ("子", 18, "1")))
        student = self.member(student_home, "子")
        student.schooling = "本科及以上"
        row = admission_row(self.rng, student, year)
        admissions.setdefault(year, []).extend([row, dict(row)])
        self.case(
            "S01",
            "positive",
            student_home,
            student,
            f"admitted in {year} (listed twice in luqu_{year}: once per student per year)",
            admission_year=year,
        )

        monitored = getattr(self, "m02_admission", None)
        if monitored is not None:
            teen = self.member(monitored, "子")
            admissions.setdefault(year, []).append(admission_row(self.rng, teen, year))
            self.case(
                "S01",
                "positive",
                monitored,
                teen,
                f"admitted in {year}; member of the unregistered M02 household "
                "(突发严重困难户, a monitoring object)",
                admission_year=year,
            )

        last_year = self.household("S01", (*FAMILY[:2], ("子", 19, "1")))
        older = self.member(last_year, "子")
        older.schooling = "本科及以上"
        admissions.setdefault(year - 1, []).append(admission_row(self.rng, older, year - 1))
        self.case(
            "S01",
            "negative",
            last_year,
            older,
            f"admitted in {year - 1}, not this year",
            admission_year=year - 1,
        )

        namesake_home = self.household("S01", (*FAMILY[:2], ("子", 18, "1")))
        member = self.member(namesake_home, "子")
        stranger_home = self.household(
            "S01", (("户主", 45, "1"), ("子", 18, "1")), registered=False
        )
        stranger = self.member(stranger_home, "子")
        stranger.name = member.name
        admissions.setdefault(year, []).append(admission_row(self.rng, stranger, year))
        self.case(
            "S01",
            "negative",
            namesake_home,
            member,
            "not admitted; an unregistered namesake (other ID number) was",
        )

    # --- rows to quarantine in the other feeds -----------------------------------------------
    def other_quarantines(self) -> None:

        deployment = self.deployment
        last_year, last_month = self.months_until_check()[-1]
        stamp = f"{last_year}{last_month:02d}"
        outsider = self.household(
            "quarantine", (("户主", 41, "1"), ("子", 10, "1")), registered=False
        )
        head, kid = outsider.members
        for person in outsider.members:
            person.reserved.update({"medical", "renshe", "disability"})

        row = settlement(
            deployment.settlement_ids,
            head,
            f"{self.county.name}人民医院",
            "普通门诊",
            vocab.ICD10[0],
            18_000,
            5_400,
            self.day_in(last_year, last_month, 3),
        )
        row["证件号码"] = wrong_check_digit(head.id_number)
        add_mark(row, self.quarantine("medical", "证件号码", row["证件号码"]))
        deployment.extra_rows.setdefault(f"medical:{stamp}", []).append(row)

        row = renshe_row(head, "城乡居民养老", "参保缴费", None, None, "灵活就业", self.county.code)
        row["证件号码"] = wrong_check_digit(head.id_number)
        row["所属期"] = stamp
        add_mark(row, self.quarantine("renshe", "证件号码", row["证件号码"]))
        deployment.extra_rows.setdefault(f"renshe:{stamp}", []).append(row)

        row = certificate_row(head, 4, 3, dt.date(2020, 5, 6), "否", "否")
        row["残疾人证号"] = wrong_check_digit(head.id_number) + "43"
        add_mark(
            row,
            self.quarantine(
                "disability",
                "残疾人证号",
                row["残疾人证号"],
                "the ID number in the certificate number fails the check",
            ),
        )
        deployment.extra_rows.setdefault(f"canlian:{stamp}", []).append(row)

        row = enrolment_row(
            kid, ("5200000001", "修文县实验小学"), "小学", 4, "在读", "2026-08-29T08:00:00+08:00"
        )
        row["id_number"] = wrong_check_digit(kid.id_number)
        row["student_no"] = f"G{row['id_number']}"
        add_mark(row, self.quarantine("education", "id_number", row["id_number"]))
        deployment.enrolment_extra.append(row)

        companies = [b for b in deployment.businesses if b["entity_type"] == "有限责任公司"]
        uscc = companies[0]["uscc"] if companies else "91520123MA6DKQ1X0P"
        broken = uscc[:17] + ("0" if uscc[17] != "0" else "1")
        row = {
            "企业统一社会信用代码": broken,
            "企业名称": companies[0]["name"] if companies else "修文富民农业有限公司",
            "帮扶对象类型": "村",
            "帮扶对象代码": outsider.village,
            "帮扶方式": "捐赠",
            "帮扶金额（元）": "50000.00",
            "受益人数": 120,
            "帮扶日期": self.day_in(last_year, last_month, 6).isoformat(),
        }
        case = self.quarantine(
            "assistance",
            "企业统一社会信用代码",
            broken,
            "credit code check character wrong (GB 32100)",
        )
        case.pop("id_number")
        case["uscc"] = broken
        add_mark(row, case)
        deployment.extra_rows.setdefault(f"qiye_bangfu:{stamp}", []).append(row)


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


def plant(deployment: Deployment) -> Planter:
    """Plant every case before the background exists (businesses for employers come later)."""
    planter = Planter(deployment)
    planter.v01()
    planter.v10()
    planter.hukou_quarantine()
    planter.v02()
    planter.v03()
    planter.v04()
    planter.v05_m07()
    planter.v06()
    planter.v07()
    planter.v08()
    planter.v09_m01()
    planter.m02()
    planter.m03()
    planter.m04()
    planter.m05()
    planter.m06()
    planter.s01()
    return planter
