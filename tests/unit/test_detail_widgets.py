"""Unit tests of the deal detail's widgets and the pure functions that feed them."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from textual.app import App, ComposeResult
from textual.widget import Widget

from pipedrive_tui.api.models import (
    Currency,
    Deal,
    DealFlowItem,
    FieldDefinition,
    MailMessage,
    Note,
    Stage,
)
from pipedrive_tui.fields import FieldCatalog, FieldContext, RenderedField
from pipedrive_tui.screens.mail_thread import group_threads, render_thread
from pipedrive_tui.widgets.deal_summary import (
    ContactCard,
    DealFacts,
    DealSummary,
    standard_fields,
)
from pipedrive_tui.widgets.field_list import FieldList, FieldSection, empty_hint
from pipedrive_tui.widgets.stage_strip import StageStrip, stage_marks
from pipedrive_tui.widgets.timeline import (
    FlowContext,
    Timeline,
    TimelineEntry,
    body_text,
    flow_entries,
    note_entries,
)

HOSTILE = "[bold]x[/] \x1b]0;pwned\x07[red]y[/red]"
CUSTOM = "a" * 40


class Host(App[None]):
    """An app that shows one widget, to draw it with the app's styles."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


def text_of(widget: Widget) -> str:
    """What a widget draws, as plain text, at its width."""
    console = Console(width=widget.content_size.width, file=io.StringIO())
    with console.capture() as capture:
        console.print(widget.render())
    return "\n".join(line.rstrip() for line in capture.get().splitlines())


def stage(stage_id: int, name: str, order: int, probability: int = 50) -> Stage:
    return Stage(
        id=stage_id, name=name, order_nr=order, pipeline_id=1, deal_probability=probability
    )


STAGES = [stage(3, "Demo", 3), stage(1, "Lead", 1), stage(2, "Call", 2), stage(4, "Deal", 4)]


def row(name: str, text: str, *, known: bool = True, key: str = "k") -> RenderedField:
    return RenderedField(name, key, "varchar", text, not text, known, True)


# --- stage strip ----------------------------------------------------------------------------------


def test_stage_marks_follow_order_nr() -> None:
    marks = stage_marks(STAGES, 2, "open")
    assert [(m.name, m.state) for m in marks] == [
        ("Lead", "passed"),
        ("Call", "current"),
        ("Demo", "future"),
        ("Deal", "future"),
    ]


def test_won_deal_has_passed_its_stage_and_unknown_stage_marks_nothing() -> None:
    assert [m.state for m in stage_marks(STAGES, 4, "won")] == ["passed"] * 4
    assert [m.state for m in stage_marks(STAGES, 99, "open")] == ["future"] * 4
    assert stage_marks([], 1, "open") == []


async def test_stage_strip_draws_marks_and_fits_narrow_widths() -> None:
    strip = StageStrip()
    async with Host(strip).run_test(size=(80, 5)) as pilot:
        strip.show(STAGES, 2, "lost")
        await pilot.pause()
        drawn = text_of(strip)
        assert "✓ Lead" in drawn and "✗ Call" in drawn and "· Demo" in drawn
        assert len(drawn) <= 80
        strip.show([stage(1, "A very long stage name indeed", 1)] * 6, 1, "open")
        await pilot.pause()
        assert "…" in text_of(strip)
        strip.show([], None, "open")
        await pilot.pause()
        assert "No stages" in text_of(strip)


async def test_stage_names_are_plain_text() -> None:
    strip = StageStrip()
    async with Host(strip).run_test(size=(80, 5)) as pilot:
        strip.show([stage(1, "[b]x[/b]\x1b[2J", 1)], 1, "open")
        await pilot.pause()
        drawn = text_of(strip)
        assert "[b]x[/b]" in drawn and "\x1b" not in drawn


# --- field list -----------------------------------------------------------------------------------


def test_empty_hint_wording() -> None:
    assert empty_hint(0, False) == ""
    assert empty_hint(1, False) == "1 empty field hidden — press e to show"
    assert empty_hint(12, False) == "12 empty fields hidden — press e to show"
    assert empty_hint(12, True) == "12 empty fields shown — press e to hide them"


