"""Section 1: what the tool list costs a model on every turn, in Claude tokens.

The list is taken from a real ``tools/list`` through the SDK client when the server exists, so
the count is exactly what is served; otherwise it is rebuilt from the catalog in the same shape.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bench import stack
from tests.bench.common import (
    CATALOG_TOKENS_PER_TOOL,
    USER_LEVEL_SCOPES,
    Figure,
    compact,
    ratio,
    tokens,
)

SECTION = "catalog"

# (label, granted scopes, read-only): None scopes = unknown, so every tool registers.
VARIANTS: list[tuple[str, frozenset[str] | None, bool]] = [
    ("all tools", None, False),
    ("user-level app, default toolsets", USER_LEVEL_SCOPES, False),
    ("user-level app, read-only", USER_LEVEL_SCOPES, True),
]


def _from_catalog(scopes: frozenset[str] | None, read_only: bool) -> list[dict[str, Any]]:
    from zoom_mcp.catalog.registry import Selection, select
    from zoom_mcp.tools import ALL_TOOLS

    specs = select(ALL_TOOLS, scopes, Selection(read_only=read_only))
    return [
        {
            "name": s.name,
            "title": s.title,
            "description": s.description,
            "inputSchema": s.input_schema,
            "annotations": s.annotations,
        }
        for s in specs
    ]


async def _tool_list(scopes: frozenset[str] | None, read_only: bool) -> tuple[list[dict[str, Any]], str]:
    try:
        return await stack.served_tool_list(scopes, read_only), "tools/list via mcp.Client"
    except Exception as exc:  # any failure of the served path still leaves the catalog to measure
        return _from_catalog(scopes, read_only), f"rebuilt from the catalog ({type(exc).__name__}: {exc})"


PARTS = {
    "inputSchema": ("inputSchema",),
    "name/title/description": ("name", "title", "description"),
    "annotations": ("annotations",),
}


def _breakdown(tools: list[dict[str, Any]], total: int) -> Figure:
    """Where the tokens go: each part of every tool, tokenized on its own."""
    shares = {part: tokens(compact([{k: t[k] for k in keys if k in t} for t in tools])) for part, keys in PARTS.items()}
    return Figure(
        SECTION,
        "  of which inputSchema (all tools)",
        shares["inputSchema"],
        "tok",
        baseline=total,
        baseline_label="whole list",
        ratio=ratio(shares["inputSchema"], total),
        note="; ".join(f"{part} {n:,} tok" for part, n in shares.items() if part != "inputSchema"),
        extra={"parts": shares},
    )


def _stdio_wire_tokens() -> str:
    """Cross-check: tokens of the tools array a real ``--sandbox`` stdio server sends (legacy handshake)."""
    from tests.bench.coldstart import ZOOM_MCP, first_tools_list

    try:
        start = first_tools_list(ZOOM_MCP, timeout=30)
    except Exception as exc:  # the check is optional; the in-process figure stands on its own
        return f"stdio cross-check n/a ({type(exc).__name__}: {exc})"
    return f"stdio wire: {tokens(compact({'tools': start.tools})):,} tok for {len(start.tools)} tools"


async def run(quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    wire = await asyncio.to_thread(_stdio_wire_tokens)
    all_total: int | None = None
    for label, scopes, read_only in VARIANTS:
        tools, source = await _tool_list(scopes, read_only)
        if not tools:
            figures.append(Figure(SECTION, f"catalog: {label}", None, note="n/a (no tools register)"))
            continue
        total = tokens(compact({"tools": tools}))
        per_tool = {t["name"]: tokens(compact(t)) for t in tools}
        worst = max(per_tool, key=lambda name: per_tool[name])
        average = total / len(tools)
        if all_total is None:
            all_total = total
        figures.append(
            Figure(
                SECTION,
                f"catalog tokens, {label} ({len(tools)} tools)",
                total,
                "tok",
                baseline=all_total,
                baseline_label="all tools",
                ratio=ratio(total, all_total),
                note=f"{source}; {wire}" if scopes is None else source,
                extra={"tools": len(tools), "per_tool": per_tool},
            )
        )
        figures.append(
            Figure(
                SECTION,
                f"  average per tool, {label}",
                round(average, 1),
                "tok",
                baseline=CATALOG_TOKENS_PER_TOOL,
                baseline_label="budget",
                ratio=ratio(average, CATALOG_TOKENS_PER_TOOL),
                flag=f"> {CATALOG_TOKENS_PER_TOOL} tok/tool" if average > CATALOG_TOKENS_PER_TOOL else "",
            )
        )
        if scopes is None:
            figures.append(_breakdown(tools, total))
        figures.append(
            Figure(
                SECTION,
                f"  max per tool, {label}: {worst}",
                per_tool[worst],
                "tok",
                baseline=CATALOG_TOKENS_PER_TOOL,
                baseline_label="budget",
                ratio=ratio(per_tool[worst], CATALOG_TOKENS_PER_TOOL),
            )
        )
    return figures
