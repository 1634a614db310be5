"""Mail listings reuse per-message metadata and learn label changes from the history API.

Every listing is checked against a fresh server's listing of the same mailbox (no cache), after
changes made by this server and by another app on the same mailbox.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.tools import BY_NAME

LISTING = {"label_ids": ["INBOX"], "page_size": 20}


def connect(sandbox: Sandbox) -> Executor:
    settings = Settings.from_env(sandbox.settings_env())
    return Executor(settings, transport=httpx2.ASGITransport(app=sandbox.app))


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


def forget_history(sandbox: Sandbox) -> None:
    """Zoom keeps history for about a week: older sync points answer 404."""
    mailbox = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    assert mailbox is not None
    mailbox.forget_history()


async def call(ex: Executor, tool: str, args: dict[str, Any]) -> None:
    result = await ex.call(BY_NAME[tool], args)
    assert not result.is_error, result.text


@pytest.mark.anyio
async def test_a_second_listing_of_an_unchanged_mailbox_costs_two_requests() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        first = await rows(ex)
        mark = len(sandbox.requests)
        second = await rows(ex)
        spent = api_requests(sandbox, mark)
    assert second == first
    # No row is fetched again: the list, one history request, and (a full page with more after it)
    # the paging look-ahead that names the next page's first item.
    paths = [path.rsplit("/", 1)[-1] for _, path, _ in spent]
    assert paths.count("history") == 1
    assert [p for p in paths if p != "history"] in (["messages"], ["messages", "messages"])


@pytest.mark.anyio
async def test_label_changes_between_listings_show_on_every_row() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex, connect(sandbox) as other_app:
        first = await rows(ex)
        unread = [r["id"] for r in first if r.get("unread")]
        read = [r["id"] for r in first if not r.get("unread")]
        assert unread and read
        # This server marks one read; another app marks one unread and stars a third.
        await call(ex, "mail_modify_message", {"message_id": unread[0], "read": True})
        await call(other_app, "mail_modify_message", {"message_id": read[0], "read": False})
        await call(other_app, "mail_modify_message", {"message_id": first[-1]["id"], "starred": True})
        mark = len(sandbox.requests)
        second = await rows(ex)
        fetched = [p for _, p, _ in api_requests(sandbox, mark) if "/messages/" in p]
    assert fetched == []  # labels came from the history, not from fetching the rows again
    assert second == await uncached_rows(sandbox)
    by_id = {r["id"]: r for r in second}
    assert not by_id[unread[0]].get("unread") and by_id[read[0]].get("unread")
    assert "STARRED" in by_id[first[-1]["id"]]["labels"]


@pytest.mark.anyio
async def test_new_archived_and_deleted_messages_between_listings() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex, connect(sandbox) as other_app:
        first = await rows(ex)
        await call(other_app, "mail_modify_message", {"message_id": first[0]["id"], "archive": True})
        await call(other_app, "mail_delete_message", {"message_id": first[1]["id"]})
        await call(
            other_app,
            "mail_insert_message",
            {"to": ["me@example.com"], "subject": "Fresh arrival", "text": "hello", "label_ids": ["INBOX", "UNREAD"]},
        )
        second = await rows(ex)
        assert second == await uncached_rows(sandbox)
        ids = {r["id"] for r in second}
        assert first[0]["id"] not in ids and first[1]["id"] not in ids
        assert any(r.get("subject") == "Fresh arrival" and r.get("unread") for r in second)
        # The archived message, listed elsewhere, carries its current labels too.
        everywhere = await rows(ex, {"page_size": 50})
        assert everywhere == await uncached_rows(sandbox, {"page_size": 50})


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
        fetched = [p for _, p, _ in api_requests(sandbox, mark) if "/messages/" in p]
    assert len(fetched) == len(second)
    assert second == await uncached_rows(sandbox)
