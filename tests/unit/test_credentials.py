"""Where tokens are kept: keyring present or absent, the 0600 file, profiles, sign out."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from pipedrive_tui import credentials, locations
from pipedrive_tui.config import ConfigError, load_settings, load_settings_lenient
from tests.accounts import FakeKeyring

TOKEN = "0123456789abcdef0123456789abcdef01234567"


def _data(path: Path | None = None) -> dict:  # type: ignore[type-arg]
    return tomllib.loads((path or locations.config_file()).read_text())


def test_keyring_holds_the_token_and_the_file_only_says_so() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    saved = credentials.save_account("default", company_domain="acme", token=TOKEN)
    assert saved.store == "keyring" and saved.where == "the system keyring (fake keyring)"
    assert keyring.passwords == {("pipedrive-tui", "default"): TOKEN}
    assert _data()["profiles"]["default"] == {"company_domain": "acme", "token_store": "keyring"}
    assert TOKEN not in locations.config_file().read_text()
    settings = load_settings(env={})
    assert settings.secret() == TOKEN and settings.company_domain == "acme"


def test_no_keyring_means_a_0600_file_with_the_token() -> None:
    saved = credentials.save_account("default", company_domain="acme", token=TOKEN)
    assert saved.store == "file" and saved.where == str(locations.config_file())
    assert _data()["profiles"]["default"]["api_token"] == TOKEN
    assert stat.S_IMODE(locations.config_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(locations.config_dir().stat().st_mode) == 0o700
    assert load_settings(env={}).secret() == TOKEN


def test_use_keyring_false_keeps_the_token_out_of_the_keyring() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    saved = credentials.save_account("p", company_domain="acme", token=TOKEN, use_keyring=False)
    assert saved.store == "file" and keyring.passwords == {}


def test_a_loose_existing_file_is_tightened_and_its_comments_kept() -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(
        '# my notes\n[pipedrive]\nread_only = true # careful\n\n[keymap]\n"app.quit" = "ctrl+q"\n'
    )
    path.chmod(0o644)
    credentials.save_account("work", company_domain="acme", token=TOKEN)
    text = path.read_text()
    assert "# my notes" in text and "# careful" in text
    data = _data()
    assert data["pipedrive"]["read_only"] is True and data["keymap"] == {"app.quit": "ctrl+q"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_saving_again_replaces_the_old_token_and_domain() -> None:
    credentials.save_account("default", company_domain="old", token="1" * 40)
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    credentials.save_account("default", company_domain="new", token=TOKEN)
    table = _data()["profiles"]["default"]
    assert table == {"company_domain": "new", "token_store": "keyring"}
    assert "1" * 40 not in locations.config_file().read_text()


def test_a_broken_config_file_is_not_overwritten() -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text("[pipedrive\n")
    with pytest.raises(credentials.CredentialsError, match="not valid TOML"):
        credentials.save_account("default", company_domain="acme", token=TOKEN)
    assert path.read_text() == "[pipedrive\n"


def test_forget_token_removes_it_everywhere_but_keeps_the_domain() -> None:
    keyring = FakeKeyring()
    credentials.set_keyring_backend(keyring)
    credentials.save_account("work", company_domain="acme", token=TOKEN)
    credentials.save_account("side", company_domain="side", token="f" * 40, use_keyring=False)
    assert credentials.forget_token("work") == ["the system keyring"]
    assert keyring.passwords == {}
    assert credentials.forget_token("side") == [str(locations.config_file())]
    data = _data()
    assert data["profiles"] == {
        "work": {"company_domain": "acme"},
        "side": {"company_domain": "side"},
    }
    assert credentials.forget_token("side") == []


def test_forget_token_also_clears_a_hand_written_default_token() -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(f'[pipedrive]\napi_token = "{TOKEN}"\ncompany_domain = "acme"\n')
    assert credentials.forget_token("default") == [str(path)]
    assert _data() == {"pipedrive": {"company_domain": "acme"}}
    assert load_settings(env={}).use_demo


def test_stored_profiles_lists_tables_and_a_hand_written_default() -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(
        f'[pipedrive]\napi_token = "{TOKEN}"\ncompany_domain = "acme"\n'
        '[profiles.side]\ncompany_domain = "side"\ntoken_store = "keyring"\n'
        "[profiles.empty]\n"
    )
    infos = credentials.stored_profiles()
    assert [(i.name, i.company_domain, i.has_token) for i in infos] == [
        ("default", "acme", True),
        ("side", "side", True),
        ("empty", None, False),
    ]


def test_profile_choice_cli_then_environment_then_default_profile() -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text(
        '[pipedrive]\ndefault_profile = "b"\nread_only = true\n'
        '[profiles.a]\ncompany_domain = "aco"\napi_token = "a-token-123"\n'
        '[profiles.b]\ncompany_domain = "bco"\napi_token = "b-token-123"\nread_only = false\n'
    )
    assert load_settings(env={}).company_domain == "bco"
    assert load_settings(env={}).read_only is False  # the profile's own value wins
    assert load_settings(env={"PIPEDRIVE_PROFILE": "a"}).company_domain == "aco"
    assert load_settings(env={"PIPEDRIVE_PROFILE": "a"}).read_only is True
    chosen = load_settings({"profile": "b"}, env={"PIPEDRIVE_PROFILE": "a"})
    assert chosen.company_domain == "bco" and chosen.profile == "b"
    assert chosen.secret() == "b-token-123"


def test_a_bad_profile_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="profile"):
        load_settings({"profile": "../etc"}, env={})


def test_an_unreachable_keyring_is_an_error_at_the_command_line_and_a_notice_in_the_app() -> None:
    credentials.save_account("default", company_domain="acme", token=TOKEN, use_keyring=False)
    path = locations.config_file()
    path.write_text('[profiles.default]\ncompany_domain = "acme"\ntoken_store = "keyring"\n')
    with pytest.raises(ConfigError, match="system keyring, which cannot be read"):
        load_settings(env={})
    settings, warnings = load_settings_lenient(env={})
    assert settings.use_demo and settings.token_store is None
    assert any("cannot be read" in w for w in warnings)
    # The environment's token wins: the keyring is not even asked.
    assert load_settings(env={"PIPEDRIVE_API_TOKEN": "env-token-1"}).secret() == "env-token-1"


def test_a_keyring_that_lost_the_token_says_so() -> None:
    credentials.set_keyring_backend(FakeKeyring())
    path = locations.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('[profiles.default]\ncompany_domain = "acme"\ntoken_store = "keyring"\n')
    with pytest.raises(ConfigError, match="holds no token"):
        load_settings(env={})


def test_the_real_keyring_package_is_used_when_no_backend_is_forced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backends import fail

    credentials.set_keyring_backend()
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(credentials.KeyringUnavailable):
        credentials.keyring_token("default")
    saved = credentials.save_account("default", company_domain="acme", token=TOKEN)
    assert saved.store == "file"
