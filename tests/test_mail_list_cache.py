"""Mail listings reuse per-message metadata and learn label changes from the history API.

Every listing is checked against a fresh server's listing of the same mailbox (no cache), after
changes made by this server and by another app on the same mailbox, and what each listing asks
of Zoom is counted: the list, one fetch per row not yet known, the history, label names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

from zoom_mcp.codecs.mail_cache import SETTLED_MS, settled_sync_point
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.mail_store import Mailbox
from zoom_mcp.tools import BY_NAME

LISTING = {"label_ids": ["INBOX"], "page_size": 20}


class AfterResponse(httpx2.AsyncBaseTransport):
    """The sandbox's transport, running ``hook`` after each answer, before the client sees it."""

    def __init__(self, sandbox: Sandbox, hook: Callable[[httpx2.Request], Awaitable[None]]) -> None:
        self._inner = httpx2.ASGITransport(app=sandbox.app)
        self._hook = hook

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        await self._hook(request)
        return response


def connect(sandbox: Sandbox, transport: httpx2.AsyncBaseTransport | None = None) -> Executor:
    settings = Settings.from_env(sandbox.settings_env())
    return Executor(settings, transport=transport or httpx2.ASGITransport(app=sandbox.app))


async def rows(ex: Executor, args: dict[str, Any] = LISTING) -> list[dict[str, Any]]:
    result = await ex.call(BY_NAME["mail_list_messages"], args)
    assert not result.is_error, result.text
    assert result.structured is not None
    return list(result.structured["messages"])


async def uncached_rows(sandbox: Sandbox, args: dict[str, Any] = LISTING) -> list[dict[str, Any]]:
    async with connect(sandbox) as fresh:
        return await rows(fresh, args)


def api_requests(sandbox: Sandbox, since: int) -> list[tuple[str, str, int]]:
    return [r for r in sandbox.requests[since:] if r[1] != "/oauth/token"]


def spent(sandbox: Sandbox, since: int) -> list[str]:
    """What the requests since ``since`` asked for: "row" for a message fetch, else the last path part."""
    return ["row" if "/messages/" in path else path.rsplit("/", 1)[-1] for _, path, _ in api_requests(sandbox, since)]


def mailbox_of(sandbox: Sandbox) -> Mailbox:
    mailbox = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    assert mailbox is not None
    return mailbox


def forget_history(sandbox: Sandbox) -> None:
    """Zoom keeps history for about a week: older sync points answer 404."""
    mailbox_of(sandbox).forget_history()


def user_label(sandbox: Sandbox) -> tuple[str, str]:
    label = next(label for label in mailbox_of(sandbox).labels.values() if label.type == "user")
    return label.id, label.name


