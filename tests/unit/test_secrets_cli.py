"""The token never leaks from the command line, the client's errors or the logs.

A random, distinctive token (and a wrong one) is searched for, whole and in 12-character pieces,
in everything printed by ``pipedrive-tui doctor`` and ``config path`` (in-process, and once in a
subprocess), in every command-line error path, in every log record at DEBUG (httpx and httpcore
included: the doctor talks real HTTP to the demo on a loopback port), and in the ``str``,
``repr`` and tracebacks (plain, and with locals as Textual's crash report prints them) of every
error the client raises for each fault the demo can inject.
"""

from __future__ import annotations

import io
import logging
import os
import secrets
import stat
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rich.console import Console
from rich.traceback import Traceback

from pipedrive_tui import cli, credentials, locations, web
from pipedrive_tui.api import errors
from pipedrive_tui.api.client import PipedriveClient
from pipedrive_tui.api.ratelimit import Limiter
from pipedrive_tui.config import Settings
from pipedrive_tui.data.lookups import Lookups
from pipedrive_tui.data.session import AccountSession
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount, generate
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.demo.server import DemoHTTPServer, run_server_in_thread
from tests.accounts import FakeKeyring

#: A token like no other string: finding it, or any piece of it, anywhere means a leak.
TOKEN = "tok_" + secrets.token_hex(18)
#: A token Pipedrive refuses: it must not leak either.
WRONG = "tok_" + secrets.token_hex(18)
BASE = "https://secret-test.pipedrive.com"


def leaks(text: str) -> list[str]:
    """The pieces of either token in ``text``: each whole, and three 12-character pieces."""
    found = []
    for token in (TOKEN, WRONG):
        for piece in (token, token[4:16], token[16:28], token[-12:]):
            if piece in text:
                found.append(piece)
    return found


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every log record, formatted and raw (message, arguments, exception text)."""
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.name, record.getMessage(), repr(record.args), record.exc_text or ""]
    return "\n".join(parts)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``cli.main(argv)``: the exit status, stdout and stderr; never a token or a traceback."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert not leaks(out + err), f"pipedrive-tui {' '.join(argv)} printed the token"
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture(scope="module")
def account() -> DemoAccount:
    """A small demo company (never changed: handlers copy on write)."""
    return generate(7, 60)


@pytest.fixture
def server(account: DemoAccount) -> Iterator[DemoHTTPServer]:
    """The demo on a free loopback port, answering only to TOKEN."""
    running, _port = run_server_in_thread(port=0, account=account, token=TOKEN, faults=FaultPlan())
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Every logger at DEBUG: httpx, httpcore, pipedrive_tui, the demo."""
    caplog.set_level(logging.DEBUG)


