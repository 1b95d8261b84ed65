"""Where a connected account's token is kept: the system keyring, or the config file (0600).

The connect screen calls :func:`save_account`; "sign out" calls :func:`forget_token`. The company
domain and the place of the token go in the profile's ``[profiles.NAME]`` table of the config
file, edited with ``tomlkit`` so that the user's comments and other keys survive. The token goes
to the keyring when one works (``keyring`` package; service ``pipedrive-tui``, user = profile
name), otherwise into that table, and the file is then written with mode 0600.

``keyring`` is imported only when a token is saved or read from it: start-up does not pay for it.
Tests swap the backend with :func:`set_keyring_backend` and never touch a real keyring.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pipedrive_tui import locations
from pipedrive_tui.config import DEFAULT_PROFILE, ConfigError, chosen_profile, read_config

__all__ = [
    "SERVICE",
    "CredentialsError",
    "KeyringUnavailable",
    "ProfileInfo",
    "SavedAccount",
    "forget_token",
    "keyring_name",
    "keyring_token",
    "save_account",
    "set_keyring_backend",
    "stored_profiles",
]

#: The keyring "service" the tokens are filed under.
SERVICE = "pipedrive-tui"

_UNSET: Any = object()
_backend_override: Any = _UNSET


class KeyringUnavailable(Exception):
    """No usable system keyring (none installed, locked, or no session bus over SSH)."""


class CredentialsError(Exception):
    """The account could not be saved or forgotten; the message says what to do."""


@dataclass(frozen=True)
class SavedAccount:
    """Where :func:`save_account` put things."""

    profile: str
    store: Literal["keyring", "file"]
    #: For the user: "the system keyring (…)" or the config file's path.
    where: str
    config_path: Path


@dataclass(frozen=True)
class ProfileInfo:
    """A ``[profiles.NAME]`` table, without its token."""

    name: str
    company_domain: str | None
    base_url: str | None
    token_store: str | None
    has_token: bool


def set_keyring_backend(backend: Any = _UNSET) -> None:
    """Tests: use ``backend`` (an object with ``get/set/delete_password``), or ``None`` for "no
    keyring"; with no argument, go back to the real ``keyring`` package."""
    global _backend_override
    _backend_override = backend


def _backend() -> Any:
    if _backend_override is not _UNSET:
        if _backend_override is None:
            raise KeyringUnavailable("no system keyring")
        return _backend_override
    try:
        import keyring
        from keyring.backends import fail
    except Exception as error:  # a broken install is "no keyring", not a crash
        raise KeyringUnavailable(f"the keyring package cannot load: {error}") from None
    try:
        backend = keyring.get_keyring()
        priority = float(type(backend).priority)
    except Exception as error:  # backends raise anything when unusable
        raise KeyringUnavailable(str(error) or type(error).__name__) from None
    if isinstance(backend, fail.Keyring) or priority <= 0:
        raise KeyringUnavailable("no system keyring on this machine")
    return backend


def keyring_name() -> str:
    """A short name of the keyring in use, for messages ("macOS Keyring", "SecretService")."""
    backend = _backend()
    name = getattr(type(backend), "name", None)
    return str(name) if isinstance(name, str) else type(backend).__name__


def keyring_token(profile: str) -> str | None:
    """The token the keyring holds for ``profile``; raises :class:`KeyringUnavailable`."""
    backend = _backend()
    try:
        value = backend.get_password(SERVICE, profile)
    except Exception as error:  # locked keyrings, dbus errors…
        raise KeyringUnavailable(str(error) or type(error).__name__) from None
    return value if isinstance(value, str) and value else None


def _load_document(path: Path) -> Any:
    import tomlkit

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        document = tomlkit.document()
        document.add(tomlkit.comment("pipedrive-tui settings. This file may hold your API token."))
        return document
    except OSError as error:
        raise CredentialsError(f"Could not read {path}: {error.strerror or error}") from None
    try:
        return tomlkit.parse(text)
    except Exception as error:  # tomlkit raises several parse errors
        raise CredentialsError(
            f"{path} is not valid TOML ({error}): fix it or move it aside, then connect again."
        ) from None


def _write_document(path: Path, document: Any) -> None:
    """Write atomically, owner-only (0600): the file may hold a token."""
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise CredentialsError(f"Could not write {path}: {error.strerror or error}") from None


