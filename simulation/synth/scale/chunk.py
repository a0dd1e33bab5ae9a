"""One chunk of residents (runs in a worker): people with valid ID numbers and every feed's
encoded bytes, from the chunk's own seeded random stream.
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
import time
from dataclasses import dataclass

from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import month_end
from simulation.synth.divisions import id_prefix_plan

SETTLEMENTS_PER_RESIDENT_MONTH = 0.26
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
GZIP_LEVEL = 1  # fast: the full is rewritten every month, ratio matters less than speed


def _weighted(text: str, offset: int) -> int:
    return sum(int(c) * ID_WEIGHTS[offset + i] for i, c in enumerate(text))


SEQUENCE_SUMS = tuple(_weighted(f"{n:03d}", 14) for n in range(1000))
SEQUENCE_TEXTS = tuple(f"{n:03d}" for n in range(1000))


@dataclass(frozen=True)
class ChunkTask:
    province: str
    county_code: str
    county_name: str
    villages: tuple[str, ...]
    township_names: tuple[str, ...]
    chunk: int  # index within the county
    chunks: int  # chunks in the county (sequence lanes)
    residents: int
    first_household: int
    seed: int
    months: tuple[tuple[int, int], ...]
    as_of: dt.date
    registry: bool


class _Tables:
    """Per-process lookup tables: date digit sums, names, ethnic draws."""

    def __init__(self, as_of: dt.date) -> None:
        first = dt.date(as_of.year - 95, 1, 1)
        self.dates = []
        day = first
        while day <= as_of:
            text = day.strftime("%Y%m%d")
            self.dates.append((text, _weighted(text, 6), day.year))
            day += dt.timedelta(days=1)
        rng = random.Random("fupin-synth-scale-names")
        self.names = {
            sex: [
                rng.choices(vocab.SURNAMES, vocab.SURNAME_WEIGHTS)[0]
                + rng.choice(pool)
                + (rng.choice(pool) if rng.random() < 0.7 else "")
                for _ in range(4096)
            ]
            for sex, pool in (("1", vocab.MALE_GIVEN), ("2", vocab.FEMALE_GIVEN))
        }
        self.ethnic = rng.choices(vocab.ETHNIC_CODES, vocab.ETHNIC_WEIGHTS, k=256)


_TABLES: dict[dt.date, _Tables] = {}


def _tables(as_of: dt.date) -> _Tables:
    if as_of not in _TABLES:
        _TABLES[as_of] = _Tables(as_of)
    return _TABLES[as_of]


_COUNTY_DATES: dict[tuple[str, str, dt.date], list] = {}


def _county_dates(province: str, county_code: str, as_of: dt.date) -> list:
    """Per birth date of a county: (address code + date, weighted digit sum, share, sharers,
    date text). Kept for the last county only: a worker takes a county's chunks in a row."""
    key = (province, county_code, as_of)
    if key not in _COUNTY_DATES:
        _COUNTY_DATES.clear()
        plans: dict[int, tuple[str, int, int, int]] = {}
        rows = []
        for birth_text, birth_sum, year in _tables(as_of).dates:
            if year not in plans:
                prefix, share, sharers = id_prefix_plan(province, county_code, year)
                plans[year] = (prefix, _weighted(prefix, 0), share, sharers)
            prefix, prefix_sum, share, sharers = plans[year]
            rows.append((prefix + birth_text, prefix_sum + birth_sum, share, sharers, birth_text))
        _COUNTY_DATES[key] = rows
    return _COUNTY_DATES[key]


def _yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def make_chunk(task: ChunkTask) -> dict:
    """Every feed's encoded bytes for one chunk of residents, with row counts and timings."""
    started = time.process_time()
    tables = _tables(task.as_of)
    rng = random.Random(f"fupin-synth-scale:{task.seed}:{task.county_code}:{task.chunk}")
    people, registry_households = _people(task, tables, rng)
    out: dict = {"population_seconds": time.process_time() - started, "feeds": {}}

    def record(feed: str, month: tuple[int, int] | None, encode, *args) -> None:
        began = time.process_time()
        data, rows = encode(*args)
        out["feeds"][(feed, month)] = (data, rows, time.process_time() - began)

    # One random stream for the chunk: the feeds draw from it in this order.
    record("hukou_full", None, _hukou_full, people)
    record("disability", None, _disability, people, tables.dates, rng)
    hospitals = tuple(f"{task.county_name}{h}" for h in ("人民医院", "中医医院", "妇幼保健院"))
    hospitals += tuple(f"{t}卫生院" for t in task.township_names[:6])
    for month in task.months:
        record("medical", month, _medical, task, month, people, hospitals, rng)
        record("renshe", month, _renshe, task, month, people, rng)
    if task.registry:
        out["registry"] = registry_households
    return out


