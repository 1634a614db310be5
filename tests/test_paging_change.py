"""Listing exactly once while the list changes: items added and removed between pages.

Each listing pages through a sandbox list with the real executor at a small result budget. Between
pages, new items arrive and items already shown (often the last one shown) are deleted; the
sandbox's page tokens are positions, as Zoom's are, so every later page shifts. Items present
through the whole listing must be shown exactly once, nothing may be shown twice, and every page
(its paging note included) must fit the budget.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
import pytest

from zoom_mcp.catalog import Request
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import CallContext, Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.tools import BY_NAME

BUDGETS = (500, 1000, 2000)
ME = "/chat/users/me"
MAILBOX = "/emails/mailboxes/me"


@dataclass
class Stats:
    listings: int = 0
    pages: int = 0
    items: int = 0
    duplicates: int = 0
    missed: int = 0
    over_budget: int = 0
    longest_page: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Stats) -> None:
        for name in ("listings", "pages", "items", "duplicates", "missed", "over_budget"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.longest_page = max(self.longest_page, other.longest_page)
        self.problems.extend(other.problems)


Mutate = Callable[["Run", random.Random], Awaitable[None]]


@dataclass
class Kind:
    """One list tool, how to read its truth from Zoom's raw pages, and how to change it."""

    tool: str
    args: dict[str, Any]
    items: str
    raw_path: Callable[[Sandbox], str]
    raw_query: dict[str, Any]
    insert: Callable[[Run, int], Awaitable[None]]
    delete: Callable[[Run, str], Awaitable[bool]]
    seed_items: int = 0  # created before the listing, for lists the sandbox seeds short


class Run:
    def __init__(self, box: Sandbox, ex: Executor) -> None:
        self.box = box
        self.ex = ex
        # Users removed from a channel during the listing: inviting one back would be a new item.
        self.removed: set[str] = set()

    async def tool(self, name: str, arguments: dict[str, Any]) -> Any:
        result = await self.ex.call(BY_NAME[name], arguments)
        return None if result.is_error else result.structured

    async def raw_ids(self, kind: Kind) -> list[str]:
        """Every id in the list now, from Zoom's own pages (nothing changes while they are read)."""
        spec = BY_NAME[kind.tool]
        page = spec.page
        assert page is not None
        context = CallContext(self.ex, spec)
        ids: list[str] = []
        first = query = _resolved(self.box, kind.raw_query)
        while True:
            data = await context.send(Request(method="GET", path=kind.raw_path(self.box), query=query))
            ids.extend(str(item["id"]) for item in data.get(page.items) or [])
            token = data.get(page.token_field)
            if not token:
                return ids
            query = {**first, page.token_param: token}


def channel_id(box: Sandbox, name: str) -> str:
    return next(c.id for c in box.state.chat.channels.values() if c.name == name)


async def _chat_insert(run: Run, number: int) -> None:
    await run.tool(
        "chat_send_message", {"message": f"new message {number}", "to_channel": channel_id(run.box, "engineering")}
    )


async def _chat_delete(run: Run, item: str) -> bool:
    args = {"message_id": item, "to_channel": channel_id(run.box, "engineering")}
    return await run.tool("chat_delete_message", args) is not None


async def _mail_insert(run: Run, number: int) -> None:
    await run.tool("mail_insert_message", {"subject": f"new mail {number}", "text": "hi", "label_ids": ["INBOX"]})


async def _mail_delete(run: Run, item: str) -> bool:
    return await run.tool("mail_delete_message", {"message_id": item}) is not None


async def _thread_delete(run: Run, item: str) -> bool:
    return await run.tool("mail_delete_thread", {"thread_id": item}) is not None


async def _draft_insert(run: Run, number: int) -> None:
    await run.tool("mail_create_draft", {"subject": f"draft {number}", "text": "later", "to": ["a@example.com"]})


async def _draft_delete(run: Run, item: str) -> bool:
    return await run.tool("mail_delete_draft", {"draft_id": item}) is not None


