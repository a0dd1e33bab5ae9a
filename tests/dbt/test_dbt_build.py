"""dbt build against a fresh warehouse: V01/V10 positives and near misses, alert history.

Runs the real project in-process (fupin.dbt_runner) on the database of the ``warehouse_dsn``
fixture, loaded with the hand-made deliveries of tests/dbt/scenario.py.
"""

from __future__ import annotations

import datetime as dt

import dbt_scenario as s
import psycopg2
import pytest

from fupin.dbt_runner import DbtRunError, run_dbt
from tests.helpers import query

pytestmark = pytest.mark.integration


def _alerts(dsn: str) -> dict[tuple[str, str, str | None], dict]:
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select rule_code, household_id, id_number, severity, findings, evidence, "
                "first_seen, last_seen, is_open, closed_on from marts.verification_alert"
            )
            columns = [c.name for c in cur.description]
            rows = [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()
    return {(r["rule_code"], r["household_id"], r["id_number"]): r for r in rows}


def test_build_finds_v01_and_v10_and_keeps_alert_history(warehouse_dsn, tmp_path):
    s.load(warehouse_dsn)

    run_dbt(warehouse_dsn, ["build"], {"as_of": s.AS_OF}, work_dir=tmp_path / "dbt")
    alerts = _alerts(warehouse_dsn)

    opened = {
        (rule, hid, number, a["severity"], tuple(a["findings"]))
        for (rule, hid, number), a in alerts.items()
        if a["is_open"]
    }
    assert opened == s.EXPECTED_OPEN
    # near misses: stopped before the check date, removed by a 减少 change, quarantined payroll
    # row, a 15-digit hukou number, a rename applied in 变动日期 order, a superseded v1 file
    flagged = {number for (_, _, number) in alerts}
    for near_miss in (
        s.PAYROLL_STOPPED,
        s.PAYROLL_REMOVED,
        s.PAYROLL_QUARANTINED,
        s.LEGACY,
        s.RENAMED,
        s.OTHER_V1_ONLY,
        s.OTHER_V2,
    ):
        assert near_miss not in flagged
    v01 = alerts[("V01", s.H_POOR, s.PAYROLL_ON)]
    assert [e["feed"] for e in v01["evidence"]] == ["registry", "payroll"]
    assert v01["evidence"][0]["batch_id"] == "reg-520123-202610"
    assert v01["evidence"][0]["source_row"] == 2
    assert v01["evidence"][1]["batch_id"] == "payroll-full-2026"
    assert v01["evidence"][1]["record"]["staff_category"] == "在职"
    v10 = alerts[("V10", s.H_POOR, s.NAME_DIFFERS)]
    assert v10["evidence"][1]["feed"] == "hukou"
    assert v10["evidence"][1]["record"]["name"] == "张柒"
    assert all(a["first_seen"] == dt.date(2026, 10, 31) for a in alerts.values())

    household = query(
        warehouse_dsn,
        "select county_code, other_causes, size, net_income_per_capita, "
        "net_income_per_capita_computed from marts.household "
        f"where household_id = '{s.H_POOR}'",
    )
    assert household == [("520123", ["缺技术", "缺资金"], 4, 3750, 3750)]
    assert query(warehouse_dsn, "select count(*) from marts.household") == [(3,)]
    assert query(warehouse_dsn, "select count(*) from marts.member") == [(12,)]
    # the national push gets every member but the one whose ID number fails the check
    assert query(warehouse_dsn, "select count(*) from exchange.sync_member") == [(11,)]
    assert query(warehouse_dsn, "select record_key, problems from exchange.sync_unsendable") == [
        (f"{s.H_POOR}|{s.BAD_CHECK}", ["id_number fails the GB 11643 check"])
    ]
    assert query(warehouse_dsn, "select count(*) from marts.household_history") == [(3,)]

    # a later check: the 202611 减少 change ends PAYROLL_ON's pay on 2026-11-15, and a hukou
    # delta of 2026-11-20 adds NOT_IN_HUKOU: both alerts close, the others stay open
    run_dbt(warehouse_dsn, ["build"], {"as_of": s.LATER_AS_OF}, work_dir=tmp_path / "dbt")
    later = _alerts(warehouse_dsn)
    assert later.keys() == alerts.keys()
    closed = {("V01", s.H_POOR, s.PAYROLL_ON), ("V10", s.H_POOR, s.NOT_IN_HUKOU)}
    for key, alert in later.items():
        assert alert["first_seen"] == dt.date(2026, 10, 31)
        if key in closed:
            assert not alert["is_open"]
            assert alert["last_seen"] == dt.date(2026, 10, 31)
            assert alert["closed_on"] == dt.date(2026, 11, 30)
        else:
            assert alert["is_open"]
            assert alert["last_seen"] == dt.date(2026, 11, 30)


def test_build_on_an_empty_warehouse(warehouse_dsn, tmp_path):
    run_dbt(warehouse_dsn, ["build"], {"as_of": s.AS_OF}, work_dir=tmp_path / "dbt")
    for table in (
        "marts.household",
        "marts.member",
        "marts.verification_alert",
        "marts.household_history",
        "exchange.sync_household",
        "exchange.sync_member",
    ):
        assert query(warehouse_dsn, f"select count(*) from {table}") == [(0,)]


def test_failure_names_the_failing_node(warehouse_dsn, tmp_path):
    with pytest.raises(DbtRunError) as raised:
        run_dbt(
            warehouse_dsn,
            ["build", "--select", "int_policy__poverty_lines"],
            {"poverty_line_overrides": {"2017": "three thousand"}},
            work_dir=tmp_path / "dbt",
        )
    assert "not a number" in str(raised.value)


def test_dbt_sessions_run_without_jit(warehouse_dsn, tmp_path, monkeypatch):
    # JIT compiling cost more than the work in the 4x region facts (fupin.dbt_runner); a
    # PGOPTIONS of the operator's is kept
    monkeypatch.setenv("PGOPTIONS", "-c statement_timeout=600000")
    setting = "select current_setting('jit') || current_setting('statement_timeout')"
    inline = '{% if execute %}{{ run_query("' + setting + '").columns[0].values()[0] }}{% endif %}'
    result = run_dbt(warehouse_dsn, ["compile", "--inline", inline], work_dir=tmp_path / "dbt")
    assert result.result.results[0].node.compiled_code == "off10min"
