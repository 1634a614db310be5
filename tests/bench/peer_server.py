"""The generated peer over stdio, on its own in-process sandbox: ``python -m tests.bench.peer_server SPEC.json``.

The counterpart of ``zoom-mcp --sandbox`` for the cold-start and stdio figures: it starts a
sandbox, takes a token from it as a user of the peer would (account credentials), builds the
FastMCP server from the restricted OpenAPI document and serves it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio


async def main(spec_path: Path) -> None:
    import httpx2
    from fastmcp import FastMCP

    from zoom_mcp.sandbox import Sandbox

    box = Sandbox()
    env = box.settings_env()
    transport = httpx2.ASGITransport(app=box.app)
    async with httpx2.AsyncClient(transport=transport, base_url=env["ZOOM_OAUTH_BASE_URL"]) as oauth:
        answer = await oauth.post(
            "/oauth/token",
            params={"grant_type": "account_credentials", "account_id": env["ZOOM_ACCOUNT_ID"]},
            auth=(env["ZOOM_CLIENT_ID"], env["ZOOM_CLIENT_SECRET"]),
        )
        answer.raise_for_status()
        token = answer.json()["access_token"]
    client = httpx2.AsyncClient(
        transport=transport, base_url=env["ZOOM_API_BASE_URL"], headers={"Authorization": f"Bearer {token}"}
    )
    peer = FastMCP.from_openapi(json.loads(spec_path.read_text()), client=client, name="zoom-openapi-peer")
    await peer.run_stdio_async(show_banner=False, log_level="WARNING")


if __name__ == "__main__":
    anyio.run(main, Path(sys.argv[1]))
