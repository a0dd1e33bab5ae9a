"""Which batch of a period is current: the newest version supersedes the earlier ones; a held
delivery supersedes nothing until the steward releases it."""

from __future__ import annotations

from fupin.landing.discovery import DeliveredFile


def supersede(cur, feed: str, kind: str, scope: str, period: str, version: int, batch_id: str):
    """Make the newest version of this period current; returns this batch's status."""
    cur.execute(
        "select batch_id, version from ops.delivery"
        " where feed = %s and kind = %s and scope = %s and period = %s"
        "   and status = 'landed' and batch_id <> %s",
        (feed, kind, scope, period, batch_id),
    )
    current = cur.fetchall()
    newer = [b for b, v in current if v > version]
    if newer:  # an older version arriving late never replaces a correction
        cur.execute(
            "update ops.delivery set superseded_by = %s where batch_id = %s", (newer[0], batch_id)
        )
        return "superseded"
    for old_batch, _ in current:
        cur.execute(
            "update ops.delivery set status = 'superseded', superseded_by = %s where batch_id = %s",
            (batch_id, old_batch),
        )
    return "landed"


def supersede_delivered(cur, delivered: DeliveredFile, batch_id: str) -> str:
    return supersede(
        cur,
        delivered.feed,
        delivered.file_kind.kind,
        delivered.scope,
        delivered.period,
        delivered.version,
        batch_id,
    )


def release_held(conn, batch_id: str) -> str:
    """The steward accepts a held delivery: it now supersedes like any other (committed)."""
    with conn.cursor() as cur:
        cur.execute(
            "select feed, kind, scope, period, version from ops.delivery"
            " where batch_id = %s and status = 'held' for update",
            (batch_id,),
        )
        row = cur.fetchone()
        if row is None:
            raise ValueError(f"{batch_id} is not a held delivery")
        status = supersede(cur, *row, batch_id)
        cur.execute(
            "update ops.delivery set status = %s, held_reason = null where batch_id = %s",
            (status, batch_id),
        )
    conn.commit()
    return status
