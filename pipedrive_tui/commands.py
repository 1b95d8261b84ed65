"""Command palette providers: screens, pipelines, saved filters, and Pipedrive search.

One provider per domain. Search asks Pipedrive (``/api/v2/itemSearch``) only after the user has
paused typing, and never for fewer than two characters: every search costs 20 tokens.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from pipedrive_tui.api.errors import PipedriveError
from pipedrive_tui.data.deals import DealQuery
from pipedrive_tui.fields.text import clean_line

if TYPE_CHECKING:
    from pipedrive_tui.app import PipedriveApp

__all__ = [
    "AccountProvider",
    "DealSearchProvider",
    "FilterProvider",
    "PipelineProvider",
    "ScreensProvider",
]

#: How long typing must pause before the palette asks Pipedrive.
SEARCH_DEBOUNCE = 0.35


def highlighted(matcher: Matcher, text: str) -> Content:
    """``text`` as plain text, its letters that match the query styled.

    ``Matcher.highlight`` reads its argument as markup: a pipeline or a filter named
    ``[b]x[/b]`` would be styled, and one holding ``[link=…]`` would write a link.
    """
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class _AppProvider(Provider):
    @property
    def pd_app(self) -> PipedriveApp:
        return cast("PipedriveApp", self.app)


class _ListProvider(_AppProvider):
    """A provider of a short, fixed list of commands: ``(name, help, callback)``."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(Text(name), command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlighted(matcher, name), command, help=help_text)


class AccountProvider(_ListProvider):
    """Connect an account, open another profile of the config file, sign out."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        from pipedrive_tui.credentials import stored_profiles

        app = self.pd_app
        settings = app._settings
        current = settings.profile if settings is not None else "default"
        demo = settings is None or settings.use_demo
        commands: list[tuple[str, str, Any]] = [
            (
                "Connect a Pipedrive account",
                "Company domain and API token, checked and saved (A)",
                app.action_connect,
            )
        ]
        for info in stored_profiles():
            if info.name == current and not demo:
                continue
            where = info.company_domain or info.base_url or "no domain yet"
            commands.append(
                (f"Switch profile: {clean_line(info.name)}", clean_line(where),
                 partial(app.switch_profile, info.name))
            )  # fmt: skip
        session = app._session
        if session is not None and session.store is not None:
            commands.append(
                ("Resync everything from Pipedrive",
                 "Forget the stored records and lists of this account, fetch again",
                 app.action_resync)
            )  # fmt: skip
        if not demo:
            commands.append(
                (f"Sign out of profile {clean_line(current)}",
                 "Forget its stored token and show the demo account", app.action_sign_out)
            )  # fmt: skip
        return commands


class ScreensProvider(_ListProvider):
    """Jump to a section: the pipeline board, the deals list, the leads, the account overview."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        app = self.pd_app
        return [
            (
                "Go to: Pipeline board",
                "Stages and deal cards (1)",
                partial(app.switch_mode, "pipelines"),
            ),
            ("Go to: Deals list", "Every deal in a table (2)", partial(app.switch_mode, "deals")),
            (
                "Go to: Leads inbox",
                "Leads, labels and triage (3)",
                partial(app.switch_mode, "leads"),
            ),
            ("Go to: Mail", "Folders, threads and messages (4)", partial(app.switch_mode, "mail")),
            (
                "Go to: Saved filters",
                "Filters in words, applied, built (5)",
                partial(app.switch_mode, "filters"),
            ),
            (
                "Go to: Account overview",
                "Pipelines, stages and lookups (0)",
                partial(app.switch_mode, "account"),
            ),
        ]


class PipelineProvider(_AppProvider):
    """Open the board of a pipeline by name."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        try:
            pipelines = await self.pd_app.session.lookups.pipelines()
        except PipedriveError:
            return
        for pipeline in pipelines:
            name = f"Pipeline: {clean_line(pipeline.name)}"
            score = matcher.match(name)
            if score > 0:
                command = partial(self.pd_app.show_pipeline, pipeline.id)
                yield Hit(score, highlighted(matcher, name), command, help="Open its board")


class FilterProvider(_AppProvider):
    """Apply a saved deals or leads filter: the deals list or the leads list shows its records."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.pd_app
        try:
            filters = await app.session.filters.load()
        except PipedriveError:
            return
        for saved in filters:
            if saved.type not in ("deals", "leads"):
                continue
            kind = "deals" if saved.type == "deals" else "leads"
            name = f"Apply filter: {clean_line(saved.name)} ({kind})"
            score = matcher.match(name)
            if score > 0:
                command = partial(app.apply_filter, saved.id, saved.type)
                yield Hit(score, highlighted(matcher, name), command, help=f"Show its {kind}")


class DealSearchProvider(_AppProvider):
    """Find a deal, person or organization by name in Pipedrive (results as you type)."""

    async def search(self, query: str) -> Hits:
        term = query.strip()
        if len(term) < 2:
            return
        # Debounce: the palette cancels this search when the query changes during the pause.
        await asyncio.sleep(SEARCH_DEBOUNCE)
        app = self.pd_app
        try:
            results = await app.session.client.search(
                term, kind="items", item_types=["deal", "person", "organization"], limit=20
            )
        except PipedriveError as error:
            app.notify(str(error), title="Search failed", severity="error", markup=False)
            return
        for rank, result in enumerate(results):
            item = result.item
            label = clean_line(item.label)
            score = max(0.1, 1.0 - rank * 0.02)
            if item.type == "deal" and isinstance(item.id, int):
                display = Text(f"Deal: {label}")
                yield Hit(score, display, partial(app.open_deal, item.id), help="Open the deal")
            elif item.type == "person" and isinstance(item.id, int):
                query_ = DealQuery(person_id=item.id, status="all")
                display = Text(f"Person: {label}")
                yield Hit(score, display, partial(app.show_deals, query_), help="Their deals")
            elif item.type == "organization" and isinstance(item.id, int):
                query_ = DealQuery(org_id=item.id, status="all")
                display = Text(f"Organization: {label}")
                yield Hit(score, display, partial(app.show_deals, query_), help="Its deals")
