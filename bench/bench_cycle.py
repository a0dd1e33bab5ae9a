"""Full cycle and incremental cost per stage, a county and a warehouse ``--factor`` times larger
(issue 16 parts 2 and 3).

    python bench/bench_cycle.py                  # 500,000 residents, then 2,000,000
    python bench/bench_cycle.py --small          # 20,000 and 80,000, while developing
    python bench/bench_cycle.py --residents 500000 --factor 2 --keep /var/tmp/cycle

For each size, the scale generator writes a county (``--medical-months`` months of medical
settlements, about 1M rows at 500k residents; the newest hukou full, renshe and disability
month and the registry workbook). A fresh warehouse goes through a full cycle, each stage in
its own process (wall time, and peak memory = that process's max RSS; PostgreSQL's server
memory is not counted): landing per feed, the quality checks per feed, dbt by layer (staging,
intermediate, rules = the alert marts, other marts and snapshots, exchange), the push to the
national simulator (a separate process, no latency or faults). Feeds the generator does not
write (the pull APIs, the civil-affairs database, payroll, education, ...) are absent.

Then a daily hukou delta of ``--delta`` changes (derived from the snapshot: 9 in 10 moves, 1 in
10 deaths) goes end to end on the same warehouse: land, check, dbt, alerts, push.

Prints per stage: both wall times and peak memories, the ratio, and ``>`` where the ratio exceeds
the size factor (cost growing faster than linear); then the incremental totals and their ratio.
Targets: county full cycle <= 10 min (aim 2); incremental ratio <= 1.5 (aim 1.1); < 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing.forkserver
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bench import cycle_stages as stages  # noqa: E402
from fupin import warehouse  # noqa: E402
from simulation.exchange_load import SimulatorProcess  # noqa: E402
from simulation.synth.scale import generate_scale  # noqa: E402
from simulation.synth.scale.delta import write_hukou_delta  # noqa: E402

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-secret-not-for-production"
SENDER = "520000"
MONTH = "202610"
AS_OF = dt.date(2026, 10, 31)
DELTA_DAY = dt.date(2026, 11, 1)
# feed -> the files of a full cycle under the generated landing root (newest month, except
# medical: every generated month, the county's settlement history)
FEEDS = {
    "registry": [f"registry/*/*_{MONTH}.xlsx"],
    "hukou": [f"hukou/hukou_full_{MONTH}.csv.gz"],
    "medical": ["medical/yibao_settle_*.csv"],
    "renshe": [f"renshe/renshe_{MONTH}.csv"],
    "disability": [f"disability/canlian_{MONTH}.csv"],
}


def _landing_root(generated: Path, into: Path) -> Path:
    """A landing root with the cycle's files symlinked (with their .ok markers)."""
    for patterns in FEEDS.values():
        for pattern in patterns:
            for path in sorted(generated.glob(pattern)):
                target = into / path.relative_to(generated)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(path)
                Path(f"{target}.ok").symlink_to(Path(f"{path}.ok"))
    return into


def _generate(out: Path, residents: int, months: int) -> Path:
    if not any((out / "landing").glob(FEEDS["hukou"][0])):
        first = 2026 * 12 + 9 - (months - 1)  # months counted from January 0000
        start = f"{first // 12}-{first % 12 + 1:02d}"
        generate_scale(out, scale="county", residents=residents, registry=True, start=start)
    return out / "landing"


def _dbt_stages(dsn: str, work: Path, as_of: dt.date) -> list[tuple[str, object, tuple]]:
    vars_ = {"province": "52", "as_of": as_of.isoformat()}
    stages.measure(stages.dbt, dsn, str(work), vars_, ["parse"])  # warm: not a stage
    selections = stages.dbt_selections(work / "target" / "manifest.json")
    base = ["build", "--exclude-resource-type", "unit_test", "--indirect-selection", "empty"]
    return [
        (f"dbt {name}", stages.dbt, (dsn, str(work), vars_, [*base, "--select", *nodes]))
        for name, nodes in selections.items()
        if nodes
    ]


def _run(plan: list[tuple[str, object, tuple]], label: str) -> dict[str, tuple[float, float]]:
    figures = {}
    for name, target, args in plan:
        seconds, peak, note = stages.measure(target, *args)
        figures[name] = (seconds, peak)
        if target is stages.dbt:  # keep each stage's node timings beside the run
            results = Path(args[1]) / "target" / "run_results.json"
            shutil.copyfile(results, Path(args[1]) / f"{name.replace(' ', '_')}.json")
        print(f"  [{label}] {name:<22} {seconds:8.1f} s {peak:7.0f} MB  {note}", flush=True)
    return figures


def _cycle(dsn: str, root: Path, work: Path, national: str) -> tuple[dict, dict]:
    """The full cycle, then the hukou delta; (full figures, incremental figures)."""
    feeds = [f for f in FEEDS if any((root / f).rglob("*.ok"))]
    plan = [(f"land {f}", stages.land, (dsn, str(root), f)) for f in feeds]
    plan += [(f"check {f}", stages.check, (dsn, f)) for f in feeds]
    plan += _dbt_stages(dsn, work / "full", AS_OF)
    plan.append(("push", stages.push, (dsn, national, SENDER, SECRET)))
    full = _run(plan, "full")
    return full, _delta(dsn, root, work, national)


