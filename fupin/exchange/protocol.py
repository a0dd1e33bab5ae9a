"""What both sides of the national exchange agree on: entities, keys, limits, signing, checksum.

The key encoding is ours (national-exchange.md names the key parts but not how they are joined):
parts are joined with ``|`` in the order of the spec's table, dates as ``YYYY-MM-DD``.

- ``household``, ``monitoring``: 户编号, e.g. ``52012310020100000123``
- ``member``: 户编号 ``|`` 证件号码, e.g. ``52012310020100000123|52012319800101001X``
- ``assistance``: 户编号 ``|`` 帮扶责任人证件号码 ``|`` 开始日期,
  e.g. ``52012310020100000123|52010219750301002X|2024-03-01``

Every key starts with the 户编号, whose first 12 digits are the village code, so a region
prefix (``?prefix=5201``) selects the same households in every entity.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from fupin.privacy.redact import mask_key as mask_key  # re-exported: record keys in logs
from fupin.privacy.redact import redact

ENTITIES = ("household", "member", "monitoring", "assistance")
MAX_RECORDS = 1_000
# "5 MB": the stricter reading (10^6 bytes), so that a batch that passes here passes either way.
MAX_BODY_BYTES = 5_000_000
MAX_CLOCK_SKEW_SECONDS = 300
KEY_SEPARATOR = "|"
API = "/exchange/v1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 over ``{timestamp}\\n{body}`` with the shared secret."""
    message = timestamp.encode("utf-8") + b"\n" + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_matches(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def household_of(entity: str, key: str) -> str:
    """The 户编号 a record belongs to (the first key part for every entity)."""
    return key.split(KEY_SEPARATOR, 1)[0]


def member_key(household_id: str, id_number: str) -> str:
    return f"{household_id}{KEY_SEPARATOR}{id_number}"


def assistance_key(household_id: str, cadre_id_number: str, start_date: str) -> str:
    return KEY_SEPARATOR.join((household_id, cadre_id_number, start_date))


def checksum(pairs: Iterable[tuple[str, int]]) -> tuple[int, str]:
    """(count, checksum) of live records: SHA-256 of ``{key}:{version}\\n`` sorted by key bytes."""
    digest = hashlib.sha256()
    count = 0
    for key, version in sorted(pairs, key=lambda pair: pair[0].encode("utf-8")):
        digest.update(f"{key}:{version}\n".encode())
        count += 1
    return count, digest.hexdigest()


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def mask_text(text: object) -> str:
    """``text`` with every ID number masked: first 6 and last 4 characters kept
    (``520201********001X``), so that logs and printed reports carry no full ID number."""
    return redact(str(text))
