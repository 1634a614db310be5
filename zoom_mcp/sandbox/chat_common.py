"""What every Team Chat handler shares: registration, lookups, errors and wire shapes.

Zoom's chat-specific error codes are undocumented (zoom-api.md 2): where the code is unknown
the sandbox answers with the HTTP status as the code (404/404), and "No permission." keeps
Zoom's general code 200.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from functools import wraps
from typing import Any

from zoom_mcp.sandbox.paging import page_size_param, paginate, query_fingerprint
from zoom_mcp.sandbox.routing import Call, Handler, Reply, SandboxError, User
from zoom_mcp.sandbox.state import Channel, ChatFile, ChatMessage, SandboxState, dm_key

FILE_HOST = "https://file.zoom.us"
PAGING = ("page_size", "next_page_token")
CHAT = ("to_channel", "to_contact")
CHANNEL_URL = "https://zoom.us/launch/chat?src=direct_chat_link&channel_id={}"


class Registry:
    """Collects handlers under the catalog endpoint strings they serve.

    ``query`` names the query parameters Zoom's reference declares for the endpoint; a request
    with any other name, or with one name repeated (Zoom's lists are one comma-separated value),
    is refused as Zoom refuses an invalid field, so a misspelt parameter cannot pass unnoticed.
    """

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}

    def __call__(self, endpoint: str, query: Iterable[str] | None = ()) -> Callable[[Handler], Handler]:
        # None: an endpoint no longer in the reference (the old IM reads), whose names are not checked.
        declared = None if query is None else frozenset(query)

        def register(handler: Handler) -> Handler:
            if endpoint in self.handlers:
                raise RuntimeError(f"two handlers for {endpoint}")

            @wraps(handler)
            async def checked(call: Call) -> Reply:
                if declared is not None:
                    check_query(call, declared)
                return await handler(call)

            self.handlers[endpoint] = checked
            return handler

        return register


def check_query(call: Call, declared: frozenset[str]) -> None:
    for name in call.query:
        if name not in declared:
            raise validation(name, "Invalid field.")
        if len(call.query.getlist(name)) > 1:
            raise validation(name, "Give one value; separate several with commas.")


# ---- errors


def validation(field: str, message: str) -> SandboxError:
    return SandboxError(400, 300, "Validation Failed.", errors=[{"field": field, "message": message}])


def no_permission() -> SandboxError:
    return SandboxError(403, 200, "No permission.")


def channel_not_found(channel_id: str) -> SandboxError:
    return SandboxError(404, 404, f"Channel does not exist: {channel_id}.")


def message_not_found(message_id: str) -> SandboxError:
    return SandboxError(404, 404, f"Message does not exist: {message_id}.")


def contact_not_found(ref: str) -> SandboxError:
    return SandboxError(404, 1001, f"User does not exist: {ref}.")


# ---- request reading


def body_of(call: Call) -> dict[str, Any]:
    if call.body is None:
        return {}
    if not isinstance(call.body, dict):
        raise SandboxError(400, 300, "Request Body should be a valid JSON object.")
    return call.body


def path_user(call: Call, name: str = "userId") -> User:
    state: SandboxState = call.state
    return state.require_user(call.path_params[name])


def flag(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is True or str(value).lower() in ("true", "1")


def csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_time(value: str, field: str) -> int:
    """A ``yyyy-MM-dd'T'HH:mm:ss'Z'`` (or plain date) query value as epoch ms."""
    try:
        if "T" not in value:
            return int(datetime.combine(date.fromisoformat(value), time(), UTC).timestamp() * 1000)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise validation(field, "Invalid date-time format.") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise validation(field, "Invalid date format, expected yyyy-MM-dd.") from exc


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_bounds(day: date) -> tuple[int, int]:
    start = int(datetime.combine(day, time(), UTC).timestamp() * 1000)
    return start, start + 86_400_000 - 1


def page(
    call: Call,
    items: list[Any],
    *,
    default: int = 10,
    maximum: int = 50,
    user: str = "",
    sort_key: Callable[[Any], list[Any]] | None = None,
    descending: bool = False,
) -> tuple[list[Any], str, int]:
    """Page ``items`` by the request's page_size / next_page_token; returns (page, token, size)."""
    size = page_size_param(call.query, default=default, maximum=maximum)
    fingerprint = query_fingerprint(call.endpoint, user or call.user.id, call.query)
    chunk, token = paginate(
        items,
        size,
        call.query.get("next_page_token") or None,
        tokens=call.state.pages,
        fingerprint=fingerprint,
        sort_key=sort_key,
        descending=descending,
    )
    return chunk, token, size


# ---- lookups


def channel_of(state: SandboxState, channel_id: str) -> Channel:
    channel = state.chat.channels.get(channel_id)
    if channel is None:
        raise channel_not_found(channel_id)
    return channel


def member_channel(state: SandboxState, channel_id: str, user: User) -> Channel:
    """A channel the user belongs to; a private channel they are not in does not exist for them."""
    channel = channel_of(state, channel_id)
    if user.id not in channel.members:
        if channel.type in (3, 5):
            raise no_permission()
        raise channel_not_found(channel_id)
    return channel


def contact(state: SandboxState, ref: str) -> User:
    user = state.find(ref, outsiders=True)
    if user is None:
        raise contact_not_found(ref)
    return user


def conversation(call: Call, user: User, params: Mapping[str, Any]) -> tuple[str, Channel | None, User | None]:
    """The chat named by exactly one of ``to_channel`` / ``to_contact``."""
    to_channel, to_contact = params.get("to_channel"), params.get("to_contact")
    if bool(to_channel) == bool(to_contact):
        raise validation("to_channel", "Provide exactly one of to_contact or to_channel.")
    if to_channel:
        channel = member_channel(call.state, str(to_channel), user)
        return channel.conversation, channel, None
    peer = contact(call.state, str(to_contact))
    return dm_key(user.id, peer.id), None, peer


def message_in(state: SandboxState, message_id: str, conversation_key: str) -> ChatMessage:
    message = state.chat.messages.get(message_id)
    if message is None or message.conversation != conversation_key or message.status == "Deleted":
        raise message_not_found(message_id)
    return message


def participants(state: SandboxState, conversation_key: str) -> list[str]:
    if conversation_key.startswith("channel:"):
        channel = state.chat.channels.get(conversation_key.split(":", 1)[1])
        return list(channel.members) if channel else []
    return conversation_key.split(":")[1:]


def conversations_of(state: SandboxState, user: User) -> list[str]:
    keys = [c.conversation for c in state.chat.channels.values() if user.id in c.members]
    dms = {m.conversation for m in state.chat.messages.values() if m.dm_pair and user.id in m.dm_pair}
    return keys + sorted(dms)


def post(
    state: SandboxState,
    sender: User,
    conversation_key: str,
    text: str,
    *,
    reply_to: str | None = None,
    files: list[str] | None = None,
    at_items: list[dict[str, Any]] | None = None,
    rich_text: list[dict[str, Any]] | None = None,
    scheduled_ms: int | None = None,
) -> ChatMessage:
    """Store a new message, strictly newer than anything already sent in its chat.

    A scheduled message is stored with its due time and stays out of listings until then.
    """
    now = state.clock.now_ms()
    existing = [m for m in state.chat.conversation_messages(conversation_key) if not m.scheduled]
    latest = max((m.timestamp_ms for m in existing), default=0)
    message = ChatMessage(
        id=state.ids.message_id(),
        sender_id=sender.id,
        conversation=conversation_key,
        text=text,
        timestamp_ms=scheduled_ms if scheduled_ms is not None else max(now, latest + 1),
        reply_main_message_id=reply_to,
        files=list(files or []),
        at_items=list(at_items or []),
        rich_text=list(rich_text or []),
        scheduled=scheduled_ms is not None,
    )
    message.unread_by = {uid for uid in participants(state, conversation_key) if uid != sender.id}
    state.chat.messages[message.id] = message
    return message


# ---- wire shapes


def user_brief(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "member_id": user.member_id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


def file_brief(chat_file: ChatFile) -> dict[str, Any]:
    return {
        "file_id": chat_file.id,
        "file_name": chat_file.name,
        "file_size": chat_file.size,
        "download_url": f"{FILE_HOST}/file/download/{chat_file.id}",
    }


def message_json(
    state: SandboxState, message: ChatMessage, *, detail: bool = False, status: bool = False
) -> dict[str, Any]:
    """A message as list (``detail=False``) or get (``detail=True``) returns it."""
    sender = state.find(message.sender_id, outsiders=True)
    out: dict[str, Any] = {
        "id": message.id,
        "message": message.text,
        "sender": sender.email if sender else "",
        "send_member_id": sender.member_id if sender else "",
        "sender_display_name": sender.display_name if sender else "",
        "date_time": iso(message.timestamp_ms),
        "timestamp": message.timestamp_ms,
        "message_type": message_type(
            message.text, [state.chat.files[f] for f in message.files if f in state.chat.files]
        ),
    }
    if message.reply_main_message_id:
        parent = state.chat.messages.get(message.reply_main_message_id)
        out["reply_main_message_id"] = message.reply_main_message_id
        if parent is not None:
            out["reply_main_message_timestamp"] = parent.timestamp_ms
    files = [state.chat.files[f] for f in message.files if f in state.chat.files]
    if files:
        out["files"] = [file_brief(f) for f in files]
        out.update(file_brief(files[0]))  # Zoom still sends the legacy single-file fields
    if message.reactions:
        out["reactions"] = [reaction_json(state, emoji, who, detail) for emoji, who in message.reactions.items()]
    if message.at_items:
        out["at_items"] = message.at_items
    if message.rich_text:
        out["rich_text"] = message.rich_text
    if status:  # only a listing with include_deleted_and_edited_message says (the get answer has no status)
        out["status"] = message.status
    if detail and message.channel_id:
        out["message_url"] = CHANNEL_URL.format(message.channel_id) + f"&message_id={message.id}"
    return out


# File kinds Zoom's ``message_type`` names; anything else with a file is "others".
_FILE_TYPES = {
    "jpg": "jpg_image_file",
    "jpeg": "jpg_image_file",
    "png": "png_image_file",
    "gif": "gif_file",
    "mp3": "audio_file",
    "m4a": "audio_file",
    "wav": "audio_file",
    "mp4": "video_file",
    "mov": "video_file",
}


def message_type(text: str, files: list[ChatFile]) -> str:
    if not files:
        return "plain_text_message"
    if text:
        return "file_and_text"
    extension = files[0].name.rsplit(".", 1)[-1].lower() if "." in files[0].name else ""
    return _FILE_TYPES.get(extension, "others")


def reaction_json(state: SandboxState, emoji: str, senders: list[str], detail: bool) -> dict[str, Any]:
    users = [u for u in (state.find(s, outsiders=True) for s in senders) if u is not None]
    out: dict[str, Any] = {"emoji": emoji, "total_count": len(senders)}
    if detail:  # Get message: flat id lists
        out["user_ids"] = [u.id for u in users]
        out["member_ids"] = [u.member_id for u in users]
    else:  # List messages: sender objects
        out["senders"] = [{"user_id": u.id, "member_id": u.member_id} for u in users]
    return out


def channel_json(channel: Channel, *, settings: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": channel.id,
        "jid": channel.jid,
        "name": channel.name,
        "type": channel.type,
        "channel_url": CHANNEL_URL.format(channel.id),
    }
    if settings:
        out["channel_settings"] = dict(channel.settings)
    return out


def member_json(state: SandboxState, channel: Channel, user_id: str) -> dict[str, Any]:
    user = state.find(user_id, outsiders=True)
    assert user is not None
    return {
        **user_brief(user),
        "name": user.display_name,
        "role": channel.members[user_id],
        "is_external": user.account_id != state.account_id,
    }
