"""``make demo``: a synthetic county through two full cycles, end to end, in a few minutes.

1. generates a synthetic deployment (county 520123 修文县, four months) under var/demo/;
2. starts the national-system simulator on 127.0.0.1 (a real HTTP server, signed protocol);
3. writes var/demo/fupin.yml, a configuration that can be reused as is (``fupin … --config``,
   ``make airflow``), and runs ``fupin cycle`` as of the last day of the range: every DAG
   through ``dag.test()``, one progress line per DAG with its counts and time;
4. runs the cycle a second time: nothing new delivered means nothing changed or sent;
5. stops the embedded PostgreSQL and prints where everything is.

Both cycles' reports are kept (reports/<as-of>/<run>/); dbt's output is in the log file of
each dbt run (dbt-runs/<run>/logs/dbt.log), the rest in var/demo/demo.log.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from fupin import warehouse
from fupin.config import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "var" / "demo"
CONFIG = DEMO_DIR / "fupin.yml"
NATIONAL_PORT = 8765
NATIONAL_STATE = DEMO_DIR / "national_state.json"
DEMO_SECRET = "demo-secret-not-for-production"
SENDER_ID = "520000"
DEMO_MONITORING_THRESHOLD = 7000  # what the generator plants M01 cases against
CONFIG_HEADER = """\
# fupin configuration written by `make demo` (simulation/demo.py). DEMO ONLY.
# Reusable as is: `fupin cycle|docs|warehouse --config var/demo/fupin.yml`, `make airflow`.
# The national secret is the local simulator's, written here in clear for the demo only: a real
# configuration reads every secret from the environment, e.g. secret: ${NATIONAL_SECRET}
# (see config/fupin.example.yml).
"""


def write_config(
    path: Path,
    landing_root: Path,
    national_url: str,
    data_dir: Path,
    sources: dict[str, Any] | None = None,
) -> None:
    """The demo's configuration. ``sources`` only while the simulated department APIs and the
    民政 database run (the cycles): the reusable file leaves them out, so the pulled feeds are
    skipped rather than failing against simulators that have stopped."""
    config = {
        "province": "52",
        "warehouse": {"data_dir": str(data_dir)},
        "landing": {"root": str(landing_root)},
        "national": {"base_url": national_url, "sender_id": SENDER_ID, "secret": DEMO_SECRET},
        "airflow": {"home": str(path.parent / "airflow")},
        # The generator's synthetic year needs a monitoring threshold (policy.md §2: from 2022
        # each province sets its own; none is guessed).
        "policy": {"monitoring_threshold": {2026: DEMO_MONITORING_THRESHOLD}},
    }
    if sources:
        config["sources"] = sources
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    path.write_text(CONFIG_HEADER + text, encoding="utf-8")


def start_national(port: int = NATIONAL_PORT):
    """The simulator on the demo's port (the reusable config names it), else on a free one."""
    from simulation.national import NationalSimulator, Window

    def make(at: int):
        return NationalSimulator(
            secret=DEMO_SECRET,
            sender_id=SENDER_ID,
            port=at,
            window=Window(open=True),
            state_file=NATIONAL_STATE,
        )

    try:
        return make(port)
    except OSError:  # the port is taken (another demo, make airflow): any free one
        return make(0)


