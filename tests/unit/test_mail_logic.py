"""Unit tests of the mailbox's logic: folders, rows, parties, times and counts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipedrive_tui.api.models import MailThread
from pipedrive_tui.data.mail import (
    ThreadRows,
    folder_of,
    mail_count_text,
    mail_empty_text,
    parties_line,
    when_text,
)
from pipedrive_tui.screens.mail import mail_columns


def _thread(i: int, **values: Any) -> MailThread:
    data: dict[str, Any] = {"id": i, "subject": f"Subject {i}", "folders": ["inbox"]}
    data.update(values)
    return MailThread.model_validate(data)


def test_parties_names_fall_back_to_addresses_and_leave_me_out() -> None:
    thread = _thread(
        1,
        parties={
            "from": [{"name": "Ann", "email_address": "ann@x.org"}],
            "to": [
                {"name": "", "email_address": "me@x.org"},
                {"name": None, "email_address": "bob@x.org", "linked_person_name": "Bob B"},
                {"email_address": "carl@x.org"},
            ],
        },
    )
    assert parties_line(thread) == "Ann, me@x.org, Bob B, carl@x.org"
    assert parties_line(thread, "ME@x.org") == "Ann, Bob B, carl@x.org"
    alone = _thread(2, parties={"from": [{"email_address": "me@x.org"}]})
    assert parties_line(alone, "me@x.org") == "me@x.org"  # only me: still say who
    hostile = _thread(3, parties={"from": [{"name": "[bold]X\x1b]0;t\x07", "email_address": "x"}]})
    assert parties_line(hostile) == "[bold]X"


def test_when_text_is_short() -> None:
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert when_text(datetime(2026, 11, 20, 8, 5, tzinfo=UTC), now) == "08:05"
    assert when_text(datetime(2026, 3, 4, 8, 5, tzinfo=UTC), now) == "Mar 4"
    assert when_text(datetime(2025, 3, 4, 8, 5, tzinfo=UTC), now) == "2025-03-04"
    assert when_text(datetime(2026, 11, 20, 8, 5), now) == "08:05"  # naive is UTC
    assert when_text(None, now) == ""


def test_rows_search_unread_and_moved_threads() -> None:
    rows = ThreadRows("inbox", lambda t: f"{t.subject} {t.snippet}")
    rows.add([_thread(1, read_flag=0, snippet="pricing"), _thread(2, read_flag=1), _thread(3)])
    rows.add([_thread(1)])  # a thread seen twice (pages shifted) is kept once
    assert len(rows.loaded) == 3 and rows.unread == 2
    assert mail_count_text(rows, fetching=False, more=False) == "3 threads · 2 unread · all loaded"
    rows.search = "pricing"
    rows.rebuild()
    assert [t.id for t in rows.view] == [1]
    assert mail_count_text(rows, fetching=False, more=True) == (
        "1 of 3 match · 2 unread · + more (a: all)"
    )
    archived = rows.loaded[0].model_copy(update={"archived_flag": True, "folders": ["archive"]})
    assert rows.replace(archived) and 1 in rows.marked
    assert rows.unread == 1  # a thread moved away no longer counts
    assert "1 moved" in mail_count_text(rows, fetching=True, more=True)
    assert not rows.replace(_thread(99))
    back = archived.model_copy(update={"folders": ["inbox"]})
    rows.replace(back)
    assert 1 not in rows.marked


def test_texts_for_empty_error_and_folders() -> None:
    rows = ThreadRows("drafts", lambda t: t.subject)
    assert mail_empty_text(rows, "") == "No drafts."
    assert mail_empty_text(rows, "Boom") == "Boom\nPress r to try again."
    rows.search = "zzz"
    assert "No loaded thread matches “zzz”" in mail_empty_text(rows, "")
    assert mail_count_text(rows, fetching=False, more=False, failed=True) == "threads not loaded"
    assert folder_of("sent").title == "Sent" and folder_of("nope").key == "inbox"


def test_columns_draw_markers() -> None:
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    columns = {c.key: c for c in mail_columns(now, lambda: None)}
    thread = _thread(
        1, read_flag=0, message_count=3, has_real_attachments_flag=1, deal_id=4,
        snippet="hello", last_message_timestamp="2026-11-20T08:00:00Z",
    )  # fmt: skip
    assert columns["unread"].cell(thread) == "●"
    assert columns["count"].cell(thread) == "3"
    assert columns["attach"].cell(thread) == "att"
    assert columns["link"].cell(thread) == "deal"
    assert columns["when"].cell(thread) == "08:00"
    pieces = columns["subject"].pieces
    assert pieces is not None
    assert pieces(thread) == [("Subject 1", ""), (" — hello", "mail-table--snippet")]
    lead = _thread(2, lead_id="abc", read_flag=1)
    assert columns["link"].cell(lead) == "lead" and columns["unread"].cell(lead) == ""
