"""Pilot tests of the lead label manager, the label picker and the confirm dialog, on the demo."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from pipedrive_tui.api.models import LeadLabel
from pipedrive_tui.app import PipedriveApp
from pipedrive_tui.demo.faults import FaultPlan
from pipedrive_tui.demo.handler import DemoPipedrive
from pipedrive_tui.screens.confirm import ConfirmScreen
from pipedrive_tui.screens.lead_labels import (
    NEW_LABEL_DRAFT,
    LabelNameScreen,
    LabelPicker,
    LeadLabelsScreen,
    name_draft,
)
from pipedrive_tui.widgets.lead_labels import ColorPicker, LabelChips, LabelOptions
from tests.ui import demo_app

SIZE = (120, 36)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _manager(pilot: Pilot[Any], results: list[bool] | None = None) -> LeadLabelsScreen:
    """Push the label manager once the overview has loaded; its answer goes to ``results``."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await _settle(pilot)
    screen = LeadLabelsScreen(app.session)
    await app.push_screen(screen, None if results is None else results.append)
    await _settle(pilot)
    return screen


def _writes(demo: DemoPipedrive) -> list[Any]:
    return [r for r in demo.requests if r.method != "GET" and "/leadLabels" in r.path]


def _notes(app: PipedriveApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


def _prompts(options: OptionList) -> list[str]:
    return [str(option.prompt) for option in options.options]


def _by_name(demo: DemoPipedrive) -> dict[str, dict[str, Any]]:
    return {label["name"]: label for label in demo.store.lead_labels.values()}


async def _type_name(pilot: Pilot[Any], name: str) -> None:
    """Replace what the name dialog holds with ``name`` and press Enter."""
    assert isinstance(pilot.app.screen, LabelNameScreen)
    pilot.app.screen.query_one(Input).value = ""
    await pilot.press(*name, "enter")
    await pilot.pause()


# --- the manager: loading --------------------------------------------------------------------


async def test_manager_lists_every_label_with_its_colour() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        names = [label["name"] for label in demo.store.lead_labels.values()]
        assert [label.name for label in screen.labels] == names
        prompts = _prompts(screen.options)
        assert prompts[0] == " Hot   red"
        assert len(prompts) == 8 and screen.options.has_focus
        assert not screen.query_one("#lead-labels-message").display


async def test_manager_refetches_even_when_the_labels_are_cached() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        before = sum(1 for r in demo.requests if r.path.endswith("/leadLabels"))
        await _manager(pilot)
        after = sum(1 for r in demo.requests if r.path.endswith("/leadLabels"))
        assert after == before + 1


async def test_loading_error_says_so_and_r_tries_again() -> None:
    faults = FaultPlan().server_error(503, path="/leadLabels", method="GET", after=1)
    app, _ = demo_app(faults=faults)  # the overview's request passes, the manager's fails
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        message = screen.query_one("#lead-labels-message", Static)
        assert message.display and message.has_class("-error")
        assert "Could not load the labels." in str(message.render())
        assert "Press r to try again." in str(message.render())
        assert not screen.options.display
        await pilot.press("n")  # nothing to write on before the labels are there
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("r")
        await _settle(pilot)
        assert not message.display and len(screen.labels) == 8


async def test_names_are_shown_as_text_not_markup() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        await app.session.client.add_lead_label("[bold red]Loud[/] \x1b]0;owned\x07x", "blue")
        screen = await _manager(pilot)
        assert _prompts(screen.options)[-1] == " [bold red]Loud[/] x   blue"


async def test_escape_without_changes_answers_false() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[bool] = []
        await _manager(pilot, results)
        await pilot.press("escape")
        await pilot.pause()
        assert results == [False]


# --- the manager: writes ---------------------------------------------------------------------


async def test_create_asks_name_then_colour() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[bool] = []
        screen = await _manager(pilot, results)
        await pilot.press("n")
        await pilot.pause()
        await _type_name(pilot, "Trade show")
        assert isinstance(app.screen, ColorPicker)
        # The first colour no label uses yet is offered; down moves to the next one.
        assert app.screen.query_one(LabelOptions).current.id == "brown"  # type: ignore[union-attr]
        await pilot.press("down", "enter")
        await _settle(pilot)
        assert _writes(demo)[-1].body == {"name": "Trade show", "color": "dark-gray"}
        created = _by_name(demo)["Trade show"]
        assert screen.labels[-1].id == created["id"]
        assert screen.options.current is not None and screen.options.current.id == created["id"]
        assert NEW_LABEL_DRAFT not in app.session.drafts
        assert app.session.lookups.peek("lead_labels") is None  # others refetch
        assert "Created “Trade show”" in _notes(app)
        await pilot.press("escape")
        await pilot.pause()
        assert results == [True]


async def test_failed_create_reverts_and_keeps_the_typed_name() -> None:
    faults = FaultPlan().server_error(500, path="/leadLabels", method="POST")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        results: list[bool] = []
        screen = await _manager(pilot, results)
        await pilot.press("n")
        await pilot.pause()
        await _type_name(pilot, "Trade show")
        await pilot.press("enter")
        await _settle(pilot)
        assert len(_writes(demo)) == 1 and "Trade show" not in _by_name(demo)
        assert len(screen.labels) == 8 and not screen.saving
        assert all("Trade show" not in prompt for prompt in _prompts(screen.options))
        failure = next(n for n in _notes(app) if n.startswith("Could not create the label"))
        assert "your name is kept: press n to retry" in failure
        assert "server error" in failure
        assert app.session.drafts[NEW_LABEL_DRAFT] == "Trade show"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "Trade show"
        await pilot.press("enter", "enter")  # the fault is spent: this time it saves
        await _settle(pilot)
        assert "Trade show" in _by_name(demo)
        assert NEW_LABEL_DRAFT not in app.session.drafts
        await pilot.press("escape")
        await pilot.pause()
        assert results == [True]


async def test_rename_with_enter_prefills_the_name() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LabelNameScreen)
        assert app.screen.query_one(Input).value == "Warm"
        await _type_name(pilot, "Lukewarm")
        await _settle(pilot)
        label = screen.labels[1]
        assert label.name == "Lukewarm" and demo.store.lead_labels[label.id]["name"] == "Lukewarm"
        assert _writes(demo)[-1].body == {"name": "Lukewarm"}
        assert screen.options.highlighted == 1
        assert name_draft(label.id) not in app.session.drafts