def describe(dag_id: str, results: dict[str, Any]) -> str:
    """One line of counts for a finished DAG run of the cycle."""
    if dag_id.startswith("feed_"):
        land = results.get("land_and_check", {})
        failed = len(land.get("failed") or [])
        return (
            f"{len(land.get('landed', []))} file(s) landed, {land.get('rows_received', 0):,} rows,"
            f" {land.get('rows_quarantined', 0):,} quarantined"
            + (f", {failed} file(s) failed (steward notified)" if failed else "")
        )
    if dag_id == "warehouse":
        build = results.get("dbt_build", {})
        late = [r["feed"] for r in results.get("check_freshness", []) if r["status"] != "pass"]
        done = (
            f"dbt build: {sum(build.get('nodes', {}).values())} nodes"
            if build.get("built")
            else f"dbt build skipped ({build.get('reason', '')})"
        )
        return done + (f"; late feeds: {', '.join(late)}" if late else "; every feed on time")
    push = results.get("push", {})
    if not push.get("pushed"):
        return f"push: {push.get('reason', 'not run')}"
    entities = push.get("entities", {}).values()
    accepted = sum(e["accepted"] for e in entities)
    rejected = sum(e["rejected"] for e in entities)
    held = sum(e["held"] for e in entities)
    return (
        f"push: {push.get('sent', 0):,} records sent, {accepted:,} accepted, "
        f"{rejected:,} rejected, {held:,} held"
    )


class StageLines:
    """A rich progress line per DAG: spinner while it runs, then its counts and time."""

    def __init__(self, progress: Progress, label: str):
        self.progress = progress
        self.label = label
        self.task = None

    def started(self, dag_id: str) -> None:
        self.task = self.progress.add_task(f"{self.label} {dag_id} ...", total=1)

    def finished(self, dag_id: str, results: dict[str, Any]) -> None:
        line = f"{self.label} {dag_id:<18} {describe(dag_id, results)}"
        self.progress.update(self.task, description=line, completed=1)


@contextlib.contextmanager
def stage(progress: Progress, description: str):
    """A progress line for a step outside the cycle; the body may set ``done['text']``."""
    task = progress.add_task(description + " ...", total=1)
    done = {"text": description}
    yield done
    progress.update(task, description=done["text"], completed=1)


def _fresh_start() -> None:
    # Start afresh, but keep the embedded server's folder: a previous demo's may still run.
    for leftover in ("synth", "airflow", "reports", "dbt-runs", "national_state.json"):
        path = DEMO_DIR / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    DEMO_DIR.mkdir(parents=True, exist_ok=True)


ALERTS_BY_RULE = """
    select rule_code, count(*) filter (where is_open), count(*)
    from marts.verification_alert group by 1 order by 1"""
ACCURACY = """
    select county_code, registered_people, flagged_people, identification_accuracy
    from marts.identification_accuracy order by 1"""
MONITORING = """
    select o.object_type, r.risk_code, count(*)
    from marts.monitoring_object as o
    cross join lateral unnest(o.present_risk_codes) as r (risk_code)
    where o.removed_on is null group by 1, 2 order by 1, 2"""


def county_report_and_docs(config_path: Path) -> tuple[Path, Path | None, Path]:
    """The county report (HTML, and PDF where Chromium is installed) and the dbt docs site."""
    from fupin.config import load_config
    from fupin.docs import generate_docs
    from fupin.report.render import write_report

    config = load_config(config_path)
    html, pdf = write_report(
        warehouse.resolve_dsn(config),
        "520123",
        config.reports_dir / "regions",
        pdf=shutil.which("chromium") is not None,  # make browser installs it
    )
    return html, pdf, generate_docs(config)


def warehouse_findings(config_path: Path) -> str:
    """Alerts per rule, 识别精准率 per county and monitoring objects, read from the marts."""
    from fupin.config import load_config

    lines = ["verification alerts per rule (open / ever raised):"]
    dsn = warehouse.resolve_dsn(load_config(config_path))
    with warehouse.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(ALERTS_BY_RULE)
        lines += [f"  {code}  {open_:>5,} / {total:,}" for code, open_, total in cur]
        lines.append("识别精准率 (1 - flagged people / registered people) per county:")
        cur.execute(ACCURACY)
        lines += [
            f"  {county}  {accuracy:.2%}  ({flagged:,} of {registered:,} people flagged)"
            for county, registered, flagged, accuracy in cur
        ]
        lines.append("monitoring objects (防返贫监测) by type and present risk:")
        cur.execute(MONITORING)
        lines += [f"  {kind}  {risk}  {count:,}" for kind, risk, count in cur]
    return "\n".join(lines)


