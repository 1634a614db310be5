"""The sandbox's data: users of one account, their Team Chat, and (when present) their mail.

Plain dataclasses; handlers read and change them directly. Wire shapes live with the handlers,
not here, so one stored message can be rendered in each of Zoom's several message shapes.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zoom_mcp.sandbox.clock import Clock
from zoom_mcp.sandbox.routing import SandboxError, User

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


class Ids:
    """Zoom-looking identifiers from a seeded generator, so a seed always yields the same data."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    @property
    def rng(self) -> random.Random:
        return self._rng

    def user_id(self) -> str:  # 22 url-safe characters, like Zoom user ids
        return "".join(self._rng.choice(_ID_ALPHABET) for _ in range(22))

    def hex32(self) -> str:  # channel ids
        return f"{self._rng.getrandbits(128):032x}"

    def message_id(self) -> str:  # chat message ids are upper-case UUIDs
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4)).upper()

    def file_id(self) -> str:
        return "".join(self._rng.choice(_ID_ALPHABET[:62]) for _ in range(22))

    def digits(self, count: int) -> str:
        return "".join(self._rng.choice("0123456789") for _ in range(count))


@dataclass
class ChatFile:
    id: str
    name: str
    size: int
    content_type: str
    owner_id: str
    created_ms: int
    data: bytes = b""
    digest: str = ""


@dataclass
class ChatMessage:
    id: str
    sender_id: str
    # "channel:<channel id>" or "dm:<user id>:<user id>" (ids sorted): one conversation.
    conversation: str
    text: str
    timestamp_ms: int
    reply_main_message_id: str | None = None
    files: list[str] = field(default_factory=list)
    # emoji -> user ids in the order they reacted
    reactions: dict[str, list[str]] = field(default_factory=dict)
    status: str = "Normal"  # Normal | Edited | Deleted
    edited_ms: int | None = None
    unread_by: set[str] = field(default_factory=set)
    at_items: list[dict[str, Any]] = field(default_factory=list)
    rich_text: list[dict[str, Any]] = field(default_factory=list)
    scheduled: bool = False  # sent with scheduled_time: hidden from listings until due

    @property
    def sort_key(self) -> list[Any]:
        return [self.timestamp_ms, self.id]

    @property
    def channel_id(self) -> str | None:
        return self.conversation.split(":", 1)[1] if self.conversation.startswith("channel:") else None

    @property
    def dm_pair(self) -> tuple[str, str] | None:
        if not self.conversation.startswith("dm:"):
            return None
        first, second = self.conversation.split(":")[1:]
        return first, second


def dm_key(first: str, second: str) -> str:
    low, high = sorted((first, second))
    return f"dm:{low}:{high}"


@dataclass
class Channel:
    id: str
    name: str
    type: int  # 1 private, 2 private same-account, 3 public, 4 instant group chat, 5 public + external
    owner_id: str
    created_ms: int
    # user id -> "owner" | "admin" | "member", in the order they joined
    members: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    archived: bool = False
    pinned: list[str] = field(default_factory=list)

    @property
    def jid(self) -> str:
        return f"{self.id}@conference.xmpp.zoom.us"

    @property
    def conversation(self) -> str:
        return f"channel:{self.id}"


@dataclass
class ChatState:
    channels: dict[str, Channel] = field(default_factory=dict)
    messages: dict[str, ChatMessage] = field(default_factory=dict)
    files: dict[str, ChatFile] = field(default_factory=dict)
    # user id -> ids of contacts outside the account
    external_contacts: dict[str, list[str]] = field(default_factory=dict)
    # user id -> starred conversation keys
    starred: dict[str, set[str]] = field(default_factory=dict)
    # user id -> bookmarked message ids
    bookmarks: dict[str, list[str]] = field(default_factory=dict)
    # user id -> {message id: reminder}
    reminders: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    invitations: list[dict[str, Any]] = field(default_factory=list)

    def conversation_messages(self, conversation: str) -> list[ChatMessage]:
        return [m for m in self.messages.values() if m.conversation == conversation]


@dataclass
class SandboxState:
    account_id: str
    users: list[User]  # the account's users
    owner_id: str  # whose data an account_credentials token sees as "me"
    chat: ChatState
    clock: Clock
    ids: Ids
    outsiders: list[User] = field(default_factory=list)  # users of other accounts (external contacts)
    # The mail part's state, when that part is installed: seeded on first use (``mail_seeder``), so a
    # start that answers tools/list before any mail call does not compose hundreds of messages.
    mail_seeder: Callable[[], Any] | None = field(default=None, repr=False)
    _mail: Any = field(default=None, repr=False)
    pages: Any = None  # the PageTokens every list endpoint signs its next_page_token with
    # "history": a message listing's `date` ends the window; "day": only that UTC day (unconfirmed).
    message_date_window: str = "history"
    # Members one invite / create call may add: 5 per Zoom's spec, 20 per ZoomNet (CONFLICT).
    invite_limit: int = 5

    @property
    def mail(self) -> Any:
        if self._mail is None and self.mail_seeder is not None:
            seeder, self.mail_seeder = self.mail_seeder, None
            self._mail = seeder()
        return self._mail

    @mail.setter
    def mail(self, value: Any) -> None:
        self.mail_seeder = None
        self._mail = value

    @property
    def owner(self) -> User:
        return self.require_user(self.owner_id)

    def find(self, ref: str, *, outsiders: bool = False) -> User | None:
        """A user by id, email (any case) or member id; ``outsiders`` also searches other accounts."""
        pool = self.users + self.outsiders if outsiders else self.users
        lowered = ref.lower()
        for user in pool:
            if ref in (user.id, user.member_id) or user.email.lower() == lowered:
                return user
        return None

    def require_user(self, ref: str) -> User:
        user = self.find(ref)
        if user is None:
            raise SandboxError(404, 1001, f"User does not exist: {ref}.")
        return user

    def counts(self) -> dict[str, Any]:
        chat = self.chat
        out: dict[str, Any] = {
            "users": len(self.users),
            "channels": len(chat.channels),
            "messages": len(chat.messages),
            "files": len(chat.files),
        }
        mail_counts = getattr(self.mail, "counts", None)
        if callable(mail_counts):
            out["mail"] = mail_counts()
        return out
