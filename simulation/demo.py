"""``make demo``: a synthetic county through one full cycle, end to end.

1. generates a synthetic deployment (county 520123 修文县, four months) under var/demo/;
2. starts the national-system simulator on 127.0.0.1 (a real HTTP server, signed protocol);
3. writes var/demo/fupin.yml (no warehouse DSN: the embedded PostgreSQL) and runs
   ``fupin cycle`` as of the last day of the range: every DAG through ``dag.test()``;
4. runs the cycle a second time to show that nothing new means nothing changed or sent;
5. prints the summary and where to look.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path

import yaml

from fupin import warehouse
from fupin.config import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "var" / "demo"
SECRET_VARIABLE = "FUPIN_DEMO_NATIONAL_SECRET"


def write_config(path: Path, landing_root: Path, national_url: str, data_dir: Path) -> None:
    config = {
        "province": "52",
        "warehouse": {"data_dir": str(data_dir)},
        "landing": {"root": str(landing_root)},
        "national": {
            "base_url": national_url,
            "sender_id": "520000",
            "secret": "${" + SECRET_VARIABLE + "}",
        },
        "airflow": {"home": str(path.parent / "airflow")},
    }
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> int:
    from fupin.cycle import run_cycle
    from simulation.national import NationalSimulator, Window
    from simulation.synth import generate

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Start afresh, but keep the embedded server's folder: it may still be running.
    for leftover in ("synth", "airflow", "reports", "national_state.json"):
        path = DEMO_DIR / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    admin = warehouse.start_embedded(DEMO_DIR / "warehouse")
    warehouse.drop_database(admin, "fupin")
    print("generating a synthetic county (520123) ...", flush=True)
    synth = generate(
        DEMO_DIR / "synth", counties=("520123",), start="2026-07", end="2026-10", seed=7
    )
    os.environ.setdefault(SECRET_VARIABLE, "demo-secret-not-for-production")
    with NationalSimulator(
        secret=os.environ[SECRET_VARIABLE],
        sender_id="520000",
        window=Window(open=True),
        state_file=DEMO_DIR / "national_state.json",
    ) as national:
        config_path = DEMO_DIR / "fupin.yml"
        write_config(config_path, synth.landing_root, national.base_url, DEMO_DIR / "warehouse")
        as_of = synth.as_of
        print(f"running fupin cycle as of {as_of} (Airflow dag.test, dbt, GX, push) ...")
        first = run_cycle(config_path, as_of)
        print("\n" + first.render())
        print("\nsecond cycle, nothing new delivered ...", flush=True)
        second = run_cycle(config_path, as_of)
        pushed = second.push_result().get("sent", 0)
        landed = sum(len(r.get("landed", [])) for r in second.feed_results().values())
        print(f"second cycle: {landed} new batches landed, {pushed} records sent")
        households = len(national.records("household"))
        members = len(national.records("member"))
    dsn_hint = f"{DEMO_DIR / 'warehouse'} (embedded PostgreSQL 16, database fupin)"
    print(
        f"""
where to look:
  synthetic deliveries  {synth.landing_root}
  ground truth          {synth.ground_truth}
  cycle reports         {first.report_dir} (cycle.json, quarantine_<feed>.csv for stewards)
  warehouse             {dsn_hint}
  national simulator    {households} households, {members} members
                        (state: {DEMO_DIR}/national_state.json)
  config used           {config_path}
query the warehouse (while nothing else holds the embedded server, any psql client):
  psql -h {DEMO_DIR / "warehouse"} -U postgres fupin \\
       -c "select rule_code, count(*) from marts.verification_alert group by 1"
"""
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
