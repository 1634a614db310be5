"""What a tool call produces, before it becomes an MCP ``CallToolResult``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ToolResult:
    """``text`` is the result the model reads; ``structured`` is the same data as JSON.

    The text is the whole result by default; ``structured`` is sent as ``structuredContent``
    only when the server is asked to (``ZOOM_MCP_STRUCTURED_CONTENT``), for programmatic
    clients. ``content`` carries extra MCP content blocks (an attachment as an embedded
    resource). A decode hook may return a ``ToolResult`` to control all three; otherwise it
    returns plain data and the executor shapes it.

    ``may_have_acted`` is False only for a failure that certainly changed nothing at Zoom
    (invalid arguments, a request refused before or by Zoom): retrying it cannot duplicate a write.
    """

    text: str
    structured: dict[str, Any] | None = None
    is_error: bool = False
    content: list[Any] = field(default_factory=list)
    may_have_acted: bool = True
