"""What a tool's encode and decode hooks may use of the call they run in.

The engine's ``CallContext`` (``zoom_mcp.engine.executor``) is what hooks are given; the catalog
and the hooks name only this protocol, so declaring a tool does not depend on the engine that
runs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from zoom_mcp.catalog.spec import Request, ToolInput, ToolSpec
    from zoom_mcp.config import Settings
    from zoom_mcp.errors import ZoomAPIError


class CallContext(Protocol):
    settings: Settings
    spec: ToolSpec
    # Per-server state kept between calls, by name (mail metadata: zoom_mcp.codecs.mail_cache).
    caches: dict[str, Any]

    def default_request(self, args: ToolInput) -> Request:
        """The request the catalog's location rules give for ``args``."""
        ...

    async def send(self, request: Request) -> Any:
        """Send one request; JSON back (None for an empty body) or ZoomAPIError."""
        ...

    async def send_many(self, requests: list[Request]) -> list[Any | ZoomAPIError]:
        """Send concurrently, bounded by the tool's rate label; results in request order."""
        ...
