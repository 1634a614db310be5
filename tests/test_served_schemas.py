"""The precomputed served schemas are the models' own: a stale file fails here, never in use."""

from __future__ import annotations

import json

from zoom_mcp.catalog import lean_schema, served_schemas
from zoom_mcp.tools import ALL_TOOLS

REGENERATE = "regenerate with: python -m zoom_mcp.tools"


def test_the_shipped_file_matches_the_catalog() -> None:
    shipped = json.loads(served_schemas.SCHEMA_FILE.read_text())
    assert shipped["fingerprint"] == served_schemas.fingerprint(), f"served_schemas.json is stale; {REGENERATE}"
    expected = {served_schemas.key(spec): lean_schema(spec.input) for spec in ALL_TOOLS}
    assert shipped["schemas"] == json.loads(json.dumps(expected)), REGENERATE


def test_every_tool_is_served_from_the_file() -> None:
    missing = [spec.name for spec in ALL_TOOLS if served_schemas.precomputed(spec) is None]
    assert missing == [], REGENERATE


def test_a_spec_with_another_model_under_a_known_name_is_not_served_from_the_file() -> None:
    from dataclasses import replace

    from zoom_mcp.catalog import ToolInput

    class Other(ToolInput):
        text: str

    spec = replace(ALL_TOOLS[0], input=Other)
    assert served_schemas.precomputed(spec) is None
    assert spec.input_schema == lean_schema(Other)
