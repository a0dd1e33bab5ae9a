"""The poverty index and the region statistics built from a generated county (real files,
landing, quality suites and dbt): scores explainable and driven by the tree file, region
statistics adding up from village to province and equal to the generator's registry."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
import yaml
from monitoring import world

from fupin.config import Config
from fupin.dbt_runner import run_dbt
from fupin.index.tree import DEFAULT_TREE, Tree, dbt_vars, load_tree

from .built import built_world, generated_registry, query

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("index_world")]
LEVELS = (2, 4, 6, 9, 12)


@pytest.fixture(scope="module")
def built(tmp_path_factory, admin_dsn):
    yield from built_world(tmp_path_factory.mktemp("index"), admin_dsn, "fupin_index")


def _build_index(dsn: str, as_of: str, tree_vars: dict, work_dir) -> None:
    run_dbt(
        dsn,
        ["run", "--select", "poverty_index", "poverty_index_indicator"],
        {**world.POLICY_VARS, **tree_vars, "as_of": as_of},
        work_dir=work_dir,
    )


def _python_scores(dsn: str, tree: Tree) -> dict[str, Decimal]:
    """The scores computed here from the features, independently of the SQL."""
    rows = query(dsn, "select to_jsonb(f) from intermediate.int_index__household_features f")
    scores = {}
    for (features,) in rows:
        total = 0.0
        for leaf in tree.leaves:
            value = features[leaf.field]
            if value is None:
                continue
            if leaf.function == "at_least":
                share = float(value >= leaf.low)
            elif leaf.function == "at_most":
                share = float(value <= leaf.high)
            elif leaf.function == "equals":
                share = float(value == leaf.low)
            else:
                share = min(1.0, max(0.0, (value - leaf.low) / (leaf.high - leaf.low)))
            total += leaf.points * share
        scores[features["household_id"]] = Decimal(str(round(total + 1e-9, 2)))
    return scores


def _sql_scores(dsn: str) -> dict[str, Decimal]:
    return dict(query(dsn, "select household_id, score from marts.poverty_index"))


def test_hand_computed_breakdown_unit_test_passes(built, tmp_path):
    dsn, *_ = built
    run_dbt(dsn, ["test", "--select", "poverty_index,test_type:unit"], work_dir=tmp_path)


def test_every_household_scores_as_its_tree_says(built):
    dsn, *_ = built
    assert _sql_scores(dsn) == _python_scores(dsn, load_tree())
    bands = dict(query(dsn, "select band, count(*) from marts.poverty_index group by band"))
    assert sum(bands.values()) == query(dsn, "select count(*) from marts.household")[0][0]
    for household_id, score, band, breakdown in query(
        dsn, "select household_id, score, band, breakdown from marts.poverty_index"
    ):
        expected = "贫困" if score < 60 else "可能贫困" if score < 80 else "稳定脱贫"
        assert band == expected, household_id
        first = sum(Decimal(str(breakdown[code])) for code in ("H", "F", "L", "E"))
        assert first == score, household_id


def test_edited_tree_file_changes_scores_without_code_change(built, tmp_path):
    dsn, truth, synth = built
    spec = yaml.safe_load(DEFAULT_TREE.read_text(encoding="utf-8"))
    housing, food = spec["indicators"][0], spec["indicators"][1]
    # the operator moves 10 points from 看粮's income to 看房's water
    housing["weight"], food["weight"] = 35, 25
    housing["children"][1]["weight"] = 16
    food["children"][1]["weight"] = 5
    edited = tmp_path / "poverty_index.yml"
    edited.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    before = _sql_scores(dsn)
    config = Config(province="52", landing={"root": tmp_path}, policy={"index_tree": edited})
    try:
        _build_index(dsn, truth["as_of"], config.dbt_vars(), tmp_path / "dbt")
        after = _sql_scores(dsn)
        assert after != before
        assert after == _python_scores(dsn, load_tree(edited))
        # the history keeps both versions of a changed household's score (its trend)
        run_dbt(dsn, ["snapshot", "--select", "poverty_index_history"], work_dir=tmp_path)
        changed = next(h for h in after if after[h] != before[h])
        versions = query(
            dsn,
            "select score from marts.poverty_index_history where household_id = %s"
            " order by dbt_valid_from",
            changed,
        )
        assert [score for (score,) in versions] == [before[changed], after[changed]]
        weights = dict(
            query(dsn, "select indicator_code, weight from marts.poverty_index_indicator")
        )
        assert weights["H"] == 35 and weights["F"] == 25
    finally:
        _build_index(dsn, truth["as_of"], dbt_vars(), tmp_path / "dbt")
    assert _sql_scores(dsn) == before


def deep_tree(first: int = 7, second: int = 199, third: int = 2) -> dict:
    """A generated tree: ``first`` first-level nodes sharing ``second`` second-level ones,
    each with ``third`` leaves cycling over the known fields."""
    fields = sorted(load_tree().leaves, key=lambda leaf: leaf.code)
    per_first = [second // first + (i < second % first) for i in range(first)]
    indicators, leaf_number = [], 0
    for i, count in enumerate(per_first):
        weight = 100 / first
        children = []
        for j in range(count):
            leaves = []
            for k in range(third):
                leaf = fields[leaf_number % len(fields)]
                leaf_number += 1
                rule = {"field": leaf.field, "function": leaf.function}
                if leaf.function == "linear":
                    rule |= {"from": leaf.low, "to": leaf.high}
                else:
                    rule |= {"min": leaf.low}
                leaves.append(
                    {"code": f"I{i}.{j}.{k}", "weight": weight / count / third, "rule": rule}
                )
            children.append({"code": f"I{i}.{j}", "weight": weight / count, "children": leaves})
        indicators.append({"code": f"I{i}", "weight": weight, "children": children})
    return {"name": "generated deep tree", "indicators": indicators}


def test_deep_generated_tree_builds(built, tmp_path):
    dsn, truth, synth = built
    path = tmp_path / "deep.yml"
    path.write_text(yaml.safe_dump(deep_tree()), encoding="utf-8")
    tree = load_tree(path)
    assert sum(node.level == 1 for node in tree.nodes) == 7
    assert sum(node.level == 2 for node in tree.nodes) == 199
    try:
        _build_index(dsn, truth["as_of"], dbt_vars(path), tmp_path / "dbt")
        rows = query(dsn, "select score, breakdown from marts.poverty_index")
        assert rows and all(0 <= score <= 100 for score, _ in rows)
        assert all(len(breakdown) == len(tree.nodes) for _, breakdown in rows)
        assert _sql_scores(dsn) == _python_scores(dsn, tree)
    finally:
        _build_index(dsn, truth["as_of"], dbt_vars(), tmp_path / "dbt")


def _additive(dsn: str) -> dict[tuple, Decimal]:
    rows = query(
        dsn,
        "select region_code, metric, dimension, dimension_value, value"
        " from marts.region_stats where is_additive",
    )
    return {tuple(row[:4]): row[4] for row in rows}


def test_region_stats_children_sum_to_their_parent_at_every_level(built):
    dsn, *_ = built
    stats = _additive(dsn)
    children_sums: dict[tuple, Decimal] = defaultdict(Decimal)
    for (code, *key), value in stats.items():
        if len(code) > 2:
            parent = code[: LEVELS[LEVELS.index(len(code)) - 1]]
            children_sums[(parent, *key)] += value
    assert children_sums, "no region below the province"
    for key, total in children_sums.items():
        assert stats.get(key) == total, key
    # a parent value with children everywhere else is their sum: nothing missing below
    metrics_below = {key[1:] for key in children_sums}
    for (code, *key), value in stats.items():
        if len(code) < 12 and tuple(key) in metrics_below:
            assert children_sums.get((code, *key)) == value, (code, *key)
    levels = {row[0] for row in query(dsn, "select distinct region_level from marts.region_stats")}
    assert levels == {"province", "city", "county", "township", "village"}


def test_registered_counts_equal_the_generators(built):
    dsn, truth, synth = built
    households, members = generated_registry(synth, truth["as_of"][:7].replace("-", ""))
    stats = _additive(dsn)
    for village, count in households.items():
        assert stats[(village, "households", "total", "")] == count, village
        assert stats[(village, "people", "total", "")] == members[village], village
    assert stats[("52", "households", "total", "")] == sum(households.values())
    assert stats[("52", "people", "total", "")] == sum(members.values())


def test_rates_match_the_published_marts(built):
    dsn, *_ = built
    accuracy = dict(
        query(dsn, "select county_code, identification_accuracy from marts.identification_accuracy")
    )
    stats = dict(
        query(
            dsn,
            "select region_code, value from marts.region_stats"
            " where metric = 'identification_accuracy' and region_level = 'county'",
        )
    )
    assert stats == accuracy
    names = query(
        dsn,
        "select distinct region_level, region_name from marts.region_stats"
        " where region_code in ('52', '520123')",
    )
    assert dict(names) == {"province": "贵州省", "county": "修文县"}
