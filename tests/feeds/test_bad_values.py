"""Rows the generator delivers clean, broken one field at a time: each is quarantined with its
file, row, field and reason, and a plausibility finding (a warning) quarantines nothing."""

from __future__ import annotations

import csv
import io
import json

import psycopg2
import pytest

from fupin.config import parse_config
from fupin.pipeline import land_feed
from simulation.synth import generate

pytestmark = pytest.mark.integration

# (file, encoding, field -> broken value, the field expected in quarantine or None for a warning)
BROKEN = [
    ("disability/canlian_202610.csv", "gbk", {"残疾类别": "__other_category__"}, "残疾类别"),
    ("disability/canlian_202610.csv", "gbk", {"发证日期": "2026-02-30"}, "发证日期"),
    ("disability/canlian_202610.csv", "gbk", {"重度残疾人护理补贴": "有"}, "重度残疾人护理补贴"),
    ("medical/yibao_settle_202610.csv", "utf-8-sig", {"结算日期": "2026-13-01"}, "结算日期"),
    ("medical/yibao_settle_202610.csv", "utf-8-sig", {"就诊类型": "急诊"}, "就诊类型"),
    ("medical/yibao_settle_202610.csv", "utf-8-sig", {"个人自付": "12,34x"}, "个人自付"),
    ("medical/yibao_settle_202610.csv", "utf-8-sig", {"诊断编码": "感冒"}, None),
    ("renshe/renshe_202610.csv", "utf-8", {"所属期": "202613"}, "所属期"),
    ("renshe/renshe_202610.csv", "utf-8", {"单位统一社会信用代码": "91520123MA6DKQ1X01"}, None),
    ("assistance/qiye_bangfu_202610.csv", "utf-8", {"帮扶方式": "其他"}, "帮扶方式"),
    ("assistance/qiye_bangfu_202610.csv", "utf-8", {"帮扶对象代码": "5201230"}, "帮扶对象代码"),
    ("assistance/bangfu_ganbu_202610.csv", "utf-8", {"开始日期": "2024/13/01"}, "开始日期"),
    ("property/budongchan_20261026.csv", "utf-8", {"登记类型": "抵押登记"}, "登记类型"),
]
FEEDS = sorted({path.split("/")[0] for path, *_ in BROKEN} | {"education"})


def append_broken(root, relative, encoding, changes) -> int:
    """Append a copy of the file's first data row with ``changes``; returns its line number."""
    path = root / relative
    text = path.read_text(encoding=encoding)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    row = {**first, **changes}
    if "__other_category__" in row.values():
        row["残疾类别"] = "1" if first["残疾类别"] != "1" else "2"
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerow(
        [row[c] for c in header]
    )
    path.write_text(text + out.getvalue(), encoding=encoding)  # utf-8-sig keeps the BOM
    return len(rows) + 1


def test_each_broken_field_is_quarantined_with_its_reason(warehouse_dsn, tmp_path):
    result = generate(
        tmp_path,
        counties=("520123",),
        start="2026-10",
        end="2026-10",
        seed=5,
        households_per_county=20,
    )
    root = result.landing_root
    truth = json.loads(result.ground_truth.read_text(encoding="utf-8"))
    expected = {
        (case["file"], case["row"], case["field"])
        for case in truth["cases"]
        if case["rule"] == "quarantine" and case["feed"] in FEEDS
    }
    warnings = []
    for relative, encoding, changes, field in BROKEN:
        row = append_broken(root, relative, encoding, changes)
        if field:
            expected.add((relative, row, field))
        else:
            warnings.append((relative, row, next(iter(changes))))
    # 学籍: an impossible updated_at in the JSON Lines snapshot.
    (snapshot,) = sorted((root / "education").glob("xueji_*.jsonl"))
    lines = snapshot.read_text(encoding="utf-8").splitlines()
    broken = {**json.loads(lines[0]), "updated_at": "2026-02-30T08:00:00+08:00"}
    snapshot.write_text("\n".join([*lines, json.dumps(broken, ensure_ascii=False)]) + "\n")
    expected.add((snapshot.relative_to(root).as_posix(), len(lines) + 1, "updated_at"))

    landing = {"root": str(root)}
    config = parse_config(
        {"province": "52", "warehouse": {"dsn": warehouse_dsn}, "landing": landing}
    )
    for feed in FEEDS:
        assert land_feed(config, feed)["failed"] == [], feed

    conn = psycopg2.connect(warehouse_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("select source_file, source_row, field, reason from ops.quarantine")
            found = cur.fetchall()
            cur.execute(
                "select column_name, unexpected_count from ops.quality_result where not success"
            )
            findings = dict(cur.fetchall())
    finally:
        conn.close()
    assert {(f, r, c) for f, r, c, _ in found} == expected
    for source_file, row, field, reason in found:
        assert reason.startswith(f"{source_file} row {row}, field {field}: ")
    by_field = {c: reason for _, _, c, reason in found}
    assert "类别 in the certificate number" in by_field["残疾类别"]
    assert "not a real date YYYY-MM-DD" in by_field["发证日期"]
    assert "not a real date YYYYMM" in by_field["所属期"]
    for _, _, field in warnings:  # findings recorded, rows not quarantined
        assert findings[field] == 1
