"""Settings precedence, the demo default, and a config file that holds the token."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pipedrive_tui import locations
from pipedrive_tui.config import (
    ConfigError,
    Settings,
    load_settings,
    load_settings_lenient,
    write_config,
)


def test_no_token_means_demo(tmp_path: Path) -> None:
    settings = load_settings(env={}, config_path=tmp_path / "none.toml")
    assert settings.use_demo and not settings.has_credentials


def test_precedence_cli_env_file_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[pipedrive]\napi_token = "from-file"\ncompany_domain = "filecorp"\ntheme = "nord"\n'
    )
    env = {"PIPEDRIVE_API_TOKEN": "from-env", "PIPEDRIVE_READ_ONLY": "1"}
    settings = load_settings({"company_domain": "clicorp"}, env=env, config_path=path)
    assert settings.secret() == "from-env"
    assert settings.company_domain == "clicorp"
    assert settings.theme == "nord"
    assert settings.read_only is True
    assert not settings.use_demo
    assert "from-env" not in repr(settings) and "from-env" not in str(settings.model_dump())


def test_demo_flag_wins_over_token(tmp_path: Path) -> None:
    settings = load_settings(
        {"demo": True}, env={"PIPEDRIVE_API_TOKEN": "x"}, config_path=tmp_path / "c.toml"
    )
    assert settings.use_demo


def test_blank_token_is_no_token(tmp_path: Path) -> None:
    settings = load_settings(env={"PIPEDRIVE_API_TOKEN": "   "}, config_path=tmp_path / "c.toml")
    assert settings.use_demo


def test_broken_config_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[pipedrive\n")
    with pytest.raises(ConfigError, match=r"config\.toml"):
        load_settings(env={}, config_path=path)


def test_invalid_value_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[pipedrive]\ndemo_size = -4\n")
    with pytest.raises(ConfigError, match="demo_size"):
        load_settings(env={}, config_path=path)


def test_config_with_token_is_private(tmp_path: Path) -> None:
    target = write_config(
        {"api_token": 'tok"en\\x', "company_domain": "acme", "read_only": True},
        tmp_path / "cfg" / "config.toml",
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    settings = load_settings(env={}, config_path=target)
    assert settings.secret() == 'tok"en\\x'
    assert settings.read_only is True


def test_paths_follow_the_test_root(tmp_path: Path) -> None:
    assert str(locations.config_file()).startswith(str(tmp_path))
    assert str(locations.cache_dir()).startswith(str(tmp_path))
    assert (locations.styles_dir() / "app.tcss").is_file()


# --- a bad config file does not keep the app from starting ---------------------------------------


def test_lenient_a_file_that_is_not_toml_gives_defaults_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[pipedrive]\ntheme = "nord"\nread_only = yes\n')
    settings, warnings = load_settings_lenient(env={}, config_path=path)
    assert settings == Settings()
    assert len(warnings) == 1
    assert "config.toml" in warnings[0] and "line 3" in warnings[0]
    assert "default settings" in warnings[0]


def test_lenient_unknown_keys_and_bad_values_are_dropped_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[pipedrive]\n"
        'theme = "nord"\n'
        "demo_size = -4\n"
        'colour = "red"\n'
        'start_mode = "nowhere"\n'
        "read_only = true\n"
    )
    settings, warnings = load_settings_lenient(env={}, config_path=path)
    assert settings.theme == "nord" and settings.read_only is True
    assert settings.demo_size == Settings().demo_size
    assert settings.start_mode == Settings().start_mode
    assert len(warnings) == 3
    unknown = next(w for w in warnings if "colour" in w)
    assert "line 4" in unknown and "unknown setting" in unknown
    size = next(w for w in warnings if "demo_size" in w)
    assert "line 3" in size and "default is used" in size
    assert any("start_mode" in w and "line 5" in w for w in warnings)


def test_lenient_still_refuses_a_bad_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="command line or environment"):
        load_settings_lenient({"demo_size": -1}, env={}, config_path=tmp_path / "none.toml")
    settings, warnings = load_settings_lenient(env={}, config_path=tmp_path / "none.toml")
    assert warnings == [] and settings.use_demo


def test_the_app_shows_the_config_warnings(tmp_path: Path) -> None:
    import asyncio

    from tests.ui import demo_app

    app, _ = demo_app()
    app.warnings = ["config.toml (line 3): demo_size: too small. The default is used instead."]

    async def run() -> list[str]:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return [str(n.message) for n in app._notifications]

    assert app.warnings[0] in asyncio.run(run())


def test_every_key_of_the_config_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[pipedrive]\n"
        'default_profile = "work"\n'
        "demo_seed = 9\n"
        "demo_size = 50\n"
        "read_only = true\n"
        'theme = "nord"\n'
        'start_mode = "leads"\n'
        'default_pipeline = "Sales"\n'
        'deals_columns = ["Title", "Lead score"]\n'
        "auto_refresh = 90\n"
        "timeout = 12.5\n"
        "burst_limit = 8\n"
        "use_keyring = false\n"
        "[profiles.work]\n"
        'company_domain = "acme"\n'
        'base_url = "https://proxy.example"\n'
        'api_token = "tok-123456789"\n'
        'token_store = "file"\n'
        "demo = true\n"
        "[keymap]\n"
        '"app.quit" = "ctrl+q"\n'
    )
    settings, warnings = load_settings_lenient(env={}, config_path=path)
    assert warnings == []
    expected = {
        "default_profile": "work", "profile": "work", "demo_seed": 9, "demo_size": 50,
        "read_only": True, "theme": "nord", "start_mode": "leads", "default_pipeline": "Sales",
        "deals_columns": ["Title", "Lead score"], "auto_refresh": 90, "timeout": 12.5,
        "burst_limit": 8, "use_keyring": False, "company_domain": "acme",
        "base_url": "https://proxy.example", "token_store": "file", "demo": True,
        "keymap": {"app.quit": "ctrl+q"},
    }  # fmt: skip
    for key, value in expected.items():
        assert getattr(settings, key) == value, key
    assert settings.secret() == "tok-123456789"
    # Every setting is covered by this test, but for the OAuth token (same path as api_token).
    assert set(Settings.model_fields) - set(expected) == {"api_token", "oauth_token"}


def test_defaults_of_every_key() -> None:
    settings = Settings()
    assert settings.theme is None and settings.start_mode == "pipelines"
    assert settings.default_pipeline is None and settings.deals_columns == []
    assert settings.auto_refresh == 0 and settings.profile == "default"
    assert settings.use_keyring is True and settings.token_store is None
    assert settings.read_only is False and settings.burst_limit == 16 and settings.keymap == {}


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for key in Settings.model_fields:
        documented = f"`{key}`" in readme or (key == "keymap" and "`[keymap]`" in readme)
        assert documented, key
