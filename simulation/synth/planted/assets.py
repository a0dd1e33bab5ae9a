"""Planted cases on income and assets a poor household should not have: V01 财政供养,
V02 车辆, V03 商品房, V04 经营主体, V08 职工参保.
"""

from __future__ import annotations

import datetime as dt

from simulation.synth.background import (
    address,
    business_item,
    free_adults,
    hash_seconds,
    iso_time,
    new_uscc,
    payroll_entry,
    payroll_unit,
    property_row,
    renshe_row,
    vehicle_item,
    weekly_dates,
)
from simulation.synth.deployment import add_mark
from simulation.synth.planted.base import PlanterBase, wrong_check_digit


class AssetCases(PlanterBase):
    # --- V01 财政供养 -------------------------------------------------------------------------
    def v01(self) -> None:
        self.v01_on_payroll()
        self.v01_hired_in_change_file()
        self.v01_off_payroll()
        self.v01_quarantine()

    def v01_staff(self, person, category, start, stop=None, **extra) -> dict:
        """A payroll entry of ``person`` in a unit of the person's county."""
        deployment = self.deployment
        entry = payroll_entry(
            person, payroll_unit(deployment, self.rng, person.household), category, start, stop
        )
        entry.update(extra)
        deployment.payroll.append(entry)
        return entry

    def v01_on_payroll(self) -> None:
        staff = self.v01_staff
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

    def v01_hired_in_change_file(self) -> None:
        """A hire in a change file whose first version had the ID number wrong; _v2 fixes it."""
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
        self.v01_staff(son, "在职", hire_day, _v1_id=bad, _v1_marks=[quarantine])
        self.case(
            "V01",
            "positive",
            hired,
            son,
            f"hired {hire_day} (新增 in caizheng_biandong_{hire_day:%Y%m}_v2.xlsx; "
            "the _v1 row had a wrong check digit)",
        )

    def v01_off_payroll(self) -> None:
        staff = self.v01_staff
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

    def v01_quarantine(self) -> None:
        """A row of the yearly list that cannot be matched: quarantined."""
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
        self.deployment.payroll_full_extra.setdefault(self.as_of.year, []).append(bad_row)

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
