"""The tools' input schemas, precomputed, so a server answers its first ``tools/list`` without
building 80 pydantic schemas (the input models themselves are built on first use).

``served_schemas.json`` holds each tool's ``lean_schema`` under a fingerprint of everything the
schemas come from (the catalog code, the tool modules, the pydantic version). A file whose
fingerprint does not match is ignored and every schema is built as before, so a stale file costs
start-up time, never a wrong schema; ``tests/test_served_schemas.py`` fails until it is
regenerated with ``python -m zoom_mcp.tools``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoom_mcp.catalog import ToolSpec

SCHEMA_FILE = Path(__file__).with_name("served_schemas.json")


def _sources() -> list[Path]:
    catalog = Path(__file__).with_name("spec.py")
    found = importlib.util.find_spec("zoom_mcp.tools")
    folders = list(found.submodule_search_locations or []) if found is not None else []
    return [catalog, *sorted(p for folder in folders for p in Path(folder).glob("*.py"))]


@cache
def fingerprint() -> str:
    import pydantic

    digest = hashlib.sha256(pydantic.VERSION.encode())
    for path in _sources():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(spec: ToolSpec) -> str:
    # The model's identity is part of the key: a spec reusing a name with another model never hits.
    return f"{spec.name} {spec.input.__module__}.{spec.input.__qualname__}"


@cache
def _precomputed() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(SCHEMA_FILE.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
        return {}
    schemas = data.get("schemas")
    return schemas if isinstance(schemas, dict) else {}


def precomputed(spec: ToolSpec) -> dict[str, Any] | None:
    return _precomputed().get(key(spec))


def generate(catalog: Iterable[ToolSpec]) -> dict[str, Any]:
    from zoom_mcp.catalog.spec import lean_schema

    return {"fingerprint": fingerprint(), "schemas": {key(spec): lean_schema(spec.input) for spec in catalog}}


def write(catalog: Iterable[ToolSpec]) -> None:
    """Rewrite ``served_schemas.json`` for ``catalog`` (``python -m zoom_mcp.tools`` passes the tools)."""
    SCHEMA_FILE.write_text(json.dumps(generate(catalog), indent=1, sort_keys=False) + "\n")
    print(f"wrote {SCHEMA_FILE.name}")
