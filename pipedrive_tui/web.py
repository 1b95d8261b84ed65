"""``pipedrive-tui serve``: the app in a web browser, through textual-serve.

Every browser tab that opens the page starts its own copy of the app (``python -m pipedrive_tui``
with the options given to ``serve``), which textual-serve drives over a websocket. The token never
appears on that command line, where any user of the machine could read it in the process list:
the app finds it where it always does, in ``PIPEDRIVE_API_TOKEN`` (inherited from this process)
or in the config file.

The server binds its socket before it says anything, so a port that is taken is one line on
stderr and exit status 1, never a banner followed by a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from aiohttp import web
from rich.console import Console
from textual_serve.server import Server

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "BrowserServer",
    "ListenError",
    "app_command",
    "build_server",
    "default_public_url",
    "is_loopback",
    "serve",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
TITLE = "pipedrive-tui"

#: The options ``serve`` passes on to the app, and their flags. Nothing else can reach the
#: command line: an unknown key (``api_token``…) is refused rather than quietly passed on.
_FLAGS = {
    "demo": "--demo",
    "demo_seed": "--demo-seed",
    "demo_size": "--demo-size",
    "company_domain": "--company",
    "base_url": "--base-url",
    "read_only": "--read-only",
    "theme": "--theme",
    "profile": "--profile",
}
#: How long open browser sessions get to finish after Ctrl+C (aiohttp's default is 60 s).
_SHUTDOWN_SECONDS = 3.0

log = logging.getLogger("textual-serve")


class ListenError(Exception):
    """The server cannot listen on its address; the message says why, in one line."""


class Serving(Protocol):
    """What :func:`serve` needs of a server (tests hand it a fake)."""

    def serve(self, debug: bool = False) -> None:
        """Bind, call ``on_ready``, and serve until interrupted."""


def app_command(options: Mapping[str, Any], python: str = sys.executable) -> str:
    """The shell command that starts the app for one browser tab.

    ``options`` are the app's command-line values (``None`` or ``False`` when not given). Each
    value is quoted for the shell, since textual-serve runs the command through one.
    """
    argv = [python, "-m", "pipedrive_tui"]
    for key, value in options.items():
        if key not in _FLAGS:
            raise ValueError(f"serve cannot pass {key!r} to the app")
        if value is None or value is False:
            continue
        argv.append(_FLAGS[key])
        if value is not True:
            argv.append(str(value))
    if sys.platform == "win32":  # pragma: no cover - cmd.exe quoting
        return subprocess.list2cmdline(argv)
    return shlex.join(argv)


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``: ``localhost``, ``127.x.x.x`` or ``::1``."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_public_url(host: str, port: int) -> str:
    """Where a browser on this machine finds the server (the page connects back to it).

    A wildcard address is not one a browser can open, so ``0.0.0.0`` becomes ``127.0.0.1`` and
    ``::`` becomes ``[::1]``; other IPv6 addresses get their brackets.
    """
    bare = host.strip("[]")
    if bare in ("", "0.0.0.0"):
        bare = "127.0.0.1"
    elif bare == "::":
        bare = "::1"
    shown = f"[{bare}]" if ":" in bare else bare
    return f"http://{shown}:{port}"


def _check_public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--public-url must be an http:// or https:// address, not {url!r}")
    # textual-serve appends "/ws" and "/static/…": a trailing slash would double it.
    return url.rstrip("/")


class BrowserServer(Server):
    """textual-serve's server, quiet, on a socket it binds before announcing itself.

    Differences from :class:`textual_serve.server.Server`: no banner (``on_ready`` says where to
    open it instead), logs on stderr, no access log, port 0 picks a free port, and Ctrl+C
    closes open sessions within a few seconds.
    """

    def __init__(
        self,
        command: str,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        public_url: str | None = None,
        on_ready: Callable[[BrowserServer], None] | None = None,
    ) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title=TITLE,
            public_url=public_url or default_public_url(host, port),
        )
        self.console = Console(stderr=True)
        self.on_ready = on_ready
        self._fixed_public_url = public_url is not None
        #: The task of each open browser session, so that Ctrl+C can end them all at once.
        self._sessions: set[asyncio.Task[Any]] = set()

    def bind(self) -> socket.socket:
        """Listen on ``host:port``, or raise :class:`ListenError`.

        Port 0 becomes the port the system chose, and the public URL follows it.
        """
        try:
            family, _type, _proto, _name, address = socket.getaddrinfo(
                self.host or None, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            sock = socket.create_server(address[:2], family=family)
        except OSError as error:
            raise ListenError(_bind_error(self.host, self.port, error)) from error
        if self.port == 0:
            self.port = sock.getsockname()[1]
            if not self._fixed_public_url:
                self.public_url = default_public_url(self.host, self.port)
        return sock

    async def on_startup(self, app: web.Application) -> None:
        """No banner: :func:`serve` has already said where to open it."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C: end every open session now, each app told to quit, rather than wait for them.

        Cancelling a session's task makes textual-serve send its app the quit message and wait
        for the process to end; without this aiohttp waits, then abandons the running apps.
        """
        sessions = set(self._sessions)
        for task in sessions:
            task.cancel()
        if sessions:
            await asyncio.wait(sessions, timeout=_SHUTDOWN_SECONDS)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: one copy of the app; says who connected."""
        task = asyncio.current_task()
        if task is not None:
            self._sessions.add(task)
        log.info("browser session from %s started", request.remote)
        try:
            return await super().handle_websocket(request)
        finally:
            self._sessions.discard(task)
            log.info("browser session from %s ended", request.remote)

    def serve(self, debug: bool = False) -> None:
        """Bind, call ``on_ready``, then serve until Ctrl+C or SIGTERM."""
        sock = self.bind()
        self.debug = debug
        if self.on_ready is not None:
            self.on_ready(self)
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Windows has no loop signal handlers: Ctrl+C arrives as KeyboardInterrupt there.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            sock=sock,
            loop=loop,
            handle_signals=False,
            access_log=None,
            shutdown_timeout=_SHUTDOWN_SECONDS,
            print=None,
        )


