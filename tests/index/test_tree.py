"""The indicator tree file (fupin/index/tree.py): the default loads, and an invalid tree is
refused with an error that names the node and what is wrong."""

from __future__ import annotations

import textwrap

import pytest

from fupin.index.tree import DEFAULT_TREE, TreeError, known_fields, load_tree


def test_default_tree_has_the_spec_first_level():
    tree = load_tree()
    first = {node.name: node.weight for node in tree.nodes if node.level == 1}
    assert first == {"看房": 25, "看粮": 35, "看劳动力": 25, "看读书郎": 15}
    assert sum(leaf.points for leaf in tree.leaves) == pytest.approx(100)
    assert {leaf.field for leaf in tree.leaves} <= known_fields()


def _write(tmp_path, text: str):
    path = tmp_path / "tree.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


HEADER = """\
indicators:
  - code: H
    name: 看房
    weight: 40
    children:
"""
SECOND = """\
  - code: F
    name: 看粮
    weight: 60
    rule: {field: income_to_line, function: at_least, min: 1}
"""
INVALID = {
    "children_do_not_sum": (
        "      - {code: H1, weight: 30, rule: {field: house_safe, function: at_least, min: 1}}\n",
        "H: children's weights sum to 30, not 40",
    ),
    "unknown_field": (
        "      - {code: H1, weight: 40, rule: {field: house_colour, function: at_least, min: 1}}\n",
        "H/H1: unknown field 'house_colour'",
    ),
    "unknown_function": (
        "      - {code: H1, weight: 40, rule: {field: house_safe, function: sqrt}}\n",
        "H/H1: unknown scoring function 'sqrt'",
    ),
    "missing_parameter": (
        "      - {code: H1, weight: 40, rule: {field: house_safe, function: linear, from: 0}}\n",
        "H/H1: to must be a number, got None",
    ),
    "duplicate_code": (
        "      - {code: F, weight: 40, rule: {field: house_safe, function: at_least, min: 1}}\n",
        ": F: code F is used twice",  # the first-level F, after H's child F
    ),
    "leaf_without_rule": (
        "      - {code: H1, weight: 40}\n",
        "H/H1: needs either children or a rule",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_tree_is_refused_naming_node_and_problem(tmp_path, case):
    child, message = INVALID[case]
    text = HEADER + child + SECOND
    with pytest.raises(TreeError) as raised:
        load_tree(_write(tmp_path, text))
    assert message in str(raised.value)
    assert str(tmp_path / "tree.yml") in str(raised.value)


def test_first_level_must_sum_to_100(tmp_path):
    text = (
        HEADER
        + "      - {code: H1, weight: 40, rule: {field: house_safe, function: at_least, min: 1}}\n"
    )
    with pytest.raises(TreeError, match=r"\(root\): first-level weights sum to 40, not 100"):
        load_tree(_write(tmp_path, text))


def test_a_cycle_through_a_yaml_alias_is_refused(tmp_path):
    text = """\
    indicators:
      - &loop
        code: H
        weight: 100
        children:
          - *loop
    """
    with pytest.raises(TreeError, match="H/H: cycle"):
        load_tree(_write(tmp_path, text))


def test_default_tree_file_is_the_project_one():
    assert DEFAULT_TREE.name == "poverty_index.yml" and DEFAULT_TREE.parent.name == "config"
