"""Pilot tests of the saved filters: in words, applied to deals and leads, built, edited,
renamed, duplicated, deleted, and a save Pipedrive refuses."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.deals import DealsScreen
from pipedrive_tui.screens.filter_builder import ConditionScreen, FilterBuilderScreen
from pipedrive_tui.screens.filters import FiltersScreen
from pipedrive_tui.screens.lead_labels import LabelNameScreen
from pipedrive_tui.screens.leads import LeadsScreen
from pipedrive_tui.widgets.board_picker import ChoicePicker
from tests.ui import demo_app

SIZE = (120, 36)
#: The demo's deal field ids (see pipedrive_tui/demo/saved_filters.py).
STATUS, VALUE, TITLE = "10", "5", "2"


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_filters(pilot: Pilot[Any]) -> FiltersScreen:
    """Switch to the filters mode and wait for the list and its names."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, FiltersScreen)
    return screen


async def highlight(pilot: Pilot[Any], screen: FiltersScreen, name: str) -> None:
    """Put the highlight on the filter called ``name`` and wait for its conditions."""
    index = next(i for i, f in enumerate(screen.shown) if f is not None and f.name == name)
    screen.options.highlighted = index
    await settle(pilot)


def words(screen: FiltersScreen) -> str:
    """The conditions in words, as shown."""
    return str(screen.query_one("#filter-words").render())


def notes(app: PipedriveApp) -> list[str]:
    """The messages of the notifications shown so far."""
    return [str(note.message) for note in app._notifications]


