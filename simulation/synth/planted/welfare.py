"""Planted cases on allowances and income: V07 低保不符, V09 虚假脱贫 with M01 收入低于监测线,
S01 高校录取资助.
"""

from __future__ import annotations

import datetime as dt

from simulation.synth.background import (
    admission_row,
    dibao_row,
)
from simulation.synth.planted.base import FAMILY, PlanterBase


class WelfareCases(PlanterBase):
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

    # --- V09 虚假脱贫 and M01 收入低于监测线 ---------------------------------------------------
    def v09_m01(self) -> None:
        self.v09()
        self.m01()

    def income_case(self, rule, expect, note, income, status="已脱贫", exit_year=2020, also=()):
        """A household of ``income`` per head, with its case and the cases it also is."""
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

    def v09(self) -> None:
        """已脱贫 below the exit year's poverty line, and near misses (most are M01 cases too)."""
        exited = self.income_case
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

    def m01(self) -> None:
        exited = self.income_case
        exited("M01", "positive", "已脱贫 with 年人均纯收入 6,500 < 7,000", 6_500, also=[])
        exited("M01", "positive", "返贫 with 年人均纯收入 5,000", 5_000, status="返贫")
        exited("M01", "negative", "年人均纯收入 exactly 7,000", 7_000)
        exited("M01", "negative", "年人均纯收入 7,200", 7_200)

    # --- S01 高校录取资助 ---------------------------------------------------------------------
    def s01(self) -> None:
        self.s01_positives()
        self.s01_negatives()

    def s01_positives(self) -> None:
        """Admitted this year: a registered student (listed twice) and a monitored one."""
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

    def s01_negatives(self) -> None:
        """Admitted last year, or a namesake admitted instead."""
        year = self.as_of.year
        admissions = self.deployment.admissions
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
