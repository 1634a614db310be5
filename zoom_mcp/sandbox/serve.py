"""Serve a sandbox on a port (``zoom-mcp sandbox``)."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(host: str = "127.0.0.1", port: int = 9000, *, log_level: str = "info", **sandbox_kwargs: Any) -> None:
    """Run a ``Sandbox(**sandbox_kwargs)`` with uvicorn until interrupted.

    Point the server at it with ``Sandbox.settings_env(f"http://{host}:{port}")``.
    """
    from zoom_mcp.sandbox.core import Sandbox

    sandbox = Sandbox(**sandbox_kwargs)
    uvicorn.run(sandbox.app, host=host, port=port, log_level=log_level)
