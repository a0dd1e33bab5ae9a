"""Planted cases on hukou facts: V10 身份不符, V06 重复登记, V05 死亡未销 with M07 主要劳力死亡."""

from __future__ import annotations

import datetime as dt

from simulation.synth.background import (
    add_event,
    lower_x,
)
from simulation.synth.planted.base import FAMILY, PlanterBase, wrong_check_digit


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


class IdentityCases(PlanterBase):
    # --- V10 身份不符 -------------------------------------------------------------------------
    def v10(self) -> None:
        self.v10_positives()
        self.v10_negatives()
        self.v10_repeated_change()

    def v10_positives(self) -> None:
        """A bad check digit, another name, no hukou record, another birth date."""
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
        self.truth.cases.append(landed)
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

    def v10_negatives(self) -> None:
        """Differences that normalise away: a lower-case x, a 15-digit number, a blank."""
        lower = self.household("V10", FAMILY[:3])
        x_member = self.person_with_check_x(lower, "女", 17, "2")
        x_member.registry_id_text = lower_x(x_member.id_number)
        quirk = self.truth.quirk("lowercase_x", field="证件号码", sheet="成员信息")
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

    def v10_repeated_change(self) -> None:
        """Two changes of one person in one delta, the later 变动日期 on the earlier line."""
        repeated = self.household("V10")
        head = self.member(repeated, "户主")
        day = self.date_before_check(12)
        correct, typo_name = head.name, head.name[0] + "某" + head.name[1:][:1]
        first = add_event(head, day, "变更", change_date=day, name=correct)
        second = add_event(
            head, day, "变更", change_date=day - dt.timedelta(days=1), name=typo_name
        )
        rows = self.truth.quirk(
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

    # --- V05 死亡未销 / M07 主要劳力死亡 -------------------------------------------------------
    def v05_m07(self) -> None:
        self.v05()
        self.m07()

    def v05(self) -> None:
        """A death cancels a hukou; other reasons for 注销 do not fire V05."""
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

    def m07(self) -> None:
        """The only labourer died (also a V05 case), or one of two, or moved out."""
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
