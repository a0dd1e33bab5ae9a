"""What the files hold: valid ID numbers and credit codes, real regions, every quirk listed."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import json

import pytest

from fupin.ids import birth_date_of, id_number_problem, normalize_id_number
from fupin.uscc import uscc_problem
from simulation.synth import columns, generate
from simulation.synth.divisions import divisions_dir

from .readers import table, xlsx_sheets

# (file glob under the output folder, sheet, ID-number columns, credit-code columns)
ID_SOURCES = [
    ("landing/registry/*/*.xlsx", "户信息", ("户主证件号码",), ()),
    ("landing/registry/*/*.xlsx", "成员信息", ("证件号码",), ()),
    ("landing/hukou/*.csv*", None, ("公民身份号码",), ()),
    ("landing/payroll/*.xlsx", None, ("证件号码",), ()),
    ("landing/medical/*.csv", None, ("证件号码",), ()),
    ("landing/education/*.jsonl", None, ("id_number",), ()),
    ("landing/renshe/*.csv", None, ("证件号码",), ("单位统一社会信用代码",)),
    ("landing/property/budongchan_*.csv", None, ("权利人证件号码",), ()),
    ("landing/property/weifang_*.csv", None, ("户主证件号码",), ()),
    ("landing/disability/*.csv", None, ("残疾人证号",), ()),
    ("landing/relocation/*.xlsx", None, ("户主证件号码",), ()),
    ("landing/assistance/bangfu_ganbu_*.csv", None, ("帮扶责任人证件号码",), ()),
    ("landing/assistance/qiye_bangfu_*.csv", None, (), ("企业统一社会信用代码",)),
    ("apis/vehicle.jsonl", None, ("owner_id_number",), ()),
    ("apis/business.jsonl", None, ("legal_rep_id_number",), ("uscc",)),
    ("minzheng/assistance_recipient.csv", None, ("id_number", "head_id_number"), ()),
]


def _relative(result, path) -> str:
    try:
        return path.relative_to(result.landing_root).as_posix()
    except ValueError:
        return path.relative_to(result.out_dir).as_posix()


def test_id_numbers_and_credit_codes_are_valid_except_the_planted_ones(small):
    result, truth = small
    planted = {(c["file"], c["row"]) for c in truth["cases"] if c["expect"] == "quarantined"}
    # A registry member's bad number is in every monthly snapshot; the case names the latest.
    landed = {c["id_number"] for c in truth["cases"] if c["expect"] == "lands"}
    invalid, checked = set(), 0
    for pattern, sheet, id_columns, code_columns in ID_SOURCES:
        paths = sorted(p for p in result.out_dir.glob(pattern) if not p.name.endswith(".ok"))
        assert paths, pattern
        for path in paths:
            for row_number, row in table(path, sheet):
                for column in id_columns:
                    value = str(row.get(column) or "").strip()
                    if column == "残疾人证号":
                        value = value[:18]
                    checked += 1
                    if id_number_problem(value):
                        relative = _relative(result, path)
                        if relative.startswith("registry/") and value in landed:
                            continue  # the case's own row is checked in test_ground_truth
                        invalid.add((relative, row_number))
                for column in code_columns:
                    value = row.get(column)
                    if value and uscc_problem(value):
                        invalid.add((_relative(result, path), row_number))
                for holder in row.get("shareholders") or ():
                    assert id_number_problem(holder["id_number"]) is None
    assert checked > 10_000
    assert invalid == planted


def test_regions_are_real_and_villages_sit_under_real_townships(small):
    result, truth = small
    with open(divisions_dir() / "streets.csv", encoding="utf-8") as handle:
        townships = {row["code"] for row in csv.DictReader(handle)}
    with open(divisions_dir() / "areas.csv", encoding="utf-8") as handle:
        counties = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    for county in truth["counties"]:
        path = result.landing_root / f"registry/{county}/建档立卡_{county}_202610.xlsx"
        sheets = xlsx_sheets(path)
        assert sheets["户信息"][0][0] == f"{counties[county]}建档立卡贫困户信息表"
        for _, row in table(path, "户信息"):
            village, household_id = row["村代码"], row["户编号"]
            assert len(village) == 12 and village[:9] in townships and village[:6] == county
            assert len(household_id) == 20 and household_id.startswith(village)


def test_people_are_plausible(small):
    result, truth = small
    as_of = dt.date.fromisoformat(truth["as_of"])
    path = result.landing_root / "registry/520123/建档立卡_520123_202610.xlsx"
    for _, row in table(path, "成员信息"):
        number = normalize_id_number(row["证件号码"])
        if id_number_problem(number):
            continue
        age = (as_of - birth_date_of(number)).days // 365
        assert 0 <= age <= 100
        if row["与户主关系"] == "户主":
            assert age >= 18
        assert row["性别"] == ("男" if int(number[16]) % 2 else "女")
    with gzip.open(
        result.landing_root / "hukou/hukou_full_202610.csv.gz", "rt", encoding="gbk"
    ) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 1000
    numbers = [normalize_id_number(row["公民身份号码"]) for row in rows]
    assert len(set(numbers)) == len(numbers), "one ID number for two people"
    for row in rows:
        number = normalize_id_number(row["公民身份号码"])
        assert row["性别"] == ("1" if int(number[16]) % 2 else "2")
        assert len(row["户籍地区划"]) == 12 and len(row["民族"]) == 2
        assert row["与户主关系"] in ("01", "10", "20", "30", "40", "50", "70", "99")


def test_every_listed_quirk_is_in_the_files(small):
    result, truth = small
    root = result.landing_root
    quirks = truth["quirks"]
    for name in quirks:
        if name != "schema_drift":
            assert quirks[name], f"no {name} quirk planted"
    for relative in quirks["title_row"]:
        sheet = xlsx_sheets(root / relative)["户信息"]
        assert sheet[0][0].endswith("建档立卡贫困户信息表") and sheet[1][0] == "户编号"
    for entry in quirks["thousands_separator"]:
        value = dict(table(root / entry["file"], entry["sheet"]))[entry["row"]][entry["field"]]
        assert isinstance(value, str) and "," in value, entry
    for entry in quirks["trailing_blank_rows"]:
        rows = xlsx_sheets(root / entry["file"])[entry["sheet"]]
        tail = rows[-entry["rows"] :]
        assert len(tail) == entry["rows"] and all(all(v is None for v in r) for r in tail)
    for entry in quirks["legacy_15_digit"]:
        row = dict(table(root / entry["file"]))[entry["row"]]
        assert len(row["公民身份号码"]) == 15 and row["公民身份号码"].isdigit()
    for entry in quirks["lowercase_x"]:
        row = dict(table(root / entry["file"], entry.get("sheet")))[entry["row"]]
        assert row[entry["field"]].endswith("x")
    for entry in quirks["repeated_person_in_delta"]:
        rows = dict(table(root / entry["file"]))
        assert len(entry["rows"]) >= 2
        delivered = [rows[n] for n in entry["rows"]]
        assert {normalize_id_number(r["公民身份号码"]) for r in delivered} == {entry["id_number"]}
        # The final state is the row with the latest 变动日期, not the last line.
        final = max(enumerate(delivered), key=lambda p: (p[1]["变动日期"], p[0]))[1]
        assert final["姓名"] == entry["final_name"] != delivered[-1]["姓名"]
    for entry in quirks["v2_correction"]:
        old, new = dict(table(root / entry["replaces"])), dict(table(root / entry["file"]))
        assert (root / f"{entry['file']}.ok").exists()
        for fix in entry["fixes"]:
            before, after = old[fix["row"]][fix["field"]], new[fix["row"]][fix["field"]]
            assert id_number_problem(before) and id_number_problem(after) is None
    for relative in quirks["resend"]:
        assert (root / relative).exists() and (root / f"{relative}.ok").exists()
    for entry in quirks["reversal"]:
        originals = {r["结算ID"]: r for _, r in table(root / entry["file"])}
        reversals = {r["结算ID"]: r for _, r in table(root / entry["reversal_file"])}
        original = originals[entry["original_settlement_id"]]
        reversal = reversals[f"{entry['original_settlement_id']}-R"]
        assert float(reversal["个人自付"]) == -float(original["个人自付"]) < 0
        assert reversal["结算日期"] >= original["结算日期"]


def test_generator_columns_come_from_the_feed_catalog():
    """The catalog is the one description of a feed: the generator writes its columns."""
    from fupin.catalog import raw_tables

    by_table = {t.name: t.columns for t in raw_tables()}
    assert columns.HUKOU == by_table["hukou__full"] == by_table["hukou__delta"]
    assert by_table["medical__settlement"] == columns.MEDICAL
    assert by_table["renshe__insurance"] == columns.RENSHE
    assert by_table["payroll__change"] == columns.PAYROLL_CHANGE
    assert by_table["assistance__enterprise_aid"] == columns.ENTERPRISE_AID


def _digest(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


TINY = {"counties": ("520123",), "start": "2026-09", "end": "2026-10", "households_per_county": 20}


def test_same_seed_same_bytes_other_seed_other_people(tmp_path):
    first = generate(tmp_path / "a", seed=3, **TINY)
    second = generate(tmp_path / "b", seed=3, **TINY)
    third = generate(tmp_path / "c", seed=4, **TINY)
    a, b, c = _digest(first.out_dir), _digest(second.out_dir), _digest(third.out_dir)
    assert a == b
    assert any(name.endswith(".xlsx") for name in a) and any(".gz" in name for name in a)
    assert (
        a["landing/hukou/hukou_full_202610.csv.gz"] != c["landing/hukou/hukou_full_202610.csv.gz"]
    )


def test_schema_drift_on_request(tmp_path):
    result = generate(tmp_path / "drift", seed=5, drift=True, **TINY)
    truth = json.loads(result.ground_truth.read_text(encoding="utf-8"))
    drift = truth["quirks"]["schema_drift"]
    assert len(drift) >= 2
    for entry in drift:
        header = next(iter(table(result.landing_root / entry["file"])))[1].keys()
        change = entry["change"]
        if change.startswith("renamed"):
            old, new = change.removeprefix("renamed ").split(" -> ")
            assert new in header and old not in header
        else:
            assert change.removeprefix("added ") in header
    quiet = generate(tmp_path / "quiet", seed=5, **TINY)
    assert (
        json.loads(quiet.ground_truth.read_text(encoding="utf-8"))["quirks"]["schema_drift"] == []
    )


def test_as_of_must_lie_in_the_range(tmp_path):
    with pytest.raises(ValueError, match="as_of"):
        generate(tmp_path / "x", as_of="2027-01-31", **TINY)


def test_command_line(tmp_path, capsys):
    from simulation.synth.cli import main

    code = main(
        ["--out", str(tmp_path / "cli"), "--counties", "520123", "--start", "2026-10",
         "--end", "2026-10", "--households-per-county", "15", "--seed", "2"]
    )  # fmt: skip
    assert code == 0
    assert (tmp_path / "cli/ground_truth.json").exists()
    assert "ground truth" in capsys.readouterr().out
    assert main(["--out", str(tmp_path / "bad"), "--counties", "999999"]) == 2