def _store_token(where: str, monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    """Put TOKEN where the app reads it: the environment, the config file, or the keyring."""
    if where == "environment":
        monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
        monkeypatch.setenv("PIPEDRIVE_BASE_URL", base_url)
        return
    if where == "keyring":
        credentials.set_keyring_backend(FakeKeyring())
    saved = credentials.save_account(
        "default", company_domain=None, token=TOKEN, base_url=base_url, use_keyring=True
    )
    assert saved.store == ("keyring" if where == "keyring" else "file")


# --- doctor and config path -----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["environment", "config file", "keyring"])
def test_doctor_and_config_path_print_and_log_no_token(
    where: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    server: DemoHTTPServer,
) -> None:
    _store_token(where, monkeypatch, server.url)
    code, out, err = run(capsys, "doctor")
    assert code == 0, out
    assert "Everything works" in out and err == ""
    assert "its value is never shown" in out
    code, out, err = run(capsys, "config", "path")
    assert code == 0 and str(locations.config_file()) in out
    # The doctor spoke real HTTP: httpx and httpcore logged at DEBUG, and no record holds it.
    names = {record.name for record in caplog.records}
    assert "httpx" in names and any(name.startswith("httpcore") for name in names)
    assert not leaks(log_text(caplog))
    assert [r.path for r in server.demo.requests] == ["/v1/users/me", "/api/v2/pipelines"]
    assert all("api_token" not in r.params for r in server.demo.requests)
    # The doctor writes nothing; the token is in the config file only when it was put there.
    files = [p for p in Path(locations.config_dir()).parent.rglob("*") if p.is_file()]
    holding = [p for p in files if leaks(p.read_text(errors="replace"))]
    assert holding == ([locations.config_file()] if where == "config file" else [])


Fault = Callable[[DemoHTTPServer], object]
DOCTOR_FAULTS: dict[str, tuple[Fault, str]] = {
    "wrong token": (lambda s: None, "the token was refused"),
    "token revoked": (lambda s: s.demo.faults.revoke_token(), "the token was refused"),
    "server error": (lambda s: s.demo.faults.server_error(500), "server error"),
    "gateway page": (lambda s: s.demo.faults.server_error(502, path="/api/v2/"), "server error"),
    "connection dropped": (lambda s: s.demo.faults.timeout(), "cannot reach"),
    "malformed JSON": (lambda s: s.demo.faults.malformed_json(), "not valid JSON"),
    "daily budget": (lambda s: s.demo.faults.daily_budget(), "daily"),
    "block page": (lambda s: s.demo.faults.cloudflare_block(), "blocked (403)"),
}


@pytest.mark.parametrize("fault", list(DOCTOR_FAULTS))
def test_doctor_failures_print_and_log_no_token(
    fault: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    server: DemoHTTPServer,
) -> None:
    inject, words = DOCTOR_FAULTS[fault]
    inject(server)
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", WRONG if fault == "wrong token" else TOKEN)
    code, out, _err = run(capsys, "doctor", "--base-url", server.url)
    assert code == 1, out
    failed = [row for row in out.splitlines() if row.startswith("✗")]
    assert failed and words in " ".join(failed), out
    assert not leaks(log_text(caplog))
    assert server.demo.requests and all("api_token" not in r.params for r in server.demo.requests)


def test_doctor_on_an_unreachable_host_prints_no_token(
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    closed_port: int,
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out, _err = run(capsys, "doctor", "--base-url", f"http://127.0.0.1:{closed_port}")
    assert code == 1 and "cannot reach" in out
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert not leaks(log_text(caplog))


# --- command-line errors ----------------------------------------------------------------------


def _bad_toml(_m: pytest.MonkeyPatch) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[pipedrive]\napi_token = "{TOKEN}"\ndemo = [\n')


def _bad_value(_m: pytest.MonkeyPatch) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[pipedrive]\napi_token = "{TOKEN}"\ndemo_size = "{TOKEN}"\n')


def _env_token(value: str) -> Callable[[pytest.MonkeyPatch], None]:
    return lambda m: m.setenv("PIPEDRIVE_API_TOKEN", value)


CLI_ERRORS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], list[str], str]] = {
    "token, nowhere to send it": (_env_token(TOKEN), [], "PIPEDRIVE_COMPANY_DOMAIN"),
    "token, bad company": (_env_token(TOKEN), ["--company", "not a domain"], "not a company"),
    "token, bad profile name": (_env_token(TOKEN), ["--profile", "bad/name"], "profile"),
    "token not ASCII": (_env_token(TOKEN + "é"), ["--company", "acme"], "ascii"),
    "doctor, config not TOML": (_bad_toml, ["doctor"], "config file"),
    "doctor, bad value": (_bad_value, ["doctor"], "demo_size"),
    "serve, config not TOML": (_bad_toml, ["serve"], "config file"),
    "serve, nowhere to send it": (_env_token(TOKEN), ["serve"], "PIPEDRIVE_COMPANY_DOMAIN"),
}


