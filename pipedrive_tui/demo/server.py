"""The demo Pipedrive on a loopback HTTP port: ``pipedrive-tui demo-server``.

A standard-library :class:`~http.server.ThreadingHTTPServer` bound to 127.0.0.1 only; each
request becomes an ``httpx.Request`` for :meth:`DemoPipedrive.respond` (one lock around the
handler, so the demo's state is never changed by two requests at once). Injected latency is
slept outside the lock; an injected timeout holds the connection, then closes it unanswered.

Try it: ``curl -H 'x-api-token: demo' 'http://127.0.0.1:8765/api/v2/deals?limit=2'``.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TextIO

import httpx

from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.handler import DemoPipedrive

__all__ = ["LOOPBACK", "DemoHTTPServer", "make_server", "run_server_in_thread", "serve"]

#: The only address the demo server listens on.
LOOPBACK = "127.0.0.1"
_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost"})
#: Headers that describe the body httpx already decoded; the server sets its own.
_HOP_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "content-encoding"})


class DemoHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that answers with a :class:`DemoPipedrive`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, demo: DemoPipedrive, *, quiet: bool = True) -> None:
        """Bind 127.0.0.1:``port`` (0 picks a free port)."""
        self.demo = demo
        self.lock = threading.Lock()
        self.quiet = quiet
        super().__init__((LOOPBACK, port), _RequestHandler)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The base URL of the server: ``http://127.0.0.1:<port>``."""
        return f"http://{LOOPBACK}:{self.port}"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


class _RequestHandler(BaseHTTPRequestHandler):
    """Adapts one HTTP exchange to :meth:`DemoPipedrive.respond`."""

    server: DemoHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "PipedriveDemo/1.0"

    def do_GET(self) -> None:
        """Answer a GET."""
        self._exchange()

    def do_POST(self) -> None:
        """Answer a POST."""
        self._exchange()

    def do_PUT(self) -> None:
        """Answer a PUT."""
        self._exchange()

    def do_PATCH(self) -> None:
        """Answer a PATCH."""
        self._exchange()

    def do_DELETE(self) -> None:
        """Answer a DELETE."""
        self._exchange()

    def _exchange(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = [
            (k, v)
            for k, v in self.headers.items()
            if k.lower() != "host" and k.lower() not in _HOP_HEADERS
        ]
        request = httpx.Request(
            self.command, f"http://{LOOPBACK}:{self.server.port}{self.path}", headers=headers,
            content=body,
        )  # fmt: skip
        with self.server.lock:
            answer, delay = self.server.demo.respond(request)
        if delay > 0:
            time.sleep(delay)
        if isinstance(answer, Exception):  # an injected timeout, reset or outage: no answer
            if not isinstance(answer, httpx.TimeoutException):  # reset the socket (RST) at once
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            self.close_connection = True
            return
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in _HOP_HEADERS:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, format: str, *args: object) -> None:
        """Access log lines go to stderr unless the server is quiet."""
        if not self.server.quiet:
            super().log_message(format, *args)


def make_server(
    port: int = 8765,
    *,
    host: str = LOOPBACK,
    seed: int = 7,
    size: int = 1000,
    token: str = "demo",
    account: DemoAccount | None = None,
    faults: FaultPlan | None = None,
    demo: DemoPipedrive | None = None,
    quiet: bool = True,
) -> DemoHTTPServer:
    """A bound (not yet serving) demo server; any host but the loopback one is refused."""
    if host not in _LOOPBACK_NAMES:
        raise ValueError(f"the demo server listens on {LOOPBACK} only, not on {host!r}")
    if demo is None:
        demo = DemoPipedrive(account, seed=seed, size=size, token=token, faults=faults)
    return DemoHTTPServer(port, demo, quiet=quiet)


def serve(
    host: str = LOOPBACK,
    port: int = 8765,
    seed: int = 7,
    size: int = 1000,
    token: str = "demo",
    *,
    faults: FaultPlan | None = None,
    quiet: bool = True,
    out: TextIO | None = None,
    on_ready: Callable[[DemoHTTPServer], None] | None = None,
) -> None:
    """Serve the demo account on ``http://127.0.0.1:<port>`` until interrupted (Ctrl+C).

    One line on stderr (or ``out``) says the URL and the token to send; ``on_ready`` is called
    with the bound server before it starts serving (tests use it to stop the server).
    """
    server = make_server(
        port, host=host, seed=seed, size=size, token=token, faults=faults, quiet=quiet
    )
    stream = out if out is not None else sys.stderr
    print(
        f"Demo Pipedrive at {server.url} (seed {seed}, {size:,} deals): send the header "
        f"'x-api-token: {token}'. Ctrl+C stops it.",
        file=stream,
        flush=True,
    )
    if on_ready is not None:
        on_ready(server)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def run_server_in_thread(
    port: int = 0,
    *,
    seed: int = 7,
    size: int = 1000,
    token: str = "demo",
    account: DemoAccount | None = None,
    faults: FaultPlan | None = None,
    demo: DemoPipedrive | None = None,
) -> tuple[DemoHTTPServer, int]:
    """Start a demo server in a daemon thread; returns it and its port (stop it with ``stop()``)."""
    server = make_server(
        port, seed=seed, size=size, token=token, account=account, faults=faults, demo=demo
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="demo-pipedrive",
        daemon=True,
    )  # fmt: skip
    thread.start()
    return server, server.port
