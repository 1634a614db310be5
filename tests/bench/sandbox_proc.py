"""A sandbox Zoom on a loopback port for the load runs, with its request log readable afterwards.

``python -m tests.bench.sandbox_proc --port N [--rate-limits]`` prints one JSON line with the
environment that points zoom-mcp at it, serves until SIGTERM, then prints one JSON line with
the HTTP statuses it answered (how many 429s the server had to absorb).
"""

from __future__ import annotations

import argparse
import json
import signal
from collections import Counter

import uvicorn

from zoom_mcp.sandbox import Sandbox

LOOPBACK = "127.0.0.1"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--rate-limits", action="store_true", help="Zoom's per-label per-second limits (Pro)")
    args = parser.parse_args()

    sandbox = Sandbox(rate_limits=args.rate_limits)
    print(json.dumps({"env": sandbox.settings_env(base_url=f"http://{LOOPBACK}:{args.port}")}), flush=True)
    # uvicorn shuts down gracefully on SIGTERM and then re-raises the signal to whatever handler was
    # installed before it; a no-op one lets the process live on to report its request log.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    uvicorn.run(sandbox.app, host=LOOPBACK, port=args.port, log_level="warning")
    statuses = Counter(status for _, _, status in sandbox.requests)
    print(json.dumps({"requests": len(sandbox.requests), "statuses": dict(statuses)}), flush=True)


if __name__ == "__main__":
    main()
