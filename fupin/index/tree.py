"""The poverty index's indicator tree (policy.md §4, Guizhou's "四看法") as data.

An operator edits a YAML file (default ``config/poverty_index.yml``); this module validates it
and flattens it into the dbt var ``poverty_index_tree`` that ``marts.poverty_index`` scores
from, so an edited tree changes the scores on the next build with no code change. Every
problem is a :class:`TreeError` naming the node (its path of codes) and what is wrong.

Tree file::

    name: 四看法
    indicators:                       # first level: weights sum to 100
      - code: H
        name: 看房
        weight: 25
        children:                     # any depth: children's weights sum to their parent's
          - code: H1
            name: 住房安全
            weight: 15
            rule: {field: house_safe, function: at_least, min: 1}

A leaf has a ``rule`` (a known warehouse field and a known scoring function); an inner node has
``children``. A leaf's weight is the points it can give; the score is the sum of leaf points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fupin.config import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_TREE = PROJECT_ROOT / "config" / "poverty_index.yml"
# The warehouse fields a rule may score: the columns of this model, as documented in its YAML.
FEATURES_MODEL = "int_index__household_features"
FEATURES_YAML = (
    PROJECT_ROOT / "dbt_project" / "models" / "intermediate" / "index" / "_index__models.yml"
)
TOTAL = 100.0
TOLERANCE = 1e-6
# Scoring functions and their parameters (the points are the leaf's weight); a missing
# value scores 0 (see macros/poverty_index.sql).
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "at_least": ("min",),  # all points when value >= min
    "at_most": ("max",),  # all points when value <= max
    "equals": ("value",),  # all points when value = value
    "linear": ("from", "to"),  # 0 at `from`, all at `to`, linear between (either direction)
}
NODE_KEYS = {"code", "name", "weight", "children", "rule"}


class TreeError(ConfigError):
    """The indicator tree is invalid; the message names the node and the problem (a
    configuration error: ``fupin`` prints it as one line)."""


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    weight: float
    parent: str | None
    level: int


@dataclass(frozen=True)
class Leaf:
    code: str
    field: str
    function: str
    low: float | None  # min / value / from
    high: float | None  # max / to
    points: float
    path: tuple[str, ...]  # the codes from the first level down to this leaf


@dataclass(frozen=True)
class Tree:
    name: str
    nodes: tuple[Node, ...]
    leaves: tuple[Leaf, ...]

    def dbt_var(self) -> dict[str, Any]:
        """The value of dbt var ``poverty_index_tree``."""
        return {
            "name": self.name,
            "nodes": [node.__dict__ for node in self.nodes],
            "leaves": [{**leaf.__dict__, "path": list(leaf.path)} for leaf in self.leaves],
        }


def known_fields(models_yaml: Path = FEATURES_YAML) -> frozenset[str]:
    """The columns of the features model (its keys excepted), from its dbt YAML."""
    spec = yaml.safe_load(models_yaml.read_text(encoding="utf-8"))
    for model in spec.get("models", []):
        if model["name"] == FEATURES_MODEL:
            return frozenset(c["name"] for c in model["columns"]) - {"household_id", "village_code"}
    raise TreeError(f"{models_yaml}: model {FEATURES_MODEL} not found")


def load_tree(path: Path = DEFAULT_TREE, fields: frozenset[str] | None = None) -> Tree:
    """Read and validate the tree file at ``path``."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TreeError(f"{path}: cannot read the indicator tree: {error}") from None
    try:
        return parse_tree(spec, fields if fields is not None else known_fields())
    except TreeError as error:
        raise TreeError(f"{path}: {error}") from None


def parse_tree(spec: Any, fields: frozenset[str]) -> Tree:
    if not isinstance(spec, dict) or not isinstance(spec.get("indicators"), list):
        raise TreeError("expected a mapping with a list 'indicators'")
    nodes: list[Node] = []
    leaves: list[Leaf] = []
    walker = _Walker(fields, nodes, leaves)
    total = walker.children(spec["indicators"], (), None)
    if not math.isclose(total, TOTAL, abs_tol=TOLERANCE):
        raise TreeError(f"(root): first-level weights sum to {total:g}, not {TOTAL:g}")
    return Tree(str(spec.get("name") or "poverty index"), tuple(nodes), tuple(leaves))


