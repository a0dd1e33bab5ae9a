"""A faithful simulator of the national system (national-exchange.md), as a real HTTP server.

It speaks exactly the protocol of the spec: signed batches, the 300 s clock skew, 413 limits,
per-sender-per-entity sequences, batch_id replay, per-key highest version, record validation,
the household registration window, ``unknown_household``, ``GET /batches/{id}``,
``GET /windows`` and ``GET /state/{entity}`` with its checksum. On top it can misbehave on
purpose, following a deterministic :class:`FaultPlan`: 429 / 503 with ``Retry-After``, a
connection dropped *after* the batch was applied, and a slow answer (the client times out).

In-process use (tests)::

    with NationalSimulator(secret="s3cret", sender_id="520000") as sim:
        push(dsn, NationalConfig(base_url=sim.base_url, sender_id="520000", secret="s3cret"))
        assert sim.state("household")["count"] == 3

As a process (demo)::

    python -m simulation.national --port 8765 --sender-id 520000 \\
        --secret-env NATIONAL_SECRET --state-file var/national.json --window closed

Choices where the spec is silent (documented in docs/national-exchange.md):
- GET requests are signed like POSTs (over an empty body); unsigned requests are refused (401).
- A record that is not an object, or has no ``op`` / ``key`` / positive integer ``version`` makes
  the whole body malformed (400). Bad *content* is a per-record rejection (``invalid_data``).
- An operation whose version is not higher than the stored one is ignored and counted as
  accepted (it is not an error: it is how a replayed or late record is made harmless).
- "Never accepted" is literal: re-upserting a deleted household is an update, not a new one.
  A member / monitoring / assistance operation is ``unknown_household`` when the household is
  absent or deleted.
- Timestamps must carry a UTC offset.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from fupin.exchange import protocol
from fupin.ids import id_number_problem

log = logging.getLogger(__name__)

NATIONAL_TZ = dt.timezone(dt.timedelta(hours=8))
# A Content-Length above this is refused without reading the body (a safety net, not the limit).
HARD_READ_LIMIT = 4 * protocol.MAX_BODY_BYTES

# ---------------------------------------------------------------------------------------------
# Record content rules. The national record formats are "the standard household record" etc.;
# these are the fields the simulator checks, by the warehouse's English names (glossary.md).
# A field in `codes` is checked when present; `required` fields must be present and non-empty.
ATTRIBUTES = {"一般贫困户", "低保贫困户", "特困供养贫困户"}
CAUSES = {
    "因病", "因残", "因学", "因灾", "因婚", "缺土地", "缺水", "缺技术", "缺劳力", "缺资金",
    "交通条件落后", "自身发展动力不足",
}  # fmt: skip
POVERTY_STATUSES = {"未脱贫", "已脱贫", "返贫"}
RELATIONS = {"户主", "配偶", "子", "女", "父母", "孙子女", "兄弟姐妹", "其他"}
SEXES = {"1", "2", "男", "女"}
EDUCATION = {"文盲或半文盲", "小学", "初中", "高中", "中专", "大专及以上"}
SCHOOLING = {"非在校生", "学前教育", "小学", "初中", "高中", "中职", "高职", "大专", "本科及以上"}
HEALTH = {"健康", "长期慢性病", "患有大病", "残疾"}
LABOUR_SKILLS = {"普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"}
OBJECT_TYPES = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}
RISK_CODES = {f"M0{i}" for i in range(1, 8)}
MONITORING_HOUSEHOLD = "监测户"  # household_kind of a new household found by monitoring
REGISTRY_ONLY = ("attribute", "poverty_status")


@dataclass(frozen=True)
class RecordRules:
    required: tuple[str, ...] = ()
    codes: Mapping[str, set[str]] = field(default_factory=dict)
    # fields holding a list of codes, each of which must be in the set
    code_lists: Mapping[str, set[str]] = field(default_factory=dict)
    id_numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


DEFAULT_RULES: dict[str, RecordRules] = {
    "household": RecordRules(
        required=("village_code", "attribute", "poverty_status"),
        codes={"attribute": ATTRIBUTES, "main_cause": CAUSES, "poverty_status": POVERTY_STATUSES},
        code_lists={"other_causes": CAUSES},
    ),
    "member": RecordRules(
        required=("name", "relation"),
        codes={
            "relation": RELATIONS,
            "sex": SEXES,
            "education": EDUCATION,
            "schooling": SCHOOLING,
            "health": HEALTH,
            "labour_skill": LABOUR_SKILLS,
        },
        id_numbers=("id_number",),
    ),
    "monitoring": RecordRules(
        required=("object_type", "first_seen"),
        codes={"object_type": OBJECT_TYPES},
        code_lists={"risk_codes": RISK_CODES},
        dates=("first_seen", "removed_on"),
    ),
    "assistance": RecordRules(
        required=("cadre_name",),
        id_numbers=("cadre_id_number",),
        dates=("start_date", "end_date"),
    ),
}

HOUSEHOLD_ID = re.compile(r"^\d{20}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return f"{value!r} is not a date YYYY-MM-DD"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a real date"
    return None


def key_problem(entity: str, key: str) -> str | None:
    """Why a key is not well formed for its entity (protocol.py: key encoding), or None."""
    parts = key.split(protocol.KEY_SEPARATOR)
    expected = {"household": 1, "monitoring": 1, "member": 2, "assistance": 3}[entity]
    if len(parts) != expected:
        return f"{entity} key must have {expected} part(s) separated by '|', got {len(parts)}"
    if not HOUSEHOLD_ID.match(parts[0]):
        return f"户编号 {parts[0]!r} is not 20 digits"
    if entity in ("member", "assistance") and (problem := id_number_problem(parts[1])):
        return f"证件号码 in key: {problem}"
    if entity in ("member", "assistance") and parts[1] != parts[1].strip().upper():
        return "证件号码 in key is not normalised"
    if entity == "assistance" and (problem := _date_problem(parts[2])):
        return f"开始日期 in key: {problem}"
    return None


def data_problems(entity: str, key: str, data: Any, rules: RecordRules) -> list[str]:
    if not isinstance(data, dict):
        return ["data is missing or not an object"]
    required = rules.required
    if entity == "household" and data.get("household_kind") == MONITORING_HOUSEHOLD:
        # A monitoring object that was not a registered household (policy.md §2) is a new
        # household without a registry attribute or 脱贫标志.
        required = tuple(name for name in required if name not in REGISTRY_ONLY)
    problems = [f"required field {name} is missing" for name in required if not data.get(name)]
    for name, allowed in rules.codes.items():
        value = data.get(name)
        if value not in (None, "") and str(value) not in allowed:
            problems.append(f"{name}: unknown code {value!r}")
    for name, allowed in rules.code_lists.items():
        values = data.get(name)
        if values in (None, ""):
            continue
        if not isinstance(values, list):
            problems.append(f"{name}: must be a list of codes")
            continue
        problems += [f"{name}: unknown code {v!r}" for v in values if str(v) not in allowed]
    for name in rules.id_numbers:
        value = data.get(name)
        if value not in (None, "") and (problem := id_number_problem(value)):
            problems.append(f"{name}: {problem}")
    for name in rules.dates:
        value = data.get(name)
        if value not in (None, "") and (problem := _date_problem(value)):
            problems.append(f"{name}: {problem}")
    parts = key.split(protocol.KEY_SEPARATOR)
    if entity == "household" and data.get("village_code") not in (None, "", parts[0][:12]):
        problems.append("village_code is not the first 12 digits of the 户编号")
    for name in ("household_id",):
        if data.get(name) not in (None, "", parts[0]):
            problems.append(f"{name} differs from the key")
    if entity == "member" and data.get("id_number") not in (None, "", parts[1]):
        problems.append("id_number differs from the key")
    return problems


# ---------------------------------------------------------------------------------------------
@dataclass
class Window:
    """The yearly household registration window. ``open`` None: decided by the dates."""

    open: bool | None = True
    opens: dt.date = dt.date(2027, 3, 1)
    closes: dt.date = dt.date(2027, 3, 31)

    def is_open(self, today: dt.date) -> bool:
        if self.open is not None:
            return self.open
        return self.opens <= today <= self.closes

    def describe(self, today: dt.date) -> dict[str, Any]:
        return {
            "open": self.is_open(today),
            "next_opens": self.opens.isoformat(),
            "closes": self.closes.isoformat(),
        }


FAULT_KINDS = ("429", "503", "drop", "slow")


class FaultPlan:
    """Which POST /batches requests misbehave, deterministically.

    ``faults`` is consumed first, one entry per request (None = behave); then each request
    draws from ``random.Random(seed)`` with probability ``rate`` one of ``kinds``.
    - ``429`` / ``503``: answered at once with ``Retry-After: retry_after``; nothing applied.
    - ``drop``: the batch is applied, then the connection is closed without an answer.
    - ``slow``: the answer waits ``slow_seconds`` before the batch is processed (the client
      times out; the batch is applied later unless a retry got there first).
    """

    def __init__(
        self,
        faults: Sequence[str | None] = (),
        *,
        rate: float = 0.0,
        seed: int = 0,
        kinds: Sequence[str] = FAULT_KINDS,
        retry_after: int = 1,
        slow_seconds: float = 2.0,
    ) -> None:
        for kind in [*faults, *kinds]:
            if kind is not None and kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULT_KINDS)}")
        self._explicit = list(faults)
        self._random = random.Random(seed)
        self.rate = rate
        self.kinds = tuple(kinds)
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.injected: list[str] = []
        self._lock = threading.Lock()

    def next(self) -> str | None:
        with self._lock:
            if self._explicit:
                fault = self._explicit.pop(0)
            elif self.rate > 0 and self._random.random() < self.rate:
                fault = self._random.choice(self.kinds)
            else:
                fault = None
            if fault:
                self.injected.append(fault)
            return fault


# ---------------------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    payload: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection instead of answering


class ProtocolRefusal(Exception):
    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(payload)
        self.status = status
        self.payload = payload


class NationalSimulator:
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
    ) -> None:
        self.senders = {sender_id: secret}
        self.host = host
        self.port = port
        self.now = now or (lambda: dt.datetime.now(NATIONAL_TZ))
        self.window = window or Window()
        self.faults = faults or FaultPlan()
        self.rules = dict(rules or DEFAULT_RULES)
        self.state_file = Path(state_file) if state_file else None
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
        if self.state_file and self.state_file.exists():
            self._load()

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> NationalSimulator:
        handler = type("BoundHandler", (_Handler,), {"simulator": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        log.info("national simulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> NationalSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

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
        if self.state_file is None:
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.state_file.with_name(self.state_file.name + ".tmp")
        temporary.write_text(json.dumps(self._snapshot(), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.state_file)

    def _load(self) -> None:
        assert self.state_file is not None
        data = json.loads(self.state_file.read_text(encoding="utf-8"))
        self._records = {e: {} for e in protocol.ENTITIES} | data.get("records", {})
        self._sequences = data.get("sequences", {})
        self._batches = data.get("batches", {})
        if window := data.get("window"):
            self.window = Window(
                open=window["open"],
                opens=dt.date.fromisoformat(window["opens"]),
                closes=dt.date.fromisoformat(window["closes"]),
            )

    @classmethod
    def read_state_file(cls, path: str | os.PathLike[str]) -> dict[str, Any]:
        """The persisted state of a simulator run in another process (records, sequences…)."""
        return json.loads(Path(path).read_text(encoding="utf-8"))

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
        self._batches[batch_id] = {
            "sender": sender,
            "entity": entity,
            "sequence": expected,
            "body_sha256": digest,
            "answer": answer,
        }
        self._save()
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


class _Handler(BaseHTTPRequestHandler):
    simulator: NationalSimulator  # set on the bound subclass
    protocol_version = "HTTP/1.1"
    server_version = "NationalSimulator/1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delays

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s - %s", self.address_string(), format % args)

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > HARD_READ_LIMIT:
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, reply: Reply) -> None:
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        body = json.dumps(reply.payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. timed out): nothing to do

    def do_POST(self) -> None:  # noqa: N802 (stdlib name)
        sim = self.simulator
        path = urlsplit(self.path).path
        sim.requests.append(("POST", path))
        body = self._read_body()
        if body is None:
            self.close_connection = True
            return self._send(Reply(413, {"error": "too_large", "message": "body too large"}))
        if path != f"{protocol.API}/batches":
            return self._send(Reply(404, {"error": "not_found"}))
        fault = sim.faults.next()
        if fault in ("429", "503"):
            retry_after = str(sim.faults.retry_after)
            error = "rate_limited" if fault == "429" else "unavailable"
            return self._send(Reply(int(fault), {"error": error}, {"Retry-After": retry_after}))
        if fault == "slow":
            time.sleep(sim.faults.slow_seconds)
        reply = sim.receive_batch(self.headers, body)
        if fault == "drop":
            reply.drop = True
        self._send(reply)

    def do_GET(self) -> None:  # noqa: N802 (stdlib name)
        sim = self.simulator
        parts = urlsplit(self.path)
        path = parts.path
        sim.requests.append(("GET", path))
        self._read_body()
        try:
            sim.authenticate(self.headers, b"")
        except ProtocolRefusal as refusal:
            return self._send(Reply(refusal.status, refusal.payload))
        if path == f"{protocol.API}/windows":
            return self._send(sim.get_windows())
        if path.startswith(f"{protocol.API}/batches/"):
            return self._send(sim.get_batch(unquote(path.rsplit("/", 1)[1])))
        if path.startswith(f"{protocol.API}/state/"):
            prefix = parse_qs(parts.query).get("prefix", [None])[0]
            return self._send(sim.get_state(unquote(path.rsplit("/", 1)[1]), prefix))
        self._send(Reply(404, {"error": "not_found"}))


# ---------------------------------------------------------------------------------------------
def _faults_from(text: str | None) -> list[str | None]:
    if not text:
        return []
    return [None if item in ("", "-", "ok") else item for item in text.split(",")]


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simulation.national",
        description="Run the national-system simulator on 127.0.0.1 (national-exchange.md).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="0 = a free port")
    parser.add_argument("--sender-id", default="520000")
    secret = parser.add_mutually_exclusive_group(required=True)
    secret.add_argument("--secret", help="the shared secret (prefer --secret-env)")
    secret.add_argument("--secret-env", help="name of the environment variable holding it")
    parser.add_argument("--state-file", help="persist the national state to this JSON file")
    parser.add_argument("--window", choices=("open", "closed", "dates"), default="open")
    parser.add_argument("--window-opens", type=dt.date.fromisoformat, default=dt.date(2027, 3, 1))
    parser.add_argument("--window-closes", type=dt.date.fromisoformat, default=dt.date(2027, 3, 31))
    parser.add_argument("--faults", help="explicit fault list, e.g. 429,ok,drop,slow")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--slow-seconds", type=float, default=35.0)
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    secret_value = args.secret
    if args.secret_env:
        secret_value = os.environ.get(args.secret_env)
        if not secret_value:
            parser.error(f"environment variable {args.secret_env} is not set")
    window_open = {"open": True, "closed": False, "dates": None}[args.window]
    sim = NationalSimulator(
        secret=secret_value,
        sender_id=args.sender_id,
        host=args.host,
        port=args.port,
        window=Window(open=window_open, opens=args.window_opens, closes=args.window_closes),
        faults=FaultPlan(
            _faults_from(args.faults),
            rate=args.fault_rate,
            seed=args.fault_seed,
            retry_after=args.retry_after,
            slow_seconds=args.slow_seconds,
        ),
        state_file=args.state_file,
    )
    # The window given on the command line wins over the one in the state file.
    sim.window = Window(open=window_open, opens=args.window_opens, closes=args.window_closes)
    sim.start()
    print(f"national simulator at {sim.base_url} (sender {args.sender_id})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
