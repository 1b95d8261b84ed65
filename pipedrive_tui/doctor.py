"""``pipedrive-tui doctor`` (does the account answer?) and ``pipedrive-tui config path``.

The doctor loads the settings exactly as the app does (:func:`~pipedrive_tui.config.load_settings`),
builds the app's own client for them (:func:`~pipedrive_tui.cli.build_session`) and makes two
cheap calls: ``GET /v1/users/me`` (2 tokens) and one record of ``GET /api/v2/pipelines``
(5 tokens). Each check prints one line: ``✓`` fine, ``!`` worth knowing, ``✗`` broken.

The token is never printed, not even in part. No line is built from it, and every line also goes
through a filter that masks it, in case an error message from somewhere else ever quoted it.
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import httpx

from pipedrive_tui import locations
from pipedrive_tui.api.errors import (
    AuthenticationError,
    BlockedError,
    PipedriveConnectionError,
    PipedriveError,
    PipedriveTimeoutError,
)
from pipedrive_tui.config import ConfigError, load_settings
from pipedrive_tui.fields.text import clean_line

if TYPE_CHECKING:
    from pipedrive_tui.api.client import PipedriveClient
    from pipedrive_tui.config import Settings

__all__ = [
    "EXIT_CONFIG",
    "EXIT_OK",
    "EXIT_UNREACHABLE",
    "doctor",
    "folder_size",
    "format_size",
    "logs_dir",
    "print_paths",
    "run_doctor",
]

#: Everything works (warnings included).
EXIT_OK = 0
#: The account could not be reached, refused the token, or one API version did not answer.
EXIT_UNREACHABLE = 1
#: The settings could not be read, or do not say where to send the token.
EXIT_CONFIG = 2

_OK, _WARN, _FAIL = "✓", "!", "✗"
_ASCII_MARKS = {_OK: "+", _WARN: "!", _FAIL: "x"}
_TOKEN_VARS = ("PIPEDRIVE_OAUTH_TOKEN", "PIPEDRIVE_API_TOKEN")
#: Shorter strings are not masked: masking "demo" would garble "northwind-demo"; real tokens are 40.
_MIN_MASKED = 8
_MASK = "•••"


# --- paths --------------------------------------------------------------------------------------


def logs_dir() -> Path:
    """Where log files would go: ``logs`` in the state folder (nothing writes there yet)."""
    return locations.state_dir() / "logs"


def format_size(size: int) -> str:
    """``512`` → ``512 bytes``, ``12_345`` → ``12.3 kB``, ``4_200_000`` → ``4.2 MB`` (SI units)."""
    if size < 1000:
        return f"{size} byte{'' if size == 1 else 's'}"
    for unit, scale in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if size < scale * 1000 or unit == "GB":
            return f"{size / scale:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of regular files under ``folder`` (links are not followed)."""
    total = files = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                info = os.lstat(os.path.join(root, name))
            except OSError:
                continue  # removed while we walked, or unreadable: it is not ours to count
            if stat.S_ISREG(info.st_mode):
                total += info.st_size
                files += 1
    return total, files


def _describe_folder(folder: Path, missing: str = "not created yet") -> str:
    try:
        if not folder.exists():
            return missing
        if not folder.is_dir():
            return "not a folder!"
    except OSError as error:
        return f"unreadable: {error.strerror or error}"
    size, files = folder_size(folder)
    if files == 0:
        return "empty"
    return f"{format_size(size)} in {files} file{'' if files == 1 else 's'}"


def _describe_file(path: Path) -> str:
    try:
        if not path.exists():
            return "not created yet"
        return f"exists, {format_size(path.stat().st_size)}"
    except OSError as error:
        return f"unreadable: {error.strerror or error}"


def print_paths(out: TextIO) -> int:
    """``pipedrive-tui config path``: one labelled line per place the app reads or writes."""
    rows = [
        ("config file", locations.config_file(), _describe_file(locations.config_file())),
        ("cache directory", locations.cache_dir(), _describe_folder(locations.cache_dir())),
        ("state file", locations.state_file(), _describe_file(locations.state_file())),
        ("logs directory", logs_dir(), _describe_folder(logs_dir(), missing="not used yet")),
    ]
    width = max(len(label) for label, _path, _note in rows)
    for label, path, note in rows:
        out.write(f"{label + ':':<{width + 1}}  {path}  ({note})\n")
    return EXIT_OK


