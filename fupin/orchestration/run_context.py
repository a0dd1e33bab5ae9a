"""What a task needs to know about its run: the check date and the run's report folder key.

The check date (as-of) of a run is, in this order:
1. the run's ``as_of`` param (``airflow dags trigger --conf '{"as_of": ...}'``, ``fupin cycle``);
2. for an asset-triggered run, the ``as_of`` its triggering asset events carry (the landing and
   build tasks put it in their event's extra), the newest event's when several triggered it;
3. the run's logical date (cron runs, backfills), else when it was due, in Asia/Shanghai.
The report key (``report_run``) follows the same path, so one cycle's reports share a folder.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum

TIMEZONE = "Asia/Shanghai"


def _newest_event_extra(context) -> dict[str, Any]:
    events = context.get("triggering_asset_events") or {}
    newest = None
    for asset in events:
        for event in events[asset]:
            if (event.extra or {}).get("as_of") and (
                newest is None or event.timestamp > newest.timestamp
            ):
                newest = event
    return dict(newest.extra) if newest is not None else {}


def resolve_as_of(context) -> dt.date:
    from fupin.pipeline import as_of_date

    params = context.get("params") or {}
    if params.get("as_of"):
        return as_of_date(params["as_of"], dt.date.today())
    if extra_as_of := _newest_event_extra(context).get("as_of"):
        return as_of_date(extra_as_of, dt.date.today())
    dag_run = context.get("dag_run")
    moment = (
        context.get("logical_date") or getattr(dag_run, "run_after", None) or pendulum.now(TIMEZONE)
    )
    return pendulum.instance(moment).in_timezone(TIMEZONE).date()


def report_key(context) -> str:
    from fupin.reports import run_key  # imported late: DAG parsing needs none of it

    dag_run = context.get("dag_run")
    conf = dict(getattr(dag_run, "conf", None) or {})
    if not conf.get("report_run"):
        conf["report_run"] = _newest_event_extra(context).get("report_run")
    return run_key(getattr(dag_run, "run_id", None) or context.get("run_id"), conf)


def event_extra(context, as_of: dt.date) -> dict[str, str]:
    """What this run's asset event passes on to the runs it triggers."""
    return {"as_of": as_of.isoformat(), "report_run": report_key(context)}