async def test_refused_rename_reverts_and_keeps_the_name() -> None:
    faults = FaultPlan().server_error(500, path="/leadLabels/", method="PATCH")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        label = screen.labels[0]
        await pilot.press("e")
        await pilot.pause()
        await _type_name(pilot, "Scorching")
        await _settle(pilot)
        assert len(_writes(demo)) == 1
        assert screen.labels[0] == label and _prompts(screen.options)[0] == " Hot   red"
        assert demo.store.lead_labels[label.id]["name"] == "Hot"
        assert any(n.startswith("Could not rename the label") for n in _notes(app))
        assert app.session.drafts[name_draft(label.id)] == "Scorching"
        assert app.session.lookups.peek("lead_labels") is not None  # nothing changed
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "Scorching"


async def test_recolour_picks_from_the_ten_colours() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        label = screen.labels[0]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ColorPicker)
        colours = app.screen.query_one(LabelOptions)
        assert len(colours.options) == 10 and colours.current.id == "red"  # type: ignore[union-attr]
        await pilot.press("k", "enter")  # purple, just above red
        await _settle(pilot)
        assert screen.labels[0].color == "purple"
        assert demo.store.lead_labels[label.id]["color"] == "purple"
        assert _writes(demo)[-1].body == {"color": "purple"}


async def test_write_shows_at_once_then_confirms() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        seen: list[str] = []
        respond = demo.respond

        def spy(request: Any) -> Any:
            """What the manager shows while the server is answering the write."""
            if request.method == "PATCH":
                seen.append(_prompts(screen.options)[0])
                screen.action_delete()  # a label being saved cannot be edited again
            return respond(request)

        demo.respond = spy  # type: ignore[method-assign]
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("down", "enter")
        await _settle(pilot)
        assert seen == [" Hot   saving…"]
        assert app.screen is screen
        assert "This label is still being saved; try again in a moment." in _notes(app)
        assert _prompts(screen.options)[0] == " Hot   yellow"


async def test_closing_during_a_write_lets_it_finish() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[bool] = []
        screen = await _manager(pilot, results)
        respond = demo.respond

        def close_first(request: Any) -> Any:
            if request.method == "PATCH":
                screen.action_close()
            return respond(request)

        demo.respond = close_first  # type: ignore[method-assign]
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("down", "enter")
        await _settle(pilot)
        assert results == [True] and app.screen is not screen
        assert demo.store.lead_labels[screen.labels[0].id]["color"] == "yellow"
        assert "“Hot” is now yellow" in _notes(app)


async def test_delete_asks_then_removes_the_label_from_every_lead() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        label = screen.labels[0]
        assert any(label.id in (lead.get("label_ids") or []) for lead in demo.store.leads)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body", Static).render())
        assert "“Hot” will be removed from every lead that has it" in body
        await pilot.press("y")
        await _settle(pilot)
        assert label.id not in demo.store.lead_labels
        assert not any(label.id in (lead.get("label_ids") or []) for lead in demo.store.leads)
        assert [lb.id for lb in screen.labels] == list(demo.store.lead_labels)
        assert await app.session.lookups.lead_labels() == {lb.id: lb for lb in screen.labels}