def _delta(dsn: str, root: Path, work: Path, national: str) -> dict:
    (snapshot,) = root.glob(FEEDS["hukou"][0])
    write_hukou_delta(snapshot.resolve(), root, DELTA_DAY, ARGS.delta)
    plan = [("land hukou", stages.land, (dsn, str(root), "hukou"))]
    plan.append(("check hukou", stages.check, (dsn, "hukou")))
    plan += _dbt_stages(dsn, work / "delta", DELTA_DAY)
    plan.append(("push", stages.push, (dsn, national, SENDER, SECRET)))
    return _run(plan, "delta")


def _one_size(residents: int, out: Path, tmp: Path) -> tuple[dict, dict]:
    generated = _generate(out, residents, ARGS.medical_months)
    root = _landing_root(generated, tmp / "landing")
    name = f"fupin_bench_cycle_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(ARGS.dsn, name)
    dsn = warehouse.with_database(ARGS.dsn, name)
    load = os.getloadavg()[0]
    try:
        warehouse.upgrade(dsn)
        with SimulatorProcess(SECRET, tmp / "national.json", sender_id=SENDER) as national:
            figures = _cycle(dsn, root, tmp, national.base_url)
    finally:
        if ARGS.keep_database:
            print(f"  warehouse kept for inspection: {dsn}")
        else:
            warehouse.drop_database(ARGS.dsn, name)
    print(f"  load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    return figures


def _table(title: str, sizes: list[str], runs: list[dict], limit: float, flag: str) -> None:
    print(f"\n{title}")
    head = "".join(f" | {s + ' s':>12} | {'peak MB':>7}" for s in sizes)
    print(f"{'stage':<22}{head} | ratio")
    total = [0.0 for _ in runs]
    for stage in runs[0]:
        cells, values = "", []
        for n, run in enumerate(runs):
            seconds, peak = run.get(stage, (0.0, 0.0))
            total[n] += seconds
            values.append(seconds)
            cells += f" | {seconds:>12.1f} | {peak:>7.0f}"
        print(f"{stage:<22}{cells}{_ratio(values, limit, flag)}")
    cells = "".join(f" | {t:>12.1f} | {'':>7}" for t in total)
    print(f"{'total':<22}{cells}{_ratio(total, limit, flag)}", flush=True)


def _ratio(values: list[float], limit: float, flag: str) -> str:
    if len(values) < 2 or values[0] <= 0:
        return ""
    ratio = values[1] / values[0]
    return f" | {ratio:5.2f}" + (f"  > {flag}" if ratio > limit else "")


def _measure_size(residents: int) -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory(prefix="fupin-bench-cycle-") as tmp:
        out = ARGS.keep / str(residents) if ARGS.keep else Path(tmp) / "generated"
        # with --keep, the run's dbt artifacts (run_results.json) are kept beside the files
        work = out / "runs" / time.strftime("%Y%m%dT%H%M%S") if ARGS.keep else Path(tmp)
        return _one_size(residents, out, work)


def main(argv: list[str] | None = None) -> int:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=500_000)
    parser.add_argument("--factor", type=float, default=4.0, help="size of the second run")
    parser.add_argument("--medical-months", type=int, default=8)
    parser.add_argument("--delta", type=int, default=10_000, help="changes in the hukou delta")
    parser.add_argument("--small", action="store_true", help="20,000 residents")
    parser.add_argument("--only-first", action="store_true", help="skip the larger run")
    parser.add_argument("--dsn", default=LOCAL, help="admin DSN of the server to use")
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="leave each size's warehouse in place after the run (its DSN is printed)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --keep: take a size's figures from its figures.json of an earlier run",
    )
    ARGS = parser.parse_args(argv)
    multiprocessing.forkserver.ensure_running()  # now, while this process is still small
    base = 20_000 if ARGS.small else ARGS.residents
    sizes = [base] + ([] if ARGS.only_first else [int(base * ARGS.factor)])
    full_runs, delta_runs = [], []
    for residents in sizes:
        print(f"== {residents:,} residents, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        saved = ARGS.keep / str(residents) / "figures.json" if ARGS.keep else None
        if ARGS.reuse and saved and saved.exists():
            full, delta = json.loads(saved.read_text())
            print(f"  figures of an earlier run: {saved}")
        else:
            full, delta = _measure_size(residents)
            if saved:
                saved.write_text(json.dumps([full, delta], indent=1))
        full_runs.append(full)
        delta_runs.append(delta)
    labels = [f"{n:,}" for n in sizes]
    _table("full cycle", labels, full_runs, ARGS.factor, "faster than linear")
    _table(f"hukou delta of {ARGS.delta:,} changes", labels, delta_runs, 1.5, "above 1.5")
    county = sum(seconds for seconds, _ in full_runs[0].values())
    peak = max(mb for run in full_runs + delta_runs for _, mb in run.values())
    print(
        f"\nfull cycle at {labels[0]} residents: {county / 60:.1f} min (target <= 10, aim 2);"
        f" peak memory of any stage: {peak:,.0f} MB (target < 1,024)"
    )
    return 0


ARGS: argparse.Namespace

if __name__ == "__main__":
    sys.exit(main())