def main() -> int:
    from fupin.cycle import run_cycle
    from fupin.steward.demo import demo_logins
    from simulation.sources import simulated_sources
    from simulation.synth import generate

    started = time.monotonic()
    # Airflow's in-process task API (dag.test) imports starlette's test client: not ours to fix
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    _fresh_start()
    logging.basicConfig(
        filename=DEMO_DIR / "demo.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    console = Console(soft_wrap=True)
    columns = (SpinnerColumn(finished_text="[green]✓"), TextColumn("{task.description}"))
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        with stage(progress, "embedded PostgreSQL 16 (pgserver)") as done:
            admin = warehouse.start_embedded(DEMO_DIR / "warehouse")
            warehouse.drop_database(admin, "fupin")
            done["text"] = f"embedded PostgreSQL 16 under {DEMO_DIR / 'warehouse'}"
        with stage(progress, "generating a synthetic county (520123, 2026-07..10)") as done:
            synth = generate(
                DEMO_DIR / "synth", counties=("520123",), start="2026-07", end="2026-10", seed=7
            )
            files = [f for f in synth.counts if f.startswith("landing/")]
            rows = sum(synth.counts[f] for f in files)
            done["text"] = f"synthetic county 520123: {len(files)} delivery files, {rows:,} rows"
        warehouse.drop_database(admin, "minzheng")
        warehouse.ensure_database(admin, "minzheng")
        dibao_dsn = warehouse.with_database(admin, "minzheng")
        with start_national() as national, simulated_sources(DEMO_DIR / "synth", dibao_dsn) as src:
            args = (CONFIG, synth.landing_root, national.base_url, DEMO_DIR / "warehouse")
            write_config(*args, src.config())
            first = run_cycle(CONFIG, synth.as_of, StageLines(progress, "cycle 1"))
            second = run_cycle(CONFIG, synth.as_of, StageLines(progress, "cycle 2"))
            households = len(national.records("household"))
            members = len(national.records("member"))
            write_config(*args)  # reusable without the simulated sources
        findings = warehouse_findings(CONFIG) + "\n" + demo_logins(CONFIG)
        with stage(progress, "county report and dbt docs site") as done:
            report_html, report_pdf, docs_site = county_report_and_docs(CONFIG)
            done["text"] = "county report (HTML" + (", PDF)" if report_pdf else ")") + ", docs site"
        with stage(progress, "stopping the embedded PostgreSQL") as done:
            warehouse.stop_embedded(DEMO_DIR / "warehouse")
            done["text"] = "embedded PostgreSQL stopped (fupin warehouse start to query it)"
    console.print()
    console.print(first.render())
    console.print(findings, highlight=False)
    landed = sum(len(r.get("landed", [])) for r in second.feed_results().values())
    pushed = second.push_result().get("sent", 0)
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    config = CONFIG.relative_to(PROJECT_ROOT)
    console.print(
        f"""
second cycle: {landed} new batches landed, {pushed} records sent (nothing new, nothing sent)
demo finished in {minutes} min {seconds} s

where to look:
  synthetic deliveries  {synth.landing_root}
  ground truth          {synth.ground_truth}
  reports, cycle 1      {first.report_dir}
  reports, cycle 2      {second.report_dir}
  county report         {report_html}{f" and {report_pdf.name}" if report_pdf else ""}
  dbt docs site         {docs_site / "index.html"} (fupin docs --serve)
  steward notices       {DEMO_DIR / "reports" / "notifications.jsonl"}
  dbt runs (artifacts)  {DEMO_DIR / "dbt-runs"} (manifest.json, run_results.json, dbt.log)
  national simulator    {households} households, {members} members ({NATIONAL_STATE})
  configuration         {config} (reusable; demo-only secret)

next:
  .venv/bin/fupin warehouse start --config {config}   # then psql, see the README
  .venv/bin/fupin docs --config {config} --serve      # the dbt docs site
  make airflow                                        # the same DAGs in a local Airflow UI
""",
        highlight=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
