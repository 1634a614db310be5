"""Zoom Mail drafts: list, create, read, replace, delete and send."""

from __future__ import annotations

from typing import Any

from zoom_mcp.sandbox import mail_render as render
from zoom_mcp.sandbox import mail_send, mime_tree
from zoom_mcp.sandbox.mail_common import (
    Routes,
    body_of,
    brief,
    listing,
    mail_state,
    mailbox_of,
    matching,
    message_format,
    message_key,
    paginate,
    raw_message,
)
from zoom_mcp.sandbox.mail_store import (
    Mailbox,
    StoredMessage,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply

route = Routes()
HANDLERS = route.handlers


def _draft_id_of(mailbox: Mailbox, message: StoredMessage) -> str:
    return next(draft_id for draft_id, mid in mailbox.drafts.items() if mid == message.id)


@route("GET", "/drafts", query=("includeSpamTrash", "maxResults", "pageToken", "q"))
async def list_draft_emails(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    found = matching(call, mailbox, only_drafts=True)
    page, token = paginate(call, "drafts", mailbox, found, message_key, descending=True)
    items = [render.draft_resource(mailbox, _draft_id_of(mailbox, m), m) for m in page]
    return listing("drafts", items, token, len(found))


def _store_draft(call: Call, mailbox: Mailbox, body: dict[str, Any]) -> StoredMessage:
    raw = raw_message(body)
    parsed = mime_tree.parse(raw)
    return mailbox.add(
        raw,
        ["DRAFT"],
        int(mail_state(call).clock() * 1000),
        rfc_message_id=mail_send.rfc_id_of(parsed),
        references=mail_send.references_of(parsed),
    )


def _draft_reply(draft_id: str, message: StoredMessage, status: int = 200) -> Reply:
    return Reply({"id": draft_id, "message": brief(message)}, status)


@route("POST", "/drafts")
async def create_draft_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    message = _store_draft(call, mailbox, body_of(call))
    draft_id = mailbox.new_draft_id()
    mailbox.drafts[draft_id] = message.id
    return _draft_reply(draft_id, message)


@route("GET", "/drafts/{draftId}", query=("format",))
async def get_draft_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    draft_id = call.path_params["draftId"]
    message = mailbox.draft_message(draft_id)
    return Reply(render.draft_resource(mailbox, draft_id, message, message_format(call)))


@route("PUT", "/drafts/{draftId}")
async def update_draft_email(call: Call) -> Reply:
    """Replace the draft's content; like Gmail, the draft keeps its id and gets a new message."""
    mailbox = mailbox_of(call)
    draft_id = call.path_params["draftId"]
    old = mailbox.draft_message(draft_id)
    message = _store_draft(call, mailbox, body_of(call))
    mailbox.delete(old)
    mailbox.drafts[draft_id] = message.id
    return _draft_reply(draft_id, message)


@route("DELETE", "/drafts/{draftId}")
async def delete_draft_email(call: Call) -> Reply:
    mailbox = mailbox_of(call)
    mailbox.delete(mailbox.draft_message(call.path_params["draftId"]))
    return Reply(None, 204)


@route("POST", "/drafts/send")
async def send_draft_email(call: Call) -> Reply:
    """Send a draft named by ``{"id": draftId}``; a ``message.raw`` in the same body replaces the
    content first (both as Zoom's document describes)."""
    mailbox = mailbox_of(call)
    body = body_of(call)
    draft_id = body.get("id")
    if not isinstance(draft_id, str) or not draft_id:
        raise validation("id", "The draft id is required.")
    message = mailbox.draft_message(draft_id)
    raw = message.raw
    if isinstance(body.get("message"), dict) and body["message"].get("raw"):
        raw = raw_message(body)
    sent = mail_send.send(mail_state(call), mailbox, raw, draft=message)
    return Reply(brief(sent))
