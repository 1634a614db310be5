"""Chat reports (``/report/chat/...``) and the deprecated IM API (``/im/...``), older shapes.

Both name conversations by a session id: a channel's id, or for a direct chat a stable digest
of the two participants.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from zoom_mcp.sandbox.chat_common import (
    PAGING,
    Registry,
    body_of,
    contact,
    conversations_of,
    csv,
    day_bounds,
    file_brief,
    iso,
    member_channel,
    page,
    parse_day,
    path_user,
    post,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError
from zoom_mcp.sandbox.state import ChatMessage, SandboxState, dm_key

route = Registry()
REPORT_MESSAGE_QUERY = (
    "from",
    "to",
    *PAGING,
    "include_fields",
    "include_bot_message",
    "include_reactions",
    "query_all_modifications",
    "include_custom_emoji_reactions",
)
MAX_RANGE_DAYS = 31  # "The date range ... should only be one month"


def session_id(key: str) -> str:
    if key.startswith("channel:"):
        return key.split(":", 1)[1]
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _all_conversations(state: SandboxState) -> list[str]:
    keys = [c.conversation for c in state.chat.channels.values()]
    return keys + sorted({m.conversation for m in state.chat.messages.values() if m.dm_pair})


def _by_session(state: SandboxState, sid: str, keys: list[str]) -> str:
    for key in keys:
        if session_id(key) == sid:
            return key
    raise SandboxError(404, 404, f"Session does not exist: {sid}.")


def _range(call: Call) -> tuple[int, int, date, date]:
    for name in ("from", "to"):
        if not call.query.get(name):
            raise validation(name, "This field is required.")
    start_day, end_day = parse_day(call.query["from"], "from"), parse_day(call.query["to"], "to")
    if end_day < start_day:
        raise validation("to", "to must not be earlier than from.")
    if (end_day - start_day).days > MAX_RANGE_DAYS:
        raise validation("to", "The date range must be one month or less.")
    return day_bounds(start_day)[0], day_bounds(end_day)[1], start_day, end_day


def _name(state: SandboxState, key: str, viewer_id: str | None = None) -> str:
    if key.startswith("channel:"):
        return state.chat.channels[key.split(":", 1)[1]].name
    ids = [uid for uid in key.split(":")[1:] if uid != viewer_id] or key.split(":")[1:]
    people = [state.find(uid, outsiders=True) for uid in ids]
    return ", ".join(p.display_name for p in people if p)


def _sessions(state: SandboxState, keys: list[str], start: int, end: int) -> list[tuple[str, int]]:
    out = []
    for key in keys:
        times = [m.timestamp_ms for m in state.chat.messages.values() if m.conversation == key]
        in_range = [t for t in times if start <= t <= end]
        if in_range:
            out.append((key, max(in_range)))
    out.sort(key=lambda pair: pair[1], reverse=True)
    return out


def _in_range(state: SandboxState, key: str, start: int, end: int) -> list[ChatMessage]:
    items = [m for m in state.chat.conversation_messages(key) if start <= m.timestamp_ms <= end]
    items.sort(key=lambda m: m.sort_key, reverse=True)
    return items


def _receiver(state: SandboxState, message: ChatMessage) -> str:
    if message.channel_id:
        channel = state.chat.channels.get(message.channel_id)
        return channel.name if channel else ""
    peer = next((uid for uid in message.dm_pair or () if uid != message.sender_id), None)
    user = state.find(peer, outsiders=True) if peer else None
    return user.email if user else ""


# ---- reports


@route("GET /report/chat/sessions", query=("from", "to", *PAGING))
async def report_sessions(call: Call) -> Reply:
    start, end, first, last = _range(call)
    sessions = []
    for key, latest in _sessions(call.state, _all_conversations(call.state), start, end):
        entry: dict[str, Any] = {
            "id": session_id(key),
            "type": "Group" if key.startswith("channel:") else "1:1",
            "name": _name(call.state, key),
            "last_message_sent_time": iso(latest),
        }
        if key.startswith("channel:"):
            entry["channel_id"] = session_id(key)
        sessions.append(entry)
    chunk, token, size = page(call, sessions, default=30, maximum=300)
    return Reply(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "page_size": size,
            "next_page_token": token,
            "sessions": chunk,
        }
    )


def _report_message(state: SandboxState, message: ChatMessage) -> dict[str, Any]:
    sender = state.find(message.sender_id, outsiders=True)
    out: dict[str, Any] = {
        "id": message.id,
        "date_time": iso(message.timestamp_ms),
        "timestamp": message.timestamp_ms,
        "sender": sender.email if sender else "",
        "sender_member_id": sender.member_id if sender else "",
        "sender_display_name": sender.display_name if sender else "",
        "receiver": _receiver(state, message),
        "message": message.text,
    }
    if message.reply_main_message_id:
        out["reply_main_message_id"] = message.reply_main_message_id
    files = [state.chat.files[f] for f in message.files if f in state.chat.files]
    if files:
        out["files"] = [file_brief(f) for f in files]
    if message.reactions:
        out["reactions"] = [{"emoji": e, "total_count": len(s)} for e, s in message.reactions.items()]
    return out


@route("GET /report/chat/sessions/{sessionId}", query=REPORT_MESSAGE_QUERY)
async def report_messages(call: Call) -> Reply:
    start, end, first, last = _range(call)
    key = _by_session(call.state, call.path_params["sessionId"], _all_conversations(call.state))
    items = _in_range(call.state, key, start, end)
    normal = [m for m in items if m.status != "Deleted"]
    chunk, token, size = page(call, normal, default=30, maximum=100, sort_key=lambda m: m.sort_key, descending=True)
    body: dict[str, Any] = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "page_size": size,
        "next_page_token": token,
        "messages": [_report_message(call.state, m) for m in chunk],
    }
    extra = csv(call.query.get("include_fields"))
    if "edited_messages" in extra:
        body["edited_messages"] = [_report_message(call.state, m) for m in items if m.status == "Edited"]
    if "deleted_messages" in extra:
        body["deleted_messages"] = [_report_message(call.state, m) for m in items if m.status == "Deleted"]
    return Reply(body)


# ---- deprecated IM API


@route("GET /im/chat/sessions", query=None)
async def im_sessions(call: Call) -> Reply:
    start, end, first, last = _range(call)
    keys = conversations_of(call.state, call.user)
    sessions = [
        {
            "session_id": session_id(key),
            "name": _name(call.state, key, call.user.id),
            "type": "Group" if key.startswith("channel:") else "1:1",
            "last_message_sent_time": iso(latest),
        }
        for key, latest in _sessions(call.state, keys, start, end)
    ]
    chunk, token, size = page(call, sessions, default=30, maximum=300)
    return Reply(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "page_size": size,
            "next_page_token": token,
            "sessions": chunk,
        }
    )


@route("GET /im/chat/sessions/{sessionId}", query=None)
async def im_session_messages(call: Call) -> Reply:
    start, end, first, last = _range(call)
    sid = call.path_params["sessionId"]
    key = _by_session(call.state, sid, conversations_of(call.state, call.user))
    items = [m for m in _in_range(call.state, key, start, end) if m.status != "Deleted"]
    chunk, token, size = page(call, items, default=30, maximum=300, sort_key=lambda m: m.sort_key, descending=True)
    messages = []
    for m in chunk:
        sender = call.state.find(m.sender_id, outsiders=True)
        messages.append(
            {
                "action": "send",
                "sender": sender.email if sender else "",
                "receiver": _receiver(call.state, m),
                "date_time": iso(m.timestamp_ms),
                "content": m.text,
            }
        )
    return Reply(
        {
            "session_id": sid,
            "from": first.isoformat(),
            "to": last.isoformat(),
            "page_size": size,
            "next_page_token": token,
            "messages": messages,
        }
    )


@route("GET /im/users/{userId}/chat/messages", query=None)
async def im_list_messages(call: Call) -> Reply:
    user = path_user(call)
    query = call.query
    if bool(query.get("chat_user")) == bool(query.get("channel")):
        raise validation("chat_user", "Provide exactly one of chat_user or channel.")
    if query.get("channel"):
        key = member_channel(call.state, query["channel"], user).conversation
    else:
        key = dm_key(user.id, contact(call.state, query["chat_user"]).id)
    day = parse_day(query["date"], "date") if query.get("date") else call.state.clock.now_dt().date()
    end = max(day_bounds(day)[1], call.state.clock.now_ms()) if not query.get("date") else day_bounds(day)[1]
    items = [m for m in _in_range(call.state, key, 0, end) if m.status != "Deleted"]
    chunk, token, size = page(call, items, default=30, maximum=50, sort_key=lambda m: m.sort_key, descending=True)
    messages = []
    for m in chunk:
        sender = call.state.find(m.sender_id, outsiders=True)
        messages.append(
            {
                "id": m.id,
                "message": m.text,
                "sender": sender.email if sender else "",
                "date_time": iso(m.timestamp_ms),
                "timestamp": m.timestamp_ms,
            }
        )
    return Reply({"date": day.isoformat(), "page_size": size, "next_page_token": token, "messages": messages})


@route("POST /im/users/me/chat/messages", query=("chat_user",))
async def im_send(call: Call) -> Reply:
    body = body_of(call)
    text = body.get("message")
    if not isinstance(text, str) or not text:
        raise validation("message", "This field is required.")
    target = call.query.get("chat_user") or body.get("chat_user") or body.get("to_contact")
    if not target:
        raise validation("chat_user", "This field is required.")
    peer = contact(call.state, str(target))
    message = post(call.state, call.user, dm_key(call.user.id, peer.id), text)
    return Reply({"id": message.id}, status=201)


HANDLERS = route.handlers
