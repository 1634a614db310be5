"""Compact Team Chat results: a message becomes one short row a model can read cheaply.

Zoom's message objects repeat the sender three ways, carry rich-text offsets, mention offsets,
download URLs and per-reactor id lists. A model reading a conversation needs who, when, what,
which thread, which files and how people reacted, so that is what the rows keep, with ids.
``chat_mark_message_read`` looks up the epoch-ms timestamp Zoom wants itself, so rows need not
carry it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from zoom_mcp.catalog import Request
from zoom_mcp.errors import ToolUsageError

if TYPE_CHECKING:
    from zoom_mcp.catalog import ToolInput, ToolSpec
    from zoom_mcp.executor import CallContext

# Fields the executor handles itself (paging) or that only echo the query back.
_BOOKKEEPING = frozenset({"next_page_token", "page_size", "date", "from", "to"})


def _first(data: dict[str, Any], *keys: str) -> Any:
    """The first of ``keys`` present with a value (0 counts: it is a valid epoch)."""
    return next((data[key] for key in keys if data.get(key) is not None), None)


def _minute(date_time: Any, timestamp: Any) -> str | None:
    """``2026-11-20T14:03:27Z`` -> ``2026-11-20 14:03Z``; falls back to the epoch-ms timestamp."""
    if isinstance(date_time, str) and len(date_time) >= 16 and date_time[10] == "T":
        return f"{date_time[:10]} {date_time[11:16]}Z"
    if isinstance(timestamp, int | float) and not isinstance(timestamp, bool):
        moment = datetime.fromtimestamp(timestamp / 1000, tz=UTC)
        return moment.strftime("%Y-%m-%d %H:%MZ")
    return date_time if isinstance(date_time, str) else None


def _sender(message: dict[str, Any]) -> str | None:
    name = message.get("sender_display_name")
    address = message.get("sender") or message.get("sender_member_id") or message.get("send_member_id")
    if name and address and name != address:
        return f"{name} <{address}>"
    return name or address


def _files(message: dict[str, Any]) -> list[dict[str, Any]]:
    files = message.get("files") or []
    if not files and message.get("file_id"):
        # Older responses put a single file in flat fields instead of ``files[]``.
        files = [message]
    rows = []
    for item in files:
        row = {"id": item.get("file_id"), "name": item.get("file_name"), "size": item.get("file_size")}
        rows.append({key: value for key, value in row.items() if value is not None})
    return [row for row in rows if row]


def _reactions(message: dict[str, Any]) -> str | None:
    parts = []
    for reaction in message.get("reactions") or []:
        emoji = reaction.get("emoji")
        if not emoji:
            continue
        count = reaction.get("total_count") or reaction.get("count")
        if not count:
            reactors = reaction.get("senders") or reaction.get("user_ids") or reaction.get("member_ids") or []
            count = len(reactors) or 1
        parts.append(f"{emoji}×{count}")
    return " ".join(parts) or None


def compact_message(message: dict[str, Any]) -> dict[str, Any]:
    """One chat, IM or report message as a short row; absent values are left out."""
    status = message.get("status")
    action = message.get("action")
    row: dict[str, Any] = {
        "id": _first(message, "id", "message_id", "msg_id"),
        "from": _sender(message),
        # Report rows name the other side of a direct chat.
        "to": message.get("receiver"),
        "at": _minute(message.get("date_time"), message.get("timestamp")),
        # The old IM session API calls the text ``content``.
        "text": _first(message, "message", "content"),
        "reply_to": message.get("reply_main_message_id"),
        "files": _files(message),
        "reactions": _reactions(message),
        "edited": True if status == "Edited" else None,
        "deleted": True if status == "Deleted" else None,
        # Report and IM rows say what happened to the message; "Sent" is the ordinary case.
        "action": action if isinstance(action, str) and action.lower() not in ("sent", "send") else None,
    }
    if not row["text"] and message.get("bot_message"):
        # A chatbot card has no plain text; its content is the only thing to show.
        row["bot_message"] = message["bot_message"]
    return {key: value for key, value in row.items() if value not in (None, "", [], {})}


def _without_bookkeeping(data: dict[str, Any], items: str) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in _BOOKKEEPING and key != items}


async def decode_messages(data: Any, args: ToolInput, ctx: CallContext) -> Any:
    """List results (chat, IM, report): the ``messages`` list compacted, bookkeeping dropped."""
    if not isinstance(data, dict):
        return data
    messages = [compact_message(item) for item in data.get("messages") or [] if isinstance(item, dict)]
    return {**_without_bookkeeping(data, "messages"), "messages": messages}


async def decode_message(data: Any, args: ToolInput, ctx: CallContext) -> Any:
    """A single message: the same row as in a list."""
    return compact_message(data) if isinstance(data, dict) else data


# Zoom's channel type codes as the words the tools take and show (meanings from Zoom's OpenAPI):
# private: invite only; private_org: invite only, members of one account; public: anyone in the
# account can find and join; group_chat: an instant channel made by adding people to a chat;
# public_external: public, and members may invite people from other accounts.
CHANNEL_TYPES = {0: "unknown", 1: "private", 2: "private_org", 3: "public", 4: "group_chat", 5: "public_external"}
CHANNEL_TYPE_CODES = {word: code for code, word in CHANNEL_TYPES.items()}


def channel_type_word(code: Any) -> Any:
    return CHANNEL_TYPES.get(code, code) if isinstance(code, int) and not isinstance(code, bool) else code


def compact_channel(channel: dict[str, Any]) -> dict[str, Any]:
    """A channel list row: id, name, type and size; the jid, URL and settings are in chat_get_channel."""
    row = {
        "id": channel.get("id"),
        "name": channel.get("name"),
        "type": channel_type_word(channel.get("type")),
        "members": channel.get("total_members") or channel.get("member_count"),
    }
    return {key: value for key, value in row.items() if value is not None}


async def decode_channel(data: Any, args: ToolInput, ctx: CallContext) -> Any:
    """One channel as Zoom describes it, with its type as a word."""
    if not isinstance(data, dict) or "type" not in data:
        return data
    return {**data, "type": channel_type_word(data["type"])}


async def decode_channels(data: Any, args: ToolInput, ctx: CallContext) -> Any:
    if not isinstance(data, dict):
        return data
    channels = [compact_channel(item) for item in data.get("channels") or [] if isinstance(item, dict)]
    return {**_without_bookkeeping(data, "channels"), "channels": channels}


def compact_member(member: dict[str, Any]) -> dict[str, Any]:
    """A channel member row: ids, email, one name, role; ``external`` only when true."""
    name = member.get("name") or " ".join(part for part in (member.get("first_name"), member.get("last_name")) if part)
    row = {
        "id": member.get("id"),
        "member_id": member.get("member_id"),
        "email": member.get("email"),
        "name": name,
        "role": member.get("role"),
        "external": True if member.get("is_external") else None,
    }
    return {key: value for key, value in row.items() if value not in (None, "")}


async def decode_members(data: Any, args: ToolInput, ctx: CallContext) -> Any:
    if not isinstance(data, dict):
        return data
    members = [compact_member(item) for item in data.get("members") or [] if isinstance(item, dict)]
    return {**_without_bookkeeping(data, "members"), "members": members}


async def encode_mark_read(spec: ToolSpec, args: ToolInput, ctx: CallContext) -> Request:
    """Zoom marks read by the message's epoch-ms timestamp; read it from the message when not given."""
    request = ctx.default_request(args)
    body = dict(request.json or {})
    if body.get("timestamp") is None:
        chat = {key: body[key] for key in ("to_channel", "to_contact") if body.get(key)}
        message = await ctx.send(Request(method="GET", path=request.path.removesuffix("/status"), query=chat))
        timestamp = _first(message or {}, "timestamp", "message_timestamp")
        if timestamp is None:
            raise ToolUsageError(f"{spec.name}: Zoom did not report the message's timestamp; pass timestamp.")
        body["timestamp"] = timestamp
    return replace(request, json=body)
