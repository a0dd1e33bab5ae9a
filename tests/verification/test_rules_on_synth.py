"""V rules against the generator's planted cases, at two check dates.

Every rule must open exactly the alerts of its planted positives (the ground truth says nothing
in the background fires) and none for its near misses.
"""

from __future__ import annotations

import pytest
from synth_warehouse import cases

# one module-scoped warehouse, built once, on one worker
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("verification_rules")]

IMPLEMENTED = ["V01", "V02", "V03", "V04", "V05", "V06", "V07", "V08", "V09", "V10"]


def open_alerts(built, rule):
    return set(
        built.query(
            "select household_id, id_number from marts.verification_alert"
            " where rule_code = %s and is_open",
            rule,
        )
    )


@pytest.mark.parametrize("rule", IMPLEMENTED)
def test_rule_finds_exactly_its_planted_positives(synth_warehouse, rule):
    positives = cases(synth_warehouse.truth, rule, "positive")
    assert positives, f"the generator plants {rule} positives"
    assert open_alerts(synth_warehouse, rule) == positives


@pytest.mark.parametrize("rule", IMPLEMENTED)
def test_no_near_miss_fires(synth_warehouse, rule):
    assert not open_alerts(synth_warehouse, rule) & cases(synth_warehouse.truth, rule, "negative")


def test_evidence_points_at_delivered_rows(synth_warehouse):
    rows = synth_warehouse.query(
        "select rule_code, evidence from marts.verification_alert where rule_code in"
        " ('V02', 'V03', 'V04', 'V05', 'V06', 'V07', 'V08', 'V09')"
    )
    assert {rule for rule, _ in rows} == {"V02", "V03", "V04", "V05", "V06", "V07", "V08", "V09"}
    for rule, evidence in rows:
        assert evidence[0]["feed"] == "registry", rule
        for entry in evidence:
            assert {"feed", "batch_id", "source_file", "source_row", "record"} <= set(entry)
            assert entry["source_row"] >= 2
    v05 = [e for rule, e in rows if rule == "V05"][0]
    assert v05[1]["feed"] == "hukou" and v05[1]["record"]["cancel_reason"] == "死亡"
    feeds = {rule: {entry["feed"] for entry in e} for rule, e in rows}
    assert {"V02": "vehicle", "V03": "property", "V04": "business", "V08": "renshe"}.items() <= {
        rule: (names - {"registry"}).pop() for rule, names in feeds.items() if names != {"registry"}
    }.items()
    v06 = [e for rule, e in rows if rule == "V06"][0]
    assert len({entry["record"]["household_id"] for entry in v06}) == 2


def test_unknown_price_is_severity_low(synth_warehouse):
    lows = [c for c in synth_warehouse.truth["cases"] if c.get("severity") == "low"]
    assert lows
    for case in lows:
        assert synth_warehouse.query(
            "select severity from marts.verification_alert where rule_code = %s"
            " and household_id = %s and id_number = %s",
            case["rule"],
            case["household_id"],
            case["id_number"],
        ) == [("low",)]
