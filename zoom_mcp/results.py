"""What a tool call produces, before it becomes an MCP ``CallToolResult``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ToolResult:
    """``text`` is what the model reads; ``structured`` is the same data as JSON.

    ``content`` carries extra MCP content blocks (an attachment as an embedded resource).
    A decode hook may return a ``ToolResult`` to control all three; otherwise it returns
    plain data and the executor shapes it.
    """

    text: str
    structured: dict[str, Any] | None = None
    is_error: bool = False
    content: list[Any] = field(default_factory=list)
