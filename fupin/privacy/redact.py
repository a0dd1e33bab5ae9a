"""Keep secrets and personal values out of logs, messages and reports.

:func:`configured_secrets` collects every secret of the configuration (the national secret,
API tokens and keys, DSN passwords and the DSNs themselves); :class:`SecretFilter` replaces
them in every log record; :func:`install_log_filter` puts it on the root logger's handlers.
:func:`mask_id_number` is the masking of policy.md §6 for messages that must name a person.
"""

from __future__ import annotations

import logging
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
    if config.warehouse.dsn is not None:
        values += dsn_secrets(config.warehouse.dsn.get_secret_value())
    if config.national is not None:
        values.append(config.national.secret.get_secret_value())
    sources = config.sources
    for source in (sources.vehicle, sources.business, sources.dibao):
        if source is None:
            continue
        for name, value in source:
            if isinstance(value, SecretStr):
                secret = value.get_secret_value()
                values += dsn_secrets(secret) if name == "dsn" else [secret]
    return sorted({v for v in values if v and len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """Replaces secrets in a record's formatted message (arguments and exception included)."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = sorted(set(secrets), key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        clean = redact(message, self.secrets)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def install_log_filter(secrets: Iterable[str], logger: logging.Logger | None = None) -> None:
    """Mask ``secrets`` in everything the logger's handlers write (added once)."""
    logger = logger or logging.getLogger()
    secret_filter = SecretFilter(secrets)
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, SecretFilter)]:
            handler.removeFilter(old)
        handler.addFilter(secret_filter)


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
