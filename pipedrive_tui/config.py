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

__all__ = ["ConfigError", "Settings", "load_settings", "load_settings_lenient", "write_config"]

#: Environment variables and the settings they fill.
ENV_VARS = {
    "PIPEDRIVE_API_TOKEN": "api_token",
    "PIPEDRIVE_OAUTH_TOKEN": "oauth_token",
    "PIPEDRIVE_COMPANY_DOMAIN": "company_domain",
    "PIPEDRIVE_BASE_URL": "base_url",
    "PIPEDRIVE_READ_ONLY": "read_only",
    "PIPEDRIVE_TUI_THEME": "theme",
}


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
    theme: str = "textual-dark"
    start_mode: Literal["pipelines", "deals", "leads", "mail", "filters", "account"] = "pipelines"
    timeout: float = 30.0
    burst_limit: int = Field(default=16, ge=1, le=480)
    keymap: dict[str, str] = Field(default_factory=dict)

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


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Could not read the config file {path}: {error}") from error
    section = data.get("pipedrive", {})
    merged = {k: v for k, v in data.items() if not isinstance(v, dict)}
    if isinstance(section, dict):
        merged.update(section)
    if isinstance(data.get("keymap"), dict):
        merged["keymap"] = data["keymap"]
    return merged


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
    values = _read_toml(path)
    values.update(_env_values(os.environ if env is None else env))
    values.update({k: v for k, v in (cli or {}).items() if v is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"Invalid settings ({path}): {problems}") from None


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
    warnings: list[str] = []
    try:
        from_file = _read_toml(path)
    except ConfigError as error:
        warnings.append(f"{error}. The app started with the default settings.")
        from_file = {}
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
    values.update(_env_values(os.environ if env is None else env))
    values.update({k: v for k, v in (cli or {}).items() if v is not None})
    try:
        return Settings.model_validate(values), warnings
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(f"Invalid settings (command line or environment): {problems}") from None


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