async def test_field_list_sections_rows_and_hint() -> None:
    fields = FieldList()
    async with Host(fields).run_test(size=(80, 30)) as pilot:
        fields.show(
            [
                FieldSection("Standard", [row("Value", "$1.00"), row("Won time", "")]),
                FieldSection("Custom", [], empty_text="No custom field is set."),
                FieldSection("Skipped", []),
                FieldSection("Gone", [row("Unknown field (abcd…)", "HS-1", known=False)]),
            ],
            empty_count=3,
            showing_empty=True,
        )
        await pilot.pause()
        assert [s.title for s in fields.sections] == ["Standard", "Custom", "Gone"]
        assert fields.value_of("Value") == "$1.00"
        assert fields.value_of("Won time") == ""
        assert fields.value_of("Nope") is None
        drawn = text_of(fields)
        assert "Won time" in drawn and "—" in drawn
        assert "No custom field is set." in drawn
        assert "Unknown field (abcd…)" in drawn and "HS-1" in drawn
        assert "3 empty fields shown — press e to hide them" in drawn
        fields.show_message("Loading the fields…")
        await pilot.pause()
        assert fields.rows == [] and text_of(fields) == "Loading the fields…"


async def test_field_list_values_are_literal_and_long_ones_wrap() -> None:
    fields = FieldList()
    async with Host(fields).run_test(size=(60, 30)) as pilot:
        long = "word " * 40
        fields.show(
            [
                FieldSection(
                    "S", [row(HOSTILE, HOSTILE), row("Long", long), row("P", "(deleted option 5)")]
                )
            ]
        )
        await pilot.pause()
        drawn = text_of(fields)
        assert "[bold]x[/]" in drawn and "[red]y[/red]" in drawn
        assert "\x1b" not in drawn and "pwned" not in drawn
        assert max(len(line) for line in drawn.splitlines()) <= 60
        assert drawn.count("word") == 40
        assert "(deleted option 5)" in drawn


# --- deal summary and standard fields -------------------------------------------------------------


def _deal(**changes: Any) -> Deal:
    data: dict[str, Any] = {
        "id": 7,
        "title": "Big deal",
        "value": 1234.5,
        "currency": "EUR",
        "status": "open",
        "creator_user_id": 5,
        "pipeline_id": 1,
        "stage_id": 2,
        "add_time": "2026-01-02T03:04:05Z",
        "label_ids": [1],
        "visible_to": 3,
        "origin": "ManuallyCreated",
    }
    data.update(changes)
    return Deal.model_validate(data)


def _catalog() -> FieldCatalog:
    return FieldCatalog(
        [
            FieldDefinition(key="add_time", name="Deal created", field_type="date"),
            FieldDefinition(key="value", name="Value", field_type="monetary"),
            FieldDefinition(
                key="label_ids",
                name="Label",
                field_type="set",
                options=[{"id": 1, "label": "Hot"}],
            ),
            FieldDefinition(
                key="visible_to",
                name="Visible to",
                field_type="visible_to",
                options=[{"id": "3", "label": "Entire company"}],
            ),
            FieldDefinition(key=CUSTOM, name="Region", field_type="varchar", is_custom_field=True),
        ]
    )


CONTEXT = FieldContext(
    users={5: "Ava"},
    currencies={"EUR": Currency(code="EUR", name="Euro", symbol="€")},
)


def test_standard_fields() -> None:
    rows = {
        r.name: r for r in standard_fields(_deal(), _catalog(), CONTEXT, stage(2, "Call", 2, 40))
    }
    assert rows["Value"].text == "€1,234.50"
    assert rows["Currency"].text == "EUR (Euro)"
    assert rows["Probability"].text == "40% (stage default)"
    assert rows["Creator"].text == "Ava"
    assert rows["Deal created"].text == "2026-01-02 03:04"
    assert rows["Label"].text == "Hot"
    assert rows["Visible to"].text == "Entire company"
    assert rows["Source origin"].text == "Manually created"
    assert rows["Won time"].is_empty and rows["Won time"].text == ""
    assert not any(r.is_custom for r in rows.values())
    own = {r.name: r for r in standard_fields(_deal(probability=90), _catalog(), CONTEXT)}
    assert own["Probability"].text == "90%"


