"""Team Chat message endpoints: list, send, get, edit, delete, react, read status, thread."""

from __future__ import annotations

import re
from typing import Any

from zoom_mcp.sandbox.chat_common import (
    CHAT,
    PAGING,
    Registry,
    body_of,
    contact,
    conversation,
    conversations_of,
    day_bounds,
    flag,
    iso,
    message_in,
    message_json,
    no_permission,
    page,
    parse_day,
    parse_time,
    path_user,
    post,
    validation,
)
from zoom_mcp.sandbox.routing import Call, Reply, SandboxError
from zoom_mcp.sandbox.state import ChatMessage

route = Registry()
LIST_QUERY = (
    *CHAT,
    *PAGING,
    "date",
    "from",
    "to",
    "include_deleted_and_edited_message",
    "search_type",
    "search_key",
    "exclude_child_message",
    "download_file_formats",
)
THREAD_QUERY = (*CHAT, "from", "to", "limit", "sort", "need_main_message", "need_attachment", "need_emoji")
THREAD_QUERY += ("need_rich_text", "need_at_items")
MESSAGE_LENGTH = 1024
MAX_FILES = 6
# A scheduled message must be due more than 30 minutes from now and within 180 days.
SCHEDULE_MIN_MS = 30 * 60_000
SCHEDULE_MAX_MS = 180 * 86_400_000
# The spec's reaction notation: code points in UTF-32 form, a sequence separated by spaces.
EMOJI_CODE = re.compile(r"U\+[0-9A-F]{4,6}( U\+[0-9A-F]{4,6})*")
MESSAGES = "/chat/users/{userId}/messages"
MESSAGE = MESSAGES + "/{messageId}"


def _window(call: Call) -> tuple[int, int]:
    """The [start, end] the listing covers, in epoch ms.

    ``from``/``to`` bound it when given. Otherwise ``date`` (default: today) ends the window:
    the sandbox lists the history up to the end of that day, newest first. Whether Zoom shows
    only that one day is unconfirmed; ``Sandbox(message_date_window="day")`` models that.
    """
    query = call.query
    now = call.state.clock.now_ms()
    if query.get("from") or query.get("to"):
        start = parse_time(query["from"], "from") if query.get("from") else 0
        end = parse_time(query["to"], "to") if query.get("to") else max(now, start)
        if end < start:
            raise validation("to", "to must not be earlier than from.")
        return start, end
    day = parse_day(query["date"], "date") if query.get("date") else call.state.clock.now_dt().date()
    day_start, day_end = day_bounds(day)
    if call.state.message_date_window == "day":
        return day_start, day_end
    return 0, max(day_end, now)


def _matches(call: Call, message: ChatMessage, key: str, kind: str) -> bool:
    if kind == "file":
        names = [call.state.chat.files[f].name for f in message.files if f in call.state.chat.files]
        return any(key in name.lower() for name in names)
    return key in message.text.lower()


@route("GET " + MESSAGES, query=LIST_QUERY)
async def list_messages(call: Call) -> Reply:
    user = path_user(call)
    query = call.query
    search_key = query.get("search_key")
    search_type = query.get("search_type")
    if bool(search_key) != bool(search_type):
        raise validation("search_key", "search_key and search_type must be used together.")
    if search_key and not (query.get("to_channel") or query.get("to_contact")):
        keys = set(conversations_of(call.state, user))
    else:
        keys = {conversation(call, user, query)[0]}
    start, end = _window(call)
    now = call.state.clock.now_ms()
    with_changes = flag(query, "include_deleted_and_edited_message")
    exclude_children = flag(query, "exclude_child_message")
    kind = (search_type or "message").lower()
    items = [
        m
        for m in call.state.chat.messages.values()
        if m.conversation in keys
        and start <= m.timestamp_ms <= end
        and not (m.scheduled and m.timestamp_ms > now)  # a scheduled message shows once it is due
        and (m.status != "Deleted" or with_changes)
        and not (exclude_children and m.reply_main_message_id)
        and (not search_key or _matches(call, m, search_key.lower(), kind))
    ]
    items.sort(key=lambda m: m.sort_key, reverse=True)
    chunk, token, size = page(call, items, user=user.id, sort_key=lambda m: m.sort_key, descending=True)
    body: dict[str, Any] = {}
    if query.get("from") or query.get("to"):
        body["from"] = iso(start)
        body["to"] = iso(end)
    else:
        body["date"] = query.get("date") or call.state.clock.now_dt().date().isoformat()
    body.update(
        {
            "page_size": size,
            "next_page_token": token,
            "messages": [message_json(call.state, m, status=with_changes) for m in chunk],
        }
    )
    return Reply(body)


