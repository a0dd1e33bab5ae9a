"""What to tell a department's steward after a feed run, and whom (no Airflow imports).

Three findings make a notice to the feed's steward role (feeds.yml ``steward_role``), in the
name of its department:

- a **failed delivery**: files of this run that could not be landed, with their message;
- a **quarantine spike**: a checked delivery whose quarantine rate is well above the feed's
  previous deliveries of the same file kind (``notifications.spike`` in the configuration:
  above ``factor`` x their median rate and ``min_rate``, with at least ``min_rows`` rows; a
  first delivery has no baseline, so ``min_rate`` alone);
- **schema drift**: columns added to or missing from a delivery.

The decisions are plain functions of the run's summary (fupin.pipeline) and the ledger's
history; :func:`notify_findings` reads the history and sends through fupin.notify. The Airflow
notifiers (fupin.orchestration.notifiers) only call these.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from fupin.catalog import Feed
from fupin.config import Config, SpikePolicy
from fupin.notify import Notice, notify


@dataclass(frozen=True)
class Delivery:
    """One checked delivery of the ledger: its counts and what came before it."""

    batch_id: str
    source_file: str
    kind: str
    rows_received: int
    rows_quarantined: int

    @property
    def rate(self) -> float:
        return self.rows_quarantined / self.rows_received if self.rows_received else 0.0


def _notice(feed: Feed, kind: str, subject: str, lines: list[str], advice: str) -> Notice:
    return Notice(
        steward=feed.steward_role,
        feed=feed.name,
        kind=kind,
        department=feed.department,
        subject=subject,
        text="\n".join([*lines, "", advice]),
    )


def failed_delivery_notice(feed: Feed, failed: list[dict], run: str) -> Notice | None:
    if not failed:
        return None
    return _notice(
        feed,
        "failed_delivery",
        f"{len(failed)} {feed.name} delivery file(s) could not be landed",
        [f"{item['file']}: {item['error']}" for item in failed],
        f"Nothing of these files was landed (run {run}). "
        "Please deliver a corrected file (_vN) with its .ok marker.",
    )


def drift_notice(feed: Feed, drift: list[str]) -> Notice | None:
    if not drift:
        return None
    return _notice(
        feed,
        "schema_drift",
        f"{feed.name}: the delivered columns changed ({len(drift)} change(s))",
        drift,
        "Added columns are kept in raw but not used; missing columns land empty. Please "
        "confirm the change (acknowledge it on the steward page) or deliver the agreed columns.",
    )


def spike_baseline(previous: list[Delivery], policy: SpikePolicy) -> float:
    """The rate above which a delivery's quarantine is a spike."""
    rates = [d.rate for d in previous[: policy.lookback]]
    median = statistics.median(rates) if rates else 0.0
    return max(policy.factor * median, policy.min_rate)


def is_spike(current: Delivery, previous: list[Delivery], policy: SpikePolicy) -> bool:
    return current.rows_quarantined >= policy.min_rows and current.rate > spike_baseline(
        previous, policy
    )


def spike_notice(
    feed: Feed, current: Delivery, previous: list[Delivery], policy: SpikePolicy
) -> Notice:
    recent = previous[: policy.lookback]
    if recent:
        before = ", ".join(f"{d.rate:.1%}" for d in recent)
        context = f"The previous {len(recent)} {current.kind} deliveries: {before}."
    else:
        context = f"This is the first checked {current.kind} delivery of {feed.name}."
    return Notice(
        steward=feed.steward_role,
        feed=feed.name,
        kind="quarantine_spike",
        department=feed.department,
        subject=f"{feed.name}: {current.rows_quarantined} of {current.rows_received} rows "
        f"quarantined in {current.source_file} ({current.rate:.1%})",
        text=f"{current.source_file} (batch {current.batch_id}): {current.rows_quarantined} "
        f"of {current.rows_received} rows were quarantined ({current.rate:.1%}). {context} "
        "The rows, fields and reasons are on the steward page and in the run's quarantine "
        "CSV. Please correct them or deliver a corrected file (_vN).",
    )


def findings_notices(
    feed: Feed,
    summary: dict,
    history: dict[str, tuple[Delivery, list[Delivery]]],
    policy: SpikePolicy,
) -> list[Notice]:
    """Spike and drift notices for one run (failed deliveries have their own notifier).

    ``history``: checked batch id -> (its delivery, the earlier deliveries newest first).
    """
    notices = []
    for current, previous in history.values():
        if is_spike(current, previous, policy):
            notices.append(spike_notice(feed, current, previous, policy))
    if drift := drift_notice(feed, summary.get("schema_drift") or []):
        notices.append(drift)
    return notices


def checked_batches(summary: dict) -> list[str]:
    """The batches the run checked (a file feed lists them; a pull checks what it landed)."""
    return list(dict.fromkeys(summary.get("checked") or summary.get("landed") or []))


HISTORY = """
select d.batch_id, d.source_file, d.kind, coalesce(d.rows_received, 0),
       coalesce(d.rows_quarantined, 0),
       array(select array[p.batch_id, p.source_file, p.kind,
                          coalesce(p.rows_received, 0)::text,
                          coalesce(p.rows_quarantined, 0)::text]
               from ops.delivery p
              where p.feed = d.feed and p.kind = d.kind and p.checked_at is not null
                and p.status in ('landed', 'superseded') and p.landed_at < d.landed_at
              order by p.landed_at desc limit %(lookback)s)
  from ops.delivery d
 where d.batch_id = any(%(batches)s) and d.checked_at is not null
"""


def delivery_history(conn, batch_ids: list[str], lookback: int):
    """Per checked batch: its delivery and the feed's earlier ones of the same kind."""
    if not batch_ids:
        return {}
    with conn.cursor() as cur:
        cur.execute(HISTORY, {"batches": batch_ids, "lookback": lookback})
        rows = cur.fetchall()
    history = {}
    for batch_id, source_file, kind, received, quarantined, previous in rows:
        current = Delivery(batch_id, source_file, kind, received, quarantined)
        earlier = [Delivery(b, f, k, int(r), int(q)) for b, f, k, r, q in previous]
        history[batch_id] = (current, earlier)
    return history


def notify_findings(config: Config, feed: Feed, summary: dict) -> list[Notice]:
    """Decide and send the spike and drift notices of a feed run; returns what was sent."""
    from fupin import warehouse
    from fupin.privacy.stages import stage_dsn

    policy = config.notifications.spike
    dsn = stage_dsn(config, warehouse.resolve_dsn(config), "loader")
    with warehouse.connect(dsn) as conn:
        history = delivery_history(conn, checked_batches(summary), policy.lookback)
    notices = findings_notices(feed, summary, history, policy)
    for notice in notices:
        notify(config, notice)
    return notices
