"""``pipedrive-tui doctor`` and ``pipedrive-tui config path``, run through ``cli.main``.

The doctor talks to the in-process demo (``--demo``) or to the demo on a loopback port
(``--base-url``); nothing leaves the machine. Every run checks that the token never shows.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import httpx
import pytest

from pipedrive_tui import cli, locations
from pipedrive_tui.config import Settings
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.generator import DemoAccount
from pipedrive_tui.demo.server import DemoHTTPServer, run_server_in_thread
from pipedrive_tui.doctor import format_size, logs_dir, run_doctor

#: Distinctive enough that finding it anywhere in the output can only mean a leak.
TOKEN = "tok-DOCTOR-5ecret-9f27c1e4"
WRONG = "tok-WRONG-5ecret-0b8a33d2"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """``cli.main(argv)``: the exit status and stdout; no token, no traceback, no stderr."""
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    for secret in (TOKEN, WRONG):
        assert secret not in out + err
    assert "Traceback" not in out + err
    assert err == ""
    return code, out


def line(out: str, label: str) -> str:
    """The one line of the report for ``label``."""
    found = [row for row in out.splitlines() if row[2:].startswith(f"{label}:")]
    assert len(found) == 1, out
    return found[0]


@pytest.fixture
def me(http: httpx.Client) -> dict[str, str]:
    """The demo account's current user, as the demo serves it."""
    data: dict[str, str] = http.get("/v1/users/me").json()["data"]
    return data


@pytest.fixture
def server(account: DemoAccount) -> Iterator[DemoHTTPServer]:
    """The demo on a free loopback port, answering only to TOKEN."""
    running, _port = run_server_in_thread(port=0, account=account, token=TOKEN, faults=FaultPlan())
    yield running
    running.stop()


# --- config path --------------------------------------------------------------------------------


def test_config_path_names_every_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "config", "path")
    assert code == 0
    rows = out.splitlines()
    assert len(rows) == 4
    assert rows[0].startswith("config file:") and str(locations.config_file()) in rows[0]
    assert rows[1].startswith("cache directory:") and str(locations.cache_dir()) in rows[1]
    assert rows[2].startswith("state file:") and str(locations.state_file()) in rows[2]
    assert rows[3].startswith("logs directory:") and str(logs_dir()) in rows[3]
    assert "(not used yet)" in rows[3]
    assert rows[0].endswith("(not created yet)") and rows[1].endswith("(not created yet)")


def test_config_path_sizes_what_exists(capsys: pytest.CaptureFixture[str]) -> None:
    locations.config_file().parent.mkdir(parents=True)
    locations.config_file().write_text("demo = true\n")
    account = locations.cache_dir() / "abc"
    account.mkdir(parents=True)
    (account / "users.json").write_bytes(b"x" * 1500)
    (account / "labels.json").write_bytes(b"x" * 600)
    code, out = run(capsys, "config", "path")
    assert code == 0
    config, cache = out.splitlines()[:2]
    assert config.endswith("(exists, 12 bytes)")
    assert cache.endswith("(2.1 kB in 2 files)")


def test_config_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["config"])
    assert exited.value.code == 2
    assert "path" in capsys.readouterr().err


def test_sizes_read_like_a_file_manager() -> None:
    assert [format_size(n) for n in (0, 1, 999, 1000, 12_345, 4_200_000, 7 * 10**9)] == [
        "0 bytes", "1 byte", "999 bytes", "1.0 kB", "12.3 kB", "4.2 MB", "7.0 GB",
    ]  # fmt: skip


# --- doctor against the in-process demo ---------------------------------------------------------


def test_doctor_demo(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, me: dict[str, str]
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)  # set, but --demo wins: it must not show
    code, out = run(capsys, "doctor", "--demo")
    assert code == 0, out
    assert me["name"] in line(out, "reached") and me["company_name"] in line(out, "reached")
    assert line(out, "API v1").startswith("✓") and line(out, "API v2").startswith("✓")
    assert line(out, "account").startswith("✓ account:") and "demo account" in out
    assert line(out, "token").startswith("!") and "PIPEDRIVE_API_TOKEN" in line(out, "token")
    assert "x-ratelimit-limit" in line(out, "rate limit")
    assert "7 tokens" in line(out, "spent")
    assert "✗" not in out and out.rstrip().endswith("the ! lines are worth a look.")


def test_demo_option_before_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--demo", "--demo-size", "20", "doctor")
    assert code == 0, out
    assert "20 deals" in line(out, "account")
    assert line(out, "token").startswith("✓ token:") and "none set" in out
    assert out.rstrip().endswith("Everything works.")


# --- doctor against the loopback server ---------------------------------------------------------


