"""Builders for fupin's DAGs (Airflow 3 TaskFlow). The task bodies are fupin.pipeline calls.

Data-aware scheduling: each feed DAG's landing task updates the asset ``fupin://raw/<feed>``;
the warehouse DAG runs when any of them was updated and updates ``fupin://marts``; the exchange
DAG runs on that. ``fupin cycle`` runs the same DAGs in that order with ``dag.test()``.

The check date is the run's ``as_of`` param (``fupin cycle --as-of``), else the run's logical
date in Asia/Shanghai. The configuration file comes from FUPIN_CONFIG.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

import pendulum
from airflow.sdk import DAG, Asset, Param, dag, task

from fupin.catalog import Feed, load_catalog

TIMEZONE = "Asia/Shanghai"
START = pendulum.datetime(2026, 1, 1, tz=TIMEZONE)
MARTS = Asset("fupin://marts")
DEFAULT_ARGS = {
    "owner": "fupin-platform",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=5),
    "retry_exponential_backoff": True,
}
AS_OF = Param(None, type=["null", "string"], format="date", description="check date YYYY-MM-DD")


def raw_asset(feed: str) -> Asset:
    return Asset(f"fupin://raw/{feed}")


def _config():
    from fupin.config import load_config

    return load_config()


def _as_of(context) -> dt.date:
    from fupin.pipeline import as_of_date

    logical = context.get("logical_date") or pendulum.now(TIMEZONE)
    return as_of_date(context["params"].get("as_of"), logical.in_timezone(TIMEZONE).date())


def feed_dag(feed: Feed) -> DAG:
    @dag(
        dag_id=f"feed_{feed.name}",
        description=f"Land and check {feed.name} deliveries ({feed.department}, {feed.cadence})",
        schedule=feed.schedule,
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params={"as_of": AS_OF},
        tags=["fupin", "feed", feed.name],
        doc_md=f"Picks up every complete `{feed.name}` delivery under the landing root, lands "
        "it with COPY, checks it with its Great Expectations suite and quarantines bad rows.",
    )
    def build():
        @task(outlets=[raw_asset(feed.name)])
        def land_and_check() -> dict:
            from fupin.pipeline import land_feed

            return land_feed(_config(), feed.name)

        land_and_check()

    return build()


BACKFILL_FROM = Param(
    None,
    type=["null", "string"],
    description="pull from this ISO-8601 time with its offset (e.g. 2026-07-01T00:00:00+08:00) "
    "instead of the committed watermark; versions already landed are skipped",
)


def pull_dag(feed: Feed) -> DAG:
    """A pulled source (transport rest / database): one incremental pull per run."""

    @dag(
        dag_id=f"feed_{feed.name}",
        description=f"Pull and check {feed.name} changes ({feed.department}, {feed.transport})",
        schedule=feed.schedule,
        start_date=START,
        catchup=False,
        max_active_runs=1,  # one pull at a time: the watermark has one writer
        default_args=DEFAULT_ARGS,
        params={"as_of": AS_OF, "backfill_from": BACKFILL_FROM},
        tags=["fupin", "feed", "pull", feed.name],
        doc_md=f"Pulls `{feed.name}` records changed since the committed watermark "
        f"(`{feed.pull.endpoint}`, {feed.pull.paging} paging), lands each page with its "
        "provenance, checks the batch with its Great Expectations suites and quarantines bad "
        "records. Param `backfill_from` pulls from an earlier time. Credentials come from the "
        "configuration file only.",
    )
    def build():
        @task(outlets=[raw_asset(feed.name)])
        def pull_and_check(**context) -> dict:
            from fupin.pipeline import pull_feed

            return pull_feed(_config(), feed.name, since=context["params"].get("backfill_from"))

        pull_and_check()

    return build()


def feed_dags() -> dict[str, DAG]:
    return {
        f"feed_{name}": feed_dag(feed) if feed.transport == "file" else pull_dag(feed)
        for name, feed in load_catalog().items()
    }


def warehouse_dag() -> DAG:
    feeds = [raw_asset(name) for name in load_catalog()]

    @dag(
        dag_id="warehouse",
        description="dbt build of staging, intermediate and the published marts",
        schedule=functools.reduce(operator.or_, feeds),  # any feed landed
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params={"as_of": AS_OF},
        tags=["fupin", "warehouse", "dbt"],
        doc_md="Runs `dbt build` (seeds, models, snapshots, tests) as of the check date when a "
        "feed landed something new.",
    )
    def build():
        @task(outlets=[MARTS])
        def dbt_build(**context) -> dict:
            from fupin.pipeline import build_warehouse

            return build_warehouse(_config(), _as_of(context))

        dbt_build()

    return build()


def exchange_dag() -> DAG:
    @dag(
        dag_id="national_exchange",
        description="Push the warehouse's changes to the national system",
        schedule=[MARTS],
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params={"as_of": AS_OF},
        tags=["fupin", "exchange"],
        doc_md="Sends new and changed records of the exchange sync models over the signed "
        "national protocol; holds what the registration window refuses.",
    )
    def build():
        @task
        def push(**context) -> dict:
            from fupin.pipeline import push_to_national

            return push_to_national(_config(), _as_of(context))

        push()

    return build()
