"""Airflow notifiers that tell a feed's steward (fupin.notify does the telling)."""

from __future__ import annotations

from airflow.sdk import BaseNotifier

from fupin.catalog import Feed


class FailedDeliveryNotifier(BaseNotifier):
    """On the failure of a feed's ``flag_failed_deliveries`` task: tell its steward which files
    failed and why (the landing task's summary, ``failed``: [{file, error}])."""

    def __init__(self, feed: Feed):
        super().__init__()
        self.feed = feed

    def notify(self, context) -> None:
        from fupin.config import load_config
        from fupin.notify import Notice, notify

        summary = context["ti"].xcom_pull(task_ids="land_and_check") or {}
        failed = summary.get("failed") or []
        lines = [f"{item['file']}: {item['error']}" for item in failed]
        run = context["dag_run"].run_id
        notify(
            load_config(),
            Notice(
                steward=self.feed.steward_role,
                feed=self.feed.name,
                subject=f"{len(failed)} {self.feed.name} delivery file(s) could not be landed",
                text="\n".join(
                    [
                        *lines,
                        "",
                        f"Nothing of these files was landed (run {run}). "
                        "Please deliver a corrected file (_vN) with its .ok marker.",
                    ]
                ),
            ),
        )
