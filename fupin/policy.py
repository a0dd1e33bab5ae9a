"""What policy is in force (policy.md): the seeded defaults with the configuration's overrides.

``fupin policy show --config FILE`` prints every threshold, poverty line, monitoring threshold,
code list, rule switch and severity the warehouse build will use, and where each value came
from: a seed file of dbt_project/seeds, a var default of dbt_project.yml, or a key of the
configuration file. It reads the same seeds and applies the overrides the same way as the dbt
models (int_policy__*), without a database.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from fupin.config import Config, ConfigError, load_config

DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"
SEEDS = DBT_PROJECT / "seeds"
# Vars of dbt_project.yml that are policy switches (the others are overrides, shown per value).
SWITCHES = ("exited_households_checked", "exited_support_years")


@dataclass(frozen=True)
class PolicyValue:
    section: str
    key: str
    value: Any
    origin: str


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _seed_origin(name: str) -> str:
    return f"seed dbt_project/seeds/{name}.csv"


def _yearly(
    section: str, seed: str, config_key: str, overrides: dict[int, float]
) -> list[PolicyValue]:
    values = {int(r["policy_year"]): (float(r["amount"]), _seed_origin(seed)) for r in _seed(seed)}
    for year, amount in overrides.items():
        values[int(year)] = (amount, f"config policy.{config_key}.{year}")
    return [PolicyValue(section, str(y), values[y][0], values[y][1]) for y in sorted(values)]


def _mapping_var(config: Config, name: str) -> dict[str, Any]:
    value = config.policy.vars.get(name) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"policy.vars.{name} must be a mapping")
    return value


def _thresholds(config: Config) -> list[PolicyValue]:
    rows = {r["threshold"]: r for r in _seed("policy_thresholds")}
    overrides = _mapping_var(config, "policy_threshold_overrides")
    for key in overrides:
        if key not in rows:
            raise ConfigError(
                f"policy.vars.policy_threshold_overrides: unknown threshold {key!r}"
                f" (known: {', '.join(rows)})"
            )
    out = []
    for key, row in rows.items():
        if key in overrides:
            value, origin = overrides[key], f"config policy.vars.policy_threshold_overrides.{key}"
        else:
            value, origin = float(row["amount"]), _seed_origin("policy_thresholds")
        out.append(
            PolicyValue("threshold", f"{key} ({row['unit']}, {row['rule_code']})", value, origin)
        )
    return out


def _code_lists(config: Config) -> list[PolicyValue]:
    lists: dict[str, list[str]] = {}
    for row in _seed("policy_code_lists"):
        lists.setdefault(row["code_list"], []).append(row["code"])
    overrides = _mapping_var(config, "policy_code_list_overrides")
    out = []
    for key in overrides:
        if key not in lists:
            raise ConfigError(
                f"policy.vars.policy_code_list_overrides: unknown code list {key!r}"
                f" (known: {', '.join(lists)})"
            )
    for key, codes in lists.items():
        if key in overrides:
            value, origin = overrides[key], f"config policy.vars.policy_code_list_overrides.{key}"
        else:
            value, origin = codes, _seed_origin("policy_code_lists")
        out.append(PolicyValue("code list", key, " / ".join(map(str, value)) or "(none)", origin))
    return out


def _rules(config: Config) -> list[PolicyValue]:
    overrides = _mapping_var(config, "policy_rule_overrides")
    out = []
    for row in _seed("policy_rules"):
        setting = {"enabled": row["enabled"] == "true", "severity": row["severity"]}
        origin = _seed_origin("policy_rules")
        # the rule's override first, then the finding's own (which wins)
        for target in (row["rule_code"], f"{row['rule_code']}.{row['finding']}"):
            if target in overrides:
                setting.update(overrides[target])
                origin = f"config policy.vars.policy_rule_overrides.{target}"
        state = "on" if setting["enabled"] else "OFF"
        value = f"{row['rule_name']}  {setting['severity']}  {state}"
        out.append(PolicyValue("rule", f"{row['rule_code']}.{row['finding']}", value, origin))
    return out


def _switches(config: Config) -> list[PolicyValue]:
    project = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    defaults = project.get("vars", {})
    out = []
    for name in SWITCHES:
        if name in config.policy.vars:
            value, origin = config.policy.vars[name], f"config policy.vars.{name}"
        else:
            value, origin = defaults.get(name), "var default in dbt_project/dbt_project.yml"
        out.append(PolicyValue("switch", name, value, origin))
    return out


def policy_in_force(config: Config) -> list[PolicyValue]:
    """Every policy value the build will use, with where it came from."""
    return [
        *_yearly("poverty line", "policy_poverty_line", "poverty_line", config.policy.poverty_line),
        *_yearly(
            "monitoring threshold",
            "policy_monitoring_threshold",
            "monitoring_threshold",
            config.policy.monitoring_threshold,
        ),
        *_thresholds(config),
        *_code_lists(config),
        *_rules(config),
        *_switches(config),
    ]


def render(values: list[PolicyValue], source: str) -> str:
    lines = [f"policy in force for {source}"]
    section = None
    width = max((len(v.key) for v in values), default=0)
    for item in values:
        if item.section != section:
            section = item.section
            lines.append(f"\n{section}:")
        value = f"{item.value:g}" if isinstance(item.value, float) else str(item.value)
        lines.append(f"  {item.key:<{width}}  {value:<28}  {item.origin}")
    years = {int(v.key) for v in values if v.section == "poverty line"}
    missing = [str(y) for y in range(min(years), max(years)) if y not in years] if years else []
    if missing:
        lines.append(
            f"\nno poverty line for {', '.join(missing)}: V09 stops if a household exited then"
            " (set policy.poverty_line.<year>)"
        )
    return "\n".join(lines)


def show(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(render(policy_in_force(config), str(args.config or "$FUPIN_CONFIG")))
    return 0


def add_commands(subparsers) -> None:
    """``fupin policy show``: plugs into the fupin command (fupin.cli)."""
    policy = subparsers.add_parser("policy", help="the policy in force and where it comes from")
    actions = policy.add_subparsers(dest="policy_action", required=True)
    show_parser = actions.add_parser(
        "show", help="print thresholds, poverty lines, code lists, rule switches and their origin"
    )
    show_parser.add_argument(
        "--config", type=Path, help="configuration file (default: the file named by FUPIN_CONFIG)"
    )
    show_parser.set_defaults(handler=show)
