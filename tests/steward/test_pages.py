"""The steward page on landed deliveries (FastAPI's test client; no dbt needed):
planted failures shown with their reason, department scope by URL and form, corrections
validated and refused, superseded rows, CSRF, the login rate limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fupin.steward import auth
from fupin.steward.accounts import MAX_FAILURES
from fupin.steward.app import create_app
from fupin.steward.queries import shown_fields
from tests.steward.conftest import (
    csrf_of,
    log_in,
    planted,
    quarantine_id,
    query,
    with_check_digit,
)

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("steward")]


@pytest.fixture
def client(landed):
    with TestClient(create_app(landed.dsn, "test-secret")) as client:
        yield client


@pytest.fixture
def hukou(client):
    assert log_in(client, "steward_hukou", "pw-hukou-secret").status_code == 303
    return client


def hukou_case(landed):
    (case,) = planted(landed.world, "hukou")
    return case, quarantine_id(landed.dsn, case["file"], case["row"])


def test_planted_rows_shown_with_reason_and_the_view_is_audited(landed, hukou):
    case, _ = hukou_case(landed)
    page = hukou.get("/feeds/hukou")
    assert page.status_code == 200
    assert case["file"] in page.text and case["id_number"] in page.text
    assert "expect_column_values_to_be_valid_id_number" in page.text
    assert "GB 11643" in page.text  # the expectation's reason, the group's title
    (views,) = query(
        landed.dsn,
        "select count(*) from audit.access_log where action = 'steward_view'"
        " and details->>'steward' = 'steward_hukou' and details->>'feed' = 'hukou'",
    )
    assert views[0] >= 1
    home = hukou.get("/")
    assert "hukou" in home.text and "payroll" not in home.text


def test_other_departments_rows_refused_by_url_and_form(landed, hukou):
    payroll = planted(landed.world, "payroll")[-1]
    other = quarantine_id(landed.dsn, payroll["file"], payroll["row"])
    (batch,) = query(
        landed.dsn, "select batch_id from ops.quarantine where quarantine_id = %s", other
    )
    token = csrf_of(hukou.get("/").text)
    assert hukou.get("/feeds/payroll").status_code == 404
    assert hukou.get(f"/quarantine/{other}").status_code == 404
    assert hukou.get(f"/runs/{batch[0]}").status_code == 404
    refused = hukou.post(
        f"/quarantine/{other}/correct",
        data={"new_value": with_check_digit(payroll["id_number"]), "why": "x", "csrf": token},
    )
    assert refused.status_code == 404
    hukou.post("/feeds/hukou/awaiting-v2", data={"csrf": token, "quarantine_id": [other]})
    assert query(
        landed.dsn, "select count(*) from ops.steward_correction where quarantine_id = %s", other
    ) == [(0,)]
    assert query(
        landed.dsn, "select awaiting_v2_at from ops.quarantine where quarantine_id = %s", other
    ) == [(None,)]


def test_invalid_correction_refused_with_the_expectations_message(landed, hukou):
    case, qid = hukou_case(landed)
    token = csrf_of(hukou.get(f"/quarantine/{qid}").text)
    still_wrong = case["id_number"][:17] + ("0" if case["id_number"][17] != "0" else "1")
    assert still_wrong != with_check_digit(case["id_number"])
    refused = hukou.post(
        f"/quarantine/{qid}/correct",
        data={"new_value": still_wrong, "why": "typed from the hukou book", "csrf": token},
    )
    assert refused.status_code == 422
    assert "Refused" in refused.text and "GB 11643" in refused.text
    assert query(landed.dsn, "select count(*) from ops.steward_correction") == [(0,)]
    # what a steward types is escaped, never markup
    script = hukou.post(
        f"/quarantine/{qid}/correct",
        data={"new_value": "<script>alert(1)</script>", "why": "x", "csrf": token},
    )
    assert script.status_code == 422 and "<script>alert(1)" not in script.text


def test_superseded_row_refused(landed, client):
    assert log_in(client, "steward_payroll", "pw-payroll-secret").status_code == 303
    (case,) = [c for c in planted(landed.world, "payroll") if c.get("superseded_by")]
    qid = quarantine_id(landed.dsn, case["file"], case["row"])
    token = csrf_of(client.get("/").text)
    refused = client.post(
        f"/quarantine/{qid}/correct",
        data={"new_value": with_check_digit(case["id_number"]), "why": "x", "csrf": token},
    )
    assert refused.status_code == 422
    assert "superseded" in refused.text and "later" in refused.text


def test_forms_need_the_sessions_csrf_token(landed, hukou):
    _, qid = hukou_case(landed)
    forged = hukou.post(
        "/feeds/hukou/awaiting-v2",
        data={"csrf": "forged", "quarantine_id": [qid]},
        follow_redirects=False,
    )
    assert forged.status_code == 303 and forged.headers["location"] == "/login"
    assert query(
        landed.dsn, "select awaiting_v2_at from ops.quarantine where quarantine_id = %s", qid
    ) == [(None,)]


def test_wrong_passwords_are_rate_limited(landed, client):
    for _ in range(MAX_FAILURES):
        assert log_in(client, "steward_payroll", "wrong").status_code == 401
    limited = log_in(client, "steward_payroll", "pw-payroll-secret")
    assert limited.status_code == 429 and "too many wrong passwords" in limited.text
    query(landed.dsn, "update ops.steward_account set failed_logins = 0 returning 1")


def test_sessions_expire():
    session: dict = {}
    auth.start(session, "steward_hukou")
    assert auth.current_login(session, session["seen"] + 60) == "steward_hukou"
    assert auth.current_login(session, session["seen"] + auth.IDLE + 1) is None
    assert session == {}


def test_withheld_fields_left_out_except_the_corrected_one():
    row = {"姓名": "张三", "联系电话": "13800001111", "证件号码": "522524197909181015"}
    shown = shown_fields(row, "证件号码")
    assert "联系电话" not in shown and shown["证件号码"] == "522524197909181015"
    assert shown_fields(row, "联系电话")["证件号码"] == "522524********1015"
    assert shown_fields(row, "联系电话")["联系电话"] == "13800001111"


def test_demo_prints_the_address_and_a_login_per_department(landed, tmp_path):
    import yaml

    from fupin import warehouse
    from fupin.catalog import load_catalog
    from fupin.steward.accounts import add_account, authenticate
    from fupin.steward.demo import demo_logins

    config = tmp_path / "fupin.yml"
    settings = {"province": "52", "warehouse": {"dsn": landed.dsn}}
    settings["landing"] = {"root": str(landed.world.landing_root)}
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    printed = demo_logins(config)
    assert "http://127.0.0.1:8090/" in printed
    logins = [line.split() for line in printed.splitlines() if line.startswith("  steward_")]
    assert len(logins) == len({spec.department for spec in load_catalog().values()})
    login, password = logins[0][:2]
    with warehouse.connect(landed.dsn) as conn:
        assert authenticate(conn, login, password).login == login
        for feed in ("hukou", "payroll"):  # the demo reset the other tests' logins
            add_account(conn, f"steward_{feed}", feed, f"pw-{feed}-secret")


def test_drift_acknowledged_and_failed_deliveries_listed_within_the_department(landed, hukou):
    ids = query(
        landed.dsn,
        "insert into ops.schema_drift (feed, kind, source_file, change, column_name)"
        " values ('hukou', 'delta', 'hukou/x.csv', 'added', '新列'),"
        " ('payroll', 'full', 'payroll/y.xlsx', 'missing', '旧列') returning drift_id",
    )
    query(
        landed.dsn,
        "insert into ops.delivery (batch_id, feed, kind, period, source_file, content_sha256,"
        " size_bytes, delivered_at, status, error) values ('hukou.bad', 'hukou', 'delta',"
        " '20261031', 'hukou/hukou_delta_20261031.csv', 'x', 1, now(), 'failed',"
        " 'not a CSV: <b>binary</b> content') returning 1",
    )
    home = hukou.get("/")
    assert "新列" in home.text and "旧列" not in home.text
    assert "not a CSV: &lt;b&gt;binary&lt;/b&gt; content" in home.text
    token = csrf_of(home.text)
    (own,), (other,) = ids
    assert hukou.post(f"/drift/{other}/acknowledge", data={"csrf": token}).status_code == 404
    assert hukou.post(f"/drift/{own}/acknowledge", data={"csrf": token}).status_code == 200
    assert query(
        landed.dsn,
        "select drift_id, acknowledged_by from ops.schema_drift where drift_id = any(%s)"
        " order by drift_id",
        [own, other],
    ) == [(own, "steward_hukou"), (other, None)]


def test_stewards_add_command_prints_a_password_that_logs_in(landed, tmp_path, capsys):
    import yaml

    from fupin import cli, warehouse
    from fupin.steward.accounts import authenticate

    config = tmp_path / "fupin.yml"
    settings = {"province": "52", "warehouse": {"dsn": landed.dsn}}
    settings["landing"] = {"root": str(landed.world.landing_root)}
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    argv = ["stewards", "add", "wang_medical", "--department", "medical", "--config", str(config)]
    assert cli.main(argv) == 0
    password = capsys.readouterr().out.split("privately): ")[1].strip()
    with warehouse.connect(landed.dsn) as conn:
        assert authenticate(conn, "wang_medical", password).feeds == ("medical",)
    assert cli.main([*argv[:3], "--department", "nosuchfeed", "--config", str(config)]) == 1
    assert "department 'nosuchfeed'" in capsys.readouterr().err


def test_rows_of_a_pulled_feed_are_corrected_at_the_source(landed, client):
    from fupin import warehouse
    from fupin.steward.accounts import add_account

    ((qid,),) = query(
        landed.dsn,
        "with d as (insert into ops.delivery (batch_id, feed, kind, period, source_file,"
        " content_sha256, size_bytes, delivered_at, status) values ('dibao.pull.x', 'dibao',"
        " 'pull', '2026-10-31', 'dibao', 'y', 1, now(), 'landed') returning batch_id)"
        " insert into ops.quarantine (batch_id, feed, raw_table, source_file, source_row, field,"
        " value, rule, reason) select batch_id, 'dibao', 'dibao__recipient', 'dibao', 1,"
        " 'id_number', '1', 'r', 'dibao row 1, field id_number: bad' from d"
        " returning quarantine_id",
    )
    with warehouse.connect(landed.dsn) as conn:
        add_account(conn, "steward_dibao", "dibao", "pw-dibao-secret")
    assert log_in(client, "steward_dibao", "pw-dibao-secret").status_code == 303
    token = csrf_of(client.get("/").text)
    refused = client.post(
        f"/quarantine/{qid}/correct", data={"new_value": "2", "why": "x", "csrf": token}
    )
    assert refused.status_code == 422 and "correct the record there" in refused.text
