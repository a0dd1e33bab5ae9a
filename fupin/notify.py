"""Notices to a department's steward: a failed delivery, a late feed.

Every notice is appended to the outbox ``<reports>/notifications.jsonl`` (one JSON object a
line: time, steward, feed, subject, text), which is the record of what was said to whom; when
``notifications.webhook_url`` is configured it is also POSTed there as JSON, for a chat or mail
gateway that routes by ``steward``. A webhook that does not answer is logged, never fatal: the
outbox keeps the notice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import requests

from fupin.config import Config

log = logging.getLogger(__name__)
OUTBOX = "notifications.jsonl"


@dataclass(frozen=True)
class Notice:
    steward: str  # the steward role of the feed's department (feeds.yml steward_role)
    feed: str
    subject: str
    text: str
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def outbox(config: Config) -> Path:
    return config.reports_dir / OUTBOX


def notify(config: Config, notice: Notice) -> None:
    path = outbox(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(notice), ensure_ascii=False) + "\n")
    log.warning("notice to %s: %s", notice.steward, notice.subject)
    url = config.notifications.webhook_url
    if url is None:
        return
    try:
        requests.post(url, json=asdict(notice), timeout=10).raise_for_status()
    except requests.RequestException as error:
        log.error("webhook %s did not take the notice to %s: %s", url, notice.steward, error)


def read_outbox(config: Config) -> list[dict]:
    path = outbox(config)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
