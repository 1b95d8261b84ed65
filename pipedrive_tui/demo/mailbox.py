"""The v1 mailbox routes: threads by folder, a thread, its messages, a message, thread updates.

Threads are listed newest message first; a message's ``body`` is served only with
``include_body=1``; ``PUT /mailbox/mailThreads/{id}`` takes a form-encoded body
(``read_flag``, ``shared_flag``, ``archived_flag``, ``deal_id``, ``lead_id``) and archiving moves a
thread from the inbox to the archive folder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pipedrive_tui.demo.responses import Request, bad_request, not_found, public
from pipedrive_tui.demo.routes_v1 import message_out, offset_list
from pipedrive_tui.demo.store import DemoStore, format_like

__all__ = ["FOLDERS", "ROUTES"]

Record = dict[str, Any]
Handler = Callable[[DemoStore, Request], dict[str, Any]]

#: The folders ``GET /mailbox/mailThreads`` accepts.
FOLDERS = ("inbox", "drafts", "sent", "archive")
_FORM_KEYS = ("deal_id", "lead_id", "shared_flag", "read_flag", "archived_flag")
_DIGITS = re.compile(r"^\d+$")


def _thread_or_404(store: DemoStore, request: Request) -> Record:
    found = store.threads.get(request.int_id())
    if found is None or found.get("deleted_flag") in (1, True):
        raise not_found("Mail thread not found")
    return found


def list_mail_threads(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /mailbox/mailThreads?folder=…`` (required), most recent message first."""
    folder = request.text("folder")
    if folder is None:
        raise bad_request("The parameter 'folder' is required: one of " + ", ".join(FOLDERS))
    if folder not in FOLDERS:
        raise bad_request(f"Invalid folder {folder!r}: use one of {', '.join(FOLDERS)}")
    threads = [
        t
        for t in store.threads
        if folder in (t.get("folders") or []) and t.get("deleted_flag") not in (1, True)
    ]
    threads.sort(key=lambda t: (str(t.get("last_message_timestamp") or ""), t["id"]), reverse=True)
    return offset_list(threads, request, flat=False)


def get_mail_thread(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /mailbox/mailThreads/{id}``."""
    return {"success": True, "data": public(_thread_or_404(store, request))}


def list_mail_thread_messages(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /mailbox/mailThreads/{id}/mailMessages``: every message, oldest first, no body."""
    thread = _thread_or_404(store, request)
    messages = store.thread_messages(thread["id"])
    return {"success": True, "data": [message_out(m, with_body=False) for m in messages]}


def get_mail_message(store: DemoStore, request: Request) -> dict[str, Any]:
    """``GET /mailbox/mailMessages/{id}`` (``include_body=1`` adds ``body``)."""
    found = store.messages.get(request.int_id())
    with_body = bool(request.boolean("include_body", numeric=True))
    if found is None:
        raise not_found("Mail message not found")
    return {
        "success": True,
        "statusCode": 2000,
        "statusText": "Success",
        "service": "email-api",
        "data": message_out(found, with_body=with_body, draft_text=True),
    }


def update_mail_thread(store: DemoStore, request: Request) -> dict[str, Any]:
    """``PUT /mailbox/mailThreads/{id}`` with a form-encoded body."""
    old = _thread_or_404(store, request)
    form = request.body if isinstance(request.body, dict) else None
    if form is None:
        raise bad_request(
            "The request body must be form-encoded (application/x-www-form-urlencoded)"
        )
    unknown = sorted(set(form) - set(_FORM_KEYS))
    if unknown:
        raise bad_request(f"Unknown properties in the request body: {', '.join(unknown)}")
    new = store.copy(old)
    for flag in ("shared_flag", "read_flag"):
        if flag in form:
            new[flag] = _flag(form, flag)
    if "archived_flag" in form:
        _archive(new, _flag(form, "archived_flag"))
    if "deal_id" in form:
        deal_id = _optional_id(form["deal_id"], "deal_id")
        deal = store.deal(deal_id) if deal_id is not None else None
        if deal_id is not None and deal is None:
            raise bad_request(f"'deal_id' {deal_id} does not exist")
        new["deal_id"] = deal_id
        new["deal_status"] = deal.get("status") if deal else None
    if "lead_id" in form:
        lead_id = str(form["lead_id"]).strip() or None
        if lead_id is not None and store.leads.get(lead_id) is None:
            raise bad_request(f"'lead_id' {lead_id} does not exist")
        new["lead_id"] = lead_id
    if new != old:
        new["update_time"] = format_like(old.get("update_time"), store.now())
        store.threads.put(new)
    return {"success": True, "data": public(new)}


def _flag(form: dict[str, Any], name: str) -> int:
    value = str(form[name]).strip()
    if value not in ("0", "1"):
        raise bad_request(f"'{name}' must be 0 or 1")
    return int(value)


def _optional_id(raw: Any, name: str) -> int | None:
    text = str(raw).strip()
    if text in ("", "null"):
        return None
    if not _DIGITS.match(text):
        raise bad_request(f"'{name}' must be an integer")
    return int(text)


def _archive(thread: Record, archived: int) -> None:
    folders = list(thread.get("folders") or [])
    if archived and not thread.get("archived_flag"):
        if "inbox" not in folders:
            raise bad_request("You can only archive threads that belong to the Inbox folder")
        folders = [("archive" if f == "inbox" else f) for f in folders]
    elif not archived and thread.get("archived_flag"):
        folders = [("inbox" if f == "archive" else f) for f in folders]
    thread["folders"] = list(dict.fromkeys(folders))
    thread["archived_flag"] = archived


#: The mailbox routes by endpoint name.
ROUTES: dict[str, Handler] = {
    "list_mail_threads": list_mail_threads,
    "get_mail_thread": get_mail_thread,
    "list_mail_thread_messages": list_mail_thread_messages,
    "get_mail_message": get_mail_message,
    "update_mail_thread": update_mail_thread,
}
