"""Planted monitoring cases: M02 大额医疗支出, M03 控辍保学, M04 住房不安全, M05 残疾补贴缺失,
M06 搬迁无就业.
"""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background import (
    certificate_row,
    dibao_row,
    relocation_row,
    renovation_row,
    reversal_of,
    settlement,
    weekly_dates,
)
from simulation.synth.planted.base import FAMILY, PlanterBase


class MonitoringCases(PlanterBase):
    # --- M02 大额医疗支出 ---------------------------------------------------------------------
    def m02(self) -> None:
        months = self.months_until_check()
        self.m02_exited(months[0], months[-1])
        self.m02_unregistered(months[0], months[-1])
        self.m02_share_of_income(months[-1])

    def m02_bill(self, person, month, self_pay, total=None, day=12) -> dict:
        """An inpatient settlement of ``person`` in ``month`` (total four times the self-pay)."""
        total = total or self_pay * 4
        township = self.builder.township_of(person.household.village).name
        row = settlement(
            self.deployment.settlement_ids,
            person,
            f"{township}卫生院" if total < 100_000 else f"{self.county.name}人民医院",
            "住院",
            vocab.ICD10[6],
            total,
            self_pay,
            self.day_in(*month, day),
            8,
        )
        self.deployment.medical.setdefault(month, []).append(row)
        return row

    def m02_household(self, rule_status, members=FAMILY, registered=True, income=9_200):
        planted = self.household(
            "M02", members, registered=registered, status=rule_status, net_income=income
        )
        for person in planted.members:
            person.reserved.add("medical")
        return planted

    def m02_exited(self, first: tuple[int, int], last: tuple[int, int]) -> None:
        """已脱贫 households: 12 months of self-pay against 5,000, net of reversals."""
        household, bill = self.m02_household, self.m02_bill
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
        self.deployment.medical.setdefault(last, []).append(reversal)
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

    def m02_unregistered(self, first: tuple[int, int], last: tuple[int, int]) -> None:
        """Unregistered households: 12 months of self-pay against 20,000."""
        household, bill = self.m02_household, self.m02_bill
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
        self.deployment.dibao.append(
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

    def m02_share_of_income(self, last: tuple[int, int]) -> None:
        """未脱贫 households: 20,000 or half the household's net income."""
        household, bill = self.m02_household, self.m02_bill
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
