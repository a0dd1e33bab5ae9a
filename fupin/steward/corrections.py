"""What a steward changes: a correction of one quarantined field, "awaiting a corrected file"
(``_v2``), a schema-drift acknowledgement. Each is scoped to the steward's department in SQL
and recorded (who / when; for corrections also old / new value and why) in ``ops``; every
correction is also appended to the audit log. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from fupin.catalog import load_catalog
from fupin.privacy.audit import log_event
from fupin.steward import queries, validate
from fupin.steward.accounts import Steward

MAX_VALUE_LENGTH = 500


class CorrectionRefused(ValueError):
    """A correction that is not accepted; the message is shown in the form."""


@dataclass(frozen=True)
class Accepted:
    correction_id: int
    batch_id: str
    source_row: int
    field: str


def _check_correctable(entry: dict | None, new_value: str, why: str) -> None:
    if entry is None:
        raise CorrectionRefused("no such quarantined row among your department's feeds")
    if entry["batch_status"] == "superseded" or entry["status"] == "superseded":
        raise CorrectionRefused(
            f"row {entry['source_row']} of {entry['source_file']} was superseded: a later"
            f" delivery ({entry['superseded_by'] or 'a _vN correction'}) replaced batch"
            f" {entry['batch_id']}; correct the row in that delivery if it is still wrong"
        )
    if entry["status"] != "open":
        raise CorrectionRefused(f"row {entry['source_row']} is already {entry['status']}")
    if load_catalog()[entry["feed"]].pull is not None:
        raise CorrectionRefused(
            f"{entry['feed']} is pulled from the department's system: correct the record"
            " there; the next pull brings it (or mark the row as awaiting a correction)"
        )
    if entry["field"] is None:
        raise CorrectionRefused("this finding names no field: ask for a corrected file (_v2)")
    if not why.strip():
        raise CorrectionRefused("say why the new value is right (e.g. the document you checked)")
    if len(new_value) > MAX_VALUE_LENGTH or len(why) > 2000:
        raise CorrectionRefused(f"the value is longer than {MAX_VALUE_LENGTH} characters")


def _pending_values(cur, entry: dict) -> dict:
    """Earlier pending corrections of other fields of the same row (they land together)."""
    cur.execute(
        "select field, new_value from ops.steward_correction"
        " where batch_id = %s and raw_table = %s and source_row = %s and status = 'pending'"
        " order by correction_id",
        (entry["batch_id"], entry["raw_table"], entry["source_row"]),
    )
    return dict(cur.fetchall())


def correct(conn, dsn: str, steward: Steward, quarantine_id: int, new_value: str, why: str):
    """Validate and record a correction; CorrectionRefused with the reason otherwise."""
    new_value = new_value.strip()
    entry = queries.quarantined_row(conn, steward.feeds, quarantine_id)
    _check_correctable(entry, new_value, why)
    with conn.cursor() as cur:
        values = _pending_values(cur, entry)
        if entry["field"] in values:
            raise CorrectionRefused(
                f"a correction of {entry['field']} in this row is already waiting for the next"
                " cycle"
            )
    values[entry["field"]] = new_value
    found = validate.refusals(
        conn,
        dsn,
        entry["raw_table"],
        entry["batch_id"],
        entry["source_row"],
        values,
        entry["field"],
    )
    if found:
        raise CorrectionRefused("; ".join(f"{r.message} ({r.expectation})" for r in found))
    with conn.cursor() as cur:
        cur.execute(
            "insert into ops.steward_correction (quarantine_id, batch_id, feed, raw_table,"
            " source_row, field, old_value, new_value, why, steward)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning correction_id",
            (
                quarantine_id,
                entry["batch_id"],
                entry["feed"],
                entry["raw_table"],
                entry["source_row"],
                entry["field"],
                entry["value"],
                new_value,
                why.strip(),
                steward.login,
            ),
        )
        correction_id = cur.fetchone()[0]
    # The values are personal data: the log names the row, not the values.
    log_event(
        conn,
        "steward_correction",
        f"raw.{entry['raw_table']}",
        1,
        why.strip(),
        {
            "steward": steward.login,
            "correction_id": correction_id,
            "batch_id": entry["batch_id"],
            "source_row": entry["source_row"],
            "field": entry["field"],
        },
    )
    return Accepted(correction_id, entry["batch_id"], entry["source_row"], entry["field"])


def mark_awaiting_v2(conn, steward: Steward, quarantine_ids: list[int]) -> int:
    """Mark open rows of the department as awaiting a corrected file; returns how many."""
    with conn.cursor() as cur:
        cur.execute(
            "update ops.quarantine set awaiting_v2_at = now(), awaiting_v2_by = %s"
            " where quarantine_id = any(%s) and feed = any(%s) and status = 'open'"
            "   and awaiting_v2_at is null",
            (steward.login, quarantine_ids, list(steward.feeds)),
        )
        return cur.rowcount


def acknowledge_drift(conn, steward: Steward, drift_id: int) -> bool:
    with conn.cursor() as cur:
        cur.execute(
            "update ops.schema_drift set acknowledged_at = now(), acknowledged_by = %s"
            " where drift_id = %s and feed = any(%s) and acknowledged_at is null",
            (steward.login, drift_id, list(steward.feeds)),
        )
        return cur.rowcount == 1
