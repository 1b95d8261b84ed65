"""``pipedrive-tui serve``: the app in a browser through textual-serve, on loopback only.

One test runs the real thing in a subprocess: the page over HTTP, then the websocket a browser
would open, until the demo app's first frame arrives. The others go through ``cli.main`` with a
server that binds its socket but never starts the event loop (``fake_loop``).
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx
import pytest

from pipedrive_tui import cli, locations, web

#: Distinctive enough that finding it anywhere can only mean a leak.
TOKEN = "tok-SERVE-5ecret-71c0ffee"
ESCAPES = re.compile(r"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")


def free_port() -> int:
    """A loopback port nothing listens on (the system's pick, released at once)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def fake_loop(monkeypatch: pytest.MonkeyPatch) -> list[web.BrowserServer]:
    """``BrowserServer.serve`` binds (and releases) its socket and announces, but never serves.

    Returns the servers built, so a test can read the command textual-serve would run.
    """
    built: list[web.BrowserServer] = []

    def serve(self: web.BrowserServer, debug: bool = False) -> None:
        self.bind().close()
        built.append(self)
        if self.on_ready is not None:
            self.on_ready(self)

    monkeypatch.setattr(web.BrowserServer, "serve", serve)
    return built


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """``cli.main(argv)``: the exit status and stderr; nothing on stdout, no token, no traceback."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert out == ""
    assert TOKEN not in err and "Traceback" not in err
    return code, err


# --- the real server ----------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """``python -m pipedrive_tui serve --demo`` on a free port; always stopped with Ctrl+C."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPEDRIVE_")}
    env["PIPEDRIVE_TUI_HOME"] = str(tmp_path / "home")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipedrive_tui", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()


def wait_for_page(proc: subprocess.Popen[str], url: str, seconds: float = 20) -> httpx.Response:
    """GET ``url`` until the server answers; the wait between tries watches the process."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        try:
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        assert proc.stderr is not None
        pytest.fail(f"serve exited with {proc.returncode}: {proc.stderr.read()}")


async def first_frame(ws_url: str, seconds: float = 15) -> str:
    """What a browser tab sees: the text of the app's screen once its title is drawn."""
    text = ""
    received = b""
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url) as ws:
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        try:
            async with asyncio.timeout(seconds):
                while "DEMO account" not in text:
                    message = await ws.receive()
                    assert message.type == aiohttp.WSMsgType.BINARY, message
                    received += message.data
                    text = ESCAPES.sub("", received.decode("utf-8", "replace"))
        except TimeoutError:
            pytest.fail(f"no app frame in {seconds} s; the tab showed {text[-300:]!r}")
    return text


def test_serves_the_app_to_a_browser(server: tuple[subprocess.Popen[str], int]) -> None:
    proc, port = server
    page = wait_for_page(proc, f"http://127.0.0.1:{port}/")
    assert page.status_code == 200
    assert "pipedrive-tui" in page.text and "textual.js" in page.text
    assert f"ws://127.0.0.1:{port}/ws" in page.text
    frame = asyncio.run(first_frame(f"ws://127.0.0.1:{port}/ws"))
    assert "pipedrive-tui — DEMO account" in frame
    proc.send_signal(signal.SIGINT)  # Ctrl+C
    assert proc.wait(timeout=10) == 0
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert err.startswith(
        f"Serving pipedrive-tui at http://127.0.0.1:{port} — open it in a browser; Ctrl+C stops.\n"
    )
    assert "WARNING" not in err and "Traceback" not in err


# --- what the server is told to run -------------------------------------------------------------


def test_token_never_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_loop: list[web.BrowserServer],
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, _err = run(
        capsys, "serve", "--company", "acme", "--read-only", "--theme", "nord", "--port", "0"
    )
    assert code == 0
    (built,) = fake_loop
    assert TOKEN not in built.command
    assert shlex.split(built.command) == [
        sys.executable, "-m", "pipedrive_tui",
        "--company", "acme", "--read-only", "--theme", "nord",
    ]  # fmt: skip


def test_token_from_the_config_file_stays_there(
    capsys: pytest.CaptureFixture[str], fake_loop: list[web.BrowserServer]
) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(f'[pipedrive]\napi_token = "{TOKEN}"\ncompany_domain = "acme"\n')
    code, _err = run(capsys, "--read-only", "serve", "--port", "0")
    assert code == 0
    (built,) = fake_loop
    assert shlex.split(built.command)[1:] == ["-m", "pipedrive_tui", "--read-only"]


