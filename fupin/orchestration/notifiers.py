"""Airflow notifiers that tell a feed's steward (fupin.notices decides, fupin.notify tells)."""

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
        from fupin.notices import failed_delivery_notice
        from fupin.notify import notify

        summary = context["ti"].xcom_pull(task_ids="land_and_check") or {}
        notice = failed_delivery_notice(
            self.feed, summary.get("failed") or [], context["dag_run"].run_id
        )
        if notice is not None:
            notify(load_config(), notice)


class FeedFindingsNotifier(BaseNotifier):
    """On the success of a feed's ``land_and_check`` task: tell its steward of a quarantine
    spike or schema drift in what the run landed (fupin.notices.notify_findings)."""

    def __init__(self, feed: Feed):
        super().__init__()
        self.feed = feed

    def notify(self, context) -> None:
        from fupin.config import load_config
        from fupin.notices import notify_findings

        summary = context["ti"].xcom_pull(task_ids="land_and_check") or {}
        notify_findings(load_config(), self.feed, summary)
