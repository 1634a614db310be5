"""The generated peer: a FastMCP server built from Zoom's OpenAPI documents, what a user would run instead.

Restricted to the operations the compared catalog covers (one tool per operation, named by its
``operationId``, FastMCP's defaults otherwise), pointed at the same sandbox with a bearer token.
``python -m tests.bench.peer_server SPEC.json`` serves the same peer over stdio.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tests.bench.common import Unavailable

DOCUMENTS = {"chat": "zoom-team-chat.openapi.json", "mail": "zoom-mail.openapi.json"}
METHODS = ("get", "post", "put", "patch", "delete")
_TEMPLATE = re.compile(r"{[^}]+}")


def spec_folder() -> Path:
    # The test helper knows where the documents live (and the variable that moves them).
    from tests.zoom_spec import ENV_VAR, spec_dir

    folder = spec_dir()
    missing = [name for name in DOCUMENTS.values() if not (folder / name).is_file()]
    if missing:
        raise Unavailable(f"peer skipped: Zoom's OpenAPI documents not in {folder} (set {ENV_VAR})")
    return folder


def fastmcp_module() -> Any:
    try:
        import fastmcp
    except ImportError as exc:
        raise Unavailable("peer skipped: fastmcp not installed (pip install -e '.[bench]')") from exc
    return fastmcp


def restricted_spec(endpoints: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    """One OpenAPI document holding only the operations behind ``endpoints`` (method, path template),
    and the operationId (= the peer's tool name) for each endpoint."""
    folder = spec_folder()
    documents = {product: json.loads((folder / name).read_text()) for product, name in DOCUMENTS.items()}
    shapes = {(method.lower(), _TEMPLATE.sub("{}", path)) for method, path in endpoints}
    merged: dict[str, Any] = {}
    names: dict[tuple[str, str], str] = {}
    for document in documents.values():
        paths: dict[str, Any] = {}
        for path, item in document["paths"].items():
            keep = {m: op for m, op in item.items() if m in METHODS and (m, _TEMPLATE.sub("{}", path)) in shapes}
            if not keep:
                continue
            if "parameters" in item:
                keep["parameters"] = item["parameters"]
            paths[path] = keep
            for method, op in keep.items():
                if method in METHODS:
                    names[(method.upper(), _TEMPLATE.sub("{}", path))] = op["operationId"]
        if not merged:
            merged = {**document, "paths": paths, "components": dict(document.get("components", {}))}
            continue
        merged["paths"].update(paths)
        for kind, entries in document.get("components", {}).items():
            merged["components"].setdefault(kind, {}).update(entries)
    return merged, names


def shape(method: str, path: str) -> tuple[str, str]:
    return method.upper(), _TEMPLATE.sub("{}", path)


def build(spec: dict[str, Any], api_base_url: str, token: str, transport: Any = None) -> Any:
    """The peer on an httpx2 client to ``api_base_url`` (over ``transport`` when given: the ASGI sandbox)."""
    fastmcp = fastmcp_module()
    import httpx2

    client = httpx2.AsyncClient(
        transport=transport,
        base_url=api_base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    return fastmcp.FastMCP.from_openapi(spec, client=client, name="zoom-openapi-peer")


def low_level(peer: Any) -> Any:
    """The SDK server inside FastMCP: what ``mcp.Client`` connects to in process, like ours."""
    return peer._mcp_server
