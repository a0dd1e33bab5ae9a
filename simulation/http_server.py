"""The simulators' HTTP servers (department APIs, national system): served on a daemon thread
of the test or demo process, stopped and joined on exit."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def serve_in_thread(
    host: str, port: int, handler: type[BaseHTTPRequestHandler]
) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """A started server on (host, port; 0 picks a free one) and the thread serving it."""
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread


def shut_down(server: ThreadingHTTPServer | None, thread: threading.Thread | None) -> None:
    """Stop serving, close the socket and join the thread (either may be None: not started)."""
    if server is not None:
        server.shutdown()
        server.server_close()
    if thread is not None:
        thread.join(timeout=5)


class ServedSimulator:
    """``with simulator:`` starts and stops it; ``base_url`` is where it serves. A subclass has
    ``host``, ``port``, ``start()`` (returning itself) and ``stop()``."""

    host: str
    port: int

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"
