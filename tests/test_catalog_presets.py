"""The kinds of tool (the four MCP annotations, named once) and the module defaults tools are declared with."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from zoom_mcp.catalog import DESTRUCTIVE, IDEMPOTENT_WRITE, READ, WRITE, Kind, ToolInput, ToolSpec, defaults
from zoom_mcp.scopes import needs
from zoom_mcp.tools import ALL_TOOLS

KINDS = {READ: "READ", WRITE: "WRITE", IDEMPOTENT_WRITE: "IDEMPOTENT_WRITE", DESTRUCTIVE: "DESTRUCTIVE"}
HINTS = {
    "read_only": "readOnlyHint",
    "destructive": "destructiveHint",
    "idempotent": "idempotentHint",
    "open_world": "openWorldHint",
}


class NoArguments(ToolInput):
    pass


def declare(tool: Callable[[str, Kind, str], Callable[..., ToolSpec]], kind: Kind, **fields: object) -> ToolSpec:
    values = {"description": "Test.", "endpoint": "GET /x", "input": NoArguments, "scopes": needs("a:read"), **fields}
    return tool("chat_test", kind, "Test")(**values)


def kind_of(spec: ToolSpec) -> Kind:
    return Kind(**{name: getattr(spec, name) for name in HINTS})


def test_a_kind_states_all_four_hints() -> None:
    fields = dataclasses.fields(Kind)
    assert [field.name for field in fields] == list(HINTS)
    assert all(field.default is dataclasses.MISSING for field in fields)
    with pytest.raises(TypeError):
        Kind(read_only=True, destructive=False, idempotent=True)  # type: ignore[call-arg]


def test_the_kinds_are_distinct_and_all_in_use() -> None:
    assert len(set(KINDS)) == 4
    used = {kind_of(spec) for spec in ALL_TOOLS}
    assert used == set(KINDS), "every tool is one of the named kinds, and every kind has tools"


@pytest.mark.parametrize("kind", list(KINDS), ids=list(KINDS.values()))
def test_the_kind_is_what_a_tool_serves(kind: Kind) -> None:
    spec = declare(defaults(toolset="chat_messages", rate="medium"), kind)
    assert spec.annotations == {HINTS[name]: value for name, value in dataclasses.asdict(kind).items()}


def test_module_defaults_fill_what_a_tool_leaves_out() -> None:
    spec = declare(defaults(toolset="chat_messages", rate="medium"), READ)
    assert (spec.name, spec.title, spec.toolset, spec.rate) == ("chat_test", "Test", "chat_messages", "medium")
    assert kind_of(spec) == READ


def test_a_tool_overrides_its_module_and_a_module_its_kind() -> None:
    tool = defaults(toolset="chat_im", rate="medium")
    assert declare(tool, READ, rate="heavy").rate == "heavy"
    assert declare(tool, READ, toolset="chat_admin").toolset == "chat_admin"
    local = declare(defaults(toolset="local", rate="light", open_world=False), WRITE)
    assert kind_of(local) == dataclasses.replace(WRITE, open_world=False)


def test_a_misspelt_field_fails_at_declaration() -> None:
    with pytest.raises(TypeError, match="descripton"):
        declare(defaults(toolset="chat_messages", rate="medium"), READ, descripton="Typo.")
