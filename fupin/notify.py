"""Notices to a department's steward: a failed delivery, a quarantine spike, schema drift, a
late feed (what to say to whom is decided in fupin.notices and fupin.freshness).

Every notice is logged and appended to the outbox ``<reports>/notifications.jsonl`` (one JSON
object a line: time, steward, department, feed, kind, subject, text), which is the record of
what was said to whom; when ``notifications.webhook_url`` is configured it is also POSTed there
as JSON, for a chat gateway that routes by ``steward``; when ``notifications.smtp`` is
configured it is mailed to the steward role's ``notifications.recipients``. A channel that
does not answer is logged, never fatal: the outbox keeps the notice. Notices carry file names,
rows, fields and counts, never a delivered value.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path

import requests

from fupin.config import Config, SmtpConfig

log = logging.getLogger(__name__)
OUTBOX = "notifications.jsonl"


@dataclass(frozen=True)
class Notice:
    steward: str  # the steward role of the feed's department (feeds.yml steward_role)
    feed: str
    subject: str
    text: str
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    kind: str = "notice"  # failed_delivery | quarantine_spike | schema_drift | late_feed
    department: str = ""


def outbox(config: Config) -> Path:
    return config.reports_dir / OUTBOX


def notify(config: Config, notice: Notice) -> None:
    path = outbox(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(notice), ensure_ascii=False) + "\n")
    log.warning("notice to %s (%s): %s", notice.steward, notice.kind, notice.subject)
    settings = config.notifications
    if settings.webhook_url is not None:
        _post(settings.webhook_url, notice)
    if settings.smtp is not None:
        recipients = settings.recipients.get(notice.steward, [])
        if recipients:
            _mail(settings.smtp, recipients, notice)
        else:
            log.info("no e-mail recipients for %s: notice not mailed", notice.steward)


def _post(url: str, notice: Notice) -> None:
    try:
        requests.post(url, json=asdict(notice), timeout=10).raise_for_status()
    except requests.RequestException as error:
        log.error("webhook %s did not take the notice to %s: %s", url, notice.steward, error)


def _mail(smtp: SmtpConfig, recipients: list[str], notice: Notice) -> None:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = f"[fupin] {notice.subject}"
    message.set_content(f"{notice.text}\n\n-- fupin, feed {notice.feed}, {notice.at}\n")
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.username and smtp.password:
                server.login(smtp.username, smtp.password.get_secret_value())
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error(
            "mail server %s did not take the notice to %s: %s", smtp.host, notice.steward, error
        )


def read_outbox(config: Config) -> list[dict]:
    path = outbox(config)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
