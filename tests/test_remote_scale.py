"""Several instances on one database: any instance serves any request of a client, writes are
not repeated across instances, and refresh races (Zoom's and our own) never cost a user the grant.

Run against PostgreSQL (a throwaway cluster, or ``ZOOM_MCP_TEST_POSTGRES_URL``) and against one
SQLite file shared by the processes.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import mcp.types as types
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from tests.remote_parts import (
    RoundRobin,
    SignedInClient,
    as_user,
    fresh_database,
    instances,
    server_env,
)
from zoom_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio
AVERY = "avery.chen@northwind.example"
BRUNO = "bruno.alvarez@northwind.example"
INSTANCES = 2
CALLS_PER_ROUND = 8
ROUNDS = 3


@pytest.fixture(params=["postgresql", "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return asyncio.run(fresh_database(request.getfixturevalue("postgres")))


@asynccontextmanager
async def cluster(zoom: tuple[Sandbox, str], database_url: str) -> AsyncIterator[tuple[str, RoundRobin]]:
    sandbox, sandbox_url = zoom
    with instances(server_env(sandbox, sandbox_url, database_url), count=INSTANCES) as (public, started):
        balancer = RoundRobin(public, [instance.port for instance in started])
        yield public, balancer
        await balancer.aclose()


def text(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def raw_call(public: str, port: int, token: str, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One stateless tools/call straight to one instance; the JSON-RPC result."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-11-25",
        "Host": public.removeprefix("http://"),
    }
    async with httpx2.AsyncClient(timeout=30) as http:
        response = await http.post(f"http://127.0.0.1:{port}/mcp", json=body, headers=headers)
    assert response.status_code == 200, response.text
    data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
    return json.loads(data[-1] if data else response.text)["result"]


async def test_two_instances_serve_alternate_requests_of_one_client(
    zoom: tuple[Sandbox, str], database_url: str
) -> None:
    _sandbox, sandbox_url = zoom
    as_user(sandbox_url, AVERY)
    async with cluster(zoom, database_url) as (public, balancer):
        # Registration, authorize, Zoom's redirect back and the token exchange land on alternate instances too.
        signed = SignedInClient(public, transport=balancer)
        draft = {"subject": "Launch checklist", "text": "Step one."}
        asked: list[str] = []

        async def confirm(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
            asked.append(params.message)
            return types.ElicitResult(action="accept", content={"confirm": True})

        http = signed.http_client()
        session = Client(streamable_http_client(f"{public}/mcp", http_client=http), elicitation_callback=confirm)
        async with http, session as c:
            assert len((await c.list_tools()).tools) > 70
            for _ in range(3):
                assert AVERY in text(await c.call_tool("mail_get_profile", {}))
            first = await c.call_tool("mail_create_draft", draft)
            assert not first.is_error, text(first)
            # The client's retry reaches the other instance, which finds the first send's record.
            retried = await c.call_tool("mail_create_draft", draft)
            assert "Not repeated" in text(retried)
            assert text(await c.call_tool("mail_list_drafts", {})).count("Launch checklist") == 1
            # A destructive tool's confirmation, asked by one instance, answered to the other.
            draft_id = re.search(r"^id: (\S+)", text(first), re.MULTILINE)
            assert draft_id is not None
            deleted = await c.call_tool("mail_delete_draft", {"draft_id": draft_id.group(1)})
            assert not deleted.is_error, text(deleted)
            assert len(asked) == 1 and "delete" in asked[0].lower()
            assert "Launch checklist" not in text(await c.call_tool("mail_list_drafts", {}))
        assert signed.authorizations == 1
        assert set(balancer.sent) == set(balancer.ports), "both instances served"
        assert len(balancer.sent) >= 10


async def test_refresh_races_across_instances_never_cost_the_grant(
    zoom: tuple[Sandbox, str], database_url: str
) -> None:
    sandbox, sandbox_url = zoom
    async with cluster(zoom, database_url) as (public, balancer):
        users = {}
        for email in (AVERY, BRUNO):
            as_user(sandbox_url, email)
            signed = SignedInClient(public, transport=balancer)
            async with (
                signed.http_client() as http,
                Client(streamable_http_client(f"{public}/mcp", http_client=http)) as c,
            ):
                await c.list_tools()
            assert signed.storage.tokens is not None
            users[email] = signed
        before = sandbox.tokens.refreshes()

        # Zoom's tokens expire under the instances' feet; every user's calls then race, on both
        # instances at once, to renew a refresh token that works only once.
        for _ in range(ROUNDS):
            sandbox.advance_clock(sandbox.tokens.ttl + 1)
            calls = [
                raw_call(
                    public,
                    balancer.ports[index % INSTANCES],
                    signed.storage.tokens.access_token,
                    "mail_get_profile",
                    {},
                )
                for index in range(CALLS_PER_ROUND)
                for signed in users.values()
                if signed.storage.tokens is not None
            ]
            results = await asyncio.gather(*calls)
            for result in results:
                assert result["isError"] is False, result
            assert sum(AVERY in r["content"][0]["text"] for r in results) == CALLS_PER_ROUND
        # One renewal per user per expiry, however many calls raced for it.
        assert sandbox.tokens.refreshes() - before == ROUNDS * len(users)

        # Our own refresh token, sent to both instances at once: one wins, one is told it was used,
        # and the grant lives on with the winner's tokens.
        avery = users[AVERY]
        assert avery.storage.tokens is not None and avery.storage.client_info is not None
        info = avery.storage.client_info
        form = {
            "grant_type": "refresh_token",
            "refresh_token": avery.storage.tokens.refresh_token or "",
            "client_id": info.client_id,
            **({"client_secret": info.client_secret} if info.client_secret else {}),
        }
        async with httpx2.AsyncClient() as http:
            answers = await asyncio.gather(
                *(http.post(f"http://127.0.0.1:{port}/token", data=form) for port in balancer.ports)
            )
        assert sorted(a.status_code for a in answers) == [200, 400]
        loser = next(a for a in answers if a.status_code == 400)
        assert loser.json()["error"] == "invalid_grant"
        winner = next(a for a in answers if a.status_code == 200).json()
        result = await raw_call(public, balancer.ports[0], winner["access_token"], "mail_get_profile", {})
        assert AVERY in result["content"][0]["text"]
        async with httpx2.AsyncClient() as http:
            renewed = await http.post(
                f"http://127.0.0.1:{balancer.ports[1]}/token", data={**form, "refresh_token": winner["refresh_token"]}
            )
        assert renewed.status_code == 200