async def condition(
    pilot: Pilot[Any], key: str, field_id: str, operator: str, value: str | None
) -> None:
    """Press ``key`` (a or o) in the builder and fill the condition form."""
    await pilot.press(key)
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ConditionScreen)
    form.query_one("#condition-field", Select).value = field_id
    await settle(pilot)
    form.query_one("#condition-operator", Select).value = operator
    await settle(pilot)
    if value is not None:
        choice = form.query_one("#condition-choice", Select)
        if choice.display:
            choice.value = value
        else:
            form.query_one("#condition-text", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def new_deals_filter(pilot: Pilot[Any]) -> None:
    """Press n and choose a deals filter: the builder opens."""
    await pilot.press("n")
    await settle(pilot)
    picker = pilot.app.screen
    assert isinstance(picker, ChoicePicker)
    picker.dismiss(picker.choices[0])  # a deals filter
    await settle(pilot)
    assert isinstance(pilot.app.screen, FilterBuilderScreen)


def demo_filter(demo: DemoPipedrive, name: str) -> dict[str, Any] | None:
    """The demo's saved filter called ``name``."""
    return next((f for f in demo.store.filters.values() if f.get("name") == name), None)


# --- the list and words --------------------------------------------------------------------------


async def test_filters_grouped_by_type_with_conditions_in_words() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        prompts = [
            str(screen.options.get_option_at_index(i).prompt) for i in range(len(screen.shown))
        ]
        assert prompts[0] == "Deals (9)"
        leads_header = prompts.index("Leads (2)")
        assert all(f is not None and f.type == "leads" for f in screen.shown[leads_header + 1 :])
        await highlight(pilot, screen, "Big Sales deals")
        said = words(screen)
        assert "All of these" in said and "And any of these" in said
        assert "Pipeline is Sales" in said
        assert "Stage is" in said
        meta = str(screen.query_one("#filter-meta").render())
        assert meta.startswith("Deals filter · owner ")


async def test_apply_a_deals_filter_and_a_leads_filter() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await highlight(pilot, screen, "Big Sales deals")
        saved = screen.current()
        assert saved is not None
        await pilot.press("enter")
        await settle(pilot)
        deals = app.screen
        assert isinstance(deals, DealsScreen) and deals.deal_query.filter_id == saved.id
        expected = await app.session.client.list_deals(ceiling=None, filter_id=saved.id)
        assert [d.id for d in deals.rows.view] == [d.id for d in expected.items]
        assert "Filter: Big Sales deals" in str(deals.query_one("#deals-scope").render())
        await pilot.press("F")  # one key clears it
        await settle(pilot)
        assert deals.deal_query.filter_id is None
        await pilot.press("5")
        await settle(pilot)
        await highlight(pilot, screen, "My pilot leads")
        lead_filter = screen.current()
        assert lead_filter is not None
        await pilot.press("enter")
        await settle(pilot)
        leads = app.screen
        assert isinstance(leads, LeadsScreen) and leads.lead_query.filter_id == lead_filter.id
        wanted = await app.session.client.list_leads(filter_id=lead_filter.id, sort="add_time DESC")
        assert wanted.items and [x.id for x in leads.rows.view] == [x.id for x in wanted.items]


# --- building, editing ---------------------------------------------------------------------------


async def test_create_a_filter_with_an_or_group_then_edit_it() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await new_deals_filter(pilot)
        builder = app.screen
        assert isinstance(builder, FilterBuilderScreen)
        builder.query_one("#builder-name", Input).value = "Open, big or tiny"
        await condition(pilot, "a", STATUS, "=", "open")
        await condition(pilot, "o", VALUE, ">", "20000")
        await condition(pilot, "o", VALUE, "<", "1000")
        assert builder.draft.count == 3
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        stored = demo_filter(demo, "Open, big or tiny")
        assert stored is not None
        groups = stored["conditions"]["conditions"]
        assert [g["glue"] for g in groups] == ["and", "or"]
        assert [c["operator"] for c in groups[1]["conditions"]] == [">", "<"]
        result = await app.session.client.list_deals(ceiling=None, filter_id=stored["id"])
        assert result.items
        for deal in result.items:
            assert deal.status == "open" and (deal.value > 20000 or deal.value < 1000)
        everything = await app.session.client.list_deals(ceiling=None, status="open")
        expected = [d.id for d in everything.items if d.value > 20000 or d.value < 1000]
        assert sorted(d.id for d in result.items) == sorted(expected)
        assert "Status is Open" in words(screen)
        # Edit: drop the "< 1000" condition.
        await pilot.press("e")
        await settle(pilot)
        builder = app.screen
        assert isinstance(builder, FilterBuilderScreen)
        last = max(i for i, row in enumerate(builder.rows) if row is not None)
        builder.query_one("#builder-conditions").highlighted = last  # type: ignore[attr-defined]
        await pilot.press("d", "ctrl+s")
        await settle(pilot)
        stored = demo_filter(demo, "Open, big or tiny")
        assert stored is not None
        assert len(stored["conditions"]["conditions"][1]["conditions"]) == 1


async def test_validation_and_a_refused_save_keep_the_work() -> None:
    faults = FaultPlan().server_error(500, count=1, path="/v1/filters", method="POST")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        await open_filters(pilot)
        await new_deals_filter(pilot)
        builder = app.screen
        assert isinstance(builder, FilterBuilderScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = str(builder.query_one("#builder-errors").render())
        assert "name" in errors.lower() and "condition" in errors.lower()
        builder.query_one("#builder-name", Input).value = "Renewal titles"
        await condition(pilot, "a", TITLE, "LIKE '%$%'", "renewal")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is builder  # refused: still here, with everything typed
        assert "did not save" in str(builder.query_one("#builder-errors").render())
        assert builder.draft.count == 1 and demo_filter(demo, "Renewal titles") is None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_filter(demo, "Renewal titles") is not None


async def test_a_condition_needs_a_value() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_filters(pilot)
        await new_deals_filter(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ConditionScreen)
        form.query_one("#condition-field", Select).value = VALUE
        await settle(pilot)
        form.query_one("#condition-operator", Select).value = ">"
        await settle(pilot)
        form.query_one("#condition-text", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "number" in str(form.query_one("#condition-error").render())


# --- rename, duplicate, delete --------------------------------------------------------------------


async def test_rename_duplicate_and_delete_with_confirmation() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await highlight(pilot, screen, "Renewals")
        await pilot.press("R")
        await settle(pilot)
        namer = app.screen
        assert isinstance(namer, LabelNameScreen)
        namer.dismiss("Renewals 2027")
        await settle(pilot)
        assert demo_filter(demo, "Renewals 2027") is not None
        await pilot.press("D")
        await settle(pilot)
        copy = demo_filter(demo, "Renewals 2027 (copy)")
        assert copy is not None
        original = demo_filter(demo, "Renewals 2027")
        assert original is not None and copy["conditions"] == original["conditions"]
        await highlight(pilot, screen, "Renewals 2027 (copy)")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # changed my mind
        await settle(pilot)
        assert demo_filter(demo, "Renewals 2027 (copy)") is not None
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        gone = demo_filter(demo, "Renewals 2027 (copy)")
        assert gone is None or gone.get("active_flag") is False
        assert all(f is None or f.name != "Renewals 2027 (copy)" for f in screen.shown)


async def test_a_refused_delete_puts_the_filter_back() -> None:
    faults = FaultPlan().server_error(500, count=1, path="/v1/filters/", method="DELETE")
    app, _ = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await highlight(pilot, screen, "Renewals")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert any(f is not None and f.name == "Renewals" for f in screen.shown)
        assert any(n.startswith("Could not delete the filter") for n in notes(app))


async def test_read_only_changes_nothing() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await highlight(pilot, screen, "Renewals")
        for key in ("n", "e", "R", "D", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key
        assert not [r for r in demo.requests if r.method in ("POST", "PUT", "DELETE")]
        assert sum("Read-only mode" in n for n in notes(app)) == 5


async def test_editing_a_condition_starts_from_its_field_operator_and_value() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_filters(pilot)
        await highlight(pilot, screen, "Big Sales deals")
        await pilot.press("e")
        await settle(pilot)
        builder = app.screen
        assert isinstance(builder, FilterBuilderScreen)
        before = builder.draft.copy()
        await pilot.press("enter")  # the first condition: Pipeline is Sales
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ConditionScreen)
        assert form.query_one("#condition-operator", Select).value == "="
        assert form.query_one("#condition-choice", Select).value == "1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert builder.draft == before
        await pilot.press("escape")  # nothing changed: closes without asking
        await settle(pilot)
        assert app.screen is screen


async def test_field_names_with_markup_stay_plain_text_in_the_builder() -> None:
    app, demo = demo_app()
    field = next(f for f in demo.account.deal_fields_v1 if f["key"] == "lost_reason")
    field["name"] = "Budget [/] [bold red]x"
    async with app.run_test(size=SIZE) as pilot:
        await open_filters(pilot)
        await new_deals_filter(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ConditionScreen)
        form.query_one("#condition-field", Select).value = str(field["id"])
        await settle(pilot)
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "Budget [/] [bold red]x" in shown  # the label as typed, not read as markup
        await pilot.press("enter")  # opens the list of fields: drawn without a markup error
        await settle(pilot)
        assert app.is_running and "Budget [/] [bold red]x" in app.export_screenshot().replace(
            "&#160;", " "
        )