@pytest.mark.parametrize("case", list(CLI_ERRORS))
def test_command_line_errors_print_no_token(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, argv, words = CLI_ERRORS[case]
    setup(monkeypatch)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert words.lower() in (out + err).lower(), out + err


def test_serve_never_puts_the_token_on_the_app_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[web.BrowserServer] = []

    def fake_serve(self: web.BrowserServer, debug: bool = False) -> None:
        built.append(self)  # never binds nor serves: only the command it would run matters
        if self.on_ready is not None:
            self.on_ready(self)

    monkeypatch.setattr(web.BrowserServer, "serve", fake_serve)
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, _out, err = run(capsys, "serve", "--company", "acme", "--port", "0")
    assert code == 0 and "Serving pipedrive-tui" in err
    assert len(built) == 1 and "--company acme" in built[0].command
    assert not leaks(built[0].command)


def test_doctor_and_config_path_in_a_subprocess(server: DemoHTTPServer, tmp_path: Path) -> None:
    """The real command, as a user runs it: its whole stdout and stderr."""
    home = tmp_path / "elsewhere"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPEDRIVE_")}
    env.update(PIPEDRIVE_TUI_HOME=str(home), PYTHONWARNINGS="always")
    config = home / "config" / "config.toml"
    credentials.save_account(
        "default", company_domain=None, token=TOKEN, base_url=server.url, path=config
    )
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    for argv, words in ((["doctor"], "Everything works"), (["config", "path"], str(config))):
        done = subprocess.run(
            [sys.executable, "-m", "pipedrive_tui", *argv],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert words in done.stdout
        assert not leaks(done.stdout + done.stderr)
        assert "Traceback" not in done.stderr


# --- the client's errors -------------------------------------------------------------------


async def _no_wait(_seconds: float) -> None:
    return None


def _client(
    transport: httpx.AsyncBaseTransport, base: str = BASE, **options: object
) -> PipedriveClient:
    return PipedriveClient(
        base, api_token=TOKEN, transport=transport, sleep=_no_wait, jitter=lambda: 0.0,
        limiter=Limiter(10_000, 2.0), max_retries=0, max_rate_limit_retries=0, **options,
    )  # fmt: skip


def crash_report(error: BaseException) -> str:
    """What Textual prints when an exception ends the app: a Rich traceback with locals."""
    console = Console(file=io.StringIO(), width=200, record=True)
    console.print(
        Traceback.from_exception(
            type(error), error, error.__traceback__, show_locals=True, locals_max_length=5
        )
    )
    return console.export_text()


def assert_error_clean(error: BaseException, *, with_locals: bool = True) -> None:
    """Neither the message, the repr, the attributes nor any traceback of ``error`` holds it.

    ``with_locals``: also the crash report, which prints every frame's variables.
    """
    texts = {
        "str": str(error),
        "repr": repr(error),
        "attributes": repr(vars(error)),
        "traceback": "".join(traceback.format_exception(error)),
    }
    if with_locals:
        texts["crash report"] = crash_report(error)
        assert type(error).__name__ in texts["crash report"]
    for label, text in texts.items():
        assert not leaks(text), f"the {label} of {type(error).__name__} holds the token"
    assert "Traceback" in texts["traceback"]


CLIENT_FAULTS: dict[str, tuple[Callable[[FaultPlan], object], type[errors.PipedriveError]]] = {
    "token revoked": (lambda f: f.revoke_token(), errors.AuthenticationError),
    "server error": (lambda f: f.server_error(500), errors.ServerError),
    "gateway page": (lambda f: f.server_error(503), errors.ServerError),
    "timeout": (lambda f: f.timeout(), errors.PipedriveTimeoutError),
    "malformed JSON": (lambda f: f.malformed_json(), errors.InvalidResponseError),
    "rate limited": (lambda f: f.rate_limit(), errors.RateLimitError),
    "daily budget": (lambda f: f.daily_budget(), errors.DailyBudgetExhaustedError),
    "block page": (lambda f: f.cloudflare_block(), errors.BlockedError),
}


@pytest.mark.parametrize("fault", list(CLIENT_FAULTS))
async def test_client_errors_never_hold_the_token(
    fault: str, account: DemoAccount, caplog: pytest.LogCaptureFixture
) -> None:
    inject, kind = CLIENT_FAULTS[fault]
    demo = DemoPipedrive(account, token=TOKEN, clock=lambda: 0.0)
    inject(demo.faults)
    client = _client(demo.async_transport())
    session = AccountSession(client, Lookups(client), company_domain="secret-test")
    with pytest.raises(kind) as raised:
        await client.get_current_user()
    assert demo.faults.log, "the fault was not met"
    assert_error_clean(raised.value)
    # Nor the objects that hold it: the client, its transport, the session, the settings.
    settings = Settings(api_token=TOKEN, company_domain="secret-test")  # type: ignore[arg-type]
    for thing in (client, client.transport, session, settings, settings.model_dump()):
        assert not leaks(repr(thing)), f"repr of {type(thing).__name__} holds the token"
    assert not leaks(log_text(caplog))
    assert all("api_token" not in r.params for r in demo.requests)
    await session.aclose()


async def test_wrong_token_and_read_only_errors_never_hold_it(account: DemoAccount) -> None:
    demo = DemoPipedrive(account, token="the-right-one", clock=lambda: 0.0)
    client = _client(demo.async_transport())
    with pytest.raises(errors.AuthenticationError) as refused:
        await client.get_current_user()
    assert_error_clean(refused.value)
    read_only = _client(demo.async_transport(), read_only=True)
    with pytest.raises(errors.ReadOnlyError) as refused_write:
        await read_only.update_deal(1, title="x")
    assert_error_clean(refused_write.value)
    assert [r.status for r in demo.requests] == [401]  # the write was never sent
    await client.aclose()
    await read_only.aclose()


@pytest.mark.parametrize("fault", ["closed port", "connection dropped", "token revoked"])
async def test_errors_over_real_http_never_hold_the_token(
    fault: str, server: DemoHTTPServer, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Through httpx and httpcore on a loopback socket: the crash report's locals included."""
    base = f"http://127.0.0.1:{closed_port}" if fault == "closed port" else server.url
    if fault == "connection dropped":
        server.demo.faults.timeout()
    elif fault == "token revoked":
        server.demo.faults.revoke_token()
    client = _client(httpx.AsyncHTTPTransport(), base)
    kind = (
        errors.AuthenticationError if fault == "token revoked" else errors.PipedriveConnectionError
    )
    with pytest.raises(kind) as raised:
        await client.get_current_user()
    assert_error_clean(raised.value)
    assert raised.value.__cause__ is not None or kind is errors.AuthenticationError
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert not leaks(log_text(caplog))
    await client.aclose()


def test_a_failed_save_says_where_not_what(tmp_path: Path) -> None:
    """A config file that cannot be written: the error names the file, never the token.

    (Its frames' variables do hold the token, the argument being saved: the app catches every
    error of a save, so none can end it with a crash report.)
    """
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(credentials.CredentialsError) as failed:
        credentials.save_account(
            "default", company_domain="acme", token=TOKEN, path=blocker / "config.toml"
        )
    assert_error_clean(failed.value, with_locals=False)
    assert str(blocker) in str(failed.value)
