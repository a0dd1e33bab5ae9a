"""The audit log (``audit.access_log``): writing an entry and verifying the hash chain.

Each row carries ``row_hash`` = sha256 over the previous row's hash and its own content
(``audit.entry_hash``, computed by the database trigger under a lock), so a row altered,
inserted or removed by someone who bypassed the append-only trigger (a superuser) breaks the
chain at that row; :func:`verify` recomputes it and names the first broken row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg2.extras

GENESIS = "genesis"


@dataclass(frozen=True)
class Verification:
    rows_checked: int
    broken_log_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_log_id is None

    def render(self) -> str:
        if self.intact:
            return f"audit chain intact: {self.rows_checked} rows verified"
        return (
            f"audit chain BROKEN at log_id {self.broken_log_id}: {self.reason}"
            f" ({self.rows_checked} rows before it verified)"
        )


def log_event(
    conn,
    action: str,
    object_name: str,
    row_count: int | None,
    purpose: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry; who, when and the chain hashes are stamped by the database."""
    with conn.cursor() as cur:
        cur.execute(
            "insert into audit.access_log (action, object, row_count, purpose, details)"
            " values (%s, %s, %s, %s, %s)",
            (action, object_name, row_count, purpose, psycopg2.extras.Json(details or {})),
        )


VERIFY_SQL = """
select log_id, prev_hash, row_hash,
       audit.entry_hash(prev_hash, log_id, at, who, action, object, row_count, purpose, details)
from audit.access_log order by log_id
"""


def verify(conn) -> Verification:
    """Walk the chain in log_id order; the first row that does not hold is named."""
    previous = GENESIS
    checked = 0
    with conn.cursor(name="audit_verify") as cur:
        cur.itersize = 5000
        cur.execute(VERIFY_SQL)
        for log_id, prev_hash, row_hash, expected in cur:
            if prev_hash != previous:
                return Verification(
                    checked,
                    log_id,
                    "its prev_hash is not the hash of the row before it"
                    " (a row before it was removed, inserted or rewritten)",
                )
            if row_hash != expected:
                return Verification(
                    checked, log_id, "its content does not match its hash (the row was altered)"
                )
            previous = row_hash
            checked += 1
    return Verification(checked)