async def _channel_insert(run: Run, number: int) -> None:
    await run.tool("chat_create_channel", {"name": f"new-channel-{number}", "type": 1})


async def _channel_delete(run: Run, item: str) -> bool:
    return await run.tool("chat_delete_channel", {"channel_id": item}) is not None


def _engineering_members(box: Sandbox) -> str:
    return f"/chat/channels/{channel_id(box, 'engineering')}/members"


async def _member_insert(run: Run, number: int) -> None:
    members = _channel(run.box).members
    free = [u for u in run.box.state.users if u.id not in members and u.id not in run.removed]
    if free:
        engineering = channel_id(run.box, "engineering")
        await run.tool("chat_invite_channel_members", {"channel_id": engineering, "members": [free[0].email]})


async def _member_delete(run: Run, item: str) -> bool:
    user = next((u for u in run.box.state.users if u.id == item), None)
    if user is None or _channel(run.box).members.get(item) == "owner":
        return False
    args = {"channel_id": channel_id(run.box, "engineering"), "member": user.email}
    run.removed.add(item)
    return await run.tool("chat_remove_channel_member", args) is not None


def _channel(box: Sandbox) -> Any:
    return box.state.chat.channels[channel_id(box, "engineering")]


def _chat_path(box: Sandbox) -> str:
    return f"{ME}/messages"


KINDS = {
    "chat messages": Kind(
        "chat_list_messages",
        {"to_channel": "engineering", "page_size": 10},
        "messages",
        _chat_path,
        {"to_channel": "engineering", "page_size": 50},
        _chat_insert,
        _chat_delete,
    ),
    "mail messages": Kind(
        "mail_list_messages",
        {"page_size": 5},
        "messages",
        lambda box: f"{MAILBOX}/messages",
        {"maxResults": 500},
        _mail_insert,
        _mail_delete,
    ),
    "mail threads": Kind(
        "mail_list_threads",
        {"page_size": 5},
        "threads",
        lambda box: f"{MAILBOX}/threads",
        {"maxResults": 500},
        _mail_insert,
        _thread_delete,
    ),
    "mail drafts": Kind(
        "mail_list_drafts",
        {"page_size": 3},
        "drafts",
        lambda box: f"{MAILBOX}/drafts",
        {"maxResults": 500},
        _draft_insert,
        _draft_delete,
        seed_items=25,
    ),
    "channels": Kind(
        "chat_list_channels",
        {"page_size": 2},
        "channels",
        lambda box: f"{ME}/channels",
        {"page_size": 50},
        _channel_insert,
        _channel_delete,
    ),
    "members": Kind(
        "chat_list_channel_members",
        {"channel_id": "engineering", "page_size": 2},
        "members",
        _engineering_members,
        {"page_size": 100},
        _member_insert,
        _member_delete,
    ),
}


def _resolved(box: Sandbox, args: dict[str, Any]) -> dict[str, Any]:
    names = {"to_channel", "channel_id"}
    return {key: channel_id(box, value) if key in names else value for key, value in args.items()}


async def list_under_change(kind: Kind, budget: int, seed: int, *, changes: bool = True) -> Stats:
    """One whole listing with inserts and deletes between its pages; what went wrong, counted."""
    rng = random.Random(seed)
    box = Sandbox()
    settings = Settings.from_env(box.settings_env(), result_budget=budget)
    stats = Stats(listings=1)
    async with Executor(settings, transport=httpx2.ASGITransport(app=box.app)) as ex:
        run = Run(box, ex)
        for number in range(kind.seed_items):
            await kind.insert(run, -1 - number)
        required = set(await run.raw_ids(kind))
        inserted = 0
        shown: list[str] = []
        first_arguments = arguments = _resolved(box, kind.args)
        for _ in range(2000):
            result = await ex.call(BY_NAME[kind.tool], arguments)
            assert not result.is_error, result.text
            assert result.structured is not None
            stats.pages += 1
            stats.longest_page = max(stats.longest_page, len(result.text))
            if len(result.text) > budget:
                stats.over_budget += 1
            shown.extend(str(row["id"]) for row in result.structured.get(kind.items, []))
            token = result.structured.get("next_page_token")
            if token is None:
                break
            arguments = {**first_arguments, "next_page_token": token}
            if changes:
                inserted += await _change(run, kind, rng, shown, required, inserted)
        else:
            stats.problems.append(f"{kind.tool}: the listing did not end")
    stats.items = len(shown)
    stats.duplicates = len(shown) - len(set(shown))
    stats.missed = len(required - set(shown))
    return stats


