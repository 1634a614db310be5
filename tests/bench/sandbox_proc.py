"""A sandbox Zoom on a loopback port for the load runs, with its request log readable from outside.

``python -m tests.bench.sandbox_proc --port N [--rate-limits]`` prints one JSON line with the
environment that points zoom-mcp at it, then serves until terminated. ``GET /_bench/statuses``
answers the count of each HTTP status it has served so far (how many 429s the server absorbed).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from zoom_mcp.sandbox import Sandbox

LOOPBACK = "127.0.0.1"
STATUSES_PATH = "/_bench/statuses"


def with_statuses(sandbox: Sandbox) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == STATUSES_PATH:
            counts = Counter(str(status) for _, _, status in sandbox.requests)
            body = json.dumps(counts).encode()
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
            )
            await send({"type": "http.response.body", "body": body})
            return
        await sandbox.app(scope, receive, send)

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate-limits", action="store_true", help="Zoom's per-label per-second limits (Pro)")
    args = parser.parse_args()

    sandbox = Sandbox(rate_limits=args.rate_limits)
    print(json.dumps({"env": sandbox.settings_env(base_url=f"http://{LOOPBACK}:{args.port}")}), flush=True)
    uvicorn.run(with_statuses(sandbox), host=LOOPBACK, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
