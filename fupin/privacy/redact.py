"""Keep secrets and personal values out of logs, messages and reports.

:func:`configured_secrets` collects every secret of the configuration (the national secret,
API tokens and keys, DSN passwords and the DSNs themselves); :func:`install_log_redaction`
replaces them, and masks ID and mobile numbers, in every log record the process creates
(whichever handler, Airflow's included, writes it). :func:`redact` does the same for a report
or a message; :func:`mask_id_number` is the masking of policy.md §6.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from pydantic import SecretStr

from fupin.config import Config

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


def dsn_secrets(dsn: str) -> list[str]:
    """A DSN and its password (URL form or key=value form)."""
    found = [dsn]
    try:
        password = urlsplit(dsn).password
    except ValueError:
        password = None
    if password:
        found += [password, unquote(password)]
    for part in dsn.split():
        if part.startswith("password="):
            found.append(part.removeprefix("password=").strip("'"))
    return found


def configured_secrets(config: Config) -> list[str]:
    """Every secret value in the configuration, longest first."""
    values: list[str] = []
    warehouse = config.warehouse
    for dsn in (warehouse.dsn, warehouse.loader_dsn, warehouse.builder_dsn, warehouse.pusher_dsn):
        if dsn is not None:
            values += dsn_secrets(dsn.get_secret_value())
    if config.national is not None:
        values.append(config.national.secret.get_secret_value())
    smtp = config.notifications.smtp
    if smtp is not None and smtp.password is not None:
        values.append(smtp.password.get_secret_value())
    sources = config.sources
    for source in (sources.vehicle, sources.business, sources.dibao):
        if source is None:
            continue
        for name, value in source:
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                values += dsn_secrets(secret) if name == "dsn" else [secret]
    return sorted({v for v in values if v and len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


# ID numbers (18 characters, 15-digit legacy) and mobile numbers standing alone in free text:
# masked as policy.md §6 says. Longer digit runs (household ids, 20 digits) are left alone.
ID_18 = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
ID_15 = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{5}([0-9]{4})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9A-Za-z])")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the secrets replaced and ID and mobile numbers masked."""
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = ID_18.sub(r"\1********\2", text)
    text = ID_15.sub(r"\1*****\2", text)
    return MOBILE.sub(r"\1****\2", text)


class _Redactor:
    """A log-record factory: every record is redacted when it is created, whoever handles it."""

    def __init__(self, factory):
        self.factory = factory
        self.secrets: list[str] = []

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        record = self.factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: leave it to logging's own error report
            return record
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text, self.secrets)
        return record


def install_log_redaction(secrets: Iterable[str] = ()) -> None:
    """Redact every log record of this process from now on (secrets added to earlier ones)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _Redactor):
        factory = _Redactor(factory)
        logging.setLogRecordFactory(factory)
    factory.secrets = sorted(set(factory.secrets) | set(secrets), key=len, reverse=True)


def mask_id_number(value: str | None) -> str:
    """First 6 and last 4 characters kept (policy.md §6)."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_key(key: str) -> str:
    """A record key ``household|ID number`` with its ID number masked (logs, reconcile)."""
    head, sep, tail = key.rpartition("|")
    return f"{head}{sep}{mask_id_number(tail)}" if sep else key


# Department field names (and published column names) that hold personal information.
PERSONAL_FIELD = re.compile(
    r"证件号码|身份证|姓名|电话|手机|账号|银行|健康|残疾|id_number|name|phone|bank|health|disab"
)
WITHHELD = "(personal: on the steward page)"


def report_value(field: str | None, value: str | None) -> str | None:
    """A delivered value as a report may show it: personal fields masked or withheld."""
    if value is None:
        return None
    if field and PERSONAL_FIELD.search(field):
        return mask_id_number(value) if "证件" in field or "id_number" in field else WITHHELD
    return redact(value)


def report_row(row) -> list:
    """A steward report row (source_file, source_row, field, value, reason, …): the value
    redacted by its field, the reason redacted, every text cell neutralised for Excel."""
    from fupin.privacy.cells import neutralise

    source_file, source_row, field, value, reason, *rest = row
    cells = [source_file, source_row, field, report_value(field, value), redact(reason), *rest]
    return [neutralise(cell) for cell in cells]
