"""Stored mail -> the JSON resources Zoom Mail returns (messages, threads, drafts, labels)."""

from __future__ import annotations

from typing import Any

from zoom_mcp.sandbox import mime_tree
from zoom_mcp.sandbox.mail_store import Label, Mailbox, StoredMessage, validation

MESSAGE_FORMATS = ("full", "metadata", "minimal", "raw")
LABEL_FORMATS = ("full", "basic", "minimal")


def check_format(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    fmt = value or default
    if fmt not in allowed:
        raise validation("format", f"Must be one of: {', '.join(allowed)}.")
    return fmt


def brief(message: StoredMessage) -> dict[str, Any]:
    """What label changes, trash and untrash answer: ``{id, threadId, labelIds}``."""
    return {"id": message.id, "threadId": message.thread_id, "labelIds": list(message.label_ids)}


def message_resource(
    mailbox: Mailbox,
    message: StoredMessage,
    fmt: str = "full",
    metadata_headers: list[str] | None = None,
    extras: bool = True,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "id": message.id,
        "threadId": message.thread_id,
        "labelIds": list(message.label_ids),
        "snippet": message.snippet,
        "historyId": str(message.history_id),
        "internalDate": str(message.internal_date),
    }
    if extras and mailbox.state.options.zoom_extras:
        # Fields Zoom adds to Gmail's shape, with the values real responses carry.
        resource |= {
            "expiration": "0",
            "lastMoved": str(message.last_moved),
            "sendTime": "0",
            "userScheduled": False,
        }
    decode = mailbox.state.options.decode_headers
    if fmt == "raw":
        resource["raw"] = mime_tree.b64url(message.raw)
    elif fmt == "metadata":
        resource["payload"] = mime_tree.metadata_payload(message.parsed, metadata_headers, decode)
    elif fmt == "full":
        wrap = mailbox.state.options.wrapped_body_data
        resource["payload"] = mime_tree.payload_tree(message.parsed, message.id, decode=decode, wrap=wrap)
    resource["sizeEstimate"] = message.size_estimate
    return resource


def thread_resource(
    mailbox: Mailbox,
    thread_id: str,
    messages: list[StoredMessage],
    fmt: str = "full",
    metadata_headers: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "id": thread_id,
        "historyId": str(max(m.history_id for m in messages)),
        "threadName": "",
        "status": "normal",
        "messages": [message_resource(mailbox, m, fmt, metadata_headers) for m in messages],
    }


def thread_summary(thread_id: str, messages: list[StoredMessage]) -> dict[str, Any]:
    newest = max(messages, key=lambda m: m.order_key)
    return {
        "id": thread_id,
        "snippet": newest.snippet,
        "historyId": str(max(m.history_id for m in messages)),
        "threadName": "",
        "status": "normal",
    }


def draft_resource(mailbox: Mailbox, draft_id: str, message: StoredMessage, fmt: str | None = None) -> dict[str, Any]:
    if fmt is None:
        return {"id": draft_id, "message": {"id": message.id, "threadId": message.thread_id}}
    # The draft's message resource carries no Zoom scheduling fields (the document's draft shape).
    return {"id": draft_id, "message": message_resource(mailbox, message, fmt, extras=False)}


def thread_change(thread_id: str, messages: list[StoredMessage]) -> dict[str, Any]:
    """What thread modify, trash and untrash answer: the thread id and each message's labels."""
    return {"id": thread_id, "messages": [brief(m) for m in messages]}


def written_label(mailbox: Mailbox, label: Label) -> dict[str, Any]:
    """What create, replace and patch answer: the label's fields, ``parentId`` always ("" at the top)."""
    resource: dict[str, Any] = {
        "id": label.id,
        "name": label.name,
        "parentId": label.parent_id or "",
        "labelLevel": label_level(mailbox, label),
        "messageListVisibility": label.message_list_visibility,
        "labelListVisibility": label.label_list_visibility,
    }
    if label.color:
        resource["color"] = dict(label.color)
    return resource


def label_resource(mailbox: Mailbox, label: Label, fmt: str = "full") -> dict[str, Any]:
    resource: dict[str, Any] = {"id": label.id, "name": label.name, "type": label.type}
    if fmt == "minimal":
        return resource
    resource["messageListVisibility"] = label.message_list_visibility
    resource["labelListVisibility"] = label.label_list_visibility
    if label.type == "user":
        resource["labelLevel"] = label_level(mailbox, label)
        if label.parent_id:
            resource["parentId"] = label.parent_id
        if label.color:
            resource["color"] = dict(label.color)
    if fmt == "full":
        resource |= mailbox.label_counts(label.id)
    return resource


def label_level(mailbox: Mailbox, label: Label) -> int:
    level, seen = 1, {label.id}
    parent = mailbox.labels.get(label.parent_id or "")
    while parent is not None and parent.id not in seen:
        level += 1
        seen.add(parent.id)
        parent = mailbox.labels.get(parent.parent_id or "")
    return level
