"""A local, stateful Zoom for demos, tests and benchmarks: ``Sandbox`` and ``serve``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zoom_mcp.sandbox.serve import serve

if TYPE_CHECKING:
    from zoom_mcp.sandbox.core import Sandbox

__all__ = ["Sandbox", "serve"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: the CLI imports this package for its `sandbox` options on every start,
    # and only a --sandbox run needs the sandbox itself.
    if name == "Sandbox":
        from zoom_mcp.sandbox.core import Sandbox

        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