# --- the report ---------------------------------------------------------------------------------


class _Report:
    """Writes one line per check, masks secrets, and remembers whether a check failed."""

    def __init__(self, out: TextIO, secrets: Iterable[str | None] = ()) -> None:
        self.out = out
        self.secrets: list[str] = []
        self.failed = 0
        self.warned = 0
        encoding = getattr(out, "encoding", None) or "utf-8"
        self._encoding = encoding
        try:
            (_OK + _FAIL + _MASK + "→·").encode(encoding)
            self._ascii = False
        except (UnicodeEncodeError, LookupError):
            self._ascii = True  # a legacy console: ✓ would crash the write, not just look odd
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str | None]) -> None:
        """Mask these strings wherever they would appear in a line (longest first)."""
        for secret in secrets:
            value = (secret or "").strip()
            if len(value) >= _MIN_MASKED and value not in self.secrets:
                self.secrets.append(value)
        self.secrets.sort(key=len, reverse=True)

    def line(self, mark: str, label: str, text: str) -> None:
        """Print ``mark label  text``; a ✗ counts as a failure, a ! as a warning."""
        if mark == _FAIL:
            self.failed += 1
        elif mark == _WARN:
            self.warned += 1
        self.write(f"{mark} {label + ':':<14} {text}")

    def write(self, text: str) -> None:
        """Print a line as it is (after masking)."""
        for secret in self.secrets:
            text = text.replace(secret, _MASK)
        if self._ascii:
            for mark, plain in _ASCII_MARKS.items():
                text = text.replace(mark, plain)
            text = text.replace(_MASK, "***")
            text = text.encode(self._encoding, "replace").decode(self._encoding)
        self.out.write(text + "\n")


# --- the checks ---------------------------------------------------------------------------------


def doctor(
    cli_values: Mapping[str, Any], *, out: TextIO, env: Mapping[str, str] | None = None
) -> int:
    """``pipedrive-tui doctor``: load the settings as the app does, check them; the exit status."""
    env = os.environ if env is None else env
    try:
        settings = load_settings(cli_values, env=env)
    except ConfigError as error:
        report = _Report(out, (env.get(name) for name in _TOKEN_VARS))
        report.line(_FAIL, "configuration", clean_line(str(error)))
        _summary(report)
        return EXIT_CONFIG
    return asyncio.run(run_doctor(settings, out=out, env=env))


async def run_doctor(
    settings: Settings, *, out: TextIO, env: Mapping[str, str] | None = None
) -> int:
    """Check the settings, the account, both API versions, the rate limits and the cache.

    ``env`` is where the settings' environment came from (to say where the token was set).
    Returns :data:`EXIT_OK`, :data:`EXIT_UNREACHABLE` or :data:`EXIT_CONFIG`.
    """
    # cli is the composition root: the doctor checks the very client the app would build.
    from pipedrive_tui.cli import build_session

    env = os.environ if env is None else env
    report = _Report(out, [*(env.get(name) for name in _TOKEN_VARS), settings.secret()])
    _check_config_file(report, settings, env)
    _check_token(report, settings, env)
    try:
        session = build_session(settings, keep_records=False)
    except (ConfigError, ValueError, httpx.InvalidURL) as error:
        report.line(_FAIL, "account", clean_line(str(error)))
        _summary(report)
        return EXIT_CONFIG
    client = session.client
    # One attempt per call: a diagnosis reports a failure at once, not after the app's retries.
    client.transport.max_retries = 0
    report.line(_OK, "account", _describe_account(settings, client.base_url))
    try:
        if await _check_user(report, client, settings):
            await _check_v2(report, client, settings.timeout)
        _check_rate_limits(report, client)
    finally:
        await session.aclose()
    _check_cache(report, settings, client.base_url)
    _summary(report)
    return EXIT_UNREACHABLE if report.failed else EXIT_OK


def _summary(report: _Report) -> None:
    report.write("")
    if report.failed:
        plural = "s" if report.failed > 1 else ""
        report.write(f"{report.failed} check{plural} failed: see the ✗ line{plural} above.")
    elif report.warned:
        report.write("Everything works; the ! lines are worth a look.")
    else:
        report.write("Everything works.")


