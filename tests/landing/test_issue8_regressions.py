"""Issue 8, "What was seen": each case with its exact file, through the feed task (land_feed).

Every case ends in a recorded outcome -- a failed delivery naming file, row and field, a held
delivery, a finding, a quarantined row or an unrecognised file -- and later deliveries of the
feed still land.
"""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest
from openpyxl import Workbook

from fupin import ids, landing, warehouse
from tests.landing.conftest import copy_delivery, deliver, land, query

pytestmark = pytest.mark.integration

HUKOU = "公民身份号码,姓名,性别,出生日期,民族,户号,与户主关系,户籍地区划,变动类型,注销原因,变动日期"
PAYROLL = ["证件号码", "姓名", "单位名称", "单位性质", "人员类别", "起薪日期", "停薪日期"]


def person(seq: int) -> str:
    body = f"52012319800101{seq:03d}"
    return body + ids.id_check_digit(body)


def hukou_line(seq: int, name: str = "张三") -> str:
    return f"{person(seq)},{name},1,19800101,01,H{seq:03d},01,520123100201,新增,,20261001"


def hukou_delta(header: str = HUKOU, lines: int = 3, extra: str = "") -> bytes:
    body = [header] + [hukou_line(i) + extra for i in range(1, lines + 1)]
    return ("\r\n".join(body) + "\r\n").encode("gbk")


def later_delta_lands(dsn, root) -> None:
    """A failed delivery stops only itself: the next file of the feed lands."""
    deliver(root, "hukou/hukou_delta_20261005.csv", hukou_delta())
    summary = land(dsn, root, "hukou")
    assert any(b.startswith("hukou.delta.all.20261005") for b in summary["landed"])


def failed_message(summary: dict, file: str) -> str:
    (failure,) = [f for f in summary["failed"] if f["file"] == file]
    assert failure["error"].startswith(file), failure["error"]
    return failure["error"]


# -- 1. crashes that blocked the whole feed --------------------------------------------------

LONG = "长" * 21  # 63 bytes in UTF-8


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HUKOU + ",备注,备注", "column 13: 备注 appears twice (also column 12)"),
        (HUKOU + ",_batch_id", "column 12: _batch_id is reserved"),
        (HUKOU + ",_source_row", "column 12: _source_row is reserved"),
        (HUKOU + f",{LONG}甲,{LONG}乙", "column 12: the name is longer than 63 bytes"),
        (HUKOU + ",备\x00注", "line 1, field 12: a NUL byte"),
    ],
    ids=["duplicate", "batch_id", "source_row", "63_bytes", "nul"],
)
def test_1_illegal_header_fails_the_delivery_alone(warehouse_dsn, tmp_path, header, expected):
    root = tmp_path / "landing"
    file = "hukou/hukou_delta_20261001.csv"
    deliver(root, file, hukou_delta(header, extra=",x,y"[: 2 * (header.count(",") - 10)]))
    summary = land(warehouse_dsn, root, "hukou")
    assert expected in failed_message(summary, file)
    assert query(warehouse_dsn, "select status from ops.delivery") == [("failed",)]
    assert query(warehouse_dsn, "select count(*) from raw.hukou__delta") == [(0,)]
    later_delta_lands(warehouse_dsn, root)


