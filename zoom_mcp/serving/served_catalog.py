"""The catalog a server (and the sandbox) holds: indexed when the precomputed index is current.

Listing and selecting tools then need none of the tool modules; they are imported when a tool is
first called (or anything else needs a real ``ToolSpec``). With a stale or missing index the
tools are imported at once, as they always were.
"""

from __future__ import annotations

from functools import cache

from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.served_schemas import CatalogTool, indexed_catalog


@cache
def served_catalog() -> tuple[CatalogTool, ...]:
    # One per process, so the server and the sandbox share entries and each resolves once.
    indexed = indexed_catalog(_tool_named)
    if indexed is not None:
        return indexed
    from zoom_mcp.tools import ALL_TOOLS

    return ALL_TOOLS


def _tool_named(name: str) -> ToolSpec:
    from zoom_mcp.tools import BY_NAME

    return BY_NAME[name]
