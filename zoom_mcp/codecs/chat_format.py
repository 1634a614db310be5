"""Compact Team Chat results: a message becomes one short row a model can read cheaply.

Zoom's message objects repeat the sender three ways, carry rich-text offsets, mention offsets,
download URLs and per-reactor id lists. A model reading a conversation needs who, when, what,
which thread, which files and how people reacted, so that is what the rows keep, with ids.
``chat_mark_message_read`` looks up the epoch-ms timestamp Zoom wants itself, so rows need not
carry it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from zoom_mcp.catalog import Request
from zoom_mcp.errors import ToolUsageError, ZoomAPIError

if TYPE_CHECKING:
    from zoom_mcp.catalog import CallContext, ToolInput, ToolSpec

# Zoom's codes for a token without the endpoint's scope.
MISSING_SCOPE = frozenset({4700, 4711})
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


# Zoom names an emoji by its code points in UTF-32 notation: "U+1F600"; a sequence (skin tone,
# variation selector) as codes separated by spaces.
_CODE = re.compile(r"U\+([0-9A-F]{1,6})", re.IGNORECASE)
_CODES = re.compile(r"\s*U\+[0-9A-F]{1,6}(\s+U\+[0-9A-F]{1,6})*\s*", re.IGNORECASE)


def emoji_code(value: str) -> str:
    """A literal emoji (or its code, any case) in Zoom's notation: "👍" -> "U+1F44D"."""
    if _CODES.fullmatch(value):
        return " ".join(f"U+{int(hex_digits, 16):04X}" for hex_digits in _CODE.findall(value))
    text = value.strip()
    if not text or any(char.isascii() for char in text):
        raise ValueError("give an emoji character (👍) or its code (U+1F44D)")
    return " ".join(f"U+{ord(char):04X}" for char in text)


def emoji_char(code: str) -> str:
    """Zoom's "U+1F44D" as the character; anything else is returned as it came."""
    if not _CODES.fullmatch(code):
        return code
    try:
        return "".join(chr(int(hex_digits, 16)) for hex_digits in _CODE.findall(code))
    except ValueError:
        return code


def _reactions(message: dict[str, Any]) -> str | None:
    # "👍 U+1F44D×2": the character to read, the code to pass back to chat_react_to_message.
    parts = []
    for reaction in message.get("reactions") or []:
        code = reaction.get("emoji")
        if not code:
            continue
        char = emoji_char(code)
        emoji = f"{char} {code}" if char != code else code
        count = reaction.get("total_count") or reaction.get("count")
        if not count:
            reactors = reaction.get("senders") or reaction.get("user_ids") or reaction.get("member_ids") or []
            count = len(reactors) or 1
        parts.append(f"{emoji}×{count}")
    return ", ".join(parts) or None


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
        lookup = Request(method="GET", path=request.path.removesuffix("/status"), query=chat)
        try:
            message = await ctx.send(lookup)
        except ZoomAPIError as exc:
            if exc.code not in MISSING_SCOPE:
                raise
            # Registered on unknown scopes, or granted only the status scope: say what the lookup needs.
            lookup_scopes = spec.scopes.parts[-1]
            raise ToolUsageError(
                f"{spec.name}: looking up the message's timestamp needs a message read scope"
                f" ({lookup_scopes.classic[0]} or {lookup_scopes.granular[0]}); add one, or pass timestamp."
            ) from exc
        timestamp = _first(message or {}, "timestamp", "message_timestamp")
        if timestamp is None:
            raise ToolUsageError(f"{spec.name}: Zoom did not report the message's timestamp; pass timestamp.")
        body["timestamp"] = timestamp
    return replace(request, json=body)
