"""Scale mode on a small population: valid, unique people; same bytes whatever the workers."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io

from fupin.ids import id_number_problem
from simulation.synth.scale import generate_scale

from .readers import xlsx_sheets

SMALL_SCALE = {"scale": "county", "residents": 9_000, "chunk_size": 3_000, "seed": 2}


def _digests(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_scale_mode_streams_valid_files_independent_of_workers(tmp_path):
    one = generate_scale(tmp_path / "one", workers=1, **SMALL_SCALE)
    two = generate_scale(tmp_path / "two", workers=2, **SMALL_SCALE)
    assert _digests(one.out_dir) == _digests(two.out_dir)
    landing = one.out_dir / "landing"

    text = gzip.decompress((landing / "hukou/hukou_full_202610.csv.gz").read_bytes()).decode("gbk")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][0] == "公民身份号码" and len(rows) - 1 == one.feeds["hukou_full"].rows
    numbers = [row[0] for row in rows[1:]]
    assert len(set(numbers)) == len(numbers) >= 9_000
    assert all(id_number_problem(n) is None for n in numbers)

    medical = (landing / "medical/yibao_settle_202610.csv").read_bytes()
    assert medical.startswith(b"\xef\xbb\xbf")
    settlements = list(csv.reader(io.StringIO(medical.decode("utf-8-sig"), newline="")))
    assert 0.2 < (len(settlements) - 1) / len(numbers) < 0.32
    assert len({row[0] for row in settlements[1:]}) == len(settlements) - 1
    (landing / "disability/canlian_202610.csv").read_bytes().decode("gbk")
    assert (landing / "renshe/renshe_202610.csv.ok").exists()

    sheets = xlsx_sheets(landing / "registry/520123/建档立卡_520123_202610.xlsx")
    assert sheets["户信息"][0][0] == "修文县建档立卡贫困户信息表"
    assert len(sheets["成员信息"]) > 100
    assert any("rows/s" in line for line in one.lines())