def _profile_table(document: Any, profile: str) -> Any:
    import tomlkit

    if "profiles" not in document:
        profiles = tomlkit.table(is_super_table=True)
        document.add("profiles", profiles)
    profiles = document["profiles"]
    if profile not in profiles:
        profiles.add(profile, tomlkit.table())
    return profiles[profile]


def save_account(
    profile: str,
    *,
    company_domain: str | None,
    token: str,
    base_url: str | None = None,
    use_keyring: bool = True,
    path: Path | None = None,
) -> SavedAccount:
    """Save a checked account under ``profile``: the token in the keyring if one works (and
    ``use_keyring``), else in the config file (mode 0600). The domain always goes to the file."""
    target = path or locations.config_file()
    document = _load_document(target)
    table = _profile_table(document, profile)
    store: Literal["keyring", "file"] = "file"
    where = str(target)
    if use_keyring:
        try:
            backend = _backend()
            backend.set_password(SERVICE, profile, token)
            store, where = "keyring", f"the system keyring ({keyring_name()})"
        except KeyringUnavailable:
            pass
        except Exception:  # a refused write: fall back to the file
            store = "file"
    for key in ("api_token", "oauth_token", "token_store", "company_domain", "base_url"):
        if key in table:
            del table[key]
    if company_domain:
        table["company_domain"] = company_domain
    if base_url:
        table["base_url"] = base_url
    table["token_store"] = store
    if store == "file":
        table["api_token"] = token
    _write_document(target, document)
    return SavedAccount(profile, store, where, target)


def forget_token(profile: str, path: Path | None = None) -> list[str]:
    """Sign out: remove the profile's token from the keyring and the config file.

    The company domain stays, so that connecting again only asks for a token. Returns what was
    removed, for the message ("the system keyring", the file's path); an empty list means there
    was nothing stored (the token came from the environment, say).
    """
    target = path or locations.config_file()
    removed: list[str] = []
    try:
        backend = _backend()
        if backend.get_password(SERVICE, profile):
            backend.delete_password(SERVICE, profile)
            removed.append("the system keyring")
    except KeyringUnavailable:
        pass
    except Exception as error:  # a locked keyring: say so, do not pretend
        raise CredentialsError(f"The system keyring refused to forget the token: {error}") from None
    if not target.exists():
        return removed
    document = _load_document(target)
    tables = []
    profiles = document.get("profiles")
    if profiles is not None and profile in profiles:
        tables.append(profiles[profile])
    try:
        data = read_config(target)
    except ConfigError:
        data = {}
    # Credentials written by hand in [pipedrive] belong to the profile opened by default.
    if "pipedrive" in document and chosen_profile(None, {}, data) == profile:
        tables.append(document["pipedrive"])
    changed = False
    for table in tables:
        for key in ("api_token", "oauth_token", "token_store"):
            if key in table:
                changed = changed or key != "token_store"
                del table[key]
    if changed:
        removed.append(str(target))
    if tables:
        _write_document(target, document)
    return removed


def stored_profiles(path: Path | None = None) -> list[ProfileInfo]:
    """The profiles of the config file (the default one first when it has no table)."""
    try:
        data = read_config(path or locations.config_file())
    except ConfigError:
        return []
    found: list[ProfileInfo] = []
    profiles = data.get("profiles")
    if isinstance(profiles, dict):
        for name, table in profiles.items():
            if not isinstance(table, dict):
                continue
            found.append(
                ProfileInfo(
                    name,
                    _text(table.get("company_domain")),
                    _text(table.get("base_url")),
                    _text(table.get("token_store")),
                    bool(table.get("api_token") or table.get("oauth_token"))
                    or table.get("token_store") == "keyring",
                )
            )
    section = data.get("pipedrive")
    if isinstance(section, dict) and not any(p.name == DEFAULT_PROFILE for p in found):
        domain, token = section.get("company_domain"), section.get("api_token")
        oauth = section.get("oauth_token")
        if domain or token:
            info = ProfileInfo(
                DEFAULT_PROFILE, _text(domain), _text(section.get("base_url")), None,
                bool(token or oauth),
            )  # fmt: skip
            found.insert(0, info)
    return found


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