def test_1_huge_field_fails_naming_line_and_field(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    file = "hukou/hukou_delta_20261001.csv"
    lines = [HUKOU, hukou_line(1), hukou_line(2, "x" * 200_000)]
    deliver(root, file, "\n".join(lines).encode("gbk"))
    message = failed_message(land(warehouse_dsn, root, "hukou"), file)
    assert "line 3, field 姓名: longer than 131,072 characters" in message
    later_delta_lands(warehouse_dsn, root)


@pytest.mark.parametrize("damage", ["truncated", "corrupt"])
def test_1_damaged_gzip_fails(warehouse_dsn, tmp_path, world, damage):
    root = tmp_path / "landing"
    (full,) = sorted(p for p in world.landing_root.glob("hukou/hukou_full_*.csv.gz"))[:1]
    data = full.read_bytes()
    data = data[: len(data) // 2] if damage == "truncated" else data[:100] + b"\0" * 50 + data[150:]
    file = f"hukou/{full.name}"
    deliver(root, file, data)
    message = failed_message(land(warehouse_dsn, root, "hukou"), file)
    assert "cannot be read past line" in message
    later_delta_lands(warehouse_dsn, root)


def test_1_xml_error_inside_a_sheet_fails(warehouse_dsn, tmp_path, world):
    root = tmp_path / "landing"
    (source,) = sorted(world.landing_root.glob("payroll/caizheng_gongyang_*.xlsx"))[:1]
    damaged = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                at = data.index(b"<row ", len(data) // 2)
                data = data[:at] + b"<row <<broken" + data[at + 5 :]
            zout.writestr(item, data)
    file = f"payroll/{source.name}"
    deliver(root, file, damaged.getvalue())
    message = failed_message(land(warehouse_dsn, root, "payroll"), file)
    assert "the workbook cannot be read from here" in message and ", row " in message


# -- 2. a crash skipped the quality check for good --------------------------------------------


def test_2_batches_a_crash_left_unchecked_are_checked_once(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    bad = person(2)[:17] + ("0" if person(2)[17] != "0" else "1")
    body = [HUKOU, hukou_line(1), hukou_line(2).replace(person(2), bad)]
    deliver(root, "hukou/hukou_delta_20261001.csv", "\n".join(body).encode("gbk"))
    with warehouse.connect(warehouse_dsn) as conn:  # landed, then the process died
        landing.land_pending(conn, root, "hukou")
    summary = land(warehouse_dsn, root, "hukou")  # the rerun lands nothing new
    assert summary["landed"] == [] and len(summary["checked"]) == 1
    assert summary["rows_quarantined"] == 1
    ((row, field, value, reason),) = query(
        warehouse_dsn, "select source_row, field, value, reason from ops.quarantine"
    )
    assert (row, field, value) == (3, "公民身份号码", bad)
    assert bad not in reason  # the value is personal data: only in the value column
    assert land(warehouse_dsn, root, "hukou")["checked"] == []  # exactly once
    assert query(warehouse_dsn, "select count(*) from ops.quality_result where success") != [(0,)]


# -- 3. an impossible date in a file name ------------------------------------------------------


def test_3_impossible_file_name_period_fails_before_landing(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    file = "hukou/hukou_delta_20261399.csv"
    deliver(root, file, hukou_delta())
    message = failed_message(land(warehouse_dsn, root, "hukou"), file)
    assert "period 20261399 in the file name is impossible (month 13" in message
    assert query(warehouse_dsn, "select count(*) from raw.hukou__delta") == [(0,)]
    later_delta_lands(warehouse_dsn, root)


# -- 4. a renamed header replaced good data ----------------------------------------------------


def test_4_renamed_header_v2_is_held_and_supersedes_nothing(warehouse_dsn, tmp_path, world):
    root = tmp_path / "landing"
    (full,) = sorted(world.landing_root.glob("hukou/hukou_full_*.csv.gz"))[-1:]
    good = copy_delivery(world, root, f"hukou/{full.name}")
    assert land(warehouse_dsn, root, "hukou")["landed"]
    text = gzip.decompress(good.read_bytes()).decode("gbk").split("\n", 1)
    english = "id_number,name,sex,birth_date,ethnicity,hukou_no,relation,region,change,reason,date"
    v2 = good.with_name(good.name.replace(".csv.gz", "_v2.csv.gz"))
    deliver(root, f"hukou/{v2.name}", gzip.compress((english + "\n" + text[1]).encode("gbk")))
    summary = land(warehouse_dsn, root, "hukou")
    (held,) = summary["held"]
    assert "hukou__full lacks required columns 公民身份号码, 户号" in held["reason"]
    statuses = query(warehouse_dsn, "select version, status from ops.delivery order by version")
    assert statuses == [(1, "landed"), (2, "held")]  # the good version stays current
    assert query(warehouse_dsn, "select count(*) from ops.schema_drift where change = 'added'") == [
        (11,)
    ]
    with warehouse.connect(warehouse_dsn) as conn:  # the steward may still accept it
        assert landing.release_held(conn, held["batch"]) == "landed"
    statuses = query(warehouse_dsn, "select version, status from ops.delivery order by version")
    assert statuses == [(1, "superseded"), (2, "landed")]


def test_4_implausibly_small_snapshot_is_held(warehouse_dsn, tmp_path, world):
    root = tmp_path / "landing"
    first, second = sorted(world.landing_root.glob("disability/canlian_*.csv"))[:2]
    copy_delivery(world, root, f"disability/{first.name}")
    land(warehouse_dsn, root, "disability")
    lines = second.read_bytes().split(b"\n")
    deliver(root, f"disability/{second.name}", b"\n".join(lines[:3]) + b"\n")
    (held,) = land(warehouse_dsn, root, "disability")["held"]
    assert "fewer than 50% of the previous delivery" in held["reason"]


# -- 5. data dropped silently ------------------------------------------------------------------


def test_5_stray_quote_fails_instead_of_swallowing_rows(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    file = "hukou/hukou_delta_20261001.csv"
    lines = [HUKOU, hukou_line(1), hukou_line(2).replace(",张三,", ',"张三,'), hukou_line(3)]
    lines += [hukou_line(4).replace(",张三,", ',张三",'), hukou_line(5)]
    deliver(root, file, "\n".join(lines).encode("gbk"))
    message = failed_message(land(warehouse_dsn, root, "hukou"), file)
    assert "line 3, field 姓名: a quoted field runs to line 5" in message


def test_5_short_row_lands_with_a_finding(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    lines = [HUKOU, hukou_line(1), ",".join(hukou_line(2).split(",")[:9])]
    deliver(root, "hukou/hukou_delta_20261001.csv", "\n".join(lines).encode("gbk"))
    summary = land(warehouse_dsn, root, "hukou")
    assert summary["rows_received"] == 2 and summary["landing_findings"] == 1
    found = query(warehouse_dsn, "select source_row, field, finding from ops.landing_finding")
    assert found == [(3, "注销原因", "short_row")]


def test_5_blank_header_column_with_values_fails(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    file = "hukou/hukou_delta_20261001.csv"
    header = HUKOU.replace(",民族,", ",,")
    deliver(root, file, hukou_delta(header))
    assert "column 5: the column has no name" in failed_message(
        land(warehouse_dsn, root, "hukou"), file
    )


def payroll_workbook(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["某县财政供养人员"])
    sheet.append(PAYROLL)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def test_5_xlsx_value_right_of_the_header_fails(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    file = "payroll/caizheng_gongyang_2026.xlsx"
    row = [person(1), "孙八", "某县教育局", "事业", "在职", "2010-09-01", None]
    deliver(root, file, payroll_workbook([row, [*row, "备注: 调出"]]))
    message = failed_message(land(warehouse_dsn, root, "payroll"), file)
    assert "row 4, column H: a value right of the last header column 停薪日期" in message
    assert "调出" not in message


def test_5_xlsx_formula_without_cached_value_fails(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    file = "payroll/caizheng_gongyang_2026.xlsx"
    row = [person(1), "孙八", "某县教育局", "事业", "在职", "2010-09-01", "=TODAY()"]
    deliver(root, file, payroll_workbook([row]))  # openpyxl writes no cached value
    message = failed_message(land(warehouse_dsn, root, "payroll"), file)
    assert "row 3, field 停薪日期: a formula without a computed value" in message


# -- 6. impossible values passed ---------------------------------------------------------------


def test_6_impossible_date_is_quarantined(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    rows = [
        [person(1), "孙八", "某县教育局", "事业", "在职", "2010-09-01", "2026-13-99"],
        [person(2), "周九", "某县教育局", "事业", "在职", "2010-02-29", None],
        [person(3), "吴十", "某县教育局", "事业", "在职", "2012-02-29", None],
    ]
    deliver(root, "payroll/caizheng_gongyang_2026.xlsx", payroll_workbook(rows))
    land(warehouse_dsn, root, "payroll")
    found = query(warehouse_dsn, "select source_row, field from ops.quarantine order by 1")
    assert found == [(3, "停薪日期"), (4, "起薪日期")]


# -- 7. wrong places in messages ---------------------------------------------------------------


def test_7_encoding_error_and_nul_byte_name_their_own_line(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    lines = [HUKOU] + [hukou_line(i) for i in range(1, 400)]
    data = "\n".join(lines).encode("gbk")
    at = data.index(person(321).encode())
    deliver(root, "hukou/hukou_delta_20261001.csv", data[:at] + b"\x80\x20" + data[at:])
    deliver(root, "hukou/hukou_delta_20261002.csv", data[:at] + b"\x00" + data[at:])
    summary = land(warehouse_dsn, root, "hukou")
    assert "line 322 is not valid gbk" in failed_message(summary, "hukou/hukou_delta_20261001.csv")
    message = failed_message(summary, "hukou/hukou_delta_20261002.csv")
    assert "line 322, field 1: a NUL byte" in message


# -- 8. misnamed deliveries ignored silently ---------------------------------------------------


def test_8_misnamed_deliveries_are_reported_as_unrecognised(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    deliver(root, "hukou/hukou_delta_20261001.csv", hukou_delta())
    deliver(root, "hukou/HUKOU_delta_20261002.csv", hukou_delta())
    deliver(root, "hukou/hukou_delta 20261003.csv", hukou_delta())
    deliver(root, "hukou/old/hukou_delta_20261004.csv", hukou_delta())
    (root / "hukou/hukou_delta_20261005.csv.ok").write_bytes(b"")
    summary = land(warehouse_dsn, root, "hukou")
    assert len(summary["landed"]) == 1
    reasons = {u["file"]: u["reason"] for u in summary["unrecognised"]}
    assert set(reasons) == {
        "hukou/HUKOU_delta_20261002.csv",
        "hukou/hukou_delta 20261003.csv",
        "hukou/old/hukou_delta_20261004.csv",
        "hukou/hukou_delta_20261005.csv.ok",
    }
    assert "upper case" in reasons["hukou/HUKOU_delta_20261002.csv"]
    assert "sub-folder" in reasons["hukou/old/hukou_delta_20261004.csv"]
    assert "without its file" in reasons["hukou/hukou_delta_20261005.csv.ok"]
    stored = query(warehouse_dsn, "select feed, count(*) from ops.unrecognised_file group by 1")
    assert stored == [("hukou", 4)]