def _check_config_file(report: _Report, settings: Settings, env: Mapping[str, str]) -> None:
    path = locations.config_file()
    try:
        info = path.stat()
    except FileNotFoundError:
        report.line(_OK, "config file", f"{path} (none: environment and defaults)")
        return
    except OSError as error:
        report.line(_WARN, "config file", f"{path} (unreadable: {error.strerror or error})")
        return
    loose = os.name == "posix" and bool(info.st_mode & 0o077)
    if loose and _token_from_file(settings, env):
        mode = stat.S_IMODE(info.st_mode)
        report.line(
            _WARN,
            "config file",
            f"{path} holds the token and others can read it (mode {mode:o}): chmod 600 {path}",
        )
        return
    report.line(_OK, "config file", f"{path} (read)")


def _token_kind(settings: Settings) -> tuple[str, str] | None:
    """The kind of token the client sends and the variable that sets it, as in build_session."""
    if settings.oauth_token is not None:
        return "OAuth access token", "PIPEDRIVE_OAUTH_TOKEN"
    if settings.api_token is not None:
        return "API token", "PIPEDRIVE_API_TOKEN"
    return None


def _token_from_file(settings: Settings, env: Mapping[str, str]) -> bool:
    kind = _token_kind(settings)
    # load_settings lets a non-empty environment variable win over the file.
    return kind is not None and not env.get(kind[1])


def _check_token(report: _Report, settings: Settings, env: Mapping[str, str]) -> None:
    kind = _token_kind(settings)
    if kind is None:
        report.line(
            _OK,
            "token",
            "none set: the demo account opens (press A in the app to connect yours, or set "
            "PIPEDRIVE_API_TOKEN and PIPEDRIVE_COMPANY_DOMAIN)",
        )
        return
    name, variable = kind
    if env.get(variable):
        where = f"{variable} in the environment"
    elif settings.token_store == "keyring":
        where = "the system keyring"
    else:
        where = "the config file"
    where += f", profile “{settings.profile}”"
    if settings.use_demo:
        report.line(_WARN, "token", f"{name} from {where}, not used: --demo asks for the demo")
    else:
        report.line(_OK, "token", f"{name} from {where} (its value is never shown)")


def _describe_account(settings: Settings, base_url: str) -> str:
    if settings.use_demo:
        return (
            f"the demo account (seed {settings.demo_seed}, {settings.demo_size:,} deals; "
            "in-process, nothing leaves this machine)"
        )
    read_only = ", read-only" if settings.read_only else ""
    if settings.base_url:
        return f"{base_url} (base URL{read_only})"
    return f"{base_url} (company {settings.company_domain}{read_only})"


def _explain(error: BaseException, base_url: str, timeout: float) -> str:
    """A one-line reason for a failed call, never a traceback."""
    if isinstance(error, AuthenticationError):
        return (
            f"the token was refused by {base_url} (401): check it in Pipedrive under "
            "Personal preferences → API, and that it belongs to this company"
        )
    if isinstance(error, PipedriveTimeoutError):
        return f"cannot reach {base_url}: no answer within {timeout:g} s"
    if isinstance(error, PipedriveConnectionError):
        cause = error.__cause__
        detail = clean_line(str(cause)) if cause is not None else ""
        why = detail or (type(cause).__name__ if cause is not None else "connection failed")
        return f"cannot reach {base_url}: {why}"
    if isinstance(error, BlockedError):
        return f"blocked (403): {clean_line(error.message)}"
    if isinstance(error, PipedriveError):
        return clean_line(error.message)
    return f"cannot reach {base_url}: {clean_line(str(error)) or type(error).__name__}"


async def _check_user(report: _Report, client: PipedriveClient, settings: Settings) -> bool:
    try:
        me = await client.get_current_user()
    except (PipedriveError, httpx.HTTPError, OSError) as error:
        report.line(_FAIL, "reached", _explain(error, client.base_url, settings.timeout))
        return False
    who = clean_line(me.name) or f"user {me.id}"
    if me.email:
        who += f" <{clean_line(me.email)}>"
    company = clean_line(me.company_name or "") or "an unnamed company"
    domain = clean_line(me.company_domain or "")
    if domain:
        company += f" ({domain}.pipedrive.com)"
    report.line(_OK, "reached", f"{who}, of {company}")
    report.line(_OK, "API v1", "GET /v1/users/me answered")
    wanted = _bare_domain(settings.company_domain) if not settings.use_demo else ""
    if wanted and domain and not settings.base_url and _bare_domain(domain) != wanted:
        report.line(
            _WARN,
            "company",
            f"the token belongs to {domain}, but the company domain is set to {wanted}",
        )
    return True


