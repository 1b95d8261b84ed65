"""Settings precedence, the demo default, and a config file that holds the token."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from pipedrive_tui import locations
from pipedrive_tui.config import ConfigError, load_settings, write_config


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