async def _change(run: Run, kind: Kind, rng: random.Random, shown: list[str], required: set[str], serial: int) -> int:
    """Between two pages: time passes, up to two items arrive, and shown items may be deleted."""
    run.box.advance_clock(rng.uniform(0.5, 30))
    added = rng.choice((0, 1, 2, 2))
    for number in range(added):
        await kind.insert(run, serial + number)
    if shown and rng.random() < 0.4:
        # Mostly the last item shown (where the listing resumes), sometimes earlier ones.
        victims = [shown[-1]] if rng.random() < 0.6 else rng.sample(sorted(set(shown)), min(2, len(set(shown))))
        for victim in victims:
            if await kind.delete(run, victim):
                required.discard(victim)
    return added


async def many_listings(names: list[str], budgets: tuple[int, ...], seeds: range) -> Stats:
    total = Stats()
    for name in names:
        for budget in budgets:
            for seed in seeds:
                total.add(await list_under_change(KINDS[name], budget, seed))
    return total


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_item_is_listed_exactly_once_while_the_list_changes(name: str) -> None:
    seeds = range(3) if name in ("chat messages", "channels", "members", "mail drafts") else range(1)
    stats = anyio.run(many_listings, [name], BUDGETS, seeds)
    assert stats.problems == []
    assert (stats.duplicates, stats.missed) == (0, 0), stats
    assert stats.over_budget == 0, stats
    assert stats.items > 0


def test_the_first_page_of_a_live_list_resumes_after_its_last_item() -> None:
    # No Zoom token yet: the first page is read again and the listing goes on after the anchor.
    async def first_page_twice() -> tuple[list[str], list[str]]:
        box = Sandbox()
        settings = Settings.from_env(box.settings_env(), result_budget=500)
        async with Executor(settings, transport=httpx2.ASGITransport(app=box.app)) as ex:
            run = Run(box, ex)
            args = _resolved(box, {"to_channel": "engineering", "page_size": 10})
            first = await ex.call(BY_NAME["chat_list_messages"], args)
            assert first.structured is not None
            before = [row["id"] for row in first.structured["messages"]]
            await _chat_insert(run, 1)
            await _chat_insert(run, 2)
            await _chat_delete(run, before[-1])
            again = {**args, "next_page_token": first.structured["next_page_token"]}
            second = await ex.call(BY_NAME["chat_list_messages"], again)
            assert second.structured is not None
            return before, [row["id"] for row in second.structured["messages"]]

    before, after = anyio.run(first_page_twice)
    assert before and after and not set(before) & set(after)


async def _report(seeds: int) -> None:
    grand = Stats()
    for name in sorted(KINDS):
        for budget in BUDGETS:
            stats = Stats()
            for seed in range(seeds):
                stats.add(await list_under_change(KINDS[name], budget, seed))
            grand.add(stats)
            print(
                f"{name:14} budget {budget:5}: listings {stats.listings} pages {stats.pages} items {stats.items} "
                f"duplicates {stats.duplicates} missed {stats.missed} over budget {stats.over_budget} "
                f"longest page {stats.longest_page}"
            )
    print(
        f"total: listings {grand.listings} pages {grand.pages} items {grand.items} duplicates {grand.duplicates} "
        f"missed {grand.missed} over budget {grand.over_budget} problems {grand.problems}"
    )


if __name__ == "__main__":
    # The figures behind the test, over more listings: python tests/test_paging_change.py [seeds]
    import sys

    anyio.run(_report, int(sys.argv[1]) if len(sys.argv) > 1 else 3)
