"""Settings: command line, then environment, then ``config.toml``, then defaults.

The token is a secret (:class:`pydantic.SecretStr`): it is never logged, shown or put in a URL,
and a config file that holds it is written with mode 0600. The app never rewrites the user's
config to save UI state; that goes to the state file (see :mod:`pipedrive_tui.locations`).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from pipedrive_tui import locations

__all__ = [
    "DEFAULT_PROFILE",
    "ConfigError",
    "Settings",
    "chosen_profile",
    "load_settings",
    "load_settings_lenient",
    "profile_names",
    "read_config",
    "write_config",
]

#: Environment variables and the settings they fill.
ENV_VARS = {
    "PIPEDRIVE_API_TOKEN": "api_token",
    "PIPEDRIVE_OAUTH_TOKEN": "oauth_token",
    "PIPEDRIVE_COMPANY_DOMAIN": "company_domain",
    "PIPEDRIVE_BASE_URL": "base_url",
    "PIPEDRIVE_READ_ONLY": "read_only",
    "PIPEDRIVE_TUI_THEME": "theme",
    "PIPEDRIVE_PROFILE": "profile",
}

#: Keys a ``[profiles.NAME]`` table may hold besides any other setting.
PROFILE_KEYS = ("company_domain", "base_url", "api_token", "oauth_token", "token_store")
#: The profile used when none is named.
DEFAULT_PROFILE = "default"
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


class ConfigError(Exception):
    """The settings could not be read; the message says which file or variable and why."""


class Settings(BaseModel):
    """Everything the app needs to know before it starts."""

    model_config = ConfigDict(extra="ignore")

    api_token: SecretStr | None = None
    oauth_token: SecretStr | None = None
    company_domain: str | None = None
    base_url: str | None = None
    demo: bool = False
    demo_seed: int = 7
    demo_size: int = Field(default=1000, ge=0, le=1_000_000)
    read_only: bool = False
    #: A Textual theme name; ``None``: the one last picked in the app (state file), else default.
    theme: str | None = None
    start_mode: Literal["pipelines", "deals", "leads", "mail", "filters", "account"] = "pipelines"
    #: The pipeline the board opens on, by name or id (``None``: the first one).
    default_pipeline: str | None = None
    #: The deals list's columns, by name (built-in or custom field); empty: the built-in set.
    deals_columns: list[str] = Field(default_factory=list)
    #: Seconds between automatic refreshes of the list on screen; 0 turns them off.
    auto_refresh: int = Field(default=0, ge=0, le=86_400)
    timeout: float = 30.0
    burst_limit: int = Field(default=16, ge=1, le=480)
    keymap: dict[str, str] = Field(default_factory=dict)
    #: Which ``[profiles.NAME]`` of the config file (and which keyring entry) holds the account.
    profile: str = DEFAULT_PROFILE
    #: The profile used when ``--profile`` and ``PIPEDRIVE_PROFILE`` do not name one.
    default_profile: str | None = None
    #: Where the connect screen put the token: ``keyring`` (looked up there) or ``file``.
    token_store: Literal["keyring", "file"] | None = None
    #: Whether the connect screen may store the token in the system keyring.
    use_keyring: bool = True

    @field_validator("profile", "default_profile")
    @classmethod
    def _profile_name(cls, value: str | None) -> str | None:
        if value is not None and not _PROFILE_NAME.match(value):
            raise ValueError(
                "a profile name is 1 to 40 letters, digits, '.', '_' or '-', starting with a "
                "letter or digit"
            )
        return value

    @field_validator("api_token", "oauth_token", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @property
    def has_credentials(self) -> bool:
        """Whether an API token or an OAuth access token is configured."""
        return self.api_token is not None or self.oauth_token is not None

    @property
    def use_demo(self) -> bool:
        """The demo account runs when asked for, or when no credentials are configured."""
        return self.demo or not self.has_credentials

    def secret(self) -> str | None:
        """The token's value, for the HTTP header only."""
        token = self.oauth_token or self.api_token
        return token.get_secret_value() if token else None


