"""Builders for fupin's DAGs (Airflow 3 TaskFlow). The task bodies are fupin.pipeline calls.

Data-aware scheduling: each feed DAG's landing task updates the asset ``fupin://raw/<feed>``;
the warehouse DAG runs when any of them was updated (and daily at 05:00, so that the check date
moves on and backfills have a schedule) and updates ``fupin://marts``; the exchange DAG runs on
that. ``fupin cycle`` runs the same DAGs in that order with ``dag.test()``.

The check date travels with the asset events (see run_context): a feed run triggered with
``{"as_of": "2026-10-31"}`` makes the warehouse build and the push run as of that date.

A delivery that fails to land is a finding, not a failed run: the feed's
``flag_failed_deliveries`` task turns red, its steward is notified, and the run (and the cycle)
still succeeds because the report task after it runs whatever the flag's state. A quarantine
spike or schema drift is notified from the landing task's success callback (fupin.notices
decides). Every run writes its reports under ``reports/<as-of>/<run>/`` (fupin.reports). The
configuration file comes from FUPIN_CONFIG.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator

import pendulum
from airflow.sdk import DAG, Asset, AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, task
from airflow.sdk.exceptions import AirflowFailException

from fupin.catalog import Feed, load_catalog
from fupin.orchestration.notifiers import FailedDeliveryNotifier, FeedFindingsNotifier
from fupin.orchestration.run_context import TIMEZONE, event_extra, report_key, resolve_as_of

START = pendulum.datetime(2026, 1, 1, tz=TIMEZONE)
MARTS = Asset("fupin://marts")
# Daily build as of the new day, also the schedule `airflow backfill create` walks.
WAREHOUSE_CRON = "0 5 * * *"
DEFAULT_ARGS = {
    "owner": "fupin-platform",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=5),
    "retry_exponential_backoff": True,
}
AS_OF = Param(None, type=["null", "string"], format="date", description="check date YYYY-MM-DD")
REPORT_RUN = Param(
    None, type=["null", "string"], description="report folder name (default: the run id)"
)
PARAMS = {"as_of": AS_OF, "report_run": REPORT_RUN}


def raw_asset(feed: str) -> Asset:
    return Asset(f"fupin://raw/{feed}")


def _config():
    from airflow.sdk.log import mask_secret

    from fupin.config import load_config
    from fupin.privacy.redact import configured_secrets, install_log_redaction

    config = load_config()
    secrets = configured_secrets(config)
    for secret in secrets:
        mask_secret(secret)  # Airflow's masker: task logs, rendered fields, XCom views
    install_log_redaction(secrets)  # and every record fupin's own code logs
    return config


def _report_folder(config, context):
    from fupin.reports import report_folder

    return report_folder(config, resolve_as_of(context), report_key(context))


def land_task(feed: Feed):
    asset = raw_asset(feed.name)

    # A quarantine spike or schema drift is told to the steward once the batch is checked.
    @task(outlets=[asset], on_success_callback=[FeedFindingsNotifier(feed)])
    def land_and_check(*, outlet_events, **context) -> dict:
        summary = _land_or_pull(_config(), feed, context)
        outlet_events[asset].extra = event_extra(context, resolve_as_of(context))
        return summary

    return land_and_check


def _land_or_pull(config, feed: Feed, context) -> dict:
    """A file feed's new deliveries, or a pulled source's changes since its watermark."""
    from fupin.pipeline import land_feed, pull_feed

    if feed.transport != "file":
        return pull_feed(config, feed.name, since=context["params"].get("backfill_from"))
    from fupin.config import check_landing_root

    check_landing_root(config)
    summary = land_feed(config, feed.name)
    summary["failed"] = [*summary["failed"], *_misnamed(config, feed)]
    return summary


def _misnamed(config, feed: Feed) -> list[dict]:
    from fupin.delivery_names import unrecognised

    return unrecognised(config.landing.root, feed)


def flag_task(feed: Feed):
    # Retrying would not make a bad file good: fail once, tell the steward.
    @task(retries=0, on_failure_callback=[FailedDeliveryNotifier(feed)])
    def flag_failed_deliveries(summary: dict) -> int:
        failed = summary.get("failed") or []
        if failed:
            files = "; ".join(f"{item['file']}: {item['error']}" for item in failed)
            raise AirflowFailException(f"{len(failed)} file(s) failed to land: {files}")
        return 0

    return flag_failed_deliveries


def feed_report_task():
    # all_done: runs after a red flag too, which keeps the run green (it is the only leaf).
    @task(trigger_rule="all_done")
    def write_report(**context) -> str:
        from fupin.reports import write_feed_report

        summary = context["ti"].xcom_pull(task_ids="land_and_check")
        if summary is None:
            raise AirflowFailException("landing did not complete: see land_and_check")
        config = _config()
        return str(write_feed_report(config, _report_folder(config, context), summary))

    return write_report


BACKFILL_FROM = Param(
    None,
    type=["null", "string"],
    description="pull from this ISO-8601 time with its offset (e.g. 2026-07-01T00:00:00+08:00) "
    "instead of the committed watermark; versions already landed are skipped",
)


def _feed_doc(feed: Feed) -> str:
    if feed.transport == "file":
        what = (
            f"Picks up every complete `{feed.name}` delivery under the landing root, lands it "
            "with COPY, checks it with its Great Expectations suite and quarantines bad rows."
        )
    else:
        what = (
            f"Pulls `{feed.name}` records changed since the committed watermark "
            f"(`{feed.pull.endpoint}`, {feed.pull.paging} paging), lands each page with its "
            "provenance, checks the batch with its Great Expectations suites and quarantines "
            "bad records. Param `backfill_from` pulls from an earlier time; credentials come "
            "from the configuration file only."
        )
    return (
        f"{what} A delivery that cannot be landed turns `flag_failed_deliveries` red and "
        f"notifies `{feed.steward_role}`; the run still succeeds (a rejected file is a finding)."
    )


def feed_dag(feed: Feed) -> DAG:
    pulled = feed.transport != "file"

    @dag(
        dag_id=f"feed_{feed.name}",
        description=f"{'Pull' if pulled else 'Land'} and check {feed.name} "
        f"({feed.department}, {feed.cadence})",
        schedule=feed.schedule,
        start_date=START,
        catchup=False,
        max_active_runs=1,  # one writer per feed (and per watermark)
        default_args={**DEFAULT_ARGS, "queue": feed.queue},  # heavy feeds: their own workers
        params={**PARAMS, "backfill_from": BACKFILL_FROM} if pulled else PARAMS,
        tags=["fupin", "feed", *(["pull"] if pulled else []), feed.name],
        doc_md=_feed_doc(feed),
    )
    def build():
        landed = land_task(feed)()
        flag_task(feed)(landed) >> feed_report_task()()

    return build()


def feed_dags() -> dict[str, DAG]:
    return {f"feed_{name}": feed_dag(feed) for name, feed in load_catalog().items()}


def warehouse_schedule() -> AssetOrTimeSchedule:
    feeds = [raw_asset(name) for name in load_catalog()]
    return AssetOrTimeSchedule(
        timetable=CronTriggerTimetable(WAREHOUSE_CRON, timezone=TIMEZONE),
        assets=functools.reduce(operator.or_, feeds),  # any feed landed
    )


def warehouse_dag() -> DAG:
    @dag(
        dag_id="warehouse",
        description="dbt build of staging, intermediate and the published marts",
        schedule=warehouse_schedule(),
        start_date=START,
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params=PARAMS,
        tags=["fupin", "warehouse", "dbt"],
        doc_md="Runs `dbt build` (seeds, models, snapshots, tests) as of the check date when a "
        "feed landed something new, and daily at 05:00 Asia/Shanghai; checks every feed's "
        "freshness and tells the steward of a late one. Backfill: `airflow backfill create "
        "--dag-id warehouse --from-date ... --to-date ...` builds as of each day.",
    )
    def build():
        @task(outlets=[MARTS])
        def dbt_build(*, outlet_events, **context) -> dict:
            from fupin.pipeline import build_warehouse
            from fupin.reports import write_json

            config = _config()
            as_of = resolve_as_of(context)
            result = build_warehouse(config, as_of)
            write_json(_report_folder(config, context), "warehouse.json", result)
            outlet_events[MARTS].extra = event_extra(context, as_of)
            return result

        @task
        def check_freshness(**context) -> list:
            from fupin.freshness import check_freshness
            from fupin.reports import write_json

            config = _config()
            results = check_freshness(config)
            write_json(_report_folder(config, context), "freshness.json", results)
            return results

        dbt_build() >> check_freshness()

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
        params=PARAMS,
        tags=["fupin", "exchange"],
        doc_md="Sends new and changed records of the exchange sync models over the signed "
        "national protocol; holds what the registration window refuses. Then writes the "
        "cycle report (`cycle.json`, quarantine CSVs per feed) for the run.",
    )
    def build():
        @task
        def push(**context) -> dict:
            from fupin.pipeline import push_to_national

            return push_to_national(_config(), resolve_as_of(context))

        @task
        def write_cycle_report(result: dict, **context) -> str:
            from fupin.reports import write_cycle_report

            config = _config()
            folder = _report_folder(config, context)
            write_cycle_report(config, folder, resolve_as_of(context), result)
            return str(folder)

        write_cycle_report(push())

    return build()
