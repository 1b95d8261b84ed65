"""Lead label chips: the pieces a table draws, their classes, and hostile label names."""

from __future__ import annotations

import pytest
from rich.style import Style

from pipedrive_tui.api.models import LeadLabel
from pipedrive_tui.widgets.lead_labels import (
    CHIP_CLASSES,
    LABEL_COLORS,
    MISSING_CHIP,
    chip_class,
    chip_pieces,
    chips_text,
)

HOT = LeadLabel(id="a1", name="Hot", color="red")
COLD = LeadLabel(id="b2", name="Cold", color="blue")
LABELS = {label.id: label for label in (HOT, COLD)}


def test_the_ten_colours_in_pipedrive_order() -> None:
    assert LABEL_COLORS == (
        "blue", "brown", "dark-gray", "gray", "green", "orange", "pink", "purple", "red", "yellow",
    )  # fmt: skip
    assert {chip_class(color) for color in LABEL_COLORS} | {MISSING_CHIP} <= CHIP_CLASSES


@pytest.mark.parametrize(
    ("color", "name"),
    [("blue", "lead-chip--blue"), ("dark-gray", "lead-chip--dark-gray"),
     ("teal", "lead-chip--gray"), ("", "lead-chip--gray"), ("red; x", "lead-chip--gray")],
)  # fmt: skip
def test_chip_class_maps_unknown_colours_to_gray(color: str, name: str) -> None:
    assert chip_class(color) == name


def test_pieces_follow_the_ids_order_with_plain_separators() -> None:
    assert chip_pieces(["b2", "a1"], LABELS) == [
        (" Cold ", "lead-chip--blue"),
        (" ", ""),
        (" Hot ", "lead-chip--red"),
    ]


def test_no_ids_no_pieces() -> None:
    assert chip_pieces([], LABELS) == []


def test_a_deleted_label_is_a_question_mark() -> None:
    assert chip_pieces(["a1", "gone"], LABELS) == [
        (" Hot ", "lead-chip--red"),
        (" ", ""),
        (" ? ", MISSING_CHIP),
    ]
    assert chip_pieces(["gone"], {}) == [(" ? ", MISSING_CHIP)]


def test_markup_in_a_name_stays_text() -> None:
    label = LeadLabel(id="m", name="[bold red]VIP[/] [link=http://x]y[/link]", color="purple")
    pieces = chip_pieces(["m"], {"m": label})
    assert pieces == [(" [bold red]VIP[/] [link=http://x]y[/link] ", "lead-chip--purple")]
    text = chips_text(pieces, lambda name: Style(bold=True))
    assert text.plain == " [bold red]VIP[/] [link=http://x]y[/link] "
    assert [(span.start, span.end) for span in text.spans] == [(0, len(text.plain))]


def test_escape_sequences_and_newlines_are_removed() -> None:
    name = "\x1b]0;pwned\x07Hot\x1b[2J\nlead\x00 \u202eevil"
    pieces = chip_pieces(["x"], {"x": LeadLabel(id="x", name=name, color="red")})
    assert pieces == [(" Hot lead evil ", "lead-chip--red")]
    assert not any(ord(ch) < 32 for text, _ in pieces for ch in text)


def test_a_name_cleaned_to_nothing_still_shows_a_chip() -> None:
    pieces = chip_pieces(["x"], {"x": LeadLabel(id="x", name="\x1b[31m", color="green")})
    assert pieces == [(" ? ", "lead-chip--green")]


def test_chips_text_styles_each_piece_by_its_class() -> None:
    styles = {"lead-chip--red": Style(bgcolor="red"), "lead-chip--blue": Style(bgcolor="blue")}
    text = chips_text(chip_pieces(["a1", "b2"], LABELS), lambda name: styles[name])
    assert text.plain == " Hot   Cold "
    spans = [(text.plain[s.start : s.end], s.style) for s in text.spans]
    assert spans == [(" Hot ", styles["lead-chip--red"]), (" Cold ", styles["lead-chip--blue"])]