def _people(task: ChunkTask, tables: _Tables, rng: random.Random) -> tuple[list, list]:
    """The chunk's residents as tuples, and the households the registry lists.

    One long loop on purpose: it runs per resident, so everything it uses is a local name.
    """
    dates, names, ethnic = tables.dates, tables.names, tables.ethnic
    n_dates = len(dates)
    date_info = _county_dates(task.province, task.county_code, task.as_of)
    lanes, lane = task.chunks, task.chunk
    used = [0] * (2 * n_dates)  # 2 * date index + male -> people so far
    villages = task.villages
    as_of_index = n_dates - 1
    people = []  # (id, name, sex, birth text, ethnic, hukou no, relation, village, age)
    household = task.first_household
    registry_households = []
    rand, bits = rng.random, rng.getrandbits
    n_villages = len(villages)
    county_code = task.county_code
    male_names, female_names = names["1"], names["2"]
    residents = task.residents
    registry = task.registry
    while len(people) < residents:
        household += 1
        hukou_no = f"{county_code}{household:07d}"
        village = villages[int(rand() * n_villages)]
        size = 1 + int(rand() * 5)
        surname = None
        members = []
        head_days = 0
        for position in range(size):
            male = rand() < 0.51
            sex = "1" if male else "2"
            if position == 0:
                relation = "01"
                age_days = head_days = 8035 + int(rand() * 23011)  # 22 to 85 years
            elif position == 1:
                relation, age_days = "10", 7305 + int(rand() * 21915)  # 20 to 80 years
            else:
                # Children are at least 20 years younger than the head.
                relation = "20" if male else "30"
                age_days = int(rand() * min(10957, head_days - 7305))
            index = as_of_index - age_days
            prefix_birth, base_sum, share, sharers, birth_text = date_info[index]
            key = index * 2 + male
            count = used[key]
            used[key] = count + 1
            # Sequence lanes: one per chunk of the county, and per county sharing the code.
            slot = (count * lanes + lane) * sharers + share
            if slot >= 500:
                continue  # this day is full for this chunk's lane: leave the person out
            sequence = 2 * slot + male
            number = (
                prefix_birth
                + SEQUENCE_TEXTS[sequence]
                + CHECK_CHARACTERS[(base_sum + SEQUENCE_SUMS[sequence]) % 11]
            )
            name = (male_names if male else female_names)[bits(12)]
            if surname is None:
                surname = name[0]
            elif position > 1:
                name = surname + name[1:]
            members.append(
                (number, name, sex, birth_text,
                 ethnic[household & 255], hukou_no, relation, village, age_days // 365)
            )  # fmt: skip
        people.extend(members)
        if registry and members and rand() < 0.15:
            registry_households.append(members)
    return people, registry_households


def _hukou_full(people: list) -> tuple[bytes, int]:
    lines = [
        f"{p[0]},{p[1]},{p[2]},{p[3]},{p[4]},{p[5]},{p[6]},{p[7]},新增,,{p[3]}\r\n" for p in people
    ]
    data = gzip.compress("".join(lines).encode("gbk"), compresslevel=GZIP_LEVEL, mtime=0)
    return data, len(lines)


def _disability(people: list, dates: list, rng: random.Random) -> tuple[bytes, int]:
    as_of_index = len(dates) - 1
    lines = []
    for p in people:
        if p[8] >= 8 and rng.random() < 0.05:
            grade = 1 + int(rng.random() * 4)
            category = 1 + int(rng.random() * 7)
            issued = dates[as_of_index - int(rng.random() * 5000)][0]
            lines.append(
                f"{p[0]}{category}{grade},{p[1]},{category},{grade},"
                f"{issued[:4]}-{issued[4:6]}-{issued[6:]},是,{'是' if grade <= 2 else '否'}\r\n"
            )
    return "".join(lines).encode("gbk"), len(lines)


def _medical(
    task: ChunkTask, month: tuple[int, int], people: list, hospitals: tuple, rng: random.Random
) -> tuple[bytes, int]:
    year, month_number = month
    last_day = month_end(year, month_number).day
    stamp = f"{year}-{month_number:02d}-"
    prefix_id = f"JS{task.county_code}{year}{month_number:02d}{task.chunk:04d}"
    lines = []
    append = lines.append
    rand = rng.random
    diagnoses = vocab.ICD10
    n_hospitals = len(hospitals)
    serial = 0
    for p in people:
        if rand() >= SETTLEMENTS_PER_RESIDENT_MONTH:
            continue
        serial += 1
        code, diagnosis, kind = diagnoses[int(rand() * 12)]
        day = f"{stamp}{1 + int(rand() * last_day):02d}"
        if kind == "住院":
            total = 250_000 + int(rand() * 3_000_000)
            own = total // 10
            discharged = day
        else:
            total = 3_000 + int(rand() * 60_000)
            own = total * 35 // 100
            discharged = ""
        basic = total - own
        append(
            f"{prefix_id}{serial:06d},{p[0]},{p[1]},{kind},{hospitals[serial % n_hospitals]},"
            f"{day},{discharged},{code},{diagnosis},{total // 100}.{total % 100:02d},"
            f"{basic // 100}.{basic % 100:02d},0.00,0.00,{own // 100}.{own % 100:02d},{day}\r\n"
        )
    return "".join(lines).encode("utf-8"), len(lines)


def _renshe(
    task: ChunkTask, month: tuple[int, int], people: list, rng: random.Random
) -> tuple[bytes, int]:
    period = f"{month[0]}{month[1]:02d}"
    lines = []
    for p in people:
        if not 16 <= p[8] <= 59:
            continue
        if rng.random() < 0.3:
            base = 320_000 + int(rng.random() * 600_000)
            lines.append(
                f"{p[0]},{p[1]},职工养老,参保缴费,{task.county_name}企业,,{_yuan(base)},就业,"
                f"{task.county_code},{period}\n"
            )
        else:
            lines.append(f"{p[0]},{p[1]},城乡居民养老,参保缴费,,,,无,,{period}\n")
    return "".join(lines).encode("utf-8"), len(lines)
