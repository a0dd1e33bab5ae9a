"""The national system's protocol, in memory: batches, sequences, replay, versions, window, state.

The HTTP transport is :mod:`simulation.national.handler`; persistence
:mod:`simulation.national.persistence`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Mapping
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fupin.exchange import protocol
from simulation.http_server import ServedSimulator, serve_in_thread, shut_down
from simulation.national.faults import FaultPlan, Window
from simulation.national.handler import Handler
from simulation.national.persistence import StateFile, journal_path, read_state
from simulation.national.replies import ProtocolRefusal, Reply
from simulation.national.rules import DEFAULT_RULES, RecordRules, data_problems, key_problem

log = logging.getLogger(__name__)

NATIONAL_TZ = dt.timezone(dt.timedelta(hours=8))


class NationalSimulator(ServedSimulator):
    """The national system, in memory, behind an HTTP server on 127.0.0.1."""

    def __init__(
        self,
        *,
        secret: str,
        sender_id: str = "520000",
        host: str = "127.0.0.1",
        port: int = 0,
        now: Callable[[], dt.datetime] | None = None,
        window: Window | None = None,
        faults: FaultPlan | None = None,
        state_file: str | os.PathLike[str] | None = None,
        rules: Mapping[str, RecordRules] | None = None,
        latency: float = 0.0,
    ) -> None:
        self.senders = {sender_id: secret}
        self.host = host
        self.port = port
        self.now = now or (lambda: dt.datetime.now(NATIONAL_TZ))
        self.window = window or Window()
        self.faults = faults or FaultPlan()
        self.rules = dict(rules or DEFAULT_RULES)
        self.latency = latency  # seconds added to every request (a national system far away)
        self.state_file = Path(state_file) if state_file else None
        self._store = StateFile(self.state_file) if self.state_file else None
        self._lock = threading.RLock()
        # entity -> key -> {"version": int, "data": dict | None, "deleted": bool}
        self._records: dict[str, dict[str, dict[str, Any]]] = {e: {} for e in protocol.ENTITIES}
        # "sender/entity" -> last accepted sequence
        self._sequences: dict[str, int] = {}
        # batch_id -> {"sender", "entity", "sequence", "body_sha256", "answer"}
        self._batches: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path), for tests
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        if self.state_file and (self.state_file.exists() or journal_path(self.state_file).exists()):
            self._set_state(read_state(self.state_file))
            self._save()  # compacts the journal into the snapshot

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> NationalSimulator:
        handler = type("BoundHandler", (Handler,), {"simulator": self})
        self._server, self._thread = serve_in_thread(self.host, self.port, handler)
        self.port = self._server.server_address[1]
        log.info("national simulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        shut_down(self._server, self._thread)
        self._server = self._thread = None
        if self._store is not None:
            self._save()
            self._store.close()

    # -- helpers for tests and demos ------------------------------------------------------
    def records(self, entity: str, *, include_deleted: bool = False) -> dict[str, dict[str, Any]]:
        """A copy of the stored records of an entity: key -> {version, data, deleted}."""
        with self._lock:
            return {
                key: json.loads(json.dumps(record))
                for key, record in self._records[entity].items()
                if include_deleted or not record["deleted"]
            }

    def state(self, entity: str, prefix: str | None = None) -> dict[str, Any]:
        with self._lock:
            pairs = [
                (key, record["version"])
                for key, record in self._records[entity].items()
                if not record["deleted"] and key.startswith(prefix or "")
            ]
        count, checksum = protocol.checksum(pairs)
        return {"entity": entity, "count": count, "checksum": checksum}

    def expected_sequence(self, entity: str, sender_id: str | None = None) -> int:
        sender = sender_id or next(iter(self.senders))
        with self._lock:
            return self._sequences.get(f"{sender}/{entity}", 0) + 1

    def batch_answer(self, batch_id: str) -> dict[str, Any] | None:
        with self._lock:
            stored = self._batches.get(batch_id)
            return json.loads(json.dumps(stored["answer"])) if stored else None

    def open_window(self) -> None:
        with self._lock:
            self.window.open = True
            self._save()

    def close_window(self) -> None:
        with self._lock:
            self.window.open = False
            self._save()

    def put_record(self, entity: str, key: str, version: int, data: dict | None = None) -> None:
        """Tamper: store a record as if it had been accepted (for reconciliation tests)."""
        with self._lock:
            self._records[entity][key] = {"version": version, "data": data, "deleted": False}
            self._save()

    def remove_record(self, entity: str, key: str) -> None:
        """Tamper: forget a record entirely."""
        with self._lock:
            self._records[entity].pop(key, None)
            self._save()

    # -- persistence ----------------------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        return {
            "records": self._records,
            "sequences": self._sequences,
            "batches": self._batches,
            "window": {
                "open": self.window.open,
                "opens": self.window.opens.isoformat(),
                "closes": self.window.closes.isoformat(),
            },
        }

    def _save(self) -> None:
        if self._store is not None:
            with self._lock:
                self._store.write_snapshot(self._snapshot())

    def _set_state(self, data: dict[str, Any]) -> None:
        self._records = {e: {} for e in protocol.ENTITIES} | data.get("records", {})
        self._sequences = data.get("sequences", {})
        self._batches = data.get("batches", {})
        if window := data.get("window"):
            self.window = Window(
                open=window["open"],
                opens=dt.date.fromisoformat(window["opens"]),
                closes=dt.date.fromisoformat(window["closes"]),
            )

    def export_state(self) -> dict[str, Any]:
        """A copy of the whole state (records, sequences, batches, window): a backup."""
        with self._lock:
            return json.loads(json.dumps(self._snapshot(), ensure_ascii=False))

    def restore_state(self, state: dict[str, Any]) -> None:
        """Go back to a copy taken by :meth:`export_state` (a national restore from backup)."""
        with self._lock:
            self._set_state(json.loads(json.dumps(state, ensure_ascii=False)))
            self._save()

    @classmethod
    def read_state_file(cls, path: str | os.PathLike[str]) -> dict[str, Any]:
        """The persisted state of a simulator run in another process (records, sequences…),
        journal included."""
        return read_state(path)

    # -- the protocol ---------------------------------------------------------------------
    def authenticate(self, headers: Mapping[str, str], body: bytes) -> str:
        sender = headers.get("X-Sender-Id") or ""
        timestamp = headers.get("X-Timestamp") or ""
        signature = headers.get("X-Signature") or ""
        secret = self.senders.get(sender)
        if secret is None:
            raise ProtocolRefusal(401, {"error": "unauthorized", "message": "unknown sender"})
        try:
            sent_at = dt.datetime.fromisoformat(timestamp)
        except ValueError:
            raise ProtocolRefusal(
                401, {"error": "unauthorized", "message": "X-Timestamp is not ISO-8601"}
            ) from None
        if sent_at.tzinfo is None:
            raise ProtocolRefusal(
                401, {"error": "unauthorized", "message": "X-Timestamp has no UTC offset"}
            )
        skew = abs((self.now() - sent_at).total_seconds())
        if skew > protocol.MAX_CLOCK_SKEW_SECONDS:
            raise ProtocolRefusal(
                401,
                {"error": "unauthorized", "message": f"X-Timestamp is {skew:.0f} s from our clock"},
            )
        if not protocol.signature_matches(secret, timestamp, body, signature):
            raise ProtocolRefusal(401, {"error": "unauthorized", "message": "bad signature"})
        return sender

    def receive_batch(self, headers: Mapping[str, str], body: bytes) -> Reply:
        """POST /exchange/v1/batches, without the transport (faults are the handler's)."""
        try:
            if len(body) > protocol.MAX_BODY_BYTES:
                raise ProtocolRefusal(
                    413, {"error": "too_large", "message": f"body of {len(body)} bytes"}
                )
            sender = self.authenticate(headers, body)
            batch = _parse_batch(body)
            with self._lock:
                return self._receive(sender, batch, body)
        except ProtocolRefusal as refusal:
            return Reply(refusal.status, refusal.payload)

    def _receive(self, sender: str, batch: dict[str, Any], body: bytes) -> Reply:
        batch_id = batch["batch_id"]
        digest = protocol.body_sha256(body)
        if (stored := self._batches.get(batch_id)) is not None:
            if stored["sender"] == sender and stored["body_sha256"] == digest:
                return Reply(200, stored["answer"])
            return Reply(409, {"error": "batch_id_reused", "batch_id": batch_id})
        if len(batch["records"]) > protocol.MAX_RECORDS:
            raise ProtocolRefusal(
                413, {"error": "too_large", "message": f"{len(batch['records'])} records"}
            )
        entity = batch["entity"]
        counter = f"{sender}/{entity}"
        expected = self._sequences.get(counter, 0) + 1
        if batch["sequence"] != expected:
            return Reply(409, {"error": "sequence", "expected": expected})
        accepted, rejected = 0, []
        window_open = self.window.is_open(self.now().date())
        for index, record in enumerate(batch["records"]):
            refusal = self._apply(entity, record, window_open)
            if refusal is None:
                accepted += 1
            else:
                code, message = refusal
                rejected.append(
                    {"index": index, "key": record["key"], "code": code, "message": message}
                )
        self._sequences[counter] = expected
        answer = {
            "batch_id": batch_id,
            "receipt_id": f"R{uuid.uuid4().hex[:16]}",
            "accepted": accepted,
            "rejected": rejected,
        }
        self._batches[batch_id] = stored = {
            "sender": sender,
            "entity": entity,
            "sequence": expected,
            "body_sha256": digest,
            "answer": answer,
        }
        if self._store is not None:
            store = self._records[entity]
            changed = {
                r["key"]: store[r["key"]]
                for r in batch["records"]
                if r["key"] in store and store[r["key"]]["version"] == r["version"]
            }
            self._store.append({"batch_id": batch_id, "batch": stored, "records": changed})
        return Reply(202, answer)

    def _apply(
        self, entity: str, record: dict[str, Any], window_open: bool
    ) -> tuple[str, str] | None:
        key, op, version = record["key"], record["op"], record["version"]
        if problem := key_problem(entity, key):
            return "invalid_data", problem
        store = self._records[entity]
        current = store.get(key)
        if entity == "household":
            if not window_open and (op == "delete" or current is None):
                what = "household delete" if op == "delete" else "new household"
                return "window_closed", f"{what}: the registration window is closed"
        else:
            household = self._records["household"].get(protocol.household_of(entity, key))
            if household is None or household["deleted"]:
                return "unknown_household", "the household is not known: send it first"
        if op == "upsert" and (
            problems := data_problems(entity, key, record.get("data"), self.rules[entity])
        ):
            return "invalid_data", "; ".join(problems)
        if current is not None and current["version"] >= version:
            return None  # not higher: ignored, harmlessly
        if op == "upsert":
            store[key] = {"version": version, "data": record["data"], "deleted": False}
        else:
            store[key] = {"version": version, "data": None, "deleted": True}
        return None

    def get_batch(self, batch_id: str) -> Reply:
        with self._lock:
            stored = self._batches.get(batch_id)
            if stored is None:
                return Reply(404, {"error": "not_found", "batch_id": batch_id})
            return Reply(200, stored["answer"])

    def get_windows(self) -> Reply:
        with self._lock:
            return Reply(200, {"household_registration": self.window.describe(self.now().date())})

    def get_state(self, entity: str, prefix: str | None) -> Reply:
        if entity not in protocol.ENTITIES:
            return Reply(404, {"error": "not_found", "entity": entity})
        return Reply(200, self.state(entity, prefix))


def _parse_batch(body: bytes) -> dict[str, Any]:
    def malformed(message: str) -> ProtocolRefusal:
        return ProtocolRefusal(400, {"error": "malformed", "message": message})

    try:
        batch = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise malformed(f"body is not UTF-8 JSON: {error}") from None
    if not isinstance(batch, dict):
        raise malformed("body is not a JSON object")
    batch_id = batch.get("batch_id")
    if not isinstance(batch_id, str) or not batch_id:
        raise malformed("batch_id is missing")
    try:
        uuid.UUID(batch_id)
    except ValueError:
        raise malformed("batch_id is not a UUID") from None
    if batch.get("entity") not in protocol.ENTITIES:
        raise malformed(f"entity must be one of {', '.join(protocol.ENTITIES)}")
    sequence = batch.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise malformed("sequence must be a positive integer")
    created_at = batch.get("created_at")
    try:
        dt.datetime.fromisoformat(created_at)
    except (TypeError, ValueError):
        raise malformed("created_at is not an ISO-8601 timestamp") from None
    records = batch.get("records")
    if not isinstance(records, list) or not records:
        raise malformed("records must be a non-empty list")
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise malformed(f"records[{index}] is not an object")
        if record.get("op") not in ("upsert", "delete"):
            raise malformed(f"records[{index}].op must be upsert or delete")
        if not isinstance(record.get("key"), str) or not record["key"]:
            raise malformed(f"records[{index}].key is missing")
        version = record.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise malformed(f"records[{index}].version must be a positive integer")
    return batch
