"""Section 3: MCP calls an agent needs per task, and the Zoom requests the server makes for them.

The baseline is the Zoom request count: what an agent driving the REST API directly would have
to issue itself, one model round trip each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.bench import tasks
from tests.bench.common import Figure, Unavailable, ratio
from tests.bench.stack import Outcome, Stack, find, stack

SECTION = "round trips"


async def unread_inbox(s: Stack) -> list[Outcome]:
    tasks.require_tools(s, "mail_list_messages")
    return [await s.call("mail_list_messages", {"label_ids": ["UNREAD"], "page_size": 20})]


async def summarize_channel(s: Stack) -> list[Outcome]:
    tasks.require_tools(s, "chat_list_channels", "chat_list_messages")
    channels = await s.call("chat_list_channels", {"page_size": 50})
    channel = find(channels.structured, lambda d: d.get("name") == tasks.BIG_CHANNEL and "id" in d)
    if channel is None:
        raise RuntimeError(f"#{tasks.BIG_CHANNEL} not in the chat_list_channels result")
    history = await s.call("chat_list_messages", {"to_channel": channel["id"], "page_size": 50})
    return [channels, history]


async def reply_in_thread(s: Stack) -> list[Outcome]:
    tasks.require_tools(s, "chat_list_messages", "chat_send_message")
    channel = await tasks.big_channel_id(s)
    listing = await s.call("chat_list_messages", {"to_channel": channel, "page_size": 10})
    parent = tasks.first_main_message_id(listing.structured)
    reply = await s.call(
        "chat_send_message",
        {"to_channel": channel, "message": "On it, thanks.", "reply_main_message_id": parent},
    )
    return [listing, reply]


TASKS: list[tuple[str, Callable[[Stack], Awaitable[list[Outcome]]]]] = [
    ("what is unread in my inbox", unread_inbox),
    ("summarize the last 50 messages of #channel", summarize_channel),
    ("reply in a thread", reply_in_thread),
]


async def run(quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    # structuredContent on: the tasks find ids in it; calls and requests do not depend on it.
    async with stack(structured_content=True) as s:
        for label, task in TASKS:
            try:
                outcomes = await task(s)
            except Unavailable as exc:
                figures.append(Figure(SECTION, label, None, note=f"n/a ({exc})"))
                continue
            except Exception as exc:  # one broken task must not hide the others
                figures.append(Figure(SECTION, label, None, note=f"n/a (error: {type(exc).__name__}: {exc})"))
                continue
            failed = [o.text[:160] for o in outcomes if o.is_error]
            # Counted from the sandbox's request log; the transport recording must agree with it.
            requests = sum(len(o.logged) for o in outcomes)
            recorded = sum(len(o.exchanges) for o in outcomes)
            if recorded != requests:
                failed.append(f"sandbox log has {requests} requests, transport saw {recorded}")
            figures.append(
                Figure(
                    SECTION,
                    f"{label}: MCP calls",
                    len(outcomes),
                    baseline=requests,
                    baseline_label="Zoom requests",
                    ratio=ratio(len(outcomes), requests),
                    flag=f"a call failed: {failed[0]}" if failed else "",
                    extra={"requests": [[f"{m} {p} -> {status}" for m, p, status in o.logged] for o in outcomes]},
                )
            )
    return figures
