"""Connect a Pipedrive account: company domain, API token (masked), profile; checked, then saved.

The screen asks; the app does the rest through the ``connect`` callable it is given (build a
client for the domain and token, ask ``/v1/users/me``, save the token in the keyring or the
config file). A refusal comes back as a :class:`ConnectFailed` with one sentence naming what to
fix, and the cursor goes to that field; nothing typed is lost. Escape leaves the current account
as it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, LoadingIndicator, Static

from pipedrive_tui.data.connect import ConnectProblem, normalize_domain, settings_url, token_hint
from pipedrive_tui.screens.triage import copy_link, open_link
from pipedrive_tui.widgets.safe_text import safe_line

__all__ = ["ConnectFailed", "ConnectRequest", "ConnectScreen", "check_profile_name"]


@dataclass(frozen=True)
class ConnectRequest:
    """What the user typed, checked for shape (not yet by Pipedrive)."""

    domain: str
    #: Left out of ``repr``: a worker's description and a crash report's locals show it.
    token: str = field(repr=False)
    profile: str


class ConnectFailed(Exception):
    """Raised by the ``connect`` callable: Pipedrive (or the keyring) refused; says why."""

    def __init__(self, problem: ConnectProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


Connect = Callable[[ConnectRequest], Awaitable[Any]]


def check_profile_name(text: str) -> str:
    """A profile name as typed, or ``ValueError`` saying what a name may hold."""
    name = text.strip() or "default"
    if len(name) > 40 or not name[0].isalnum() or not all(c.isalnum() or c in "._-" for c in name):
        raise ValueError("Profile: letters, digits, '.', '_' and '-', starting with a letter.")
    return name


class ConnectScreen(ModalScreen[Any]):
    """Domain, token and profile; Enter checks them with Pipedrive and connects.

    Dismisses with whatever ``connect`` returned (the app's new session), or ``None`` when the
    user leaves with Escape.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="connect.cancel",
                tooltip="Keep the current account"),
        Binding("ctrl+t", "toggle_token", "Show token", id="connect.reveal",
                tooltip="Show or hide the token as you type it"),
        Binding("ctrl+o", "open_settings", "Open token page", id="connect.open",
                tooltip="Open Pipedrive's API token page in a browser (printed over SSH)"),
        Binding("ctrl+y", "copy_settings", "Copy link", id="connect.copy",
                tooltip="Copy the API token page's address (OSC 52)"),
    ]  # fmt: skip

    def __init__(
        self,
        connect: Connect,
        *,
        profile: str = "default",
        domain: str | None = None,
        reason: str | None = None,
        storage: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self._connect = connect
        self.profile = profile
        self.domain = domain or ""
        self.reason = reason
        self._storage = storage
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="connect-dialog"):
            yield Label("Connect a Pipedrive account", id="connect-title")
            if self.reason:
                yield Static(safe_line(self.reason), id="connect-reason")
            with Horizontal(classes="connect-row"):
                yield Label("Company", classes="connect-label")
                yield Input(self.domain, placeholder="acme", id="connect-domain")
                yield Label(".pipedrive.com", classes="connect-suffix")
            with Horizontal(classes="connect-row"):
                yield Label("API token", classes="connect-label")
                yield Input(
                    placeholder="40 characters, from Settings → Personal preferences → API",
                    password=True,
                    id="connect-token",
                )
            with Horizontal(classes="connect-row"):
                yield Label("Profile", classes="connect-label")
                yield Input(self.profile, placeholder="default", id="connect-profile")
            yield Static(id="connect-where")
            yield Static(id="connect-storage")
            with Horizontal(id="connect-progress"):
                yield LoadingIndicator()
                yield Static(id="connect-checking")
            yield Static(id="connect-error")
            yield Static(
                "Enter connects · Tab next field · ctrl+t shows the token · Esc cancels",
                id="connect-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#connect-error").display = False
        self.query_one("#connect-progress").display = False
        self._show_where()
        self.query_one("#connect-token" if self.domain else "#connect-domain", Input).focus()
        if self._storage is not None:
            self._find_storage()

    @work(thread=True, exit_on_error=False, group="connect-storage")
    def _find_storage(self) -> None:
        """Say where the token will be kept (asking the keyring may take a moment)."""
        assert self._storage is not None
        try:
            where = self._storage()
        except Exception as error:  # only a hint; never stop the form
            where = f"(could not tell: {error})"
        self.app.call_from_thread(self._show_storage, where)

    def _show_storage(self, where: str) -> None:
        self.query_one("#connect-storage", Static).update(
            safe_line(f"The token will be kept in {where}.")
        )

    def _typed_domain(self) -> str | None:
        try:
            return normalize_domain(self.query_one("#connect-domain", Input).value)
        except ValueError:
            return None

    def _show_where(self) -> None:
        line = Text("Your API token is at ")
        line.append(settings_url(self._typed_domain()), style="underline")
        line.append(" (ctrl+o opens it, ctrl+y copies the link)")
        self.query_one("#connect-where", Static).update(line)

    @on(Input.Changed, "#connect-domain")
    def _domain_changed(self) -> None:
        self._show_where()

    def _fail(self, message: str, field: str | None) -> None:
        error = self.query_one("#connect-error", Static)
        error.update(safe_line(message))
        error.display = True
        if field is not None:
            self.query_one(f"#connect-{field}", Input).focus()

    def _request(self) -> ConnectRequest | None:
        """The form, checked for shape; on a mistake, says it and returns ``None``."""
        try:
            domain = normalize_domain(self.query_one("#connect-domain", Input).value)
        except ValueError as error:
            self._fail(str(error), "domain")
            return None
        token = self.query_one("#connect-token", Input).value.strip()
        if not token:
            self._fail("Paste your API token (ctrl+o opens the page that shows it).", "token")
            return None
        if any(ch.isspace() or not ch.isprintable() for ch in token):
            self._fail("The token has spaces in it: paste it again, in one piece.", "token")
            return None
        if not token.isascii():
            self._fail(
                "The token has letters that are not in Pipedrive's tokens (only a-z and 0-9): "
                "copy it again from the token page.",
                "token",
            )
            return None
        try:
            profile = check_profile_name(self.query_one("#connect-profile", Input).value)
        except ValueError as error:
            self._fail(str(error), "profile")
            return None
        return ConnectRequest(domain, token, profile)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        request = self._request()
        if request is not None:
            self._check(request)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _check(self, request: ConnectRequest) -> None:
        """Ask Pipedrive through the app; connect, or say what to fix."""
        self.busy = True
        self.query_one("#connect-error").display = False
        hint = token_hint(request.token)
        checking = f"Checking {request.domain}.pipedrive.com…"
        if hint:
            checking += f" ({hint})"
        self.query_one("#connect-checking", Static).update(safe_line(checking))
        self.query_one("#connect-progress").display = True
        try:
            result = await self._connect(request)
        except ConnectFailed as failed:
            self._fail(failed.problem.message, failed.problem.field)
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:  # never a traceback in the UI
            self._fail(f"Could not connect: {error}", None)
            return
        finally:
            self.busy = False
            if self.is_mounted:
                self.query_one("#connect-progress").display = False
        self.dismiss(result)

    def action_toggle_token(self) -> None:
        """Show or hide the token's characters."""
        token = self.query_one("#connect-token", Input)
        token.password = not token.password

    def action_open_settings(self) -> None:
        """Open the API token page of the typed company (or print it where no browser opens)."""
        open_link(self, settings_url(self._typed_domain()))

    def action_copy_settings(self) -> None:
        """Copy the API token page's address."""
        copy_link(self, settings_url(self._typed_domain()))

    def action_cancel(self) -> None:
        """Leave without connecting (a check under way is abandoned)."""
        self.workers.cancel_group(self, "connect")
        self.dismiss(None)
