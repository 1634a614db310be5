"""Zoom Mail lists hold one id back for the next page instead of reading that page ahead.

Counted at the transport: what each page asks of Zoom (the list requests and their maxResults,
one detail fetch per row shown), and that the id held back is the next page's first row, even
when the row before it is deleted between the calls.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from zoom_mcp.catalog import Request
from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import CallContext, Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.tools import BY_NAME

pytestmark = pytest.mark.anyio
MAILBOX = "/emails/mailboxes/me"


class Recording(httpx2.AsyncBaseTransport):
    """The sandbox's transport, noting each Mail request's path (below the mailbox) and query."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._inner = httpx2.ASGITransport(app=sandbox.app)
        self.sent: list[tuple[str, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        if MAILBOX in path:
            self.sent.append((path.split(MAILBOX, 1)[1], dict(request.url.params)))
        return await self._inner.handle_async_request(request)


def connect(sandbox: Sandbox, **settings: Any) -> tuple[Executor, Recording]:
    wire = Recording(sandbox)
    return Executor(Settings.from_env(sandbox.settings_env(), **settings), transport=wire), wire


async def page(ex: Executor, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await ex.call(BY_NAME[tool], args)
    assert not result.is_error, result.text
    assert result.structured is not None
    return result.structured


async def zoom_ids(ex: Executor, tool: str, path: str, items: str) -> list[str]:
    """The whole list in Zoom's order, read in one page."""
    context = CallContext(ex, BY_NAME[tool])
    query = {"labelIds": "INBOX", "maxResults": 500}
    data = await context.send(Request(method="GET", path=MAILBOX + path, query=query))
    return [str(item["id"]) for item in data[items]]


LISTS = [("mail_list_messages", "messages", "/messages"), ("mail_list_threads", "threads", "/threads")]


@pytest.mark.parametrize(("tool", "items", "path"), LISTS)
async def test_each_page_fetches_its_rows_only_and_reads_no_page_ahead(tool: str, items: str, path: str) -> None:
    sandbox = Sandbox()
    ex, wire = connect(sandbox)
    async with ex:
        args: dict[str, Any] = {"label_ids": ["INBOX"], "page_size": 5}
        shown: list[str] = []
        for number in range(4):
            mark = len(wire.sent)
            result = await page(ex, tool, args)
            ids = [row["id"] for row in result[items]]
            lists = [query for sent, query in wire.sent[mark:] if sent == path]
            details = [sent for sent, _ in wire.sent[mark:] if sent.startswith(f"{path}/")]
            assert len(ids) == 5
            # One id more than shown is asked for. The first page reads one list; later ones read
            # the page holding the last row shown again (to place it), then the page after.
            assert [query["maxResults"] for query in lists] == ["6"] * (1 if number == 0 else 2)
            assert sorted(details) == sorted(f"{path}/{i}" for i in ids)  # the id held back is not fetched
            shown.extend(ids)
            args = {**args, "next_page_token": result["next_page_token"]}
        # In Zoom's order, each once: the id held back on a page is the first of the next.
        assert shown == (await zoom_ids(ex, tool, path, items))[: len(shown)]


async def test_the_id_held_back_is_shown_next_when_the_last_row_shown_is_deleted() -> None:
    sandbox = Sandbox()
    ex, _ = connect(sandbox)
    async with ex:
        args: dict[str, Any] = {"label_ids": ["INBOX"], "page_size": 5}
        before = await zoom_ids(ex, "mail_list_messages", "/messages", "messages")
        first = await page(ex, "mail_list_messages", args)
        assert [row["id"] for row in first["messages"]] == before[:5]
        await page(ex, "mail_delete_message", {"message_id": before[4]})
        second = await page(ex, "mail_list_messages", {**args, "next_page_token": first["next_page_token"]})
    assert [row["id"] for row in second["messages"]] == before[5:10]


async def test_a_list_at_the_largest_page_zoom_serves_reads_the_next_page_ahead() -> None:
    sandbox = Sandbox()
    mailbox = sandbox.state.mail.mailbox(sandbox.state.owner.email)
    assert mailbox is not None
    start = str(mailbox.history_id)
    message = next(iter(mailbox.messages.values()))
    for _ in range(251):  # 502 history records
        mailbox.modify(message, add=["STARRED"])
        mailbox.modify(message, remove=["STARRED"])
    ex, wire = connect(sandbox, result_budget=1_000_000)  # whole pages: nothing cut to fit
    async with ex:
        for size, expected in ((499, ["500"]), (500, ["500", "500"])):
            mark = len(wire.sent)
            result = await page(ex, "mail_list_history", {"start_history_id": start, "page_size": size})
            assert len(result["history"]) == size and result["next_page_token"]
            # Below the maximum one record more is asked for; at it, the next page is read ahead.
            assert [query["maxResults"] for sent, query in wire.sent[mark:] if sent == "/history"] == expected
