"""The executor against the in-process Zoom sandbox: real OAuth, paging, faults and errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.tools import BY_NAME


class FakeSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def connect(sandbox: Sandbox, sleep: FakeSleep | None = None, **overrides: Any) -> Executor:
    settings = Settings.from_env(sandbox.settings_env(), **overrides)
    return Executor(settings, transport=httpx2.ASGITransport(app=sandbox.app), sleep=sleep or FakeSleep())


def token_requests(sandbox: Sandbox) -> int:
    return sum(1 for _, path, _ in sandbox.requests if path == "/oauth/token")


def calls_to(sandbox: Sandbox, method: str, fragment: str) -> int:
    return sum(1 for m, path, _ in sandbox.requests if m == method and fragment in path)


async def first_channel(ex: Executor) -> str:
    result = await ex.call(BY_NAME["chat_list_channels"], {"page_size": 50})
    assert not result.is_error, result.text
    assert result.structured is not None
    return str(result.structured["channels"][0]["id"])


@pytest.mark.anyio
async def test_twenty_concurrent_calls_share_one_token_request() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        results = []

        async def one() -> None:
            results.append(await ex.call(BY_NAME["chat_list_channels"], {}))

        async with anyio.create_task_group() as group:
            for _ in range(20):
                group.start_soon(one)
    assert all(not result.is_error for result in results), results[0].text
    assert token_requests(sandbox) == 1
    assert ex.auth.granted_scopes == sandbox.granted_scopes


@pytest.mark.anyio
async def test_a_revoked_token_mid_session_is_renewed_once() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        channel = await first_channel(ex)
        sandbox.revoke_tokens()
        result = await ex.call(BY_NAME["chat_send_message"], {"message": "after renewal", "to_channel": channel})
    assert not result.is_error, result.text
    assert token_requests(sandbox) == 2
    assert calls_to(sandbox, "POST", "/messages") == 2


@pytest.mark.anyio
async def test_qps_limit_is_retried_and_daily_limit_is_not() -> None:
    sandbox = Sandbox()
    sleep = FakeSleep()
    async with connect(sandbox, sleep) as ex:
        channel = await first_channel(ex)
        sandbox.faults.add("rate_limit", endpoint="POST /chat/users/{userId}/messages")
        sent = await ex.call(BY_NAME["chat_send_message"], {"message": "hello", "to_channel": channel})
        sandbox.faults.add("daily_limit", endpoint="POST /chat/users/{userId}/messages")
        refused = await ex.call(BY_NAME["chat_send_message"], {"message": "again", "to_channel": channel})
    assert not sent.is_error, sent.text
    assert sleep.delays == [1.0]
    assert refused.is_error
    assert "daily limit" in refused.text and "resets at" in refused.text
    assert calls_to(sandbox, "POST", "/messages") == 3


@pytest.mark.anyio
async def test_server_errors_retry_reads_but_never_resend_a_post() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        channel = await first_channel(ex)
        sandbox.faults.add("error_500", endpoint="POST /chat/users/{userId}/messages")
        post = await ex.call(BY_NAME["chat_send_message"], {"message": "once", "to_channel": channel})
        sandbox.faults.add("error_503", endpoint="GET /chat/users/{userId}/channels")
        read = await ex.call(BY_NAME["chat_list_channels"], {})
    assert calls_to(sandbox, "POST", "/messages") == 1
    assert post.is_error and "may have reached Zoom" in post.text
    assert not read.is_error, read.text


@pytest.mark.anyio
async def test_a_long_listing_is_returned_across_calls_with_every_item_once() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        full = await ex.call(BY_NAME["chat_list_channels"], {"page_size": 50})
        assert full.structured is not None
        expected = [channel["id"] for channel in full.structured["channels"]]
    async with connect(sandbox, result_budget=600) as ex:
        seen: list[str] = []
        arguments: dict[str, Any] = {"page_size": 50}
        for _ in range(len(expected) + 2):
            page = await ex.call(BY_NAME["chat_list_channels"], arguments)
            assert not page.is_error, page.text
            assert page.structured is not None
            seen.extend(channel["id"] for channel in page.structured.get("channels", []))
            token = page.structured.get("next_page_token")
            if token is None:
                break
            arguments = {"next_page_token": token}
    assert len(expected) > 2
    assert seen == expected


@pytest.mark.anyio
async def test_an_unknown_channel_gets_a_hint_naming_the_listing_tool() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        result = await ex.call(BY_NAME["chat_get_channel"], {"channel_id": "no-such-channel"})
    assert result.is_error
    assert "chat_list_channels lists valid channelId values" in result.text


@pytest.mark.anyio
async def test_wrong_client_secret_is_a_credentials_error_without_the_secret() -> None:
    sandbox = Sandbox()
    async with connect(sandbox, client_secret="wrong-secret-value-123") as ex:
        result = await ex.call(BY_NAME["chat_list_channels"], {})
    assert result.is_error
    assert result.text.startswith("Zoom authentication failed")
    assert "ZOOM_CLIENT_SECRET" in result.text
    assert "wrong-secret-value-123" not in result.text


@pytest.mark.anyio
async def test_upload_follows_the_file_host_redirect_with_the_token(tmp_path: Path) -> None:
    sandbox = Sandbox(upload_redirect=True)
    (tmp_path / "notes final.txt").write_text("hello")
    async with connect(sandbox, upload_dir=tmp_path) as ex:
        result = await ex.call(BY_NAME["chat_upload_file"], {"file_path": "notes final.txt"})
    assert not result.is_error, result.text
    uploads = [
        (host, status)
        for (m, path, status), host in zip(sandbox.requests, sandbox.request_hosts, strict=True)
        if m == "POST" and path.endswith("/files")
    ]
    assert [status for _, status in uploads] == [307, 201]
    assert uploads[0][0] != uploads[1][0]


@pytest.mark.anyio
async def test_an_expired_zoom_page_token_asks_to_start_again() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        first = await ex.call(BY_NAME["chat_list_channels"], {"page_size": 2})
        assert first.structured is not None
        # The first page is read again without a Zoom token; the second page's token holds one.
        second = await ex.call(BY_NAME["chat_list_channels"], {"next_page_token": first.structured["next_page_token"]})
        assert second.structured is not None
        token = second.structured["next_page_token"]
        sandbox.advance_clock(16 * 60)
        later = await ex.call(BY_NAME["chat_list_channels"], {"next_page_token": token})
    assert later.is_error
    assert "start the listing again without next_page_token" in later.text


@pytest.mark.anyio
async def test_resuming_a_cut_mail_listing_fetches_only_rows_not_yet_returned() -> None:
    sandbox = Sandbox()
    spec = BY_NAME["mail_list_messages"]
    async with connect(sandbox, result_budget=2_500) as ex:
        first = await ex.call(spec, {"label_ids": ["INBOX"], "page_size": 20})
        assert not first.is_error and first.structured is not None
        shown = len(first.structured["messages"])
        assert 0 < shown < 20, "the budget must cut the page for this test to mean anything"
        before = calls_to(sandbox, "GET", "/messages/")
        second = await ex.call(
            spec, {"label_ids": ["INBOX"], "page_size": 20, "next_page_token": first.structured["next_page_token"]}
        )
        assert not second.is_error and second.structured is not None
        # At most one metadata fetch per row still to return (the metadata cache may hold them all):
        # rows of the first call are not fetched again.
        assert calls_to(sandbox, "GET", "/messages/") - before <= 20 - shown
        ids = [row["id"] for row in first.structured["messages"] + second.structured["messages"]]
        assert len(ids) == len(set(ids))


@pytest.mark.anyio
async def test_mark_read_looks_up_the_message_timestamp_when_not_given() -> None:
    sandbox = Sandbox()
    async with connect(sandbox) as ex:
        channel = await first_channel(ex)
        listed = await ex.call(BY_NAME["chat_list_messages"], {"to_channel": channel, "page_size": 1})
        assert not listed.is_error and listed.structured is not None
        message_id = listed.structured["messages"][0]["id"]
        before = calls_to(sandbox, "GET", f"/messages/{message_id}")
        marked = await ex.call(
            BY_NAME["chat_mark_message_read"], {"message_id": message_id, "to_channel": channel, "action": "unread"}
        )
        assert not marked.is_error, marked.text
        assert calls_to(sandbox, "GET", f"/messages/{message_id}") == before + 1
        assert calls_to(sandbox, "PATCH", f"/messages/{message_id}/status") == 1
        # A timestamp the caller already has is used as is: no lookup.
        again = await ex.call(
            BY_NAME["chat_mark_message_read"],
            {"message_id": message_id, "to_channel": channel, "action": "read", "timestamp": 1795194000000},
        )
        assert not again.is_error, again.text
        assert calls_to(sandbox, "GET", f"/messages/{message_id}") == before + 1
