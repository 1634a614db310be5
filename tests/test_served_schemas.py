"""The precomputed catalog index is the tools' own: a stale or wrong file fails here, never in use."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from zoom_mcp.catalog import ToolInput, lean_schema, served_schemas
from zoom_mcp.catalog.served_schemas import IndexedTool, indexed_catalog, resolved
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

REGENERATE = "regenerate with: python -m zoom_mcp.tools"
# Everything listing and selecting a tool reads; an indexed entry answers each from the file.
LISTED = (
    "name",
    "title",
    "description",
    "toolset",
    "endpoint",
    "method",
    "path",
    "read_only",
    "destructive",
    "idempotent",
    "open_world",
    "scopes",
    "annotations",
    "input_schema",
    "own_account_fields",
    "user_level_input_schema",
)


def test_the_shipped_file_matches_the_catalog() -> None:
    shipped = json.loads(served_schemas.SCHEMA_FILE.read_text())
    assert shipped["fingerprint"] == served_schemas.fingerprint(), f"served_schemas.json is stale; {REGENERATE}"
    assert shipped["tools"] == json.loads(json.dumps(served_schemas.generate(ALL_TOOLS)["tools"])), REGENERATE
    assert [entry["input_schema"] for entry in shipped["tools"]] == [lean_schema(spec.input) for spec in ALL_TOOLS]


def test_every_index_entry_answers_what_its_real_spec_does() -> None:
    indexed = indexed_catalog(BY_NAME.__getitem__)
    assert indexed is not None, f"served_schemas.json is stale; {REGENERATE}"
    assert [tool.name for tool in indexed] == [spec.name for spec in ALL_TOOLS], "catalog order"
    for tool, spec in zip(indexed, ALL_TOOLS, strict=True):
        wrong = [attr for attr in LISTED if getattr(tool, attr) != getattr(spec, attr)]
        assert wrong == [], f"{spec.name}: {wrong}; {REGENERATE}"
        assert tool.scopes.missing(frozenset()) == spec.scopes.missing(frozenset())


def test_an_index_entry_answers_listing_from_the_file_and_the_rest_from_its_spec() -> None:
    asked: list[str] = []

    def resolve(name: str) -> object:
        asked.append(name)
        return BY_NAME[name]

    indexed = indexed_catalog(resolve)  # type: ignore[arg-type]
    assert indexed is not None
    tool = indexed[0]
    for attr in LISTED:
        getattr(tool, attr)
    assert asked == []
    assert tool.input is BY_NAME[tool.name].input and tool.rate == BY_NAME[tool.name].rate
    assert resolved(tool) is BY_NAME[tool.name] and asked == [tool.name], "resolved once"
    assert resolved(BY_NAME[tool.name]) is BY_NAME[tool.name]


@pytest.mark.parametrize("content", ["", "{}", '{"fingerprint": "0", "tools": []}', "not json"])
def test_a_missing_stale_or_broken_index_gives_no_indexed_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    stale = tmp_path / "served_schemas.json"
    stale.write_text(content)
    monkeypatch.setattr(served_schemas, "SCHEMA_FILE", stale)
    served_schemas._index.cache_clear()
    served_schemas._precomputed.cache_clear()
    try:
        assert indexed_catalog(BY_NAME.__getitem__) is None
        spec = replace(ALL_TOOLS[0])
        assert served_schemas.precomputed(spec) is None
        assert spec.input_schema == lean_schema(spec.input)
    finally:
        served_schemas._index.cache_clear()
        served_schemas._precomputed.cache_clear()


def test_an_entry_missing_a_field_gives_no_indexed_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = served_schemas.generate(ALL_TOOLS)
    del data["tools"][3]["scopes"]
    broken = tmp_path / "served_schemas.json"
    broken.write_text(json.dumps(data))
    monkeypatch.setattr(served_schemas, "SCHEMA_FILE", broken)
    served_schemas._index.cache_clear()
    try:
        assert indexed_catalog(BY_NAME.__getitem__) is None
    finally:
        served_schemas._index.cache_clear()


def test_every_tool_is_served_from_the_file() -> None:
    missing = [spec.name for spec in ALL_TOOLS if served_schemas.precomputed(spec) is None]
    assert missing == [], REGENERATE


def test_a_spec_with_another_model_under_a_known_name_is_not_served_from_the_file() -> None:
    class Other(ToolInput):
        text: str

    spec = replace(ALL_TOOLS[0], input=Other)
    assert served_schemas.precomputed(spec) is None
    assert spec.input_schema == lean_schema(Other)


def test_an_indexed_entry_is_not_a_spec_until_resolved() -> None:
    indexed = indexed_catalog(BY_NAME.__getitem__)
    assert indexed is not None and all(isinstance(tool, IndexedTool) for tool in indexed)
    with pytest.raises(AttributeError):
        indexed[0]._not_there  # noqa: B018
