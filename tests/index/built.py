"""A synthetic county landed and built (the monitoring tests' world), shared by the index,
region-statistics and report tests: one database per test module, dropped afterwards."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from monitoring import world

from fupin import warehouse
from simulation.synth import generate
from tests.helpers import throwaway_database


def built_world(root: Path, admin_dsn: str, prefix: str) -> Iterator[tuple[str, dict, Path]]:
    """Yield (dsn, ground truth, generator folder) of a county generated under ``root``,
    landed and built as of its check date."""
    generate(root / "synth", counties=("520123",), seed=3, households_per_county=20)
    truth = world.ground_truth(root / "synth")
    (name, dsn), (minzheng_name, minzheng_dsn) = (
        throwaway_database(admin_dsn, each) for each in (prefix, f"{prefix}_mz")
    )
    names = (name, minzheng_name)
    try:
        warehouse.upgrade(dsn)
        world.land_everything(dsn, root / "synth", minzheng_dsn)
        world.build(dsn, truth["as_of"], root / "dbt", tests=False)
        yield dsn, truth, root / "synth"
    finally:
        for each in names:
            warehouse.drop_database(admin_dsn, each)


def generated_registry(synth_dir: Path, month: str) -> tuple[Counter, Counter]:
    """Households and members per village of the generator's registry snapshot of ``month``."""
    (path,) = (synth_dir / "landing" / "registry").glob(f"*/建档立卡_*_{month}.xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    village_of = {row["户编号"]: row["村代码"] for row in _sheet(book["户信息"])}
    members = Counter(village_of[row["户编号"]] for row in _sheet(book["成员信息"]))
    return Counter(village_of.values()), members


def _sheet(sheet) -> Iterator[dict[str, str]]:
    """The data rows of a sheet as dicts: below the row that starts with 户编号 (a title row
    stands above it), with a 20-character 户编号."""
    header = None
    for row in sheet.iter_rows(values_only=True):
        if header is None:
            header = row if row and row[0] == "户编号" else None
        elif row[0] is not None and len(str(row[0])) == 20:
            yield {str(k): str(v) for k, v in zip(header, row, strict=False) if k is not None}


def query(dsn: str, sql: str, *args) -> list[tuple]:
    return world.query(dsn, sql, *args)