def _bare_domain(domain: str | None) -> str:
    value = (domain or "").strip().lower().removeprefix("https://").removeprefix("http://")
    return value.strip("/").removesuffix(".pipedrive.com")


async def _check_v2(report: _Report, client: PipedriveClient, timeout: float) -> None:
    try:
        data = await client.call("list_pipelines", params={"limit": 1})
    except (PipedriveError, httpx.HTTPError, OSError) as error:
        report.line(_FAIL, "API v2", _explain(error, client.base_url, timeout))
        return
    if not isinstance(data, list):
        report.line(_FAIL, "API v2", "GET /api/v2/pipelines answered without a list of pipelines")
        return
    report.line(_OK, "API v2", "GET /api/v2/pipelines answered")


def _check_rate_limits(report: _Report, client: PipedriveClient) -> None:
    state = client.rate_limit
    burst = [
        f"{header} {value:g}" if isinstance(value, float) else f"{header} {value}"
        for header, value in (
            ("x-ratelimit-limit", state.limit),
            ("x-ratelimit-remaining", state.remaining),
            ("x-ratelimit-reset", state.reset_in),
        )
        if value is not None
    ]
    if state.blocked:
        report.line(_FAIL, "rate limit", "blocked by Pipedrive: wait a few minutes")
    elif client.ledger.calls == 0:
        pass  # nothing answered: there are no headers to report
    elif not burst:
        report.line(
            _WARN,
            "rate limit",
            "no x-ratelimit-* headers seen (a proxy may strip them; the app's own limiter "
            "still keeps bursts small)",
        )
    else:
        mark = _WARN if state.remaining == 0 else _OK
        report.line(mark, "rate limit", " · ".join(burst))
    if state.daily_token_remaining is not None or state.daily_token_limit is not None:
        left = "?" if state.daily_token_remaining is None else f"{state.daily_token_remaining:,}"
        of = "" if state.daily_token_limit is None else f" of {state.daily_token_limit:,}"
        mark = _WARN if state.daily_token_remaining == 0 else _OK
        report.line(mark, "daily tokens", f"{left}{of} left today")
    elif client.ledger.calls:
        report.line(_OK, "daily tokens", "no x-daily-ratelimit-token-* headers sent")
    ledger = client.ledger
    spent = ", ".join(f"{name} {tokens}" for name, _calls, tokens in ledger.rows())
    calls = f"{ledger.calls} call{'' if ledger.calls == 1 else 's'}"
    detail = f" ({spent})" if spent else ""
    report.line(_OK, "spent", f"{calls}, {ledger.total} tokens by this check{detail}")


def _check_cache(report: _Report, settings: Settings, base_url: str) -> None:
    from pipedrive_tui.data.cache import DiskCache, account_key

    if settings.use_demo:
        report.line(_OK, "cache", "none for the demo (it is regenerated from its seed)")
        return
    folder = DiskCache(locations.cache_dir(), account_key(base_url, settings.secret())).folder
    note = _describe_folder(folder, missing="not created yet: filled when the app first loads")
    report.line(_OK, "cache", f"{folder} ({note})")
    _check_store(report, folder)


def _check_store(report: _Report, folder: Path) -> None:
    """What the local record store holds (opened only if it exists: the doctor creates nothing)."""
    from pipedrive_tui.data.store import STORE_FILE, RecordStore

    if not (folder / STORE_FILE).exists():
        report.line(_OK, "local store", "not created yet: filled as the app loads lists")
        return
    with RecordStore.open(folder) as store:
        stats = store.stats()
        recovered = store.recovered
    kinds = ", ".join(f"{count:,} {kind.replace('_', ' ')}s" for kind, count in sorted(
        stats["kinds"].items()) if count) or "empty"  # fmt: skip
    lists = stats["lists"]
    line = f"{kinds}; {lists} list{'' if lists == 1 else 's'}; {format_size(stats['bytes'])}"
    if recovered:
        report.line(_WARN, "local store", f"{line} ({clean_line(recovered)})")
    else:
        report.line(_OK, "local store", line)
