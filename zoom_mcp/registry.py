"""Which tools register: granted scopes, read-only mode, toolsets, allow and deny lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zoom_mcp.catalog import ToolSpec
from zoom_mcp.config import Settings, split_csv


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


def toolset_names(catalog: Iterable[ToolSpec]) -> list[str]:
    """Fine toolsets (``chat_messages``) and the product groups above them (``chat``)."""
    fine = sorted({spec.toolset for spec in catalog})
    return sorted({name.split("_", 1)[0] for name in fine}) + fine


def in_toolsets(spec: ToolSpec, toolsets: Sequence[str]) -> bool:
    if not toolsets or "all" in toolsets:
        return True
    product = spec.toolset.split("_", 1)[0]
    return spec.toolset in toolsets or product in toolsets


def unknown_names(catalog: Sequence[ToolSpec], selection: Selection) -> list[str]:
    """Toolset and tool names in the selection that match nothing (a typo the user should see)."""
    sets = set(toolset_names(catalog)) | {"all"}
    names = {spec.name for spec in catalog}
    bad = [t for t in selection.toolsets if t not in sets]
    bad += [n for n in (*selection.include, *selection.exclude) if n not in names]
    return bad


def select(
    catalog: Iterable[ToolSpec],
    granted: frozenset[str] | None,
    selection: Selection = Selection(),
) -> list[ToolSpec]:
    """The tools to register, in catalog order. ``granted=None`` means scopes are unknown."""
    chosen = []
    for spec in catalog:
        if selection.read_only and not spec.read_only:
            continue
        if not in_toolsets(spec, selection.toolsets):
            continue
        if selection.include and spec.name not in selection.include:
            continue
        if spec.name in selection.exclude:
            continue
        if not spec.scopes.met_by(granted):
            continue
        chosen.append(spec)
    return chosen
