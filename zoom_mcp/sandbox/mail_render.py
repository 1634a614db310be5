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


def message_resource(
    mailbox: Mailbox, message: StoredMessage, fmt: str = "full", metadata_headers: list[str] | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "id": message.id,
        "threadId": message.thread_id,
        "labelIds": list(message.label_ids),
        "snippet": message.snippet,
        "historyId": str(message.history_id),
        "internalDate": str(message.internal_date),
    }
    if mailbox.state.options.zoom_extras:
        # Fields Zoom adds to Gmail's shape, with the values real responses carry.
        resource |= {
            "expiration": "0",
            "lastMoved": str(message.last_moved),
            "sendTime": "0",
            "userScheduled": "False",
        }
    decode = mailbox.state.options.decode_headers
    if fmt == "raw":
        resource["raw"] = mime_tree.b64url(message.raw)
    elif fmt == "metadata":
        resource["payload"] = mime_tree.metadata_payload(message.parsed, metadata_headers, decode)
    elif fmt == "full":
        resource["payload"] = mime_tree.payload_tree(message.parsed, message.id, decode=decode)
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
    return {"id": draft_id, "message": message_resource(mailbox, message, fmt)}


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
