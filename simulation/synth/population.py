"""A coherent synthetic population: rural households and their members, some of them registered.

Every department's records are later drawn from this one population, so joins on ID numbers
behave like real ones. Everything is driven by ``random.Random`` instances seeded with strings
(hashed with SHA-512 by the standard library), so the same seed gives the same people.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from fupin.ids import id_check_digit
from simulation.synth import vocabulary as vocab
from simulation.synth.divisions import County

# Exit years whose poverty line policy.md gives (2017-2019 must be configured by the operator,
# so background households never carry them: a rule would stop or guess).
BACKGROUND_EXIT_YEARS = (2014, 2015, 2016, 2020)
# Background incomes stay clear of every income rule (M01's 7,000 assumed for the check year).
BACKGROUND_MIN_NET_INCOME = 7_500


def rng_for(seed: int, *parts: object) -> random.Random:
    """An independent, reproducible random stream for one purpose (string seeds hash stably)."""
    return random.Random(":".join(["fupin-synth", str(seed), *map(str, parts)]))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def yuan(cents: int) -> str:
    """Cents as the departments' plain amount text, e.g. ``1234.50``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def yuan_with_separator(cents: int) -> str:
    """Cents as a clerk types them in Excel text cells, e.g. ``1,234.50``."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


@dataclass(eq=False)
class HukouEvent:
    """One change record of the hukou register, as it appears in a daily delta."""

    person: Person
    file_date: dt.date  # the delta file that carries it
    change_date: dt.date  # 变动日期 (may be earlier than the file: late recording)
    change_type: str  # 新增 / 变更 / 注销
    reason: str = ""  # 注销原因
    name: str | None = None  # the person's name after the change (None: unchanged)
    village: str | None = None  # 户籍地区划 after the change
    marks: list[dict] = field(default_factory=list)  # ground-truth marks of this delta row


@dataclass(eq=False)
class Person:
    id_number: str  # the true, valid 18-character number
    name: str
    sex: str  # GB/T 2261.1: 1 male, 2 female
    birth: dt.date
    ethnic: str  # GB 3304 2-digit code
    relation: str  # registry relation word (户主 配偶 子 …)
    household: Household
    education: str = "初中"
    schooling: str = "非在校生"
    health: str = "健康"
    labour: str = "无劳动力"
    work_place: str = "无"
    work_months: int = 0
    serious_illness_insured: str = "是"
    pension_insured: str = "否"
    disability: tuple[int, int] | None = None  # (category 1-7, grade 1-4)
    # How departments deliver this person (quirks and planted deviations).
    registry_id_text: str | None = None  # None: the true number
    registry_name: str | None = None  # None: the true name
    hukou_legacy_15: bool = False
    hukou_birth_text: str | None = None  # None: the birth date of the ID number
    in_hukou: bool = True
    hukou_events: list[HukouEvent] = field(default_factory=list)
    added_on: dt.date | None = None  # 新增 within the generated range (born or moved in)
    # Background generators leave these persons alone for the named purposes.
    reserved: set[str] = field(default_factory=set)
    # Ground-truth marks this person's row carries, per feed (filled by the planted cases).
    marks: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def relation_code(self) -> str:
        return vocab.RELATION_CODES[self.relation]

    def age(self, day: dt.date) -> int:
        return age_on(self.birth, day)

    @property
    def is_registered(self) -> bool:
        return self.household.registry is not None

    def cancelled_by(self, day: dt.date) -> HukouEvent | None:
        for event in self.hukou_events:
            if event.change_type == "注销" and event.file_date <= day:
                return event
        return None

    @property
    def is_free(self) -> bool:
        """Free for background records that could fire a rule: not registered, not planted."""
        return self.household.registry is None and not self.household.planted


@dataclass
class RegistryHousehold:
    """The 建档立卡 part of a household (sheet 户信息)."""

    household_id: str
    attribute: str
    standard: str
    main_cause: str
    other_causes: tuple[str, ...]
    land_mu: float
    house_m2: float
    danger_level: str
    water_safe: str
    wage_cents: int
    business_cents: int
    property_cents: int
    transfer_cents: int
    expense_cents: int
    declared_net_cents: int  # 年人均纯收入 as the county computed it
    status: str  # 未脱贫 / 已脱贫 / 返贫
    exit_year: int | None
    identified_year: int
    bank: str
    account: str
    phone: str
    amounts_as_text: bool = False  # the clerk typed `1,234.50` text in this row
    relocated: bool = False


@dataclass(eq=False)
class Household:
    hukou_no: str  # 户号 of the hukou register
    county: County
    village: str  # 12-digit village code
    members: list[Person] = field(default_factory=list)
    registry: RegistryHousehold | None = None
    planted: str | None = None  # the rule whose planted case lives here

    @property
    def head(self) -> Person:
        return self.members[0]


class IdNumbers:
    """Allocates unique, valid ID numbers of one county (its code at the person's birth).

    Counties of one deployment share ``used``: two counties may carry the same older code
    (a district created later), and their people must still get different numbers.
    """

    def __init__(
        self, county: County | str, province: str | None = None, used: dict | None = None
    ) -> None:
        if isinstance(county, str):
            from simulation.synth.divisions import province_counties

            county = province_counties(province or county[:2])[county]
        self.county = county
        self.used: dict[tuple[str, str, str], int] = {} if used is None else used

    def allocate(self, birth: dt.date, sex: str) -> str:
        from simulation.synth.divisions import id_prefix

        prefix = id_prefix(self.county.code[:2], self.county.code, self.county.name, birth.year)
        birth_text = birth.strftime("%Y%m%d")
        key = (prefix, birth_text, sex)
        count = self.used.get(key, 0)
        self.used[key] = count + 1
        if count >= 450:
            raise ValueError(f"more than 450 people of one sex born on {birth} under {prefix}")
        # Sequence parity is the sex (odd male).
        sequence = 100 + 2 * count + (1 if sex == "1" else 0)
        first17 = f"{prefix}{birth_text}{sequence:03d}"
        return first17 + id_check_digit(first17)


def random_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    surname = surname or rng.choices(vocab.SURNAMES, vocab.SURNAME_WEIGHTS)[0]
    pool = vocab.MALE_GIVEN if sex == "1" else vocab.FEMALE_GIVEN
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given


def birth_for_age(rng: random.Random, age: int, as_of: dt.date) -> dt.date:
    """A birth date giving exactly ``age`` whole years on ``as_of``."""
    latest = (
        as_of.replace(year=as_of.year - age)
        if not (as_of.month == 2 and as_of.day == 29)
        else dt.date(as_of.year - age, 2, 28)
    )
    earliest = dt.date(latest.year - 1, latest.month, 1) + dt.timedelta(days=31)
    earliest = min(earliest, latest)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


class PopulationBuilder:
    """Builds the households of one county."""

    def __init__(
        self, county: County, seed: int, as_of: dt.date, used_ids: dict | None = None
    ) -> None:
        self.county = county
        self.seed = seed
        self.as_of = as_of
        self.rng = rng_for(seed, county.code, "population")
        self.ids = IdNumbers(county, used=used_ids)
        self.households: list[Household] = []
        self.villages = self._villages()
        self._next_hukou_no = 1
        self._next_registry_sequence: dict[str, int] = {}

    def _villages(self) -> list[str]:
        rng = rng_for(self.seed, self.county.code, "villages")
        villages = []
        for township in self.county.townships:
            for number in range(rng.randint(3, 6)):
                villages.append(f"{township.code}{201 + number:03d}")
        return villages

    def village_name(self, village: str) -> str:
        return f"{'东南西北中上下新'[int(village[-1]) % 8]}{'寨坝塘坡沟'[int(village[-2]) % 5]}村"

    def township_of(self, village: str):
        for township in self.county.townships:
            if township.code == village[:9]:
                return township
        raise KeyError(village)

    # --- persons -----------------------------------------------------------------------------
    def person(
        self,
        household: Household,
        relation: str,
        age: int,
        sex: str,
        surname: str | None = None,
    ) -> Person:
        rng = self.rng
        birth = birth_for_age(rng, age, self.as_of)
        member = Person(
            id_number=self.ids.allocate(birth, sex),
            name=random_name(rng, sex, surname),
            sex=sex,
            birth=birth,
            ethnic=household.head.ethnic
            if household.members
            else rng.choices(vocab.ETHNIC_CODES, vocab.ETHNIC_WEIGHTS)[0],
            relation=relation,
            household=household,
        )
        self._describe(member)
        household.members.append(member)
        return member

    def _describe(self, person: Person) -> None:
        """Registry-style attributes that fit the person's age."""
        rng = self.rng
        age = person.age(self.as_of)
        person.schooling = "非在校生"
        for low, high, schooling, _stage in vocab.SCHOOL_STAGES:
            if low <= age <= high and (high < 18 or rng.random() < 0.3):
                person.schooling = schooling
        if age < 7:
            person.education = "文盲或半文盲"
        elif age < 13:
            person.education = "小学"
        elif age < 16:
            person.education = "初中"
        elif person.schooling == "本科及以上":
            person.education = "高中"
        else:
            weights = list(vocab.EDUCATION_WEIGHTS)
            if age > 60:
                weights = [40, 40, 15, 3, 1, 1]
            person.education = rng.choices(vocab.EDUCATION_LEVELS, weights)[0]
        draw = rng.random()
        person.health = (
            "健康"
            if draw < 0.76 or age < 16
            else "长期慢性病"
            if draw < 0.9
            else "患有大病"
            if draw < 0.95
            else "残疾"
        )
        if age < 16 or age > 75 or person.schooling != "非在校生":
            person.labour = "无劳动力"
        elif person.health in ("患有大病", "残疾"):
            person.labour = rng.choice(("丧失劳动力", "弱劳动力或半劳动力"))
        elif age > 60:
            person.labour = "弱劳动力或半劳动力"
        else:
            person.labour = rng.choices(vocab.LABOUR_SKILLS[:3], (70, 20, 10))[0]
        if person.labour in vocab.WORKING_LABOUR:
            person.work_place = rng.choices(vocab.WORK_PLACES, (15, 20, 20, 35, 10))[0]
            person.work_months = 0 if person.work_place == "无" else rng.randint(3, 12)
        person.pension_insured = "是" if age >= 16 and rng.random() < 0.92 else "否"
        person.serious_illness_insured = "是" if rng.random() < 0.97 else "否"
        if person.health == "残疾":
            person.disability = (rng.randint(1, 7), rng.choices((1, 2, 3, 4), (1, 2, 3, 4))[0])

    # --- households --------------------------------------------------------------------------
    def household(self, village: str | None = None) -> Household:
        household = Household(
            hukou_no=f"{self.county.code}{self._next_hukou_no:06d}",
            county=self.county,
            village=village or self.rng.choice(self.villages),
        )
        self._next_hukou_no += 1
        self.households.append(household)
        return household

    def family(self, household: Household, *, single_elderly: bool = False) -> Household:
        """Head, and a plausible mix of spouse, children, parents and grandchildren."""
        rng = self.rng
        if single_elderly:
            self.person(household, "户主", rng.randint(68, 88), rng.choice("12"))
            return household
        head_age = rng.randint(26, 78)
        head_sex = "1" if rng.random() < 0.82 else "2"
        head = self.person(household, "户主", head_age, head_sex)
        surname = head.name[0]
        if head_age < 76 and rng.random() < 0.82:
            spouse_age = max(20, min(90, head_age + rng.randint(-6, 4)))
            self.person(household, "配偶", spouse_age, "2" if head_sex == "1" else "1")
        youngest_parent = min(m.age(self.as_of) for m in household.members)
        for _ in range(rng.choices((0, 1, 2, 3), (10, 35, 40, 15))[0]):
            child_age = youngest_parent - rng.randint(21, 36)
            if child_age < 0:
                continue
            sex = rng.choice("12")
            self.person(household, "子" if sex == "1" else "女", child_age, sex, surname)
        if head_age < 52 and rng.random() < 0.4:
            parent_age = min(92, head_age + rng.randint(22, 32))
            self.person(household, "父母", parent_age, rng.choice("12"), None)
        if head_age >= 52 and rng.random() < 0.45:
            for _ in range(rng.randint(1, 2)):
                self.person(household, "孙子女", rng.randint(0, 14), rng.choice("12"), surname)
        return household

    # --- registry ----------------------------------------------------------------------------
    def household_id(self, village: str) -> str:
        sequence = self._next_registry_sequence.get(village, 0) + 1
        self._next_registry_sequence[village] = sequence
        return f"{village}{sequence:08d}"

    def register(
        self,
        household: Household,
        *,
        attribute: str | None = None,
        status: str | None = None,
        exit_year: int | None = None,
        net_income_cents: int | None = None,
    ) -> RegistryHousehold:
        """Make a household a registered poor household with plausible, rule-neutral values."""
        rng = self.rng
        size = len(household.members)
        if attribute is None:
            attribute = (
                "特困供养贫困户" if size == 1 else rng.choices(vocab.ATTRIBUTES[:2], (74, 26))[0]
            )
        if status is None:
            status = rng.choices(("已脱贫", "未脱贫", "返贫"), (72, 18, 10))[0]
        identified = rng.choices((2014, 2015, 2016), (80, 12, 8))[0]
        if status == "未脱贫":
            exit_year = None
        elif exit_year is None:
            exit_year = rng.choice([y for y in BACKGROUND_EXIT_YEARS if y >= identified])
        chosen_income = net_income_cents is not None
        if net_income_cents is None:
            net_income_cents = rng.randint(BACKGROUND_MIN_NET_INCOME, 18_000) * 100 + rng.choice(
                (0, 50, 0, 20)
            )
        gross = net_income_cents * size
        expense = gross * rng.randint(4, 14) // 100
        total = gross + expense
        transfer = total * rng.randint(10, 30) // 100
        property_income = total * rng.randint(0, 4) // 100
        business = total * rng.randint(10, 35) // 100
        wage = total - transfer - property_income - business
        declared = net_income_cents
        if rng.random() < 0.06 and not chosen_income:
            # The county's own computation drifts a little from (income - expense) / size.
            declared = net_income_cents + rng.choice((-1, 1)) * rng.randint(50, 300) * 100
            declared = max(declared, BACKGROUND_MIN_NET_INCOME * 100)
        causes = rng.choices(vocab.CAUSES, vocab.CAUSE_WEIGHTS, k=3)
        main_cause = causes[0]
        others = tuple(
            dict.fromkeys(c for c in causes[1 : 1 + rng.randint(0, 2)] if c != main_cause)
        )
        registry = RegistryHousehold(
            household_id=self.household_id(household.village),
            attribute=attribute,
            standard=rng.choices(vocab.STANDARDS, (90, 8, 2))[0],
            main_cause=main_cause,
            other_causes=others,
            land_mu=round(rng.uniform(0.3, 6.0), 1),
            house_m2=round(rng.uniform(40, 160), 1),
            danger_level=rng.choices(("无", "A", "B"), (80, 12, 8))[0],
            water_safe="是" if rng.random() < 0.96 else "否",
            wage_cents=wage,
            business_cents=business,
            property_cents=property_income,
            transfer_cents=transfer,
            expense_cents=expense,
            declared_net_cents=declared,
            status=status,
            exit_year=exit_year,
            identified_year=identified,
            bank=rng.choice(vocab.BANKS),
            account="6" + "".join(rng.choice("0123456789") for _ in range(18)),
            phone=rng.choice(("13", "15", "18", "17"))
            + "".join(rng.choice("0123456789") for _ in range(9)),
            amounts_as_text=rng.random() < 0.35,
        )
        household.registry = registry
        return registry


def computed_net_cents(registry: RegistryHousehold, size: int) -> int:
    income = (
        registry.wage_cents
        + registry.business_cents
        + registry.property_cents
        + registry.transfer_cents
    )
    return (income - registry.expense_cents) // max(size, 1)


def build_county(
    county: County,
    seed: int,
    as_of: dt.date,
    registered_households: int,
    used_ids: dict | None = None,
) -> PopulationBuilder:
    """The background households of one county: about one in six rural households registered."""
    builder = PopulationBuilder(county, seed, as_of, used_ids)
    rng = builder.rng
    total = registered_households * 6
    registered = set(rng.sample(range(total), registered_households))
    for index in range(total):
        is_registered = index in registered
        single = is_registered and rng.random() < 0.06
        household = builder.family(builder.household(), single_elderly=single)
        if is_registered:
            builder.register(household)
    return builder
