"""The tool catalog: one module per API area, each exporting ``TOOLS``.

Modules are found by name (``chat_*`` and ``mail_*``) so adding an area is adding a file.
A module says once what its tools share (``tool = defaults(toolset=..., rate=...)``), then each
tool in one short declaration: ``tool(name, KIND, title)(description=..., endpoint=..., ...)``,
its kind one of the named annotation sets in ``zoom_mcp.catalog`` (``READ``, ``WRITE``, ...).
Field types live in ``_common``, scope families in ``_scopes``. Modules that declare models do
without ``from __future__ import annotations`` (quote a forward reference instead): pydantic would
evaluate every field annotation from its string at each server start.
"""

from __future__ import annotations

import importlib
import pkgutil

from zoom_mcp.catalog import ToolSpec


def _load() -> tuple[ToolSpec, ...]:
    specs: list[ToolSpec] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.startswith(("chat_", "mail_")):
            specs.extend(importlib.import_module(f"{__name__}.{module.name}").TOOLS)
    names = [spec.name for spec in specs]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate tool names: {sorted(duplicates)}")
    return tuple(specs)


ALL_TOOLS: tuple[ToolSpec, ...] = _load()
BY_NAME: dict[str, ToolSpec] = {spec.name: spec for spec in ALL_TOOLS}
