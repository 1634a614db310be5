"""The catalog as served, precomputed: a server answers its first ``tools/list`` without importing
the tool modules (their 70 input models, the codecs their hooks live in) or building a schema.

``served_schemas.json`` is an index of the catalog, in catalog order: for each tool what listing
and selecting it need (name, title, description, toolset, endpoint, annotations, scope requirement,
input schema and the fields a user-level app does without), under a fingerprint of everything
those come from (the catalog model, the scopes, the codecs and tool modules, the pydantic
version). ``indexed_catalog`` turns it into ``IndexedTool`` entries that answer those from the
index and resolve the real ``ToolSpec`` on first use of anything else. A file whose fingerprint
does not match is ignored and the tools are imported and built as before, so a stale file costs
start-up time, never a wrong listing; ``tests/test_served_schemas.py`` fails until it is
regenerated with ``python -m zoom_mcp.tools``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from zoom_mcp.catalog.spec import ToolSpec, lean_schema, tool_annotations, user_level_schema
from zoom_mcp.scopes import ScopeRequirement

if TYPE_CHECKING:
    from zoom_mcp.catalog.spec import Method

SCHEMA_FILE = Path(__file__).with_name("served_schemas.json")
_PACKAGE = Path(__file__).resolve().parent.parent


def _sources() -> list[Path]:
    own = [Path(__file__), Path(__file__).with_name("spec.py"), _PACKAGE / "scopes.py"]
    codecs = sorted((_PACKAGE / "codecs").glob("*.py"))
    found = importlib.util.find_spec("zoom_mcp.tools")
    folders = list(found.submodule_search_locations or []) if found is not None else []
    return [*own, *codecs, *sorted(p for folder in folders for p in Path(folder).glob("*.py"))]


@cache
def fingerprint() -> str:
    import pydantic

    digest = hashlib.sha256(pydantic.VERSION.encode())
    for path in _sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_name(spec: ToolSpec) -> str:
    return f"{spec.input.__module__}.{spec.input.__qualname__}"


def key(spec: ToolSpec) -> str:
    # The model's identity is part of the key: a spec reusing a name with another model never hits.
    return f"{spec.name} {model_name(spec)}"


@cache
def _index() -> tuple[dict[str, Any], ...] | None:
    """The file's tool entries, or None when it is missing, malformed or stale."""
    try:
        data = json.loads(SCHEMA_FILE.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
        return None
    tools = data.get("tools")
    return tuple(tools) if isinstance(tools, list) else None


@cache
def _precomputed() -> dict[str, dict[str, Any]]:
    return {f"{entry['name']} {entry['model']}": entry["input_schema"] for entry in _index() or ()}


def precomputed(spec: ToolSpec) -> dict[str, Any] | None:
    return _precomputed().get(key(spec))


class IndexedTool:
    """One tool as the index describes it: what listing and selecting it need, without its module.

    Anything else (its input model, hooks, endpoint details) is the real ``ToolSpec``'s, resolved
    on first use with ``resolve`` (which imports the tool modules); ``spec`` is that ``ToolSpec``.
    """

    def __init__(self, entry: dict[str, Any], resolve: Callable[[str], ToolSpec]) -> None:
        self._resolve = resolve
        self._spec: ToolSpec | None = None
        self.name: str = entry["name"]
        self.title: str = entry["title"]
        self.description: str = entry["description"]
        self.toolset: str = entry["toolset"]
        self.endpoint: str = entry["endpoint"]
        self.read_only: bool = entry["read_only"]
        self.destructive: bool = entry["destructive"]
        self.idempotent: bool = entry["idempotent"]
        self.open_world: bool = entry["open_world"]
        self.scopes = ScopeRequirement.from_data(entry["scopes"])
        self.input_schema: dict[str, Any] = entry["input_schema"]
        self.own_account_fields: tuple[str, ...] = tuple(entry["own_account_fields"])
        self.user_level_input_schema = user_level_schema(self.input_schema, self.own_account_fields)
        self.annotations = tool_annotations(self.read_only, self.destructive, self.idempotent, self.open_world)

    @property
    def method(self) -> Method:
        return self.endpoint.split(" ", 1)[0]  # type: ignore[return-value]

    @property
    def path(self) -> str:
        return self.endpoint.split(" ", 1)[1]

    @property
    def spec(self) -> ToolSpec:
        if self._spec is None:
            self._spec = self._resolve(self.name)
        return self._spec

    def __getattr__(self, name: str) -> Any:
        # Only what the index does not hold gets here.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.spec, name)

    def __repr__(self) -> str:
        return f"IndexedTool({self.name!r})"


# A catalog entry as a server holds it: the tool itself, or its index entry until first use.
CatalogTool: TypeAlias = ToolSpec | IndexedTool


def resolved(tool: CatalogTool) -> ToolSpec:
    """The real ``ToolSpec`` of a catalog entry (importing the tool modules for an indexed one)."""
    return tool.spec if isinstance(tool, IndexedTool) else tool


def indexed_catalog(resolve: Callable[[str], ToolSpec]) -> tuple[IndexedTool, ...] | None:
    """The catalog from the index, in catalog order; None when the index is missing or stale."""
    index = _index()
    if index is None:
        return None
    try:
        return tuple(IndexedTool(entry, resolve) for entry in index)
    except (KeyError, TypeError, ValueError):  # a hand-edited file: serve the tools themselves
        return None


def entry(spec: ToolSpec) -> dict[str, Any]:
    return {
        "name": spec.name,
        "model": model_name(spec),
        "title": spec.title,
        "description": spec.description,
        "toolset": spec.toolset,
        "endpoint": spec.endpoint,
        "read_only": spec.read_only,
        "destructive": spec.destructive,
        "idempotent": spec.idempotent,
        "open_world": spec.open_world,
        "scopes": spec.scopes.to_data(),
        "input_schema": lean_schema(spec.input),
        "own_account_fields": list(spec.own_account_fields),
    }


def generate(catalog: Iterable[ToolSpec]) -> dict[str, Any]:
    return {"fingerprint": fingerprint(), "tools": [entry(spec) for spec in catalog]}


def write(catalog: Iterable[ToolSpec]) -> None:
    """Rewrite ``served_schemas.json`` for ``catalog`` (``python -m zoom_mcp.tools`` passes the tools)."""
    SCHEMA_FILE.write_text(json.dumps(generate(catalog), indent=1, sort_keys=False) + "\n")
    print(f"wrote {SCHEMA_FILE.name}")