@route("POST " + MESSAGES)
async def send_message(call: Call) -> Reply:
    user = path_user(call)
    body = body_of(call)
    text = body.get("message")
    if not isinstance(text, str) or not text:
        raise validation("message", "This field is required.")
    if len(text) > MESSAGE_LENGTH:
        raise validation("message", f"Length must be at most {MESSAGE_LENGTH}.")
    key, channel, _ = conversation(call, user, body)
    mentions = _at_items(call, text, body.get("at_items"), channel is not None)
    scheduled = _scheduled(call, body.get("scheduled_time"))
    if channel is not None and channel.archived:
        raise SandboxError(400, 300, "This channel has been archived.")
    reply_to = body.get("reply_main_message_id")
    if reply_to:
        parent = message_in(call.state, str(reply_to), key)
        if parent.reply_main_message_id:  # threads are one level deep
            raise validation("reply_main_message_id", "Cannot reply to a reply; use the main message id.")
    file_ids = _file_ids(call, body.get("file_ids"))
    message = post(
        call.state,
        user,
        key,
        text,
        reply_to=reply_to or None,
        files=file_ids,
        at_items=mentions,
        rich_text=body.get("rich_text") or [],
        scheduled_ms=scheduled,
    )
    return Reply({"id": message.id}, status=201)


def _at_items(call: Call, text: str, value: Any, in_channel: bool) -> list[dict[str, Any]]:
    """Mentions as Zoom's reference describes them: in channels, inside the text, on a person or @all."""
    if not value:
        return []
    if not isinstance(value, list) or not in_channel:
        raise validation("at_items", "Mentions can only be used in a channel message.")
    for item in value:
        if not isinstance(item, dict):
            raise validation("at_items", "Each mention must be an object.")
        start, end = item.get("start_position"), item.get("end_position")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end < len(text)):
            raise validation("at_items", "start_position and end_position must lie within the message.")
        if text[start] != "@":
            raise validation("at_items", "A mention must start at an @ in the message.")
        if item.get("at_type") == 1:
            if not item.get("at_contact"):
                raise validation("at_items.at_contact", "This field is required when at_type is 1.")
            contact(call.state, str(item["at_contact"]))
        elif item.get("at_type") != 2:
            raise validation("at_items.at_type", "Must be 1 or 2.")
    return value


