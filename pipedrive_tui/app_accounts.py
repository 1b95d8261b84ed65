"""The app's account actions: connect an account, switch profile, sign out.

Kept out of ``app.py`` (which stays small): :class:`AccountActions` is mixed into
:class:`~pipedrive_tui.app.PipedriveApp`. Switching accounts happens in place: the mode screens
of the old account are removed, the new session's screens are built, and the old client is
closed; the app never restarts and the terminal never flickers back to the shell.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.app import App

from pipedrive_tui.screens.boot import BootScreen

if TYPE_CHECKING:
    from pipedrive_tui import credentials
    from pipedrive_tui.api.models import User
    from pipedrive_tui.api.ratelimit import RateLimitState
    from pipedrive_tui.config import Settings
    from pipedrive_tui.data.session import AccountSession
    from pipedrive_tui.screens.connect import ConnectRequest

# Start-up imports neither pydantic nor httpx (see app.py): the modules that do are imported by
# the actions, when the user first connects, switches or signs out.

__all__ = ["DEFAULT_PROFILE", "MODES", "AccountActions", "Connected", "SessionFactory"]

#: The profile opened when none is named (the same as config.DEFAULT_PROFILE).
DEFAULT_PROFILE = "default"

#: The app's modes (one per section), in the order of their keys.
MODES = ("pipelines", "deals", "leads", "mail", "filters", "account")
#: Builds a session for settings (the command line's ``build_session``; tests swap the transport).
SessionFactory = Callable[["Settings"], "AccountSession"]
_SWITCHING = "switching"
_TOKEN_VARS = ("PIPEDRIVE_API_TOKEN", "PIPEDRIVE_OAUTH_TOKEN")


@dataclass
class Connected:
    """A checked account, ready to switch to."""

    session: AccountSession
    settings: Settings
    me: User
    saved: credentials.SavedAccount | None
    note: str


class AccountActions(App[None]):
    """Connect, switch profile and sign out (mixed into the app; needs its session attributes)."""

    _session: AccountSession | None
    _settings: Settings | None
    _session_factory: SessionFactory | None
    _cli_overrides: Mapping[str, Any]
    _mode_screens: dict[str, Any]

    # Provided by PipedriveApp.
    def _mode_factory(self, mode: str) -> Callable[[], Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _after_switch(self, old: AccountSession | None) -> None:  # pragma: no cover
        raise NotImplementedError

    # --- connect --------------------------------------------------------------------------

    #: Whether the connect screen is open to replace a token Pipedrive refused (same account).
    _reconnecting: bool = False
    #: Whether the user was already asked for a new token since Pipedrive refused this one.
    _asked_for_token: bool = False

    def follow_token(self, state: RateLimitState) -> None:
        """Pipedrive refused the token (401) mid-session: ask for a new one, keeping the view.

        Called on every change of the client's state. The connect screen opens once per refusal
        over whatever is on screen; a new token for the same company is put into the running
        session, so the screens under it stay as they were and only reload.
        """
        session = self._session
        if not state.token_refused:
            self._asked_for_token = False
            return
        if self._asked_for_token or session is None or session.is_demo:
            return
        self._asked_for_token = True
        profile = self._settings.profile if self._settings else DEFAULT_PROFILE
        reason = (
            f"Pipedrive no longer accepts the token of profile “{profile}” (401): it was revoked, "
            "regenerated or has expired. Paste the current one from the token page; what is on "
            "screen stays as it is."
        )
        self.action_connect(reason, profile, reconnect=True)

    def action_connect(
        self, reason: str | None = None, profile: str | None = None, reconnect: bool = False
    ) -> None:
        """Open the connect screen (domain, token, profile)."""
        from pipedrive_tui.screens.connect import ConnectScreen

        if self._session_factory is None:
            self.notify(
                "Connecting is not available here: start pipedrive-tui from a terminal.",
                severity="warning",
            )
            return
        if isinstance(self.screen, ConnectScreen):
            return
        session = self._session
        refused = session is not None and session.client.rate_limit.token_refused
        self._reconnecting = reconnect or refused
        settings = self._settings
        profile = profile or (settings.profile if settings else "default")
        domain = self._stored_domain(profile)
        if domain is None and settings is not None and not settings.use_demo:
            domain = settings.company_domain
        screen = ConnectScreen(
            self._connect_account,
            profile=profile,
            domain=domain,
            reason=reason,
            storage=self._token_storage,
        )
        self.push_screen(screen, self._connect_done)

    def _stored_domain(self, profile: str) -> str | None:
        from pipedrive_tui import credentials

        for info in credentials.stored_profiles():
            if info.name == profile:
                return info.company_domain
        return None

    def _token_storage(self) -> str:
        """Where a token saved now would go (runs in a thread: the keyring may be slow)."""
        from pipedrive_tui import credentials

        settings = self._settings
        if settings is not None and not settings.use_keyring:
            return f"the config file {_home(str(_config_path()))} (owner-only, 0600)"
        try:
            return f"the system keyring ({credentials.keyring_name()})"
        except credentials.KeyringUnavailable:
            path = _home(str(_config_path()))
            return f"the config file {path} (owner-only, 0600): there is no system keyring here"

    async def _connect_account(self, request: ConnectRequest) -> Connected:
        """Check the domain and token with ``/v1/users/me``, save them, and return the session.

        Raises :class:`ConnectFailed` with a sentence naming what to fix.
        """
        from pydantic import SecretStr

        from pipedrive_tui import credentials
        from pipedrive_tui.api.errors import PipedriveError
        from pipedrive_tui.config import ConfigError, Settings
        from pipedrive_tui.data.connect import ConnectProblem, check_account, explain_failure
        from pipedrive_tui.screens.connect import ConnectFailed

        assert self._session_factory is not None
        base = self._settings or Settings()
        settings = base.model_copy(
            update={
                "demo": False,
                "company_domain": request.domain,
                "base_url": base.base_url if not base.use_demo else None,
                "api_token": SecretStr(request.token),
                "oauth_token": None,
                "profile": request.profile,
                "token_store": None,
            }
        )
        host = f"{request.domain}.pipedrive.com"
        try:
            session = self._session_factory(settings)
        except (ConfigError, ValueError) as error:
            raise ConnectFailed(ConnectProblem("domain", str(error))) from None
        try:
            me = await check_account(session)
        except PipedriveError as error:
            await session.aclose()
            raise ConnectFailed(explain_failure(error, host)) from None
        except BaseException:
            await session.aclose()
            raise
        note = ""
        domain = request.domain
        if me.company_domain and me.company_domain != request.domain:
            note = (
                f" This token belongs to {me.company_domain}.pipedrive.com, so that domain "
                "was saved."
            )
            domain = me.company_domain
            session.company_domain = domain
            settings = settings.model_copy(update={"company_domain": domain})
        try:
            saved: credentials.SavedAccount | None = await asyncio.to_thread(
                credentials.save_account,
                request.profile,
                company_domain=domain,
                token=request.token,
                base_url=settings.base_url,
                use_keyring=settings.use_keyring,
            )
        except credentials.CredentialsError as error:
            saved = None
            note += f" It was NOT saved ({error}): you will be asked again next time."
        if saved is not None:
            settings = settings.model_copy(update={"token_store": saved.store})
        return Connected(session, settings, me, saved, note)

    def _connect_done(self, result: Connected | None) -> None:
        reconnect, self._reconnecting = self._reconnecting, False
        if result is None:
            if reconnect:
                self.notify(
                    "Pipedrive refuses the current token, so nothing can be loaded or saved. "
                    "Press A to paste a new one.",
                    title="Token refused",
                    severity="warning",
                    timeout=12,
                )
            return
        session = self._session
        if (
            reconnect
            and session is not None
            and not session.is_demo
            and result.session.client.base_url == session.client.base_url
        ):
            self.run_worker(self._reconnect_in_place(result), group="switch", exit_on_error=False)
            return
        self.run_worker(self._switch_to_connected(result), group="switch", exit_on_error=False)

    async def _reconnect_in_place(self, result: Connected) -> None:
        """Put the new token into the running session, and reload what is on screen."""
        session = self._session
        assert session is not None
        token = result.settings.secret() or ""
        await result.session.aclose()
        session.client.set_api_token(token)
        session.me = result.me
        self._settings = result.settings
        self._say_connected(f"Reconnected as {result.me.name}: the new token is in use.", result)
        screen = self.screen
        reload = getattr(screen, "action_refresh", None)
        if callable(reload):
            reload()

    async def _switch_to_connected(self, result: Connected) -> None:
        await self.switch_session(result.session, result.settings)
        company = result.me.company_name or result.settings.company_domain or "Pipedrive"
        profile = f" (profile “{result.settings.profile}”)" if result.saved else ""
        self._say_connected(f"Connected to {company} as {result.me.name}{profile}.", result)

    def _say_connected(self, text: str, result: Connected) -> None:
        """``text``, then where the token was kept and the check's note."""
        where = f" Token kept in {_home(result.saved.where)}." if result.saved else ""
        self.notify(f"{text}{where}{result.note}", title="Connected", timeout=12, markup=False)

    # --- switching ------------------------------------------------------------------------

    async def switch_session(self, session: AccountSession, settings: Settings) -> None:
        """Show another account: rebuild every section on ``session``, close the old one."""
        old = self._session
        while len(self.screen_stack) > 1 and self.screen.is_modal:
            self.pop_screen()
        if _SWITCHING in self._modes:
            await self.remove_mode(_SWITCHING)
        self.add_mode(_SWITCHING, lambda: BootScreen(demo=session.is_demo))
        await self.switch_mode(_SWITCHING)
        for mode in MODES:
            if mode in self._modes:
                await self.remove_mode(mode)
        self._mode_screens.clear()
        self._session, self._settings = session, settings
        for mode in MODES:
            self.add_mode(mode, self._mode_factory(mode))
        if settings.keymap:
            self.set_keymap(settings.keymap)
        self._after_switch(old)
        await self.switch_mode(settings.start_mode)
        await self.remove_mode(_SWITCHING)
        if old is not None and old is not session:
            await old.aclose()

    def switch_profile(self, profile: str) -> None:
        """Open another profile of the config file (the connect screen if it has no token)."""
        self.run_worker(self._open_profile(profile), group="switch", exit_on_error=False)

    async def _open_profile(self, profile: str) -> None:
        from pipedrive_tui.config import ConfigError, load_settings_lenient

        assert self._session_factory is not None
        overrides = {**self._cli_overrides, "profile": profile, "demo": None}
        try:
            settings, warnings = await asyncio.to_thread(load_settings_lenient, overrides)
        except ConfigError as error:
            self.notify(str(error), title="Profile", severity="error", markup=False)
            return
        for warning in warnings:
            self.notify(warning, title="Config file", severity="warning", markup=False)
        if settings.use_demo:
            self.action_connect(f"Profile “{profile}” has no token yet: connect it.", profile)
            return
        try:
            session = self._session_factory(settings)
        except (ConfigError, ValueError) as error:
            self.notify(str(error), title="Profile", severity="error", markup=False)
            return
        await self.switch_session(session, settings)
        self.notify(f"Opened profile “{profile}”.", title="Profile", markup=False)

    # --- sign out -------------------------------------------------------------------------

    def action_sign_out(self) -> None:
        """Forget the stored token of this profile (after a question) and open the demo."""
        settings = self._settings
        if settings is None or self._session is None:
            return
        if settings.use_demo:
            self.notify("This is the demo account: there is nothing to sign out of.")
            return
        from_env = [name for name in _TOKEN_VARS if os.environ.get(name, "").strip()]
        if from_env:
            self.notify(
                f"The token comes from {from_env[0]} in your environment: unset it (and restart) "
                "to sign out.",
                title="Sign out",
                severity="warning",
                timeout=12,
                markup=False,
            )
            return
        from pipedrive_tui.screens.confirm import ConfirmScreen

        domain = settings.company_domain or "this account"
        question = ConfirmScreen(
            f"Sign out of {domain}?",
            f"The token of profile “{settings.profile}” is removed from the system keyring and "
            "the config file; the company domain stays, so that connecting again only asks for "
            "a token. The app then shows the demo account.",
            confirm="Sign out",
        )
        self.push_screen(question, self._sign_out_answered)

    def _sign_out_answered(self, yes: bool | None) -> None:
        if yes:
            self.run_worker(self._sign_out(), group="switch", exit_on_error=False)

    async def _sign_out(self) -> None:
        from pipedrive_tui import credentials

        assert self._settings is not None
        profile = self._settings.profile
        try:
            removed = await asyncio.to_thread(credentials.forget_token, profile)
        except credentials.CredentialsError as error:
            self.notify(str(error), title="Sign out", severity="error", markup=False)
            return
        if self._session_factory is not None:
            demo = self._settings.model_copy(
                update={"demo": True, "api_token": None, "oauth_token": None, "token_store": None}
            )
            await self.switch_session(self._session_factory(demo), demo)
        where = " and ".join(_home(item) for item in removed) or "nowhere (nothing was stored)"
        self.notify(
            f"Signed out of profile “{profile}”: the token was removed from {where}.",
            title="Signed out",
            timeout=12,
            markup=False,
        )


def _config_path() -> Any:
    from pipedrive_tui import locations

    return locations.config_file()


def _home(path: str) -> str:
    """``/home/ann/.config/x`` → ``~/.config/x`` (shorter, and no user name on screen)."""
    home = os.path.expanduser("~")
    return "~" + path[len(home) :] if home != "/" and path.startswith(home + os.sep) else path