@dataclass
class _Walker:
    fields: frozenset[str]
    nodes: list[Node]
    leaves: list[Leaf]

    def __post_init__(self) -> None:
        self.codes: set[str] = set()
        self.open: set[int] = set()  # ids of the mappings on the current path (YAML aliases)

    def children(self, items: Any, path: tuple[str, ...], parent: str | None) -> float:
        where = "/".join(path) or "(root)"
        if not isinstance(items, list) or not items:
            raise TreeError(f"{where}: children must be a non-empty list")
        return sum(self.node(item, path, parent) for item in items)

    def node(self, item: Any, path: tuple[str, ...], parent: str | None) -> float:
        where = "/".join(path) or "(root)"
        if not isinstance(item, dict):
            raise TreeError(f"{where}: a child is not a mapping")
        code = str(item.get("code") or "").strip()
        here = "/".join((*path, code or "?"))
        if id(item) in self.open:
            raise TreeError(f"{here}: cycle (the node contains itself through a YAML alias)")
        if not code:
            raise TreeError(f"{here}: node without a code")
        if unknown := set(item) - NODE_KEYS:
            raise TreeError(f"{here}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        if code in self.codes:
            raise TreeError(f"{here}: code {code} is used twice")
        self.codes.add(code)
        weight = _number(item.get("weight"), here, "weight")
        if weight <= 0:
            raise TreeError(f"{here}: weight must be positive, got {weight:g}")
        level = len(path) + 1
        self.nodes.append(Node(code, str(item.get("name") or code), weight, parent, level))
        has_children, has_rule = "children" in item, "rule" in item
        if has_children == has_rule:
            raise TreeError(f"{here}: needs either children or a rule (not both, not neither)")
        if has_rule:
            self.leaves.append(self.leaf(item["rule"], (*path, code), weight, here))
            return weight
        self.open.add(id(item))
        total = self.children(item["children"], (*path, code), code)
        self.open.discard(id(item))
        if not math.isclose(total, weight, abs_tol=TOLERANCE):
            raise TreeError(f"{here}: children's weights sum to {total:g}, not {weight:g}")
        return weight

    def leaf(self, rule: Any, path: tuple[str, ...], points: float, here: str) -> Leaf:
        if not isinstance(rule, dict):
            raise TreeError(f"{here}: rule must be a mapping (field, function, parameters)")
        field, function = rule.get("field"), rule.get("function")
        if field not in self.fields:
            known = ", ".join(sorted(self.fields))
            raise TreeError(f"{here}: unknown field {field!r} (known: {known})")
        if function not in FUNCTIONS:
            raise TreeError(
                f"{here}: unknown scoring function {function!r} (known: {', '.join(FUNCTIONS)})"
            )
        names = FUNCTIONS[function]
        if unknown := set(rule) - {"field", "function", *names}:
            raise TreeError(f"{here}: {function} takes {', '.join(names)}, not {sorted(unknown)}")
        values = [_number(rule.get(name), here, name) for name in names]
        if function == "linear" and values[0] == values[1]:
            raise TreeError(f"{here}: linear needs from != to")
        low = values[0] if function != "at_most" else None
        high = values[-1] if function in ("at_most", "linear") else None
        return Leaf(path[-1], field, function, low, high, points, path)


def _number(value: Any, here: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TreeError(f"{here}: {key} must be a number, got {value!r}")
    return float(value)


def dbt_vars(path: Path | None = None) -> dict[str, Any]:
    """The dbt vars of the tree at ``path`` (default: the project's default tree)."""
    return {"poverty_index_tree": load_tree(path or DEFAULT_TREE).dbt_var()}
