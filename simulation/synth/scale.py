"""Scale mode: a benchmark-sized deployment streamed to disk, chunk by chunk.

A county of about 500,000 residents (``county``) or a province of 88 counties and about
38 million residents (``province``). People are generated in chunks of ``CHUNK`` residents,
each from its own seeded random stream, so chunks can be made in parallel worker processes
and the output is the same whatever the number of workers. Each chunk's lines are encoded
(and, for the hukou full, gzip-compressed as one gzip member) in the worker; the parent only
appends bytes in chunk order. Nothing holds more than a few chunks in memory.

Feeds written: hukou full (GBK, gzip), medical (UTF-8 with BOM), renshe (UTF-8) and
disability (GBK) for every month; the registry XLSX of the last month at county scale only
(XlsxWriter's constant-memory mode; at province scale XLSX would dominate the run). No planted
cases, no deltas, no API records: this mode measures and loads volume, not rules.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from simulation.synth import columns
from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Period, month_end
from simulation.synth.divisions import County, id_prefix_plan, province_counties

CHUNK = 25_000
COUNTY_RESIDENTS = 500_000
PROVINCE_RESIDENTS = 38_000_000
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


@dataclass
class FeedTally:
    rows: int = 0
    bytes: int = 0
    cpu_seconds: float = 0.0


@dataclass
class ScaleReport:
    out_dir: Path
    scale: str
    counties: int
    residents: int
    wall_seconds: float = 0.0
    feeds: dict[str, FeedTally] = field(default_factory=dict)
    population_cpu_seconds: float = 0.0
    workers: int = 1
    csv_wall_seconds: float = 0.0  # the streamed CSV feeds, before the registry workbook

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.feeds.values())

    def lines(self) -> list[str]:
        wall = max(self.wall_seconds, 1e-9)
        out = [
            f"scale={self.scale} counties={self.counties} residents={self.residents:,} "
            f"workers={self.workers} wall={wall:.1f}s",
            f"{'feed':<16}{'rows':>12}{'MB':>9}{'rows/cpu-s':>13}{'MB/cpu-s':>10}{'x 200k':>8}",
        ]
        for name, tally in self.feeds.items():
            seconds = max(tally.cpu_seconds, 1e-9)
            rate = tally.rows / seconds
            out.append(
                f"{name:<16}{tally.rows:>12,}{tally.bytes / 1e6:>9.1f}{rate:>13,.0f}"
                f"{tally.bytes / 1e6 / seconds:>10.1f}{rate / 200_000:>8.2f}"
            )
        csv_rows = sum(t.rows for n, t in self.feeds.items() if n != "registry_xlsx")
        csv_wall = max(self.csv_wall_seconds, 1e-9)
        out.append(
            f"CSV feeds: {csv_rows:,} rows in {csv_wall:.1f}s wall = {csv_rows / csv_wall:,.0f} "
            f"rows/s ({csv_rows / csv_wall / 200_000:.2f} x the 200k rows/s target)"
        )
        out.append(
            f"all feeds: {self.rows:,} rows in {wall:.1f}s wall = {self.rows / wall:,.0f} rows/s; "
            f"people generated in {self.population_cpu_seconds:.1f} cpu-s"
        )
        return out


# --- one chunk (runs in a worker) ----------------------------------------------------------
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
    rand, bits = rng.random, rng.getrandbits  # local names: this loop runs per resident
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
    population_seconds = time.process_time() - started

    out: dict = {"population_seconds": population_seconds, "feeds": {}}

    def record(feed: str, month: tuple[int, int] | None, data: bytes, rows: int, began: float):
        out["feeds"][(feed, month)] = (data, rows, time.process_time() - began)

    began = time.process_time()
    lines = [
        f"{p[0]},{p[1]},{p[2]},{p[3]},{p[4]},{p[5]},{p[6]},{p[7]},新增,,{p[3]}\r\n" for p in people
    ]
    data = gzip.compress("".join(lines).encode("gbk"), compresslevel=GZIP_LEVEL, mtime=0)
    record("hukou_full", None, data, len(lines), began)

    began = time.process_time()
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
    record("disability", None, "".join(lines).encode("gbk"), len(lines), began)

    hospitals = tuple(f"{task.county_name}{h}" for h in ("人民医院", "中医医院", "妇幼保健院"))
    hospitals += tuple(f"{t}卫生院" for t in task.township_names[:6])
    diagnoses = vocab.ICD10
    for year, month in task.months:
        began = time.process_time()
        last_day = month_end(year, month).day
        stamp = f"{year}-{month:02d}-"
        prefix_id = f"JS{task.county_code}{year}{month:02d}{task.chunk:04d}"
        lines = []
        append = lines.append
        rand = rng.random
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
        record("medical", (year, month), "".join(lines).encode("utf-8"), len(lines), began)

        began = time.process_time()
        period = f"{year}{month:02d}"
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
        record("renshe", (year, month), "".join(lines).encode("utf-8"), len(lines), began)

    if task.registry:
        out["registry"] = registry_households
    return out


# --- the run (parent) ----------------------------------------------------------------------
def _county_sizes(counties: list[County], total: int, seed: int) -> list[int]:
    rng = random.Random(f"fupin-synth-scale-sizes:{seed}")
    weights = [0.5 + rng.random() for _ in counties]
    scale = total / sum(weights)
    return [int(w * scale) for w in weights]


def _villages(county: County) -> tuple[str, ...]:
    return tuple(
        f"{township.code}{201 + n:03d}" for township in county.townships for n in range(12)
    )


def _tasks(
    counties: list[County],
    sizes: list[int],
    seed: int,
    period: Period,
    registry: bool,
    chunk_size: int,
) -> Iterator[ChunkTask]:
    months = tuple(period.months)
    for county, residents in zip(counties, sizes, strict=True):
        chunks = max(1, -(-residents // chunk_size))
        villages = _villages(county)
        townships = tuple(t.name for t in county.townships)
        for chunk in range(chunks):
            size = min(chunk_size, residents - chunk * chunk_size)
            yield ChunkTask(
                county.code[:2],
                county.code,
                county.name,
                villages,
                townships,
                chunk,
                chunks,
                size,
                chunk * chunk_size,  # household numbers never collide: fewer households than people
                seed,
                months,
                period.as_of,
                registry,
            )


class _Outputs:
    """Open output files, written in chunk order; each gets its `.ok` when closed."""

    def __init__(self, landing: Path, period: Period) -> None:
        self.landing = landing
        self.handles: dict[tuple[str, tuple[int, int] | None], list] = {}
        self.period = period

    def path(self, feed: str, month: tuple[int, int]) -> tuple[str, bytes, str]:
        stamp = f"{month[0]}{month[1]:02d}"
        if feed == "hukou_full":
            return f"hukou/hukou_full_{stamp}.csv.gz", b"", "gbk"
        if feed == "disability":
            return f"disability/canlian_{stamp}.csv", b"", "gbk"
        if feed == "medical":
            return f"medical/yibao_settle_{stamp}.csv", b"\xef\xbb\xbf", "utf-8"
        return f"renshe/renshe_{stamp}.csv", b"", "utf-8"

    def open(self, feed: str, month: tuple[int, int]):
        relative, bom, encoding = self.path(feed, month)
        path = self.landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "wb")  # noqa: SIM115 (closed in close())
        header_columns = {
            "hukou_full": columns.HUKOU,
            "disability": columns.DISABILITY,
            "medical": columns.MEDICAL,
            "renshe": columns.RENSHE,
        }[feed]
        newline = "\n" if feed == "renshe" else "\r\n"
        header = (",".join(header_columns) + newline).encode(encoding)
        if feed == "hukou_full":
            header = gzip.compress(header, compresslevel=GZIP_LEVEL, mtime=0)
        handle.write(bom + header)
        return [handle, path]

    def write(self, feed: str, month: tuple[int, int], data: bytes) -> None:
        key = (feed, month)
        if key not in self.handles:
            self.handles[key] = self.open(feed, month)
        self.handles[key][0].write(data)

    def close(self) -> None:
        for handle, path in self.handles.values():
            handle.close()
            Path(f"{path}.ok").write_bytes(b"")


def generate_scale(
    out_dir: Path | str,
    *,
    scale: str = "county",
    province: str = "52",
    counties: tuple[str, ...] | None = None,
    start: str = "2026-10",
    end: str = "2026-10",
    seed: int = 1,
    residents: int | None = None,
    workers: int | None = None,
    registry: bool | None = None,
    chunk_size: int = CHUNK,
) -> ScaleReport:
    """Stream a benchmark deployment under ``out_dir/landing`` and report the throughput."""
    all_counties = list(province_counties(province).values())
    if counties:
        chosen = [c for c in all_counties if c.code in counties]
    elif scale == "county":
        chosen = [next((c for c in all_counties if c.code == "520123"), all_counties[0])]
    elif scale == "province":
        chosen = all_counties
    else:
        raise ValueError(f"unknown scale {scale!r}")
    total = residents or (COUNTY_RESIDENTS * len(chosen) if scale == "county" else
                          PROVINCE_RESIDENTS)  # fmt: skip
    sizes = _county_sizes(chosen, total, seed) if len(chosen) > 1 else [total]
    period = Period.of(start, end, None)
    out_dir = Path(out_dir)
    landing = out_dir / "landing"
    with_registry = scale == "county" if registry is None else registry
    workers = workers or os.cpu_count() or 1
    report = ScaleReport(out_dir, scale, len(chosen), sum(sizes), workers=workers)
    outputs = _Outputs(landing, period)
    registry_rows: dict[str, list] = {}
    began = time.perf_counter()
    tasks = _tasks(chosen, sizes, seed, period, with_registry, chunk_size)
    context = get_context("fork") if hasattr(os, "fork") else get_context()
    with context.Pool(workers) as pool:
        for result in pool.imap(make_chunk, tasks, chunksize=1):
            report.population_cpu_seconds += result["population_seconds"]
            for (feed, month), (data, rows, seconds) in result["feeds"].items():
                months = [month] if month else period.months
                for each in months:
                    started = time.perf_counter()
                    outputs.write(feed, each, data)
                    tally = report.feeds.setdefault(feed, FeedTally())
                    tally.rows += rows
                    tally.bytes += len(data)
                    tally.cpu_seconds += (seconds if each == months[0] else 0) + (
                        time.perf_counter() - started
                    )
            for members in result.get("registry", ()):
                registry_rows.setdefault(members[0][5][:6], []).append(members)
    outputs.close()
    report.csv_wall_seconds = time.perf_counter() - began
    if with_registry:
        started = time.process_time()
        rows = _write_registry(landing, chosen, registry_rows, period, seed)
        tally = report.feeds.setdefault("registry_xlsx", FeedTally())
        tally.rows += rows
        tally.cpu_seconds += time.process_time() - started
        tally.bytes += sum(p.stat().st_size for p in (landing / "registry").rglob("*.xlsx"))
    report.wall_seconds = time.perf_counter() - began
    return report


def _write_registry(
    landing: Path, counties: list[County], households: dict[str, list], period: Period, seed: int
) -> int:
    """The county's registry of the last month, streamed with XlsxWriter's constant memory."""
    import xlsxwriter

    from simulation.synth.writers import WORKBOOK_CREATED

    year, month = period.months[-1]
    rng = random.Random(f"fupin-synth-scale-registry:{seed}")
    written = 0
    for county in counties:
        relative = f"registry/{county.code}/建档立卡_{county.code}_{year}{month:02d}.xlsx"
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        workbook.set_properties({"created": WORKBOOK_CREATED, "author": "simulation.synth"})
        households_sheet = workbook.add_worksheet("户信息")
        members_sheet = workbook.add_worksheet("成员信息")
        households_sheet.write_string(0, 0, f"{county.name}建档立卡贫困户信息表")
        households_sheet.write_row(1, 0, columns.REGISTRY_HOUSEHOLD)
        members_sheet.write_row(0, 0, columns.REGISTRY_MEMBER)
        household_row, member_row = 2, 1
        sequences: dict[str, int] = {}
        relation_words = {"01": "户主", "10": "配偶", "20": "子", "30": "女"}
        for members in households.get(county.code, ()):
            head = members[0]
            village = head[7]
            sequences[village] = sequences.get(village, 0) + 1
            household_id = f"{village}{sequences[village]:08d}"
            net = rng.randint(7_500, 18_000)
            households_sheet.write_row(
                household_row,
                0,
                (household_id, head[1], head[0], village, "一般贫困户", "国家标准", "因病", "",
                 len(members), 2.5, 96.0, "无", "是", net * len(members) * 0.7,
                 net * len(members) * 0.2, 0, net * len(members) * 0.1, 0, float(net), "已脱贫",
                 2020, 2014, "贵州省农村信用社", f"62{head[0][6:]}", "13800000000"),
            )  # fmt: skip
            household_row += 1
            for person in members:
                members_sheet.write_row(
                    member_row,
                    0,
                    (household_id, person[1], person[0], relation_words[person[6]],
                     "男" if person[2] == "1" else "女", vocab.ETHNIC_NAMES[person[4]], "初中",
                     "非在校生", "健康", "普通劳动力" if 16 <= person[8] <= 60 else "无劳动力",
                     "无", 0, "是", "是"),
                )  # fmt: skip
                member_row += 1
        workbook.close()
        Path(f"{path}.ok").write_bytes(b"")
        written += household_row - 2 + member_row - 1
    return written
