"""Planted rows that landing must quarantine (a wrong check digit and other bad values)."""

from __future__ import annotations

import datetime as dt

from simulation.synth import vocabulary as vocab
from simulation.synth.background import (
    certificate_row,
    enrolment_row,
    renshe_row,
    settlement,
)
from simulation.synth.deployment import add_mark
from simulation.synth.planted.base import PlanterBase, wrong_check_digit
from simulation.synth.population import Household


class QuarantineCases(PlanterBase):
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

    # --- rows to quarantine in the other feeds -----------------------------------------------
    def other_quarantines(self) -> None:
        last_month = self.months_until_check()[-1]
        outsider = self.household(
            "quarantine", (("户主", 41, "1"), ("子", 10, "1")), registered=False
        )
        self.person_quarantines(outsider, last_month)
        self.credit_code_quarantine(outsider, last_month)

    def person_quarantines(self, outsider: Household, last_month: tuple[int, int]) -> None:
        """A wrong check digit in the medical, renshe, disability and education feeds."""
        deployment = self.deployment
        last_year, last_month_number = last_month
        stamp = f"{last_year}{last_month_number:02d}"
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
            self.day_in(last_year, last_month_number, 3),
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

    def credit_code_quarantine(self, outsider: Household, last_month: tuple[int, int]) -> None:
        """An enterprise-aid row whose credit code fails its check character."""
        deployment = self.deployment
        stamp = f"{last_month[0]}{last_month[1]:02d}"
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
            "帮扶日期": self.day_in(*last_month, 6).isoformat(),
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