def read_config(path: Path) -> dict[str, Any]:
    """The config file as TOML data (``{}`` when there is none); :class:`ConfigError` if broken."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Could not read the config file {path}: {error}") from error


def profile_names(data: Mapping[str, Any]) -> list[str]:
    """The ``[profiles.NAME]`` tables of a config file, in file order."""
    profiles = data.get("profiles")
    return (
        [name for name, v in profiles.items() if isinstance(v, dict)]
        if isinstance(profiles, dict)
        else []
    )


def chosen_profile(
    cli: Mapping[str, Any] | None, env: Mapping[str, str], data: Mapping[str, Any]
) -> str:
    """The profile to open: ``--profile``, ``PIPEDRIVE_PROFILE``, ``default_profile``, else
    ``default``."""
    section = data.get("pipedrive")
    from_file = section.get("default_profile") if isinstance(section, dict) else None
    for candidate in ((cli or {}).get("profile"), env.get("PIPEDRIVE_PROFILE"), from_file):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return DEFAULT_PROFILE


def _flatten(data: Mapping[str, Any], profile: str) -> dict[str, Any]:
    """``[pipedrive]`` (and bare top-level keys), then ``[profiles.<profile>]`` over them."""
    merged = {k: v for k, v in data.items() if not isinstance(v, dict)}
    section = data.get("pipedrive", {})
    if isinstance(section, dict):
        merged.update(section)
    profiles = data.get("profiles")
    chosen = profiles.get(profile) if isinstance(profiles, dict) else None
    if isinstance(chosen, dict):
        merged.update({k: v for k, v in chosen.items() if not isinstance(v, dict)})
    if isinstance(data.get("keymap"), dict):
        merged["keymap"] = data["keymap"]
    return merged


def _with_stored_token(settings: Settings) -> Settings:
    """Fill the token from the system keyring when the profile says it is kept there.

    The environment and the command line win: a token already set is kept.
    """
    if settings.has_credentials or settings.token_store != "keyring" or settings.demo:
        return settings
    from pipedrive_tui import credentials

    try:
        token = credentials.keyring_token(settings.profile)
    except credentials.KeyringUnavailable as error:
        raise ConfigError(
            f"The token of profile “{settings.profile}” is in the system keyring, which cannot "
            f"be read now ({error}). Connect again (the app offers it), or set "
            "PIPEDRIVE_API_TOKEN."
        ) from None
    if token is None:
        raise ConfigError(
            f"The system keyring holds no token for profile “{settings.profile}” any more. "
            "Connect again, or set PIPEDRIVE_API_TOKEN."
        )
    return settings.model_copy(update={"api_token": SecretStr(token)})


def _env_values(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, key in ENV_VARS.items():
        if env.get(name):
            value: Any = env[name]
            if key == "read_only":
                value = value.strip().lower() in {"1", "true", "yes", "on"}
            values[key] = value
    return values


def load_settings(
    cli: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Merge the sources, highest first: command line, environment, config file, defaults."""
    path = config_path or locations.config_file()
    environ = os.environ if env is None else env
    data = read_config(path)
    profile = chosen_profile(cli, environ, data)
    values = _flatten(data, profile)
    values.update(_env_values(environ))
    values.update({k: v for k, v in (cli or {}).items() if v is not None})
    values["profile"] = profile
    try:
        settings = Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"Invalid settings ({path}): {problems}") from None
    return _with_stored_token(settings)


def _line_of(path: Path, key: str) -> str:
    """`` (line N)`` where ``key = …`` is set in the file, or ``""``."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    found = next((n for n, line in enumerate(lines, 1) if pattern.match(line)), None)
    return f" (line {found})" if found else ""


def load_settings_lenient(
    cli: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> tuple[Settings, list[str]]:
    """Like :func:`load_settings`, but a bad config file never keeps the app from starting.

    A file that is not valid TOML is set aside whole; an unknown key or a bad value is dropped
    (its default is used). Each problem comes back as a warning naming the file, the line and the
    key, for the app to show. Problems in the command line or the environment still raise
    :class:`ConfigError`: the user just typed them.
    """
    path = config_path or locations.config_file()
    environ = os.environ if env is None else env
    warnings: list[str] = []
    try:
        data = read_config(path)
    except ConfigError as error:
        warnings.append(f"{error}. The app started with the default settings.")
        data = {}
    profile = chosen_profile(cli, environ, data)
    from_file = _flatten(data, profile)
    known = set(Settings.model_fields)
    for key in sorted(set(from_file) - known):
        warnings.append(f"{path}{_line_of(path, key)}: unknown setting “{key}” is ignored.")
        from_file.pop(key)
    for key in list(from_file):
        try:
            Settings.model_validate({key: from_file[key]})
        except ValidationError as error:
            message = error.errors()[0]["msg"] if error.errors() else "invalid"
            warnings.append(
                f"{path}{_line_of(path, key)}: {key}: {message}. The default is used instead."
            )
            from_file.pop(key)
    values = dict(from_file)
    values.update(_env_values(environ))
    values.update({k: v for k, v in (cli or {}).items() if v is not None})
    values["profile"] = profile
    try:
        settings = Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"Invalid settings (command line or environment): {problems}") from None
    try:
        return _with_stored_token(settings), warnings
    except ConfigError as error:
        # The token cannot be read: open the demo and say why (the connect screen is a key away).
        warnings.append(str(error))
        return settings.model_copy(update={"token_store": None}), warnings


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def write_config(values: Mapping[str, str | bool | int], path: Path | None = None) -> Path:
    """Write ``[pipedrive]`` settings to the config file with mode 0600 (it may hold the token)."""
    target = path or locations.config_file()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = ["# pipedrive-tui settings. This file may hold your API token: keep it private.", ""]
    lines.append("[pipedrive]")
    for key, value in values.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {_toml_string(value)}")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
    return target
