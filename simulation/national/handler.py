"""The HTTP transport of the simulated national system (faults and latency are injected here)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from fupin.exchange import protocol
from simulation.national.replies import ProtocolRefusal, Reply

if TYPE_CHECKING:
    from simulation.national.simulator import NationalSimulator

log = logging.getLogger(__name__)

# A Content-Length above this is refused without reading the body (a safety net, not the limit).
HARD_READ_LIMIT = 4 * protocol.MAX_BODY_BYTES


class Handler(BaseHTTPRequestHandler):
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
        if sim.latency:
            time.sleep(sim.latency)
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
        if sim.latency:
            time.sleep(sim.latency)
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