def test_demo_options_are_passed_on_and_quoted(
    capsys: pytest.CaptureFixture[str], fake_loop: list[web.BrowserServer]
) -> None:
    theme = "it's; rm -rf ~"
    code, _err = run(
        capsys, "--demo-seed", "3", "serve", "--demo", "--demo-size", "50", "--theme", theme,
        "--port", "0",
    )  # fmt: skip
    assert code == 0
    (built,) = fake_loop
    assert shlex.split(built.command)[3:] == [
        "--demo", "--demo-seed", "3", "--demo-size", "50", "--theme", theme,
    ]  # fmt: skip


def test_only_app_options_reach_the_command() -> None:
    with pytest.raises(ValueError, match="api_token"):
        web.app_command({"demo": True, "api_token": TOKEN})


# --- where it listens ---------------------------------------------------------------------------


def test_loopback_by_default(
    capsys: pytest.CaptureFixture[str], fake_loop: list[web.BrowserServer]
) -> None:
    code, err = run(capsys, "serve", "--demo", "--port", "0")
    assert code == 0
    (built,) = fake_loop
    assert built.host == "127.0.0.1" and built.port > 0
    assert err == (
        f"Serving pipedrive-tui at http://127.0.0.1:{built.port} — open it in a browser; "
        "Ctrl+C stops.\n"
    )


def test_any_other_host_is_warned_about(
    capsys: pytest.CaptureFixture[str], fake_loop: list[web.BrowserServer]
) -> None:
    code, err = run(capsys, "serve", "--demo", "--host", "0.0.0.0", "--port", "0")
    assert code == 0
    (built,) = fake_loop
    port = built.port
    warning, serving = err.split("\nServing ")
    assert warning.startswith("pipedrive-tui serve: WARNING: listening on 0.0.0.0")
    assert f"anyone who can reach port {port} can use your Pipedrive account" in warning
    assert f"ssh -L {port}:127.0.0.1:{port}" in warning
    assert "--public-url" in warning  # other machines could not open the page without it
    assert serving.startswith(f"pipedrive-tui at http://127.0.0.1:{port} ")


def test_public_url_is_what_the_page_points_at(
    capsys: pytest.CaptureFixture[str], fake_loop: list[web.BrowserServer]
) -> None:
    code, err = run(capsys, "serve", "--demo", "--port", "0", "--public-url", "https://crm.lan/")
    assert code == 0
    assert fake_loop[0].public_url == "https://crm.lan"
    assert "Serving pipedrive-tui at https://crm.lan — " in err


@pytest.mark.parametrize(
    ("host", "loopback", "url"),
    [
        ("127.0.0.1", True, "http://127.0.0.1:8000"),
        ("localhost", True, "http://localhost:8000"),
        ("::1", True, "http://[::1]:8000"),
        ("0.0.0.0", False, "http://127.0.0.1:8000"),
        ("::", False, "http://[::1]:8000"),
        ("192.168.1.20", False, "http://192.168.1.20:8000"),
        ("fd00::5", False, "http://[fd00::5]:8000"),
        ("myhost.lan", False, "http://myhost.lan:8000"),
    ],
)
def test_hosts(host: str, loopback: bool, url: str) -> None:
    assert web.is_loopback(host) is loopback
    assert web.default_public_url(host, 8000) == url


# --- errors: one line on stderr, no traceback ---------------------------------------------------


def test_port_in_use(
    capsys: pytest.CaptureFixture[str], fake_loop: list[web.BrowserServer]
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, err = run(capsys, "serve", "--demo", "--port", str(port))
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith(f"pipedrive-tui serve: cannot listen on 127.0.0.1:{port}: ")
    assert "in use" in err
    assert fake_loop == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "70000"], "--port must be 0 to 65535"),
        (["--public-url", "ftp://crm.lan"], "--public-url must be an http:// or https://"),
    ],
)
def test_bad_arguments(
    capsys: pytest.CaptureFixture[str],
    fake_loop: list[web.BrowserServer],
    argv: list[str],
    message: str,
) -> None:
    code, err = run(capsys, "serve", "--demo", *argv)
    assert code == 2
    assert err.startswith(f"pipedrive-tui serve: {message}") and err.count("\n") == 1
    assert fake_loop == []


def test_token_without_an_address_is_refused_before_serving(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_loop: list[web.BrowserServer],
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, err = run(capsys, "serve", "--port", "0")
    assert code == 2
    assert "PIPEDRIVE_COMPANY_DOMAIN" in err and err.count("\n") == 1
    assert fake_loop == []


def test_ctrl_c_before_serving_is_a_clean_exit(capsys: pytest.CaptureFixture[str]) -> None:
    class Interrupted:
        def serve(self, debug: bool = False) -> None:
            raise KeyboardInterrupt

    code = web.serve({"demo": True}, port=0, server_factory=lambda *a, **k: Interrupted())
    assert code == 0
    assert capsys.readouterr().err == ""