async def test_summary_wide_and_narrow() -> None:
    summary = DealSummary()
    facts = DealFacts(
        title=HOSTILE,
        value="€1,234.50",
        stage_path="Sales › Call",
        status="open",
        owner="Ava",
        expected_close="2026-12-01",
        rotting_days=3,
        person=ContactCard("No person", missing=True),
        organization=ContactCard("Acme", ("1 Main St",)),
    )
    async with Host(summary).run_test(size=(120, 20)) as pilot:
        summary.show(facts)
        await pilot.pause()
        wide = text_of(summary)
        assert "[bold]x[/]" in wide and "\x1b" not in wide and "pwned" not in wide
        assert "Open · rotting 3 days" in wide
        assert "No person" in wide and "Acme" in wide and "1 Main St" in wide
        assert "Organization" in wide
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        narrow = text_of(summary)
        assert "Org" in narrow and "Acme · 1 Main St" in narrow
        assert "Ava · close by 2026-12-01" in narrow
        summary.show(DealFacts(title="Lost one", status="lost", lost_reason="Too dear"))
        await pilot.pause()
        assert "Lost — Too dear" in text_of(summary)


# --- timeline -------------------------------------------------------------------------------------


def _flow(obj: str, data: dict[str, Any], when: str = "2026-01-29 18:03:03") -> DealFlowItem:
    return DealFlowItem.model_validate({"object": obj, "timestamp": when, "data": data})


def test_flow_entries_name_every_kind() -> None:
    context = FlowContext(
        users={101: "Ava"},
        stages={1: "Lead", 2: "Call"},
        pipelines={1: "Sales"},
        catalog=_catalog(),
        fields=FieldContext(currencies=CONTEXT.currencies, default_currency="EUR"),
    )
    items = [
        _flow(
            "dealChange", {"field_key": "stage_id", "old_value": 1, "new_value": 2, "user_id": 101}
        ),
        _flow(
            "dealChange",
            {
                "field_key": "stage_id",
                "old_value": 1,
                "new_value": 2,
                "additional_data": {"old_value_formatted": "A", "new_value_formatted": "B"},
            },
        ),
        _flow("dealChange", {"field_key": "value", "old_value": 100, "new_value": 250.5}),
        _flow("dealChange", {"field_key": CUSTOM, "old_value": None, "new_value": HOSTILE}),
        _flow("dealChange", {"field_key": "b" * 40, "old_value": "x", "new_value": "y"}),
        _flow(
            "dealChange",
            {"field_key": "expected_close_date", "old_value": "", "new_value": "2026-02-01"},
        ),
        _flow("note", {"content": "<p>Hello <b>there</b></p><ul><li>one</li></ul>", "user_id": 9}),
        _flow(
            "mailMessage",
            {
                "subject": "Re: \x1b[31mURGENT\x1b[0m",
                "from": [{"email_address": "a@x.org", "name": "Ann"}],
                "to": [{"email_address": "b@x.org"}],
                "snippet": "s" * 300,
            },
        ),
        _flow(
            "activity",
            {"subject": "Call Bob", "done": True, "due_date": "2026-02-02", "due_time": "10:00"},
        ),
        _flow("somethingNew", {}),
    ]
    entries = flow_entries(items, context)
    titles = [e.title for e in entries]
    assert titles[0] == "Stage: Lead → Call" and entries[0].detail == "by Ava"
    assert entries[0].kind == "stage" and entries[0].when == datetime(2026, 1, 29, 18, 3, 3)
    assert titles[1] == "Stage: A → B"
    assert titles[2] == "Value: €100.00 → €250.50"
    assert titles[3] == f"Region: (empty) → {'[bold]x[/] [red]y[/red]'}"
    assert titles[4] == f"Unknown field ({'b' * 8}…): x → y"
    assert titles[5] == "Expected close date: (empty) → 2026-02-01"
    assert entries[6].kind == "note" and entries[6].body == "Hello there\n\n• one"
    assert entries[6].detail == "by User #9"
    assert titles[7] == "Mail: Re: URGENT" and entries[7].detail == "Ann → b@x.org"
    assert len(entries[7].body) == 160 and entries[7].body.endswith("…")
    assert entries[8].kind == "done" and entries[8].detail == "due 2026-02-02 10:00 · done"
    assert titles[9] == "SomethingNew"


def test_note_entries_newest_first_and_pinned() -> None:
    notes = [
        Note(id=1, content="<p>old</p>", add_time=datetime(2025, 1, 1, tzinfo=UTC)),
        Note(
            id=2, content="new", add_time=datetime(2026, 1, 1, tzinfo=UTC), pinned_to_deal_flag=True
        ),
    ]
    entries = note_entries(notes, {})
    assert [e.body for e in entries] == ["new", "old"]
    assert entries[0].title == "Note (pinned)" and entries[1].title == "Note"