def test_doctor_over_http(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    server: DemoHTTPServer,
    me: dict[str, str],
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 0, out
    assert server.url in line(out, "account")
    assert "PIPEDRIVE_API_TOKEN in the environment" in line(out, "token")
    assert me["name"] in line(out, "reached") and me["email"] in line(out, "reached")
    assert line(out, "API v1").startswith("✓") and line(out, "API v2").startswith("✓")
    assert "left today" in line(out, "daily tokens")
    assert str(locations.cache_dir()) in line(out, "cache")
    assert [(r.method, r.path) for r in server.demo.requests] == [
        ("GET", "/v1/users/me"),
        ("GET", "/api/v2/pipelines"),
    ]


def test_wrong_token_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: DemoHTTPServer
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", WRONG)
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 1
    assert line(out, "reached").startswith("✗") and "refused" in line(out, "reached")
    assert "API v2" not in out  # nothing more is asked of an account that refuses the token


def test_nothing_listening(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", f"http://127.0.0.1:{closed_port}")
    assert code == 1
    assert f"cannot reach http://127.0.0.1:{closed_port}" in line(out, "reached")
    assert "0 calls" in line(out, "spent")


def test_connection_dropped_without_an_answer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: DemoHTTPServer
) -> None:
    server.demo.faults.timeout()
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 1 and "cannot reach" in line(out, "reached")
    assert len(server.demo.faults.log) == 1  # one attempt: the doctor does not retry


def test_block_page(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: DemoHTTPServer
) -> None:
    server.demo.faults.cloudflare_block()
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 1
    assert line(out, "reached").startswith("✗") and "blocked" in line(out, "reached")
    assert line(out, "rate limit").startswith("✗")


def test_v2_failure_is_reported(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: DemoHTTPServer
) -> None:
    server.demo.faults.server_error(502, path="/api/v2/pipelines")
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 1
    assert line(out, "API v1").startswith("✓") and line(out, "API v2").startswith("✗")


def test_token_in_a_readable_config_file(
    capsys: pytest.CaptureFixture[str], server: DemoHTTPServer
) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(f'[pipedrive]\napi_token = "{TOKEN}"\nbase_url = "{server.url}"\n')
    os.chmod(path, 0o644)
    code, out = run(capsys, "doctor")
    assert code == 0, out
    assert "from the config file" in line(out, "token")
    if os.name == "posix":
        assert line(out, "config file").startswith("!") and "chmod 600" in out


def test_token_never_shows_even_when_pasted_into_the_url(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: DemoHTTPServer
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", f"{server.url}/{TOKEN}")
    assert code == 1  # the demo serves no /<token>/v1/users/me
    assert f"{server.url}/•••" in line(out, "account")


# --- configuration errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [f'api_token = "{TOKEN}"\ndemo_size = "lots"\n', f'api_token = "{TOKEN}"\ndemo = [\n'],
    ids=["invalid value", "not TOML"],
)
def test_malformed_config_file(capsys: pytest.CaptureFixture[str], text: str) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(text)
    code, out = run(capsys, "doctor")
    assert code == 2
    assert line(out, "configuration").startswith("✗") and str(path) in out


def test_token_without_an_address(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor")
    assert code == 2
    assert line(out, "account").startswith("✗") and "PIPEDRIVE_COMPANY_DOMAIN" in out
    code, out = run(capsys, "doctor", "--company", "not a domain")
    assert code == 2 and "not a company domain" in line(out, "account")


async def test_run_doctor_writes_to_the_stream_it_is_given() -> None:
    out = io.StringIO()
    code = await run_doctor(Settings(demo=True, demo_size=20), out=out, env={})
    assert code == 0
    assert "✓ API v2:" in out.getvalue()


def test_doctor_reads_a_profile_whose_token_is_in_the_keyring(
    capsys: pytest.CaptureFixture[str], server: DemoHTTPServer
) -> None:
    from pipedrive_tui import credentials
    from tests.accounts import FakeKeyring

    credentials.set_keyring_backend(FakeKeyring())
    credentials.save_account("work", company_domain=None, token=TOKEN, base_url=server.url)
    code, out = run(capsys, "doctor", "--profile", "work")
    assert code == 0, out
    assert "the system keyring, profile “work”" in line(out, "token")
    assert line(out, "API v1").startswith("✓")
    # The same profile name before the subcommand works too; an unknown one is the demo.
    code, out = run(capsys, "--profile", "work", "doctor")
    assert code == 0 and server.url in line(out, "account")
    code, out = run(capsys, "doctor", "--profile", "bad/name")
    assert code == 2 and "profile" in out


def test_doctor_reports_the_local_store(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, server: DemoHTTPServer
) -> None:
    from pipedrive_tui.data.cache import DiskCache, account_key
    from pipedrive_tui.data.store import RecordStore

    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 0 and "not created yet" in line(out, "local store")
    folder = DiskCache(locations.cache_dir(), account_key(server.url, TOKEN)).folder
    with RecordStore.open(folder) as store:
        store.put("deal", [{"id": n, "title": f"d{n}"} for n in range(3)])
        store.put("lead", [{"id": "a-b", "title": "l"}])
        store.save_list("deals:x", [0, 1, 2], "2026-11-20T09:00:00Z")
    code, out = run(capsys, "doctor", "--base-url", server.url)
    assert code == 0
    assert line(out, "local store").startswith("✓")
    assert "3 deals, 1 leads; 1 list;" in line(out, "local store")
