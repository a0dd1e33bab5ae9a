"""``generate_scale``: chunk tasks fanned out to worker processes, written in order, reported."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from simulation.synth.deployment import Period
from simulation.synth.divisions import County, province_counties
from simulation.synth.scale.chunk import ChunkTask, make_chunk
from simulation.synth.scale.files import Outputs, write_registry

CHUNK = 25_000
COUNTY_RESIDENTS = 500_000
PROVINCE_RESIDENTS = 38_000_000


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
    outputs = Outputs(landing, period)
    registry_rows: dict[str, list] = {}
    began = time.perf_counter()
    tasks = _tasks(chosen, sizes, seed, period, with_registry, chunk_size)
    # Not fork: a forked child can inherit a lock another thread held (the generator runs
    # inside threaded test workers and the Airflow task runner). forkserver children start
    # from a clean process.
    context = get_context("forkserver" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers) as pool:
        for result in pool.imap(make_chunk, tasks, chunksize=1):
            report.population_cpu_seconds += result["population_seconds"]
            _append_chunk(result["feeds"], outputs, report, period)
            for members in result.get("registry", ()):
                registry_rows.setdefault(members[0][5][:6], []).append(members)
    outputs.close()
    report.csv_wall_seconds = time.perf_counter() - began
    if with_registry:
        started = time.process_time()
        rows = write_registry(landing, chosen, registry_rows, period, seed)
        tally = report.feeds.setdefault("registry_xlsx", FeedTally())
        tally.rows += rows
        tally.cpu_seconds += time.process_time() - started
        tally.bytes += sum(p.stat().st_size for p in (landing / "registry").rglob("*.xlsx"))
    report.wall_seconds = time.perf_counter() - began
    return report


def _append_chunk(feeds: dict, outputs: Outputs, report: ScaleReport, period: Period) -> None:
    """A chunk's bytes appended to each feed's file (every month's, for the fulls), tallied."""
    for (feed, month), (data, rows, seconds) in feeds.items():
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