async def test_cancelled_delete_keeps_the_label() -> None:
    app, demo = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        for cancel in ("n", "escape"):
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press(cancel)
            await _settle(pilot)
            assert app.screen is screen
        assert not _writes(demo) and len(screen.labels) == 8


async def test_refused_delete_puts_the_label_back() -> None:
    faults = FaultPlan().server_error(502, path="/leadLabels/", method="DELETE")
    app, demo = demo_app(faults=faults)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        before = list(screen.labels)
        await pilot.press("down", "down", "d", "enter")
        await _settle(pilot)
        assert len(_writes(demo)) == 1
        assert screen.labels == before and screen.options.highlighted == 2
        assert any(n.startswith("Could not delete the label") for n in _notes(app))


async def test_read_only_refuses_every_write() -> None:
    app, demo = demo_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _manager(pilot)
        for key in ("n", "e", "enter", "c", "d"):
            await pilot.press(key)
            await pilot.pause()
            assert app.screen is screen
        assert not _writes(demo)
        notes = _notes(app)
        assert (
            notes.count("Read-only mode: nothing was changed. Restart without --read-only to edit.")
            == 5
        )


# --- the picker ------------------------------------------------------------------------------


async def _picker(
    pilot: Pilot[Any], results: list[str | None], ticked: tuple[int, ...] = ()
) -> tuple[LabelPicker, list[LeadLabel]]:
    """Push a picker of the demo's labels, the ``ticked`` ones (by index) on the lead."""
    app = pilot.app
    assert isinstance(app, PipedriveApp)
    await _settle(pilot)
    labels = list((await app.session.lookups.lead_labels()).values())
    selected = {labels[i].id for i in ticked}
    picker = LabelPicker(labels, selected, title="Labels of Acme")
    await app.push_screen(picker, results.append)
    await pilot.pause()
    return picker, labels


async def test_picker_ticks_the_selected_and_returns_the_chosen_id() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[str | None] = []
        picker, labels = await _picker(pilot, results, ticked=(0,))
        prompts = _prompts(picker.query_one(LabelOptions))
        assert prompts[0] == "☑  Hot " and prompts[1] == "☐  Warm "
        assert picker.query_one(Input).has_focus
        await pilot.press("down", "down", "up", "enter")
        await pilot.pause()
        assert results == [labels[1].id]


async def test_picker_narrows_as_you_type() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[str | None] = []
        picker, labels = await _picker(pilot, results)
        await pilot.press(*"ol")  # "Cold", "Follow up"
        options = picker.query_one(LabelOptions)
        assert [lb.name for lb in options.labels] == ["Cold", "Follow up"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert results == [next(lb.id for lb in labels if lb.name == "Follow up")]


async def test_picker_says_when_nothing_matches_and_escape_cancels() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[str | None] = []
        picker, _ = await _picker(pilot, results)
        await pilot.press(*"[zz]")
        hint = str(picker.query_one("#label-picker-hint", Static).render())
        assert hint.startswith("No label matches “[zz]”")
        assert not picker.query_one(LabelOptions).display
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert results == [None]


async def test_picker_list_moves_with_j_and_k() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[str | None] = []
        _, labels = await _picker(pilot, results)
        await pilot.press("tab", "j", "j", "k", "enter")
        await pilot.pause()
        assert results == [labels[1].id]


async def test_picker_without_labels_says_how_to_make_them() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        results: list[str | None] = []
        await app.push_screen(LabelPicker([], set()), results.append)
        await pilot.pause()
        hint = str(app.screen.query_one("#label-picker-hint", Static).render())
        assert "Create labels with L on the leads list" in hint
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert results == [None]


# --- the chips widget and the confirm dialog ----------------------------------------------------


async def test_label_chips_draw_names_and_unknown_ids() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        labels = await app.session.lookups.lead_labels()
        ids = list(labels)
        chips = LabelChips(placeholder="No labels")
        await app.screen.mount(chips)
        await pilot.pause()
        assert chips.render().plain == "No labels"
        chips.show([ids[0], "gone", ids[2]], labels)
        text = chips.render()
        assert text.plain == " Hot   ?   Cold "
        blue = chips.get_component_rich_style("lead-chip--blue", partial=True)
        assert blue.bgcolor is not None and text.spans[-1].style == blue


async def test_confirm_answers_with_keys_and_buttons() -> None:
    app, _ = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        answers: list[bool | None] = []
        for keys in (("y",), ("enter",), ("n",), ("escape",)):
            await app.push_screen(ConfirmScreen("Sure?", "[b]body[/b]"), answers.append)
            await pilot.pause()
            assert str(app.screen.query_one("#confirm-body", Static).render()) == "[b]body[/b]"
            await pilot.press(*keys)
            await pilot.pause()
        await app.push_screen(ConfirmScreen("Sure?", "body", "Remove"), answers.append)
        await pilot.pause()
        await pilot.click("#confirm-ok")
        await pilot.pause()
        assert answers == [True, True, False, False, True]
