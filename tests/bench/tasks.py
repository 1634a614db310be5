"""Finding the seeded data the fixed tasks work on: the big channel, a thread, the long HTML mail."""

from __future__ import annotations

from typing import Any

from tests.bench.common import Unavailable
from tests.bench.stack import Stack, find

BIG_CHANNEL = "engineering"  # the sandbox seed's busy channel (zoom_mcp/sandbox/chat_seed.py)
LONG_HTML_SUBJECT = "Quarterly report"


async def big_channel_id(s: Stack) -> str:
    body = await s.raw("GET", "/chat/users/me/channels", {"page_size": 50})
    channel = find(body, lambda d: d.get("name") == BIG_CHANNEL and "id" in d)
    if channel is None:
        raise Unavailable(f"seeded channel #{BIG_CHANNEL} not found")
    return str(channel["id"])


async def long_html_message_id(s: Stack) -> str:
    body = await s.raw("GET", "/emails/mailboxes/me/messages", {"q": f'subject:"{LONG_HTML_SUBJECT}"', "maxResults": 5})
    messages = (body or {}).get("messages") or []
    if not messages:
        raise Unavailable(f"seeded mail {LONG_HTML_SUBJECT!r} not found")
    return str(messages[0]["id"])


def require_tools(s: Stack, *names: str) -> None:
    """Tools the task needs must be registered; otherwise the figure is n/a with their names."""
    registered = {spec.name for spec in s.server.registered}
    missing = [n for n in names if n not in registered]
    if missing:
        raise Unavailable(f"tools not in the catalog yet: {', '.join(missing)}")


def first_main_message_id(structured: Any) -> str:
    """A thread's main message: Zoom refuses a reply to a reply."""
    message = find(structured, lambda d: "id" in d and ("text" in d or "message" in d) and not _is_reply(d))
    if message is None:
        raise Unavailable("no main message id in the chat_list_messages result")
    return str(message["id"])


def _is_reply(message: dict[str, Any]) -> bool:
    return any(message.get(k) for k in ("reply_to", "reply_main_message_id", "parent_id"))
