"""A one-line strip of a pipeline's stages: passed ones ticked, the current one highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.widget import Widget

from pipedrive_tui.api.models import Stage
from pipedrive_tui.fields.text import clean_line

__all__ = ["StageMark", "StageStrip", "stage_marks"]

StageState = Literal["passed", "current", "future"]

#: The sign in front of a stage's name, by state (and for the current stage of a closed deal).
_SIGNS = {"passed": "✓", "current": "●", "future": "·", "won": "✓", "lost": "✗"}


@dataclass(frozen=True)
class StageMark:
    """One stage as the strip draws it: its name and whether it is passed, current or ahead."""

    stage_id: int
    name: str
    state: StageState


def stage_marks(stages: Sequence[Stage], current_id: int | None, status: str) -> list[StageMark]:
    """Mark each stage (in ``order_nr`` order) as passed, current or future.

    A won deal has passed every stage up to and including its own. A deal whose stage is not
    among ``stages`` (a stale cache) has every stage marked as future.
    """
    ordered = sorted(stages, key=lambda s: (s.order_nr, s.id))
    index = next((i for i, s in enumerate(ordered) if s.id == current_id), None)
    marks: list[StageMark] = []
    for i, stage in enumerate(ordered):
        state: StageState = "future"
        if index is not None and i < index:
            state = "passed"
        elif index is not None and i == index:
            state = "passed" if status == "won" else "current"
        marks.append(StageMark(stage.id, clean_line(stage.name), state))
    return marks


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis (names are short, cells ≈ characters)."""
    if width <= 0:
        return ""
    if len(text) <= width:
        return text
    return text[: width - 1] + "…" if width > 1 else "…"


class StageStrip(Widget):
    """Every stage of the deal's pipeline as equal segments across the width.

    Passed stages are ticked (✓), the current one carries ● (✗ when the deal is lost), stages
    ahead a dot; each state has a component class for its colours.
    """

    COMPONENT_CLASSES = {
        "stage-strip--passed",
        "stage-strip--current",
        "stage-strip--future",
        "stage-strip--lost",
        "stage-strip--won",
    }
    DEFAULT_CSS = """
    StageStrip { height: 1; }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.marks: list[StageMark] = []
        self.status = "open"

    def show(self, stages: Sequence[Stage], current_id: int | None, status: str) -> None:
        """Draw ``stages`` with ``current_id`` as the deal's stage and ``status`` its status."""
        self.marks = stage_marks(stages, current_id, status)
        self.status = status
        self.refresh()

    def _style_name(self, mark: StageMark) -> str:
        if mark.state == "current" and self.status == "lost":
            return "stage-strip--lost"
        if mark.state == "passed" and self.status == "won":
            return "stage-strip--won"
        return f"stage-strip--{mark.state}"

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop")
        if not self.marks:
            line.append("No stages known for this pipeline", "italic")
            return line
        width = max(self.content_size.width, len(self.marks) * 2)
        count = len(self.marks)
        base, extra = divmod(width - (count - 1), count)
        for i, mark in enumerate(self.marks):
            size = base + (1 if i < extra else 0)
            sign = _SIGNS["lost"] if mark.state == "current" and self.status == "lost" else None
            sign = sign or _SIGNS[mark.state]
            label = _fit(f"{sign} {mark.name}", size - 2) if size > 3 else sign
            segment = f" {label}".ljust(size)[:size]
            line.append(segment, self.get_component_rich_style(self._style_name(mark)))
            if i < count - 1:
                line.append(" ")
        return line