def test_body_text_renders_html_and_keeps_plain_text() -> None:
    assert body_text("<p>Hi</p><p>there &amp; you</p>") == "Hi\n\nthere & you"
    assert body_text("Hi,\n\n> quoted <3\n") == "Hi,\n\n> quoted <3"
    assert body_text(None) == ""
    assert "\x1b" not in body_text("a\x1b]0;t\x07b")


async def test_timeline_draws_entries_messages_and_narrow_layout() -> None:
    timeline = Timeline(empty="Nothing yet.")
    async with Host(timeline).run_test(size=(100, 30)) as pilot:
        assert text_of(timeline) == "Loading…"
        timeline.show([])
        await pilot.pause()
        assert text_of(timeline) == "Nothing yet."
        entry = TimelineEntry(
            datetime(2026, 1, 2, 3, 4), "note", HOSTILE, "by Ava", "line 1\nline 2"
        )
        timeline.show([entry, entry])
        await pilot.pause()
        drawn = text_of(timeline)
        assert "2026-01-02 03:04" in drawn and "✎ [bold]x[/]" in drawn
        assert [line.strip() for line in drawn.splitlines()[2:4]] == ["line 1", "line 2"]
        assert "pwned" not in drawn and "\x1b" not in drawn
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        narrow = text_of(timeline)
        assert narrow.splitlines()[0].strip() == "2026-01-02 03:04"
        timeline.show_message("Boom\nPress r to try again.", error=True)
        await pilot.pause()
        assert timeline.is_error and "Press r" in text_of(timeline)


# --- mail threads ---------------------------------------------------------------------------------


def _message(
    mid: int, thread: int, subject: str, when: str, body: str | None = None
) -> MailMessage:
    return MailMessage.model_validate(
        {
            "id": mid,
            "mail_thread_id": thread,
            "subject": subject,
            "message_time": when,
            "from": [{"email_address": "a@x.org", "name": "Ann"}],
            "to": [{"email_address": "b@x.org", "name": "Bob"}],
            "body": body,
        }
    )


def test_group_threads_newest_first_with_first_subject() -> None:
    messages = [
        _message(1, 10, "Re: Hello", "2026-01-03T00:00:00Z"),
        _message(2, 10, "Hello", "2026-01-01T00:00:00Z"),
        _message(3, 20, "Other", "2026-01-02T00:00:00Z"),
        MailMessage(id=4, subject="orphan"),
    ]
    threads = group_threads(messages)
    assert [(t.thread_id, t.subject, t.count) for t in threads] == [
        (10, "Hello", 2),
        (20, "Other", 1),
    ]
    assert threads[0].parties == ["Ann", "Bob"]
    assert threads[0].last_time == datetime(2026, 1, 3, tzinfo=UTC)


def test_render_thread_numbers_links_across_messages_and_lists_attachments() -> None:
    first = _message(
        1,
        10,
        "Hi",
        "2026-01-01T00:00:00Z",
        '<p>Hello<br>World, see <a href="https://a.example/x">this</a></p>',
    )
    second = _message(
        2,
        10,
        "Re: Hi",
        "2026-01-02T00:00:00Z",
        "Thanks, https://b.example/y too\n\nOn Monday, Ann wrote:\n> Hello\n> World",
    )
    second = second.model_copy(update={"cc": first.to})
    rendered = render_thread([first, second, _message(3, 10, "Empty", "2026-01-03T00:00:00Z")])
    one, two, three = rendered.messages
    assert one.sender == "Ann <a@x.org>" and one.to == "Bob <b@x.org>" and not one.cc
    assert one.when == "2026-01-01 00:00"
    assert one.body == "Hello\nWorld, see this [1]"
    assert two.cc == "Bob <b@x.org>"
    assert "[2]" in two.body and "Ann wrote" in two.quoted and "Ann wrote" not in two.body
    assert rendered.links == ("https://a.example/x", "https://b.example/y")
    assert three.body == ""
    raw = first.model_copy(update={"has_real_attachments_flag": True})
    assert "has attachments" in render_thread([raw]).messages[0].notes[0]
    listed = MailMessage.model_validate(
        {"id": 5, "attachments": [{"file_name": "quote.pdf", "file_size": 95116},
                                  {"file_name": "logo.png", "inline_flag": True}]}
    )  # fmt: skip
    assert render_thread([listed]).messages[0].attachments == ("quote.pdf · 95.1 kB",)
