"""Landing and quality on small hand-made files with every quirk of the three slice feeds."""

from __future__ import annotations

import gzip
import os
import time

import pytest
from openpyxl import Workbook

from fupin import ids, landing, quality, warehouse

pytestmark = pytest.mark.integration

HUKOU_HEADER = (
    "公民身份号码,姓名,性别,出生日期,民族,户号,与户主关系,户籍地区划,变动类型,注销原因,变动日期"
)
PAYROLL_HEADER = ["证件号码", "姓名", "单位名称", "单位性质", "人员类别", "起薪日期", "停薪日期"]


def person(seq: int, birth: str = "19800101") -> str:
    body = f"520123{birth}{seq:03d}"
    return body + ids.id_check_digit(body)


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def deliver(path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.with_name(path.name + ".ok").write_bytes(b"")


def xlsx_bytes(rows, tmp_path, title: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([None, None])  # trailing blank rows
    target = tmp_path / "scratch.xlsx"
    workbook.save(target)
    return target.read_bytes()


def land_and_check(dsn, root, feed):
    with warehouse.connect(dsn) as conn:
        run = landing.land_pending(conn, root, feed)
        checks = quality.check_batches(conn, dsn, run.batches("landed", "superseded"))
    return run, checks


def rows(dsn, query, *args):
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(query, args)
        return cur.fetchall()


def test_hukou_gbk_delta_lands_and_bad_id_is_quarantined(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    good, legacy, lower = person(11), person(13, "19650304"), person(15)
    legacy15 = legacy[:6] + legacy[8:17]
    lines = [
        HUKOU_HEADER,
        f"{good},张三,1,19800101,01,H001,01,520123100201,新增,,20261001",
        f"{bad_check_digit(person(12))},李四,1,19800101,01,H001,10,520123100201,新增,,20261001",
        f"{legacy15},王五,1,19650304,01,H002,01,520123100201,变更,,20261002",
        f"{lower.lower()},赵六,2,19800101,01,H003,01,520123100201,注销,死亡,20261003",
    ]
    deliver(root / "hukou/hukou_delta_20261003.csv", ("\r\n".join(lines) + "\r\n").encode("gbk"))
    # Not complete yet: no .ok marker.
    (root / "hukou/hukou_delta_20261004.csv").write_bytes(lines[0].encode("gbk"))

    run, (check,) = land_and_check(warehouse_dsn, root, "hukou")

    assert [r.outcome for r in run.results] == ["landed"]
    assert run.incomplete == ["hukou/hukou_delta_20261004.csv"]
    assert run.results[0].rows == {"hukou__delta": 4}
    assert check.rows_quarantined == 1
    ((row, field, reason),) = rows(
        warehouse_dsn, "select source_row, field, reason from ops.quarantine"
    )
    assert (row, field) == (3, "公民身份号码")
    assert "hukou/hukou_delta_20261003.csv row 3" in reason and "GB 11643" in reason
    names = rows(warehouse_dsn, 'select "姓名" from raw.hukou__delta order by _source_row')
    assert [n for (n,) in names] == ["张三", "李四", "王五", "赵六"]  # nothing dropped


def test_hukou_gzip_full_snapshot(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    text = HUKOU_HEADER + "\n" + f"{person(21)},钱七,2,19800101,01,H009,01,520123100201,,,\n"
    deliver(root / "hukou/hukou_full_202610.csv.gz", gzip.compress(text.encode("gbk")))
    run, (check,) = land_and_check(warehouse_dsn, root, "hukou")
    assert run.results[0].rows == {"hukou__full": 1}
    assert check.rows_quarantined == 0


def test_resend_is_a_no_op_and_v2_replaces_its_period(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    staff, bad = person(31), bad_check_digit(person(32))
    v1 = [
        PAYROLL_HEADER,
        [staff, "孙八", "某县教育局", "事业", "在职", "2010-09-01", None],
        [bad, "周九", "某县财政局", "行政", "在职", "2012-01-01", None],
    ]
    path = root / "payroll/caizheng_biandong_202609.xlsx"
    v1[0] = [*PAYROLL_HEADER, "变动类型"]
    v1[1].append("新增")
    v1[2].append("新增")
    deliver(path, xlsx_bytes(v1, tmp_path))
    run, (check,) = land_and_check(warehouse_dsn, root, "payroll")
    assert check.rows_quarantined == 1

    # The exchange platform resends the same file after a network error.
    os.utime(path.with_name(path.name + ".ok"), (time.time() + 5, time.time() + 5))
    run, checks = land_and_check(warehouse_dsn, root, "payroll")
    assert [r.outcome for r in run.results] == ["resend"] and checks == []

    # The steward fixes the ID and delivers _v2 for the same month.
    v2 = [list(r) for r in v1]
    v2[2][0] = person(32)
    deliver(root / "payroll/caizheng_biandong_202609_v2.xlsx", xlsx_bytes(v2, tmp_path))
    run, (check,) = land_and_check(warehouse_dsn, root, "payroll")
    outcomes = {r.source_file: r.outcome for r in run.results}
    assert outcomes == {
        "payroll/caizheng_biandong_202609.xlsx": "unchanged",
        "payroll/caizheng_biandong_202609_v2.xlsx": "landed",
    }
    assert check.rows_quarantined == 0 and check.rows_fixed == 1
    statuses = rows(warehouse_dsn, "select version, status from ops.delivery order by version")
    assert statuses == [(1, "superseded"), (2, "landed")]
    assert rows(warehouse_dsn, "select status from ops.quarantine") == [("fixed",)]


def test_registry_title_row_amounts_and_bad_member_id_lands(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    workbook = Workbook()
    households = workbook.active
    households.title = "户信息"
    households.append(["某某县建档立卡贫困户信息表"])
    columns = landing.load_catalog()["registry"].files[0].tables[0].columns
    households.append(list(columns))
    row = dict.fromkeys(columns)
    row.update(
        {
            "户编号": "52012310020100000001",
            "户主姓名": "吴十",
            "户主证件号码": person(41),
            "村代码": "520123100201",
            "贫困户属性": "一般贫困户",
            "主要致贫原因": "因病",
            "家庭人口数": 3,
            "年人均纯收入": "1,234.50",
            "脱贫标志": "未脱贫",
        }
    )
    households.append([row[c] for c in columns])
    households.append([])
    members = workbook.create_sheet("成员信息")
    # The department dropped its last columns this month: schema drift.
    members.append(
        ["户编号", "姓名", "证件号码", "与户主关系", "性别", "民族", "文化程度", "在校生状况"]
    )
    members.append(
        ["52012310020100000001", "吴十", person(41), "户主", "男", "汉族", "小学", "非在校生"]
    )
    members.append(["52012310020100000001", "吴十一", bad_check_digit(person(42)), "子"])
    path = root / "registry/520123/建档立卡_520123_202610.xlsx"
    path.parent.mkdir(parents=True)
    workbook.save(path)
    path.with_name(path.name + ".ok").touch()

    run, (check,) = land_and_check(warehouse_dsn, root, "registry")

    assert run.results[0].rows == {"registry__household": 1, "registry__member": 2}
    assert check.rows_quarantined == 0  # the registry is the system of record
    assert rows(
        warehouse_dsn,
        'select "年人均纯收入", "家庭人口数", _source_row from raw.registry__household',
    ) == [("1,234.50", "3", 3)]
    # Columns the members sheet lacks are reported as drift, not a crash.
    drift = rows(
        warehouse_dsn,
        "select change, column_name from ops.schema_drift"
        " where column_name like 'registry__member.%%' order by 2 limit 1",
    )
    assert drift and drift[0][0] == "missing"
    findings = rows(
        warehouse_dsn,
        "select success from ops.quality_result"
        " where expectation = 'expect_column_values_to_be_valid_id_number'",
    )
    assert findings == [(False,)]


def test_unreadable_file_fails_with_its_name_and_loses_nothing(warehouse_dsn, tmp_path):
    root = tmp_path / "landing"
    deliver(root / "payroll/caizheng_gongyang_2026.xlsx", b"not a workbook")
    run, _ = land_and_check(warehouse_dsn, root, "payroll")
    (result,) = run.results
    assert result.outcome == "failed"
    assert "payroll/caizheng_gongyang_2026.xlsx" in result.message
    assert rows(warehouse_dsn, "select status from ops.delivery") == [("failed",)]
    run, _ = land_and_check(warehouse_dsn, root, "payroll")  # nothing new: no crash, no new row
    assert run.results[0].outcome == "unchanged"
    assert rows(warehouse_dsn, "select count(*) from ops.delivery_seen") == [(1,)]
