"""The command line: errors on stderr with a non-zero exit, the demo default, the demo server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipedrive_tui import cli
from pipedrive_tui.config import Settings


def test_no_token_builds_the_demo_session() -> None:
    session = cli.build_session(Settings())
    assert session.is_demo
    assert session.client.base_url == cli.DEMO_BASE_URL


def test_demo_seed_and_size_choose_the_account(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, int] = {}

    import pipedrive_tui.demo.handler as handler

    real = handler.DemoPipedrive

    def spy(*args: object, **kwargs: int) -> object:
        seen.update(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(handler, "DemoPipedrive", spy)
    args = cli.build_parser().parse_args(["--demo", "--demo-seed", "3", "--demo-size", "50"])
    cli.build_session(cli._settings_from_args(args))
    assert seen["seed"] == 3 and seen["size"] == 50


def test_token_without_domain_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "abc123secret")
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "PIPEDRIVE_COMPANY_DOMAIN" in err
    assert "abc123secret" not in err
    assert "Traceback" not in err


def test_real_account_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "abc123secret")
    session = cli.build_session(
        cli._settings_from_args(cli.build_parser().parse_args(["--company", "acme", "--read-only"]))
    )
    assert not session.is_demo and session.read_only
    assert session.client.base_url == "https://acme.pipedrive.com"
    assert session.web_url("deal", 5) == "https://acme.pipedrive.com/deal/5"


def test_base_url_overrides_company(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "t")
    monkeypatch.setenv("PIPEDRIVE_BASE_URL", "http://127.0.0.1:9/proxy")
    session = cli.build_session(cli._settings_from_args(cli.build_parser().parse_args([])))
    assert session.client.base_url == "http://127.0.0.1:9/proxy"


def test_a_bad_config_file_starts_the_app_with_defaults_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipedrive_tui import locations
    from pipedrive_tui.app import PipedriveApp

    locations.config_file().parent.mkdir(parents=True)
    locations.config_file().write_text("demo_size = 'lots'\n")
    started: list[PipedriveApp] = []
    monkeypatch.setattr(PipedriveApp, "run", lambda self, **_: started.append(self))
    assert cli.main([]) == 0
    (app,) = started
    assert app.settings.demo_size == 1000  # the default, not the file's value
    assert len(app.warnings) == 1 and "demo_size" in app.warnings[0]
    assert "(line 1)" in app.warnings[0]
    assert capsys.readouterr().err == ""


def test_a_bad_value_on_the_command_line_still_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--demo-size", "-5"]) == 2
    assert "demo_size" in capsys.readouterr().err


def test_demo_server_over_http(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipedrive_tui", "demo-server", "--port", "0", "--size", "40"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, line
        base = match.group(0)
        request = urllib.request.Request(
            f"{base}/api/v2/deals?limit=2", headers={"x-api-token": "demo"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.load(response)
            assert response.headers["x-ratelimit-limit"]
        assert body["success"] is True and len(body["data"]) == 2
        assert body["additional_data"]["next_cursor"]
        for headers in ({}, {"x-api-token": "wrong"}):
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(
                    urllib.request.Request(f"{base}/api/v2/deals", headers=headers), timeout=10
                )
            assert caught.value.code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
