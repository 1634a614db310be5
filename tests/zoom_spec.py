"""Zoom's official OpenAPI documents, read where they live (never copied into the project).

The documents sit in ``../shared/zoom-openapi/`` beside the repository; ``ZOOM_OPENAPI_DIR``
points elsewhere. Tests that need them call ``require_specs()`` (or use the ``zoom_specs``
fixture), which skips with the reason when the folder is absent.

An operation is looked up by method and path template exactly as our catalog writes it
(``"GET /chat/users/{userId}/messages"``); the documents use the same template names.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ENV_VAR = "ZOOM_OPENAPI_DIR"
DOCUMENTS = {"chat": "zoom-team-chat.openapi.json", "mail": "zoom-mail.openapi.json"}
METHODS = ("get", "post", "put", "patch", "delete")
_TEMPLATE = re.compile(r"{[^}]+}")


def spec_dir() -> Path:
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "zoom-openapi"


def require_specs() -> dict[str, dict[str, Any]]:
    """The loaded documents by product, or a pytest skip naming where they were looked for."""
    folder = spec_dir()
    missing = [name for name in DOCUMENTS.values() if not (folder / name).is_file()]
    if missing:
        pytest.skip(f"Zoom's OpenAPI documents not found in {folder} (set {ENV_VAR}): missing {', '.join(missing)}")
    return _load(str(folder))


@cache
def _load(folder: str) -> dict[str, dict[str, Any]]:
    return {product: json.loads((Path(folder) / name).read_text()) for product, name in DOCUMENTS.items()}


@dataclass(frozen=True)
class Operation:
    """One operation of a document: where it is, its parameters, body, responses and scopes."""

    product: str
    method: str
    path: str
    raw: dict[str, Any] = field(repr=False)

    @property
    def operation_id(self) -> str:
        return self.raw.get("operationId", "")

    def parameters(self, where: str) -> dict[str, dict[str, Any]]:
        """Parameters ``in`` path, query or header, by name."""
        return {p["name"]: p for p in self.raw.get("parameters", []) if p.get("in") == where}

    def body_schema(self, content_type: str | None = None) -> dict[str, Any] | None:
        content = self.raw.get("requestBody", {}).get("content", {})
        if not content:
            return None
        if content_type is None:
            content_type = next(iter(content))
        entry = content.get(content_type)
        return entry.get("schema") if entry else None

    @property
    def body_content_types(self) -> tuple[str, ...]:
        return tuple(self.raw.get("requestBody", {}).get("content", {}))

    def response_schema(self, status: int) -> dict[str, Any] | None:
        """The JSON schema of the answer for ``status`` (or its ``2XX`` class), None if none is declared."""
        responses = self.raw.get("responses", {})
        entry = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
        if entry is None:
            return None
        content = entry.get("content", {})
        json_entry = content.get("application/json")
        return json_entry.get("schema") if json_entry else None

    @property
    def response_statuses(self) -> tuple[str, ...]:
        return tuple(self.raw.get("responses", {}))

    @property
    def macro_scopes(self) -> tuple[str, ...]:
        return tuple(self.raw.get("x-extensions", {}).get("x-macro-scopes", ()))

    @property
    def granular_scopes(self) -> tuple[str, ...]:
        ext = self.raw.get("x-extensions", {})
        return tuple(ext.get("x-granular-scopes", self.raw.get("x-granular-scopes", ())))

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.macro_scopes) | frozenset(self.granular_scopes)


def operations(specs: dict[str, dict[str, Any]]) -> dict[tuple[str, str], Operation]:
    """Every operation of both documents by (METHOD, path template)."""
    out: dict[tuple[str, str], Operation] = {}
    for product, document in specs.items():
        for path, item in document["paths"].items():
            for method in METHODS:
                if method in item:
                    out[(method.upper(), path)] = Operation(product, method.upper(), path, item[method])
    return out


def find_operation(specs: dict[str, dict[str, Any]], method: str, path: str) -> Operation | None:
    """The operation for ``method path``; template names need not match (``{id}`` vs ``{messageId}``)."""
    ops = operations(specs)
    if (method, path) in ops:
        return ops[(method, path)]
    shape = _TEMPLATE.sub("{}", path)
    matches = [op for (m, p), op in ops.items() if m == method and _TEMPLATE.sub("{}", p) == shape]
    return matches[0] if len(matches) == 1 else None


def validation_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    """Every way ``instance`` breaks ``schema`` (OpenAPI 3.0 schema objects read as JSON Schema), as text."""
    validator = Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(instance)]
