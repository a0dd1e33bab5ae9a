"""Feed freshness: thresholds from the catalog's cadence, checked by `dbt source freshness` on a
real warehouse; a late feed (or one never delivered) is a notice to its steward."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from fupin import warehouse
from fupin.catalog import load_catalog
from fupin.config import parse_config
from fupin.freshness import check_freshness, expected_freshness, freshness_source
from fupin.notify import read_outbox

SOURCE_FILE = (
    Path(__file__).resolve().parent.parent
    / "dbt_project/models/staging/ops/_ops__feed_freshness.yml"
)


def test_the_dbt_source_file_follows_the_catalog():
    # A new feed, or a changed cadence, must regenerate it: python -m fupin.freshness
    committed = yaml.safe_load(SOURCE_FILE.read_text(encoding="utf-8"))
    assert committed == freshness_source()
    tables = {t["name"] for t in committed["sources"][0]["tables"]}
    assert tables == set(load_catalog())


@pytest.mark.parametrize(
    ("cadence", "days"),
    [
        ("monthly", (35, 45)),
        ("daily delta + monthly full", (2, 4)),
        ("yearly full + monthly changes", (35, 45)),
        ("weekly", (9, 14)),
        ("quarterly", (100, 130)),
    ],
)
def test_the_most_frequent_delivery_sets_the_threshold(cadence, days):
    assert expected_freshness(cadence) == days


def test_unknown_cadence_is_an_error():
    with pytest.raises(ValueError, match="fortnightly"):
        expected_freshness("fortnightly")


@pytest.mark.integration
def test_late_feed_notifies_its_steward(tmp_path, warehouse_dsn):
    with warehouse.connect(warehouse_dsn) as conn, conn.cursor() as cur:
        for feed, days_ago in (("registry", 1), ("hukou", 10)):
            cur.execute(
                "insert into ops.delivery (batch_id, feed, kind, period, source_file,"
                " content_sha256, size_bytes, status, delivered_at, landed_at)"
                " values (%s, %s, 'x', 'p', %s, 'sha', 1, 'landed',"
                " now() - make_interval(days => %s), now() - make_interval(days => %s))",
                (f"{feed}.b", feed, f"{feed}/f", days_ago, days_ago),
            )
    config = parse_config(
        {
            "province": "52",
            "warehouse": {"dsn": warehouse_dsn},
            "landing": {"root": str(tmp_path)},
            "airflow": {"home": str(tmp_path / "airflow")},
        }
    )
    results = {r["feed"]: r for r in check_freshness(config)}
    assert results["registry"]["status"] == "pass"
    assert results["hukou"]["status"] == "error"  # daily deltas, 10 days without one
    notices = {n["feed"]: n for n in read_outbox(config)}
    assert notices["hukou"]["steward"] == "steward_hukou"
    assert "registry" not in notices
    # a feed that never delivered anything is late too
    assert results["medical"]["status"] != "pass" and "medical" in notices
    assert list((tmp_path / "dbt-runs").glob("*/target/sources.json"))  # artifacts kept
