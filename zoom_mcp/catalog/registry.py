"""Which tools register: granted scopes, read-only mode, toolsets, allow and deny lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from zoom_mcp.catalog.served_schemas import CatalogTool
from zoom_mcp.config import Settings, split_csv

# Toolsets left out unless named (or "all"), and why. The old IM API is gone from Zoom's current
# API; its tools would only push the default list past clients' tool caps (Cursor warns above 80).
OPT_IN_TOOLSETS: dict[str, str] = {
    "chat_im": "deprecated: Zoom's old IM API, removed from its current API; use chat_messages",
}

# Real specs or index entries (``served_schemas.IndexedTool``): selecting needs only what both answer.
Tool = TypeVar("Tool", bound=CatalogTool)


@dataclass(frozen=True)
class Selection:
    """The filters a user chose; scopes come separately because they change at run time."""

    read_only: bool = False
    toolsets: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> Selection:
        return cls(
            read_only=settings.read_only,
            toolsets=tuple(split_csv(settings.toolsets)),
            include=tuple(split_csv(settings.tools)),
            exclude=tuple(split_csv(settings.exclude_tools)),
        )


def toolset_names(catalog: Iterable[CatalogTool]) -> list[str]:
    """Fine toolsets (``chat_messages``) and the product groups above them (``chat``)."""
    fine = sorted({spec.toolset for spec in catalog})
    return sorted({name.split("_", 1)[0] for name in fine}) + fine


def in_toolsets(spec: CatalogTool, toolsets: Sequence[str]) -> bool:
    """Whether the chosen toolsets take ``spec``: none chosen means the defaults (all but the opt-in
    toolsets); a product (``chat``) takes its toolsets but not its opt-in ones, which must be named."""
    if "all" in toolsets or spec.toolset in toolsets:
        return True
    if spec.toolset in OPT_IN_TOOLSETS:
        return False
    product = spec.toolset.split("_", 1)[0]
    return not toolsets or product in toolsets


def unknown_names(catalog: Sequence[CatalogTool], selection: Selection) -> list[str]:
    """Toolset and tool names in the selection that match nothing (a typo the user should see)."""
    sets = set(toolset_names(catalog)) | {"all"}
    names = {spec.name for spec in catalog}
    bad = [t for t in selection.toolsets if t not in sets]
    bad += [n for n in (*selection.include, *selection.exclude) if n not in names]
    return bad


def select(
    catalog: Iterable[Tool],
    granted: frozenset[str] | None,
    selection: Selection = Selection(),
) -> list[Tool]:
    """The tools to register, in catalog order. ``granted=None`` means scopes are unknown."""
    chosen = []
    for spec in catalog:
        if selection.read_only and not spec.read_only:
            continue
        # A tool named in the allow list is chosen even from an opt-in toolset.
        if not (in_toolsets(spec, selection.toolsets) or spec.name in selection.include):
            continue
        if selection.include and spec.name not in selection.include:
            continue
        if spec.name in selection.exclude:
            continue
        if not spec.scopes.met_by(granted):
            continue
        chosen.append(spec)
    return chosen
