"""One of several processes sharing a user OAuth grant: calls a tool in a loop, prints a JSON summary.

Run as ``python -m tests.token_worker SECONDS`` with a user-app environment (tests/loopback.py).
"""

from __future__ import annotations

import json
import sys
import time

import anyio

from zoom_mcp.config import Settings
from zoom_mcp.engine.executor import Executor
from zoom_mcp.tools import ALL_TOOLS


async def main(seconds: float) -> None:
    spec = next(s for s in ALL_TOOLS if s.name == "chat_list_channels")
    calls, failures = 0, []
    async with Executor(Settings.from_env()) as executor:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            result = await executor.call(spec, {"page_size": 1})
            calls += 1
            if result.is_error:
                failures.append(result.text)
            await anyio.sleep(0.05)
    print(json.dumps({"calls": calls, "failures": failures}))


if __name__ == "__main__":
    anyio.run(main, float(sys.argv[1]))
