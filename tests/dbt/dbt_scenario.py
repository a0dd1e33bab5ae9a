"""Hand-made deliveries for the dbt tests: raw rows and ledger rows with known answers.

One county (520123) with a registry snapshot, hukou full + deltas, payroll list + changes,
planted so that V01 and V10 fire for some members and narrowly miss for others; a second
county (520124) whose registry file was corrected by a _v2. ``EXPECTED_*`` are the answers.

Run ``python -m tests.dbt.dbt_scenario DSN`` to load it into a migrated database by hand.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping, Sequence

import psycopg2
from psycopg2 import sql

from fupin.ids import id_check_digit

COUNTY = "520123"
VILLAGE = "520123100201"
OTHER_COUNTY = "520124"
OTHER_VILLAGE = "520124100101"


def id_number(birth: str, sequence: int, *, valid: bool = True) -> str:
    """An 18-character ID number born on ``birth`` (YYYYMMDD) in COUNTY; valid unless told."""
    body = f"{COUNTY}{birth}{sequence:03d}"
    check = id_check_digit(body)
    if not valid:
        check = "0" if check != "0" else "1"
    return body + check


def legacy_15(number18: str) -> str:
    """The 15-digit legacy form of a number born in the 1900s."""
    return number18[:6] + number18[8:17]


def household_id(village: str, sequence: int) -> str:
    return f"{village}{sequence:08d}"


# -- the people ------------------------------------------------------------------------------
H_POOR = household_id(VILLAGE, 1)  # 未脱贫
H_EXITED = household_id(VILLAGE, 2)  # 已脱贫
H_OLD = household_id(VILLAGE, 3)  # only in the older 202609 snapshot
H_OTHER = household_id(OTHER_VILLAGE, 1)  # county 520124, corrected by _v2

PAYROLL_ON = id_number("19800101", 11)  # 在职, no 停薪日期 -> V01
PAYROLL_STOPPED = id_number("19810202", 21)  # 停薪日期 2026-05-31 -> no V01
PAYROLL_REMOVED = id_number("19820303", 31)  # 减少 in 202606 -> no V01
PAYROLL_QUARANTINED = id_number("19830404", 41)  # payroll row quarantined -> no V01
BAD_CHECK = id_number("19900505", 51, valid=False)  # -> V10 id_invalid (high)
NOT_IN_HUKOU = id_number("19910606", 61)  # -> V10 not_in_hukou (medium)
NAME_DIFFERS = id_number("19920707", 71)  # -> V10 name_differs (medium)
BIRTH_DIFFERS = id_number("19930808", 81)  # -> V10 birth_date_differs (medium)
LEGACY = id_number("19540909", 91)  # hukou has the 15-digit form -> matches, no alert
RENAMED = id_number("19601010", 13)  # renamed twice in one delta: 变动日期 order decides
RETIRED_EXITED = id_number("19551111", 15)  # 退休, household 已脱贫 -> V01 (exited checked)
OTHER_V1_ONLY = id_number("19700101", 17)  # on payroll, only in the superseded v1 file
OTHER_V2 = id_number("19710101", 19)  # in the v2 file, all fine

AS_OF = "2026-10-31"
LATER_AS_OF = "2026-11-30"

# (rule_code, household_id, id_number, severity, findings) open on AS_OF
EXPECTED_OPEN = {
    ("V01", H_POOR, PAYROLL_ON, "high", ("on_payroll",)),
    ("V01", H_EXITED, RETIRED_EXITED, "high", ("on_payroll",)),
    ("V10", H_POOR, BAD_CHECK, "high", ("id_invalid",)),
    ("V10", H_POOR, NOT_IN_HUKOU, "medium", ("not_in_hukou",)),
    ("V10", H_POOR, NAME_DIFFERS, "medium", ("name_differs",)),
    ("V10", H_POOR, BIRTH_DIFFERS, "medium", ("birth_date_differs",)),
}
# A payroll change of 202611 removes PAYROLL_ON: on LATER_AS_OF its V01 alert is closed.
CLOSED_LATER = ("V01", H_POOR, PAYROLL_ON)


def _member(hid: str, name: str, number: str, relation: str, sex: str) -> dict[str, str]:
    return {
        "户编号": hid,
        "姓名": name,
        "证件号码": number,
        "与户主关系": relation,
        "性别": sex,
        "民族": "汉族",
        "文化程度": "初中",
        "在校生状况": "非在校生",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "务工状况": "县外省内",
        "务工时间（月）": "6.0",
        "是否参加大病保险": "是",
        "是否参加城乡居民基本养老保险": "否",
    }


def _household(hid: str, village: str, head: str, head_id: str, status: str) -> dict[str, str]:
    return {
        "户编号": hid,
        "户主姓名": head,
        "户主证件号码": head_id,
        "村代码": village,
        "贫困户属性": "一般贫困户",
        "识别标准": "国家标准",
        "主要致贫原因": "因病",
        "其他致贫原因": "缺技术、缺资金",
        "家庭人口数": "4.0",
        "耕地面积（亩）": "2.5",
        "住房面积（平方米）": "80",
        "危房等级": "无",
        "饮水安全": "是",
        "工资性收入": "12,000.00",
        "生产经营性收入": "3,000.50",
        "财产性收入": "0",
        "转移性收入": "1000",
        "生产经营性支出": "1,000.50",
        "年人均纯收入": "3,750.00",
        "脱贫标志": status,
        "脱贫年度": "2016" if status == "已脱贫" else None,  # a year with a default poverty line
        "识别年度": "2014",
        "开户银行": "农村信用社",
        "银行账号": "6228480000000000000",
        "联系电话": "13800000000",
    }


def _hukou(number: str, name: str, birth: str, sex: str = "1", **changes: str) -> dict[str, str]:
    row = {
        "公民身份号码": number,
        "姓名": name,
        "性别": sex,
        "出生日期": birth,
        "民族": "01",
        "户号": "520123000001",
        "与户主关系": "01",
        "户籍地区划": VILLAGE,
        "变动类型": None,
        "注销原因": None,
        "变动日期": None,
    }
    row.update(changes)
    return row


def _payroll(number: str, name: str, category: str = "在职", stop: str | None = None, **extra):
    row = {
        "证件号码": number,
        "姓名": name,
        "单位名称": "某县农业局",
        "单位性质": "行政",
        "人员类别": category,
        "起薪日期": "2010-07-01",
        "停薪日期": stop,
    }
    row.update(extra)
    return row


# -- deliveries ------------------------------------------------------------------------------
def deliveries() -> list[dict]:
    """Every batch: ledger fields plus its raw rows per raw table."""
    poor_members = [
        _member(H_POOR, "张一", PAYROLL_ON, "户主", "男"),
        _member(H_POOR, "张二", PAYROLL_STOPPED, "配偶", "女"),
        _member(H_POOR, "张三", PAYROLL_REMOVED, "子", "1"),
        _member(H_POOR, "张四", PAYROLL_QUARANTINED, "女", "2"),
        _member(H_POOR, "张五", BAD_CHECK.lower().replace("x", "x"), "子", "男"),
        _member(H_POOR, "张六", NOT_IN_HUKOU, "父母", "男"),
        _member(H_POOR, "张七", NAME_DIFFERS, "孙子女", "男"),
        _member(H_POOR, "张八", BIRTH_DIFFERS, "兄弟姐妹", "男"),
        _member(H_POOR, "张九", LEGACY, "父母", "男"),
        _member(H_POOR, "张十", RENAMED, "其他", "男"),
    ]
    exited_members = [_member(H_EXITED, "李一", RETIRED_EXITED, "户主", "男")]
    return [
        # registry: an older snapshot of the county (its household H_OLD is not current)
        {
            "batch_id": "reg-520123-202609",
            "feed": "registry",
            "kind": "snapshot",
            "period": "202609",
            "scope": COUNTY,
            "source_file": f"registry/{COUNTY}/建档立卡_{COUNTY}_202609.xlsx",
            "rows": {
                "registry__household": [_household(H_OLD, VILLAGE, "王一", PAYROLL_ON, "未脱贫")],
                "registry__member": [_member(H_OLD, "王一", PAYROLL_ON, "户主", "男")],
            },
        },
        {
            "batch_id": "reg-520123-202610",
            "feed": "registry",
            "kind": "snapshot",
            "period": "202610",
            "scope": COUNTY,
            "source_file": f"registry/{COUNTY}/建档立卡_{COUNTY}_202610.xlsx",
            "rows": {
                "registry__household": [
                    _household(H_POOR, VILLAGE, "张一", PAYROLL_ON, "未脱贫"),
                    _household(H_EXITED, VILLAGE, "李一", RETIRED_EXITED, "已脱贫"),
                ],
                "registry__member": poor_members + exited_members,
            },
        },
        # the other county: v1 superseded by v2
        {
            "batch_id": "reg-520124-202610-v1",
            "feed": "registry",
            "kind": "snapshot",
            "period": "202610",
            "scope": OTHER_COUNTY,
            "status": "superseded",
            "source_file": f"registry/{OTHER_COUNTY}/建档立卡_{OTHER_COUNTY}_202610.xlsx",
            "rows": {
                "registry__household": [
                    _household(H_OTHER, OTHER_VILLAGE, "赵一", OTHER_V1_ONLY, "返贫")
                ],
                "registry__member": [_member(H_OTHER, "赵一", OTHER_V1_ONLY, "户主", "男")],
            },
        },
        {
            "batch_id": "reg-520124-202610-v2",
            "feed": "registry",
            "kind": "snapshot",
            "period": "202610",
            "scope": OTHER_COUNTY,
            "version": 2,
            "source_file": f"registry/{OTHER_COUNTY}/建档立卡_{OTHER_COUNTY}_202610_v2.xlsx",
            "rows": {
                "registry__household": [
                    _household(H_OTHER, OTHER_VILLAGE, "赵二", OTHER_V2, "返贫")
                ],
                "registry__member": [_member(H_OTHER, "赵二", OTHER_V2, "户主", "男")],
            },
        },
        # hukou: full snapshot of 202609, then deltas
        {
            "batch_id": "hukou-full-202609",
            "feed": "hukou",
            "kind": "full",
            "period": "202609",
            "source_file": "hukou/hukou_full_202609.csv.gz",
            "rows": {
                "hukou__full": [
                    _hukou(PAYROLL_ON, "张一", "19800101"),
                    _hukou(PAYROLL_STOPPED, "张二", "19810202", "2"),
                    _hukou(PAYROLL_REMOVED, "张三", "19820303"),
                    _hukou(PAYROLL_QUARANTINED, "张四", "19830404", "2"),
                    _hukou(NAME_DIFFERS, "张柒", "19920707"),
                    _hukou(BIRTH_DIFFERS, "张八", "19930809"),
                    _hukou(legacy_15(LEGACY), "张九", "19540909"),
                    _hukou(RENAMED, "旧名", "19601010"),
                    _hukou(RETIRED_EXITED, "李一", "19551111"),
                    _hukou(OTHER_V2, "赵二", "19710101"),
                ]
            },
        },
        {
            "batch_id": "hukou-delta-20261005",
            "feed": "hukou",
            "kind": "delta",
            "period": "20261005",
            "source_file": "hukou/hukou_delta_20261005.csv",
            "rows": {
                "hukou__delta": [
                    # file order is not change order: the 20261003 change is applied last
                    _hukou(RENAMED, "张十", "19601010", 变动类型="变更", 变动日期="20261003"),
                    _hukou(RENAMED, "错名", "19601010", 变动类型="变更", 变动日期="20261001"),
                ]
            },
        },
        {
            "batch_id": "hukou-delta-20261120",
            "feed": "hukou",
            "kind": "delta",
            "period": "20261120",
            "source_file": "hukou/hukou_delta_20261120.csv",
            "rows": {
                "hukou__delta": [
                    # after AS_OF: only the later run sees it
                    _hukou(NOT_IN_HUKOU, "张六", "19910606", 变动类型="新增", 变动日期="20261118"),
                ]
            },
        },
        # payroll: the 2026 list, a change list of 202606 and one of 202611
        {
            "batch_id": "payroll-full-2026",
            "feed": "payroll",
            "kind": "full",
            "period": "2026",
            "source_file": "payroll/caizheng_gongyang_2026.xlsx",
            "rows": {
                "payroll__full": [
                    _payroll(PAYROLL_ON, "张一"),
                    _payroll(PAYROLL_STOPPED, "张二", stop="2026-05-31"),
                    _payroll(PAYROLL_REMOVED, "张三"),
                    _payroll(PAYROLL_QUARANTINED, "张四"),
                    _payroll(RETIRED_EXITED, "李一", "退休"),
                    _payroll(OTHER_V1_ONLY, "赵一"),
                ]
            },
            "quarantine": [("payroll__full", 5, "证件号码", "quarantined for the test")],
        },
        {
            "batch_id": "payroll-change-202606",
            "feed": "payroll",
            "kind": "change",
            "period": "202606",
            "source_file": "payroll/caizheng_biandong_202606.xlsx",
            "rows": {
                "payroll__change": [
                    _payroll(PAYROLL_REMOVED, "张三", stop=None, 变动类型="减少"),
                ]
            },
        },
        {
            "batch_id": "payroll-change-202611",
            "feed": "payroll",
            "kind": "change",
            "period": "202611",
            "source_file": "payroll/caizheng_biandong_202611.xlsx",
            "rows": {
                "payroll__change": [
                    _payroll(PAYROLL_ON, "张一", stop="2026-11-15", 变动类型="减少"),
                ]
            },
        },
    ]


def insert_delivery(cur, delivery: Mapping) -> None:
    """One ledger row, its raw rows (source rows from 2: row 1 is the header) and quarantine."""
    cur.execute(
        """
        insert into ops.delivery (batch_id, feed, kind, period, scope, version, source_file,
                                  content_sha256, size_bytes, status, delivered_at, landed_at,
                                  rows_received)
        values (%s, %s, %s, %s, %s, %s, %s, md5(%s), 100, %s, %s, %s, %s)
        """,
        (
            delivery["batch_id"],
            delivery["feed"],
            delivery["kind"],
            delivery["period"],
            delivery.get("scope", ""),
            delivery.get("version", 1),
            delivery["source_file"],
            delivery["batch_id"],
            delivery.get("status", "landed"),
            dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            sum(len(rows) for rows in delivery["rows"].values()),
        ),
    )
    for table, rows in delivery["rows"].items():
        insert_raw_rows(cur, table, rows, delivery["batch_id"], delivery["source_file"])
    for table, source_row, field, reason in delivery.get("quarantine", []):
        cur.execute(
            """
            insert into ops.quarantine (batch_id, feed, raw_table, source_file, source_row,
                                        field, rule, reason)
            values (%s, %s, %s, %s, %s, %s, 'test', %s)
            """,
            (
                delivery["batch_id"],
                delivery["feed"],
                table,
                delivery["source_file"],
                source_row,
                field,
                reason,
            ),
        )


def insert_raw_rows(
    cur, table: str, rows: Sequence[Mapping[str, str | None]], batch_id: str, source_file: str
) -> None:
    for line, row in enumerate(rows, start=2):
        columns = [*row, "_batch_id", "_source_file", "_source_row"]
        cur.execute(
            sql.SQL("insert into raw.{} ({}) values ({})").format(
                sql.Identifier(table),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            ),
            [*row.values(), batch_id, source_file, line],
        )


def load(dsn: str, batches: Iterable[Mapping] | None = None) -> None:
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            for delivery in batches if batches is not None else deliveries():
                insert_delivery(cur, delivery)
    finally:
        conn.close()


if __name__ == "__main__":
    load(sys.argv[1])