async def call(ex: Executor, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await ex.call(BY_NAME[tool], args)
    assert not result.is_error, result.text
    return result.structured or {}


@pytest.mark.anyio
async def test_a_first_listing_costs_a_request_per_row_and_a_second_one_two() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        mark = len(sandbox.requests)
        first = await rows(ex)
        first_spent = spent(sandbox, mark)
        mark = len(sandbox.requests)
        second = await rows(ex)
        second_spent = spent(sandbox, mark)
        mark = len(sandbox.requests)
        await rows(ex)
        third_spent = spent(sandbox, mark)
    assert len(first) == 20
    # The list (holding one id back for the next page), one fetch per row, and the label names the
    # seeded rows need (they carry user labels): no profile, no read-ahead of the next page.
    assert sorted(first_spent) == sorted(["messages", *["row"] * 20, "labels"])
    # Again, mailbox unchanged: the list and one history request; no row and no name fetched again.
    assert second == first
    assert second_spent == third_spent == ["messages", "history"]


@pytest.mark.anyio
async def test_label_changes_between_listings_show_on_every_row() -> None:
    sandbox = Sandbox()
    label_id, label_name = user_label(sandbox)
    async with connect(sandbox) as ex, connect(sandbox) as other_app:
        first = await rows(ex)
        unread = [r["id"] for r in first if r.get("unread")]
        read = [r["id"] for r in first if not r.get("unread")]
        labelled = [r["id"] for r in first if label_name in r.get("labels", [])]
        bare = [r["id"] for r in first if label_name not in r.get("labels", [])]
        assert unread and read and labelled and bare
        # This server marks one read; another app marks one unread, stars a third, and moves a
        # user label from one message to another.
        await call(ex, "mail_modify_message", {"message_id": unread[0], "read": True})
        await call(other_app, "mail_modify_message", {"message_id": read[0], "read": False})
        await call(other_app, "mail_modify_message", {"message_id": first[-1]["id"], "starred": True})
        await call(other_app, "mail_modify_message", {"message_id": labelled[0], "remove_label_ids": [label_id]})
        await call(other_app, "mail_modify_message", {"message_id": bare[-1], "add_label_ids": [label_id]})
        mark = len(sandbox.requests)
        second = await rows(ex)
        second_spent = spent(sandbox, mark)
    # Labels came from the history, not from fetching the rows again; the names were known.
    assert second_spent == ["messages", "history"]
    assert second == await uncached_rows(sandbox)
    by_id = {r["id"]: r for r in second}
    assert not by_id[unread[0]].get("unread") and by_id[read[0]].get("unread")
    assert "STARRED" in by_id[first[-1]["id"]]["labels"]
    assert label_name not in by_id[labelled[0]].get("labels", []) and label_name in by_id[bare[-1]]["labels"]


@pytest.mark.anyio
async def test_new_moved_archived_and_deleted_messages_between_listings() -> None:
    sandbox = Sandbox()
    label_id, _ = user_label(sandbox)
    async with connect(sandbox) as ex, connect(sandbox) as other_app:
        first = await rows(ex)
        await call(other_app, "mail_modify_message", {"message_id": first[0]["id"], "archive": True})
        await call(other_app, "mail_delete_message", {"message_id": first[1]["id"]})
        await call(other_app, "mail_modify_message", {"message_id": first[2]["id"], "move_to": label_id})
        await call(
            other_app,
            "mail_insert_message",
            {"to": ["me@example.com"], "subject": "Fresh arrival", "text": "hello", "label_ids": ["INBOX", "UNREAD"]},
        )
        mark = len(sandbox.requests)
        second = await rows(ex)
        second_spent = spent(sandbox, mark)
        assert second == await uncached_rows(sandbox)
        ids = {r["id"] for r in second}
        assert not {first[0]["id"], first[1]["id"], first[2]["id"]} & ids
        assert any(r.get("subject") == "Fresh arrival" and r.get("unread") for r in second)
        # Only the rows new to the window are fetched: the arrival and the two that moved up.
        new_rows = ids - {r["id"] for r in first}
        assert len(new_rows) == 3
        assert sorted(second_spent) == sorted(["messages", "history", *["row"] * len(new_rows)])
        # The archived and moved messages, listed elsewhere, carry their current labels too.
        everywhere = await rows(ex, {"page_size": 50})
        assert everywhere == await uncached_rows(sandbox, {"page_size": 50})
        moved = await rows(ex, {"label_ids": [label_id], "page_size": 50})
        assert first[2]["id"] in {r["id"] for r in moved}
        assert moved == await uncached_rows(sandbox, {"label_ids": [label_id], "page_size": 50})


def toggle(mailbox: Mailbox, message_id: str, label: str) -> bool:
    """Add ``label`` to the message or take it off (another app's change); whether it has it now."""
    message = mailbox.get(message_id)
    had = message.has_label(label)
    mailbox.modify(message, add=[] if had else [label], remove=[label] if had else [])
    return not had


@pytest.mark.anyio
async def test_a_change_made_while_the_rows_are_fetched_is_not_lost() -> None:
    """The race a sync point taken from the rows must survive: the first row is fetched, then
    another app stars it and then changes the last row (a newer history id than the star), and
    only then is the last row fetched. Its history id is the highest of the batch; a sync from
    it would never replay the star."""
    sandbox = Sandbox()
    mailbox = mailbox_of(sandbox)
    listed = sorted(mailbox.messages.values(), key=lambda m: m.order_key, reverse=True)
    inbox = [m.id for m in listed if m.has_label("INBOX")][:20]
    first_id, last_id = inbox[0], inbox[-1]
    now: dict[str, bool] = {}

    async def race(request: httpx2.Request) -> None:
        if request.url.path.endswith(f"/messages/{first_id}") and not now:
            now["starred"] = toggle(mailbox, first_id, "STARRED")
            now["unread"] = toggle(mailbox, last_id, "UNREAD")

    async with connect(sandbox, AfterResponse(sandbox, race)) as ex:
        first = await rows(ex)
        assert now and [r["id"] for r in first] == inbox
        # Fetched before the change: the first row shows its old state.
        assert ("STARRED" in first[0].get("labels", [])) != now["starred"]
        second = await rows(ex)
    by_id = {r["id"]: r for r in second}
    assert ("STARRED" in by_id[first_id].get("labels", [])) == now["starred"]
    assert bool(by_id[last_id].get("unread")) == now["unread"]
    assert second == await uncached_rows(sandbox)


@pytest.mark.anyio
async def test_rows_changed_moments_ago_are_kept_once_the_profile_is_read() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex, connect(sandbox) as other_app:
        # Another app files three messages under a new label just now: no row of that label's
        # listing dates from before the fetch, so none vouches for its history id.
        label = await call(other_app, "mail_create_label", {"name": "Just now"})
        listing = {"label_ids": [label["id"]], "page_size": 20}
        for row in await rows(other_app, {"page_size": 3}):
            await call(other_app, "mail_modify_message", {"message_id": row["id"], "add_label_ids": [label["id"]]})
        spent_per_listing, shown = [], []
        for _ in range(3):
            mark = len(sandbox.requests)
            shown.append(await rows(ex, listing))
            spent_per_listing.append(sorted(spent(sandbox, mark)))
        assert shown[0] == shown[1] == shown[2] == await uncached_rows(sandbox, listing)
    assert len(shown[0]) == 3 and all("Just now" in r["labels"] for r in shown[0])
    # Not kept the first time; the next fill reads the mailbox's historyId first; then cached.
    assert spent_per_listing[0] == sorted(["messages", *["row"] * 3, "labels"])
    assert spent_per_listing[1] == sorted(["messages", "profile", *["row"] * 3])
    assert spent_per_listing[2] == ["history", "messages"]


@pytest.mark.anyio
async def test_without_history_the_listing_fetches_every_row() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        first = await rows(ex)
        forget_history(sandbox)  # the sync point is gone
        await call(ex, "mail_modify_message", {"message_id": first[0]["id"], "starred": True})
        forget_history(sandbox)
        mark = len(sandbox.requests)
        second = await rows(ex)
        second_spent = spent(sandbox, mark)
        assert second == await uncached_rows(sandbox)
        mark = len(sandbox.requests)
        assert await rows(ex) == second
        third_spent = spent(sandbox, mark)
    # A message's history id proved too old: the refill reads the profile first, and is kept.
    assert sorted(second_spent) == sorted(["messages", "history", "profile", *["row"] * len(second)])
    assert third_spent == ["messages", "history"]


def test_the_sync_point_is_the_newest_row_changed_before_the_fetch() -> None:
    started = 1_800_000_000_000
    settled = started - SETTLED_MS - 1000

    def row(history_id: str, moved: int | None) -> dict[str, Any]:
        return {"id": f"M{history_id}", "historyId": history_id} | ({} if moved is None else {"lastMoved": str(moved)})

    assert settled_sync_point([row("90", settled), row("120", settled - 10), row("95", settled)], started) == "120"
    # A row changed within SETTLED_MS of the start (or without lastMoved) cannot vouch for its id.
    assert settled_sync_point([row("90", settled), row("130", started - 1000), row("140", None)], started) == "90"
    assert settled_sync_point([row("130", started - 1000)], started) is None
    assert settled_sync_point([row("9", settled), RuntimeError("failed fetch")], started) == "9"
    assert settled_sync_point([], started) is None