def _scheduled(call: Call, value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.endswith("Z") or "T" not in value:
        raise validation("scheduled_time", "Use yyyy-MM-dd'T'HH:mm:ss'Z'.")
    due = parse_time(value, "scheduled_time")
    ahead = due - call.state.clock.now_ms()
    if not SCHEDULE_MIN_MS < ahead <= SCHEDULE_MAX_MS:
        raise validation("scheduled_time", "Must be more than 30 minutes from now and within 180 days.")
    return due


def _file_ids(call: Call, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise validation("file_ids", "Must be an array of file ids.")
    if len(value) > MAX_FILES:
        raise validation("file_ids", f"A message can carry at most {MAX_FILES} files.")
    for file_id in value:
        if file_id not in call.state.chat.files:
            raise SandboxError(404, 404, f"File does not exist: {file_id}.")
    return [str(f) for f in value]


@route("GET " + MESSAGE, query=("to_channel", "to_contact", "download_file_formats"))
async def get_message(call: Call) -> Reply:
    user = path_user(call)
    key, _, _ = conversation(call, user, call.query)
    message = message_in(call.state, call.path_params["messageId"], key)
    return Reply(message_json(call.state, message, detail=True))


@route("PUT " + MESSAGE)
async def edit_message(call: Call) -> Reply:
    user = path_user(call)
    body = body_of(call)
    key, _, _ = conversation(call, user, body)
    message = message_in(call.state, call.path_params["messageId"], key)
    if message.sender_id != user.id:  # only the original sender can edit
        raise no_permission()
    text = body.get("message")
    if not isinstance(text, str) or not text:
        raise validation("message", "This field is required.")
    message.text = text
    if "file_ids" in body:
        message.files = _file_ids(call, body["file_ids"])
    message.status = "Edited"
    message.edited_ms = call.state.clock.now_ms()
    return Reply(None, status=204)


@route("DELETE " + MESSAGE, query=CHAT)
async def delete_message(call: Call) -> Reply:
    user = path_user(call)
    key, _, _ = conversation(call, user, call.query)
    message = message_in(call.state, call.path_params["messageId"], key)
    if message.sender_id != user.id:
        raise no_permission()
    message.status = "Deleted"
    return Reply(None, status=204)


@route("PATCH " + MESSAGE + "/emoji_reactions")
async def react(call: Call) -> Reply:
    user = path_user(call)
    body = body_of(call)
    key, _, _ = conversation(call, user, body)
    message = message_in(call.state, call.path_params["messageId"], key)
    action, emoji = body.get("action"), body.get("emoji")
    if action not in ("add", "remove"):
        raise validation("action", "Must be add or remove.")
    if not isinstance(emoji, str) or not emoji:
        raise validation("emoji", "This field is required.")
    if not EMOJI_CODE.fullmatch(emoji):
        raise validation("emoji", "Invalid emoji: give its unicode value in UTF-32 format, e.g. U+1F600.")
    senders = message.reactions.setdefault(emoji, [])
    if action == "add" and user.id not in senders:
        senders.append(user.id)
    if action == "remove" and user.id in senders:
        senders.remove(user.id)
    if not senders:
        del message.reactions[emoji]
    return Reply(None, status=204)


@route("PATCH " + MESSAGE + "/status")
async def mark_status(call: Call) -> Reply:
    user = path_user(call)
    body = body_of(call)
    key, _, _ = conversation(call, user, body)
    message = message_in(call.state, call.path_params["messageId"], key)
    action = body.get("action")
    if action not in ("read", "unread"):
        raise validation("action", "Must be read or unread.")
    if not isinstance(body.get("timestamp"), int):
        raise validation("timestamp", "The message timestamp (epoch ms) is required.")
    # Reading a message reads everything before it; marking unread flags it and what follows.
    for other in call.state.chat.conversation_messages(key):
        if action == "read" and other.timestamp_ms <= message.timestamp_ms:
            other.unread_by.discard(user.id)
        if action == "unread" and other.timestamp_ms >= message.timestamp_ms and other.sender_id != user.id:
            other.unread_by.add(user.id)
    return Reply(None, status=204)


@route("GET " + MESSAGE + "/thread", query=THREAD_QUERY)
async def thread(call: Call) -> Reply:
    user = path_user(call)
    query = call.query
    key, _, _ = conversation(call, user, query)
    main = message_in(call.state, call.path_params["messageId"], key)
    if not query.get("from"):
        raise validation("from", "This field is required.")
    start = parse_time(query["from"], "from")
    end = parse_time(query["to"], "to") if query.get("to") else call.state.clock.now_ms()
    replies = [
        m
        for m in call.state.chat.conversation_messages(key)
        if m.reply_main_message_id == main.id and m.status != "Deleted" and start <= m.timestamp_ms <= end
    ]
    items = ([main] if query.get("need_main_message", "true").lower() != "false" else []) + replies
    items.sort(key=lambda m: m.timestamp_ms, reverse=query.get("sort", "asc").lower() == "desc")
    limit = int(query.get("limit") or 20)
    last_reply = max((m.timestamp_ms for m in replies), default=None)
    messages = []
    for m in items[:limit]:
        sender = call.state.find(m.sender_id, outsiders=True)
        entry: dict[str, Any] = {
            "msg_id": m.id,
            "message": m.text,
            "sender": sender.email if sender else "",
            "is_reply": m.id != main.id,
            "timestamp": m.timestamp_ms,
            "reactions": [
                {"emoji_id": emoji, "count": len(senders), "is_sender": user.id in senders}
                for emoji, senders in m.reactions.items()
            ],
            "is_followed": False,
            "files": [call.state.chat.files[f].name for f in m.files if f in call.state.chat.files],
        }
        if m.id == main.id and last_reply is not None:
            entry["last_reply_time"] = last_reply
        messages.append(entry)
    return Reply({"total": len(items), "messages": messages})


HANDLERS = route.handlers
