"""The parent's output files: chunks appended in order, and the registry workbook."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

from simulation.synth import columns
from simulation.synth import vocabulary as vocab
from simulation.synth.deployment import Period
from simulation.synth.divisions import County
from simulation.synth.scale.chunk import GZIP_LEVEL


class Outputs:
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


def write_registry(
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
        for members in households.get(county.code, ()):
            head = members[0]
            village = head[7]
            sequences[village] = sequences.get(village, 0) + 1
            household_id = f"{village}{sequences[village]:08d}"
            net = rng.randint(7_500, 18_000)
            households_sheet.write_row(
                household_row, 0, _household_cells(household_id, members, net)
            )
            household_row += 1
            for person in members:
                members_sheet.write_row(member_row, 0, _member_cells(household_id, person))
                member_row += 1
        workbook.close()
        Path(f"{path}.ok").write_bytes(b"")
        written += household_row - 2 + member_row - 1
    return written


RELATION_WORDS = {"01": "户主", "10": "配偶", "20": "子", "30": "女"}


def _household_cells(household_id: str, members: list, net: int) -> tuple:
    """A 户信息 row: the head's household, exited in 2020 with ``net`` yuan per head."""
    head, size = members[0], len(members)
    return (household_id, head[1], head[0], head[7], "一般贫困户", "国家标准", "因病", "",
            size, 2.5, 96.0, "无", "是", net * size * 0.7,
            net * size * 0.2, 0, net * size * 0.1, 0, float(net), "已脱贫",
            2020, 2014, "贵州省农村信用社", f"62{head[0][6:]}", "13800000000")  # fmt: skip


def _member_cells(household_id: str, person: tuple) -> tuple:
    """A 成员信息 row of one resident tuple."""
    return (household_id, person[1], person[0], RELATION_WORDS[person[6]],
            "男" if person[2] == "1" else "女", vocab.ETHNIC_NAMES[person[4]], "初中",
            "非在校生", "健康", "普通劳动力" if 16 <= person[8] <= 60 else "无劳动力",
            "无", 0, "是", "是")  # fmt: skip
