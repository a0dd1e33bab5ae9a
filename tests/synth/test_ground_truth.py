"""The ground truth agrees with the files, and policy.md's rules find exactly the planted cases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from fupin.ids import id_number_problem, normalize_id_number
from fupin.uscc import uscc_problem

from .readers import table
from .reference_rules import Reference

RULES = [f"V{n:02d}" for n in range(1, 11)] + [f"M{n:02d}" for n in range(1, 8)] + ["S01"]
# Rules whose hit names a member; the others are household-level.
MEMBER_RULES = {"V01", "V02", "V03", "V04", "V05", "V06", "V08", "V10", "M03", "M05", "S01"}


def household_key(case: dict) -> str:
    return case["household_id"] or f"hukou:{case['hukou_household_no']}"


@pytest.fixture(scope="module")
def fired(small):
    result, truth = small
    reference = Reference(result.out_dir, dt.date.fromisoformat(truth["as_of"]))
    return reference, reference.fired()


def test_every_rule_has_a_positive_and_a_near_miss(small):
    _, truth = small
    expectations = defaultdict(set)
    for case in truth["cases"]:
        expectations[case["rule"]].add(case["expect"])
    for rule in RULES:
        assert expectations[rule] >= {"positive", "negative"}, rule
    assert truth["policy_assumed"]["monitoring_threshold"][truth["as_of"][:4]] == 7000


@pytest.mark.parametrize("rule", RULES)
def test_rule_fires_on_exactly_the_planted_positives(fired, small, rule):
    _, truth = small
    _, hits = fired
    cases = [c for c in truth["cases"] if c["rule"] == rule]
    positives = {household_key(c) for c in cases if c["expect"] == "positive"}
    negatives = {household_key(c) for c in cases if c["expect"] == "negative"}
    fired_households = {key for key, _ in hits[rule]}
    assert positives <= fired_households, f"{rule}: planted positives that do not fire"
    assert not negatives & fired_households, f"{rule}: near-misses that fire"
    assert fired_households <= positives, f"{rule}: background households fire by accident"
    if rule in MEMBER_RULES:
        for case in cases:
            if case["expect"] == "positive" and case["id_number"]:
                member = normalize_id_number(case["id_number"])
                assert (household_key(case), member) in hits[rule], case


def test_every_case_points_at_a_registry_household_and_member(fired, small):
    _, truth = small
    reference, _ = fired
    for case in truth["cases"]:
        if case["rule"] == "quarantine":
            continue
        if case["household_id"]:
            assert case["household_id"] in reference.households, case
            members = {
                normalize_id_number(m["证件号码"]) for m in reference.members[case["household_id"]]
            }
            if case["id_number"]:
                assert normalize_id_number(case["id_number"]) in members, case
        else:
            assert case["hukou_household_no"] in reference.persons_by_hukou, case
            if case["id_number"]:
                assert case["id_number"] in reference.persons_by_hukou[case["hukou_household_no"]]


def test_quarantine_cases_name_an_invalid_value_at_their_row(small):
    result, truth = small
    cases = [c for c in truth["cases"] if c["expect"] in ("quarantined", "lands")]
    feeds = {c["feed"] for c in cases}
    assert {"hukou", "payroll", "registry", "medical", "renshe"} <= feeds
    for case in cases:
        rows = dict(table(result.landing_root / case["file"], case.get("sheet")))
        value = str(rows[case["row"]][case["field"]]).strip()
        if case["field"] == "企业统一社会信用代码":
            assert value == case["uscc"] and uscc_problem(value)
        elif case["field"] == "残疾人证号":
            assert value == case["id_number"] and id_number_problem(value[:18])
        else:
            assert value == case["id_number"] and "check digit" in id_number_problem(value)