def build_server(
    options: Mapping[str, Any],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    public_url: str | None = None,
    on_ready: Callable[[BrowserServer], None] | None = None,
) -> BrowserServer:
    """A server that runs the app with ``options`` (see :func:`app_command`) for each tab."""
    return BrowserServer(
        app_command(options), host=host, port=port, public_url=public_url, on_ready=on_ready
    )


def _exposure_warning(host: str, port: int, public_url: str | None) -> str:
    lines = [
        f"pipedrive-tui serve: WARNING: listening on {host}, not only on this machine.",
        "  The app acts with your Pipedrive token: anyone who can reach port "
        f"{port} can use your Pipedrive account, and no password is asked.",
        "  Safer: keep the default --host 127.0.0.1 and reach it through an SSH tunnel:",
        f"  ssh -L {port}:127.0.0.1:{port} you@this-machine, then open http://127.0.0.1:{port}",
    ]
    if public_url is None and host.strip("[]") in ("", "0.0.0.0", "::"):
        lines.append(
            "  Other machines also need --public-url http://<this machine's address>:"
            f"{port}: the page connects back to that address."
        )
    return "\n".join(lines)


def _bind_error(host: str, port: int, error: OSError) -> str:
    # Not error.strerror: asyncio and socket.create_server append the address to it.
    reason = os.strerror(error.errno) if error.errno else str(error)
    if isinstance(error, socket.gaierror):
        reason = error.strerror or str(error)
    hint = ""
    if isinstance(error, PermissionError) and 0 < port < 1024:
        hint = " (ports below 1024 need privileges: try --port 8000)"
    elif "in use" in reason:
        hint = " (another program has it: try another --port)"
    elif isinstance(error, socket.gaierror):
        hint = " (no such address)"
    return f"cannot listen on {host}:{port}: {reason}{hint}"


def serve(
    options: Mapping[str, Any],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    public_url: str | None = None,
    err: TextIO | None = None,
    server_factory: Callable[..., Serving] = build_server,
) -> int:
    """Serve the app until Ctrl+C; the exit status (0, 1: cannot listen, 2: bad arguments).

    Everything it says goes to stderr (``err``), once the port is bound: a warning first when
    ``host`` is reachable from other machines, then where to open it. ``server_factory`` takes
    the arguments of :func:`build_server`.
    """
    stream = err if err is not None else sys.stderr
    if not 0 <= port <= 65535:
        print(f"pipedrive-tui serve: --port must be 0 to 65535, not {port}", file=stream)
        return 2
    try:
        public_url = _check_public_url(public_url) if public_url is not None else None
    except ValueError as error:
        print(f"pipedrive-tui serve: {error}", file=stream)
        return 2

    def announce(server: BrowserServer) -> None:
        # Once bound, before serving: the warning names the real port (--port 0 picks one).
        if not is_loopback(host):
            print(_exposure_warning(host, server.port, public_url), file=stream)
        print(
            f"Serving pipedrive-tui at {server.public_url} — open it in a browser; Ctrl+C stops.",
            file=stream,
            flush=True,
        )

    server = server_factory(options, host=host, port=port, public_url=public_url, on_ready=announce)
    try:
        server.serve()
    except KeyboardInterrupt:
        return 0
    except ListenError as error:
        print(f"pipedrive-tui serve: {error}", file=stream)
        return 1
    return 0
