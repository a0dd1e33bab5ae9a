"""`fupin policy show`: the policy in force and where each value came from, equal to what the
dbt build uses (int_policy__*) for the same configuration."""

from __future__ import annotations

import argparse

import psycopg2
import pytest
import yaml

from fupin.config import ConfigError, load_config
from fupin.dbt_runner import run_dbt
from fupin.policy import add_commands, policy_in_force

POLICY = {
    "poverty_line": {2017: 3100},
    "monitoring_threshold": {2024: 8700},
    "vars": {
        "policy_threshold_overrides": {"vehicle_price_min": 50000},
        "policy_code_list_overrides": {"vehicle_excluded_types": ["摩托车", "拖拉机"]},
        "policy_rule_overrides": {
            "V02": {"severity": "high"},
            "V02.vehicle_price_unknown": {"enabled": False},
        },
        "exited_households_checked": "recent",
    },
}


def write_config(tmp_path, policy, dsn="postgresql://postgres@127.0.0.1:5432/unused"):
    path = tmp_path / "fupin.yml"
    data = {"province": "52", "warehouse": {"dsn": dsn}, "landing": {"root": "landing"}}
    path.write_text(yaml.safe_dump({**data, "policy": policy}, allow_unicode=True), "utf-8")
    return path


def run_cli(argv):
    parser = argparse.ArgumentParser(prog="fupin")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_show_prints_values_and_their_origin(tmp_path, capsys):
    path = write_config(tmp_path, POLICY)
    assert run_cli(["policy", "show", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert "3100" in lines["2017"] and "config policy.poverty_line.2017" in lines["2017"]
    assert "2952" in lines["2016"] and "seeds/policy_poverty_line.csv" in lines["2016"]
    assert "8700" in lines["2024"] and "config policy.monitoring_threshold.2024" in lines["2024"]
    assert "50000" in lines["vehicle_price_min"]
    assert "policy_threshold_overrides.vehicle_price_min" in lines["vehicle_price_min"]
    assert "seeds/policy_thresholds.csv" in lines["pension_base_min"]
    assert "摩托车 / 拖拉机" in lines["vehicle_excluded_types"]
    assert "high  on" in lines["V02.vehicle"] and "overrides.V02" in lines["V02.vehicle"]
    assert "OFF" in lines["V02.vehicle_price_unknown"]
    assert "seeds/policy_rules.csv" in lines["V01.on_payroll"]
    assert "recent" in lines["exited_households_checked"]
    assert "dbt_project.yml" in lines["exited_support_years"]
    assert "no poverty line for 2018, 2019" in out


def test_unknown_threshold_is_refused_naming_it(tmp_path):
    path = write_config(tmp_path, {"vars": {"policy_threshold_overrides": {"car_price": 1}}})
    with pytest.raises(ConfigError, match="unknown threshold 'car_price'"):
        policy_in_force(load_config(path))


@pytest.mark.integration
def test_dbt_uses_what_policy_show_prints(tmp_path, warehouse_dsn):
    config = load_config(write_config(tmp_path, POLICY, warehouse_dsn))
    run_dbt(
        warehouse_dsn,
        [
            "build",
            "--select",
            "+int_policy__poverty_lines",
            "+int_policy__thresholds",
            "+int_policy__code_lists",
            "+int_policy__rules",
            "--exclude-resource-type",
            "unit_test",
        ],
        config.dbt_vars(),
        work_dir=tmp_path / "dbt",
    )
    conn = psycopg2.connect(warehouse_dsn)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "select policy_year::text, amount from intermediate.int_policy__poverty_lines"
            )
            lines = {year: float(amount) for year, amount in cur.fetchall()}
            cur.execute("select threshold, amount from intermediate.int_policy__thresholds")
            thresholds = {key: float(amount) for key, amount in cur.fetchall()}
            cur.execute(
                "select rule_code || '.' || finding, severity, enabled"
                " from intermediate.int_policy__rules"
            )
            rules = {key: (severity, enabled) for key, severity, enabled in cur.fetchall()}
    finally:
        conn.close()
    shown = policy_in_force(config)
    assert lines == {v.key: float(v.value) for v in shown if v.section == "poverty line"}
    assert thresholds == {
        v.key.split()[0]: float(v.value) for v in shown if v.section == "threshold"
    }
    for value in (v for v in shown if v.section == "rule"):
        severity, enabled = rules[value.key]
        assert f"{severity}  {'on' if enabled else 'OFF'}" in value.value
