"""A local, stateful Zoom for demos, tests and benchmarks: ``Sandbox`` and ``serve``."""

from zoom_mcp.sandbox.core import Sandbox
from zoom_mcp.sandbox.serve import serve

__all__ = ["Sandbox", "serve"]
