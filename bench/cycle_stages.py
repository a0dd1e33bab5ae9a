"""The stages of a cycle, each run in its own process by ``bench_cycle`` (its max RSS is the
stage's peak memory), through the library functions the DAGs call (fupin.pipeline).

Each stage function returns ``(seconds, note)``; :func:`measure` adds the child's peak MB.
PostgreSQL's memory is the server's and is not counted.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from collections import defaultdict
from pathlib import Path

from fupin import landing, quality, warehouse
from fupin.privacy.stages import with_role

# Nominal order of the dbt stages; a node that reads a later stage's model moves with it.
DBT_STAGES = ("staging", "intermediate", "rules", "marts", "exchange")
RULE_FOLDERS = {("marts", "verification"), ("marts", "monitoring")}


def land(dsn: str, root: str, feed: str) -> tuple[float, str]:
    with warehouse.connect(with_role(dsn, "fupin_loader")) as conn:
        started = time.perf_counter()
        run = landing.land_pending(conn, Path(root), feed)
        seconds = time.perf_counter() - started
    failed = [r.message for r in run.results if r.outcome in ("failed", "held")]
    if failed:
        raise RuntimeError(f"{feed}: {failed}")
    new = [r for r in run.results if r.outcome in ("landed", "superseded")]
    rows = sum(sum(r.rows.values()) for r in new)
    return seconds, f"{rows:,} rows, {len(new)} new file(s)"


def check(dsn: str, feed: str) -> tuple[float, str]:
    loader = with_role(dsn, "fupin_loader")
    with warehouse.connect(loader) as conn:
        started = time.perf_counter()
        checks = quality.check_unchecked(conn, loader, feed)
        seconds = time.perf_counter() - started
    rows = sum(t.rows_checked for c in checks for t in c.tables)
    bad = sum(c.rows_quarantined for c in checks)
    return seconds, f"{rows:,} rows checked, {bad:,} quarantined"


def dbt(dsn: str, work_dir: str, vars_: dict, args: list[str]) -> tuple[float, str]:
    """``dbt <args>`` as the builder; the note names the slowest nodes (run_results.json)."""
    from fupin.dbt_runner import run_dbt

    started = time.perf_counter()
    run_dbt(with_role(dsn, "fupin_builder"), args, vars_, work_dir=Path(work_dir))
    seconds = time.perf_counter() - started
    if args[0] != "build":
        return seconds, ""
    results = json.loads((Path(work_dir) / "target" / "run_results.json").read_text())["results"]
    slowest = sorted(results, key=lambda r: -r["execution_time"])[:3]
    names = ", ".join(
        f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.1f}s" for r in slowest
    )
    return seconds, f"{len(results)} nodes; slowest: {names}"


def push(dsn: str, base_url: str, sender: str, secret: str) -> tuple[float, str]:
    from fupin.config import NationalConfig
    from fupin.exchange.push import push as push_changes

    national = NationalConfig(base_url=base_url, sender_id=sender, secret=secret)
    started = time.perf_counter()
    report = push_changes(with_role(dsn, "fupin_pusher"), national)
    seconds = time.perf_counter() - started
    return seconds, f"{report.sent:,} records sent in {report.batches} batches"


def dbt_selections(manifest: Path) -> dict[str, list[str]]:
    """Node names (seeds, models, snapshots, data tests) of each dbt stage, in stage order.

    Nominal stage: seeds and staging models, intermediate, rules (the alert marts:
    marts/verification, marts/monitoring), other marts and snapshots, exchange. A node that
    depends on a node of a later stage moves to that stage (or to marts, if it is not a rule);
    a test runs in the stage of its last parent.
    """
    nodes = json.loads(manifest.read_text())["nodes"]
    stage: dict[str, int] = {}

    def nominal(node: dict) -> int:
        kind, fqn = node["resource_type"], node["fqn"]
        if kind == "seed":
            return 0
        if kind == "snapshot":
            return DBT_STAGES.index("marts")
        if kind == "test":
            return 0
        if tuple(fqn[1:3]) in RULE_FOLDERS:
            return DBT_STAGES.index("rules")
        return DBT_STAGES.index(fqn[1])

    def place(uid: str) -> int:
        if uid not in stage:
            node = nodes[uid]
            own = nominal(node)
            parents = [place(p) for p in node.get("depends_on", {}).get("nodes", []) if p in nodes]
            latest = max(parents, default=0)
            if latest > own and node["resource_type"] != "test":
                own = max(latest, DBT_STAGES.index("marts"))
            stage[uid] = max(own, latest)
        return stage[uid]

    selections: dict[str, list[str]] = defaultdict(list)
    for uid, node in nodes.items():
        if node["resource_type"] in ("seed", "model", "snapshot", "test"):
            selections[DBT_STAGES[place(uid)]].append(node["name"])
    return {name: sorted(selections[name]) for name in DBT_STAGES}


def _child(target, args, queue) -> None:
    try:
        seconds, note = target(*args)
        queue.put(("ok", seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, note))
    except BaseException as error:  # reported to the parent, which stops the run
        queue.put(("error", 0.0, 0.0, f"{type(error).__name__}: {error}"))


def measure(target, *args) -> tuple[float, float, str]:
    """Run ``target(*args)`` in a fresh forkserver child: (seconds, peak MB, note).

    forkserver: every stage starts from the same small process, so max RSS is its own (a
    forked child would keep its parent's high-water mark).
    """
    context = multiprocessing.get_context("forkserver")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    process.start()
    while True:
        try:
            status, seconds, peak, note = queue.get(timeout=1)
            break
        except Exception as waiting:  # queue.Empty: still working
            if not process.is_alive() and queue.empty():
                code = process.exitcode
                raise RuntimeError(f"{target.__name__} died (exit code {code})") from waiting
    process.join()
    if status != "ok":
        raise RuntimeError(f"{target.__name__}{args[1:]}: {note}")
    return seconds, peak, note
