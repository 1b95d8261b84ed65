"""Messages screens send to the app (which owns the status line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pipedrive_tui.api.models import Deal, Lead, MailThread

__all__ = ["Activity", "DealSaved", "LabelsChanged", "LeadGone", "LeadSaved", "ThreadSaved"]


class Activity(Message):
    """What a screen is doing now (``""`` when idle); ``refreshed`` when data just arrived."""

    def __init__(self, text: str, *, refreshed: bool = False) -> None:
        super().__init__()
        self.text = text
        self.refreshed = refreshed


class DealSaved(Message, bubble=False):
    """A deal changed on Pipedrive's side (a confirmed write): views that show it update it.

    It does not bubble: the app forwards it to every screen, which must not send it back up.
    """

    def __init__(self, deal: Deal) -> None:
        super().__init__()
        self.deal = deal


class LeadSaved(Message, bubble=False):
    """A lead changed (a confirmed write, or the version to show while one is pending).

    Like :class:`DealSaved`, the app forwards it to every screen and it does not bubble.
    """

    def __init__(self, lead: Lead) -> None:
        super().__init__()
        self.lead = lead


class LeadGone(Message, bubble=False):
    """A lead left the inbox for good (converted to a deal): lists dim it, its detail says so."""

    def __init__(self, lead_id: str, deal_id: int | None = None) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.deal_id = deal_id


class ThreadSaved(Message, bubble=False):
    """A mail thread changed (read, archived, linked): the folder and the thread view redraw it.

    Like :class:`DealSaved`, the app forwards it to every screen and it does not bubble.
    """

    def __init__(self, thread: MailThread) -> None:
        super().__init__()
        self.thread = thread


class LabelsChanged(Message, bubble=False):
    """Pipedrive confirmed a change to the lead labels: views that draw chips fetch them again.

    Like :class:`DealSaved`, the app forwards it to every screen and it does not bubble.
    """
