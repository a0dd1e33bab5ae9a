"""A steward's correction lands on the next run of its feed as a correction batch with its own
provenance, passes the same checks and closes the quarantine entry as fixed; "awaiting _v2"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fupin import pipeline
from fupin.steward.app import create_app
from tests.steward.conftest import csrf_of, log_in, planted, quarantine_id, query, with_check_digit

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("steward")]


@pytest.fixture(scope="module")
def corrected(landed):
    """The hukou steward fixes the planted row; the hukou feed runs again."""
    (case,) = planted(landed.world, "hukou")
    qid = quarantine_id(landed.dsn, case["file"], case["row"])
    fixed = with_check_digit(case["id_number"])
    with TestClient(create_app(landed.dsn, "test-secret")) as client:
        assert log_in(client, "steward_hukou", "pw-hukou-secret").status_code == 303
        token = csrf_of(client.get(f"/quarantine/{qid}").text)
        accepted = client.post(
            f"/quarantine/{qid}/correct",
            data={"new_value": fixed, "why": "checked against the hukou book", "csrf": token},
        )
        feed_page_before = accepted.text
        summary = pipeline.land_feed(landed.config, "hukou")
        again = client.post(
            f"/quarantine/{qid}/correct",
            data={"new_value": fixed, "why": "twice", "csrf": token},
        )
        after = client.get("/feeds/hukou").text
    return {
        "case": case,
        "qid": qid,
        "fixed": fixed,
        "accepted": accepted,
        "before": feed_page_before,
        "summary": summary,
        "again": again,
        "after": after,
    }


def test_correction_accepted_and_recorded(landed, corrected):
    assert corrected["accepted"].status_code == 200
    assert "accepted: it lands on the next cycle" in corrected["before"]
    ((steward, old, new, why, status, landed_batch),) = query(
        landed.dsn,
        "select steward, old_value, new_value, why, status, landed_batch"
        " from ops.steward_correction where quarantine_id = %s",
        corrected["qid"],
    )
    assert (steward, old, new) == (
        "steward_hukou",
        corrected["case"]["id_number"],
        corrected["fixed"],
    )
    assert why == "checked against the hukou book" and status == "landed"
    assert landed_batch in corrected["summary"]["corrections"]
    (audited,) = query(
        landed.dsn,
        "select count(*) from audit.access_log where action = 'steward_correction'"
        " and details->>'steward' = 'steward_hukou'",
    )
    assert audited == (1,)


def test_correction_batch_has_its_own_provenance_and_closes_the_quarantine(landed, corrected):
    ((batch, source_batch),) = query(
        landed.dsn,
        "select batch_id, corrects_batch from ops.delivery where corrects_batch is not null",
    )
    (original,) = query(
        landed.dsn, "select batch_id from ops.quarantine where quarantine_id = %s", corrected["qid"]
    )
    assert source_batch == original[0] and batch == f"{original[0]}.fix1"
    ((file, row, value),) = query(
        landed.dsn,
        'select _source_file, _source_row, "公民身份号码" from raw.hukou__delta'
        " where _batch_id = %s",
        batch,
    )
    assert (file, row, value) == (
        corrected["case"]["file"],
        corrected["case"]["row"],
        corrected["fixed"],
    )
    assert query(
        landed.dsn,
        "select status, resolved_by_batch from ops.quarantine where quarantine_id = %s",
        corrected["qid"],
    ) == [("fixed", batch)]
    assert query(
        landed.dsn,
        "select checked_at is not null, rows_quarantined from ops.delivery where batch_id = %s",
        batch,
    ) == [(True, 0)]
    assert corrected["summary"]["rows_fixed"] >= 1
    assert corrected["case"]["id_number"] not in corrected["after"]


def test_a_fixed_row_cannot_be_corrected_again(corrected):
    assert corrected["again"].status_code == 422
    assert "already fixed" in corrected["again"].text


def test_rows_marked_awaiting_a_corrected_file(landed):
    payroll = [c for c in planted(landed.world, "payroll") if not c.get("superseded_by")]
    qid = quarantine_id(landed.dsn, payroll[0]["file"], payroll[0]["row"])
    with TestClient(create_app(landed.dsn, "test-secret")) as client:
        assert log_in(client, "steward_payroll", "pw-payroll-secret").status_code == 303
        token = csrf_of(client.get("/feeds/payroll").text)
        page = client.post(
            "/feeds/payroll/awaiting-v2", data={"csrf": token, "quarantine_id": [qid]}
        )
    assert "1 rows marked as awaiting a corrected file" in page.text
    assert "awaiting a corrected file (_v2)" in page.text
    assert query(
        landed.dsn, "select awaiting_v2_by from ops.quarantine where quarantine_id = %s", qid
    ) == [("steward_payroll",)]
