"""The served tool schemas against the model providers' hard rules and the real converter libraries.

MCP clients forward input schemas to the model APIs, which refuse a whole request when one tool breaks
a rule. The rules are data below, each with the provider's own error text. The converters are the
libraries agent frameworks use to turn MCP tools into provider tools (the ``compat`` extra); each must
take every tool without failing, falling back to a non-strict schema or dropping a tool. Without the
extra, the converter tests skip and say which package is missing; CI installs it.
"""

from __future__ import annotations

import copy
import importlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import mcp.types as types
import pytest

from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.registry import Selection, select
from zoom_mcp.serving.server import to_tool
from zoom_mcp.tools import ALL_TOOLS

Schema = dict[str, Any]
DEFAULT_TOOLS = select(ALL_TOOLS, None, Selection())
CATALOGS = {"all": list(ALL_TOOLS), "default": DEFAULT_TOOLS}
SERVED = [to_tool(spec) for spec in ALL_TOOLS]
ONE_OF_SPECS = [spec for spec in ALL_TOOLS if spec.input.one_of]
COMBINATORS = ("oneOf", "anyOf", "allOf", "not", "if", "then", "else")


def nodes(schema: Any, path: str = "") -> Iterator[tuple[str, Schema]]:
    """Every subschema with its JSON path (properties, items, combinator branches)."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from nodes(sub, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from nodes(schema["items"], f"{path}[]")
    for key in COMBINATORS:
        branches = schema.get(key)
        for index, sub in enumerate(branches if isinstance(branches, list) else [branches]):
            yield from nodes(sub, f"{path}.{key}[{index}]")


@dataclass(frozen=True)
class Rule:
    provider: str
    says: str  # the provider's 400 text (or its client library's), so a failure reads like the real one
    broken: Callable[[str, Schema], list[str]]  # (tool name, input schema) -> where the rule is broken


def _root_type_not_object(name: str, schema: Schema) -> list[str]:
    return [] if schema.get("type") == "object" else [f"type={schema.get('type')!r}"]


def _root_keys(*keys: str) -> Callable[[str, Schema], list[str]]:
    return lambda name, schema: [key for key in keys if key in schema]


def _name_pattern(pattern: str) -> Callable[[str, Schema], list[str]]:
    return lambda name, schema: [] if re.fullmatch(pattern, name) else [name]


def _non_string_enums(name: str, schema: Schema) -> list[str]:
    return [path for path, node in nodes(schema) if any(not isinstance(v, str) for v in node.get("enum", []))]


def _formats_other_than_date_time(name: str, schema: Schema) -> list[str]:
    return [f"{path}:{node['format']}" for path, node in nodes(schema) if node.get("format") not in (None, "date-time")]


def _combinators_anywhere(*keys: str) -> Callable[[str, Schema], list[str]]:
    return lambda name, schema: [f"{path}.{key}" for path, node in nodes(schema) for key in keys if key in node]


RULES = [
    # Anthropic Messages API (also Claude on Bedrock and Vertex).
    Rule("anthropic", "tools.N.custom.input_schema.type: Input should be 'object'", _root_type_not_object),
    Rule(
        "anthropic",
        "tools.N.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level",
        _root_keys("oneOf", "allOf", "anyOf"),
    ),
    Rule(
        "anthropic",
        "tools.N.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
        _name_pattern(r"[a-zA-Z0-9_-]{1,128}"),
    ),
    # OpenAI Chat Completions and Responses, strict or not.
    Rule(
        "openai",
        "Invalid schema for function 'X': schema must be a JSON Schema of 'type: \"object\"', got 'type: \"None\"'.",
        _root_type_not_object,
    ),
    Rule(
        "openai",
        "Invalid schema for function 'X': schema must have type 'object' and not have 'oneOf'/'anyOf'/'allOf'/'enum'/"
        "'not' at the top level.",
        _root_keys("oneOf", "anyOf", "allOf", "enum", "not"),
    ),
    Rule(
        "openai",
        "Invalid 'tools[0].function.name': string does not match pattern. Expected ^[a-zA-Z0-9_-]{1,64}$",
        _name_pattern(r"[a-zA-Z0-9_-]{1,64}"),
    ),
    # Gemini function declarations (``parameters``: an OpenAPI 3.0 subset).
    Rule(
        "gemini",
        "GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[type].enum: only allowed for "
        "STRING type (langchain-google-genai: enum.0 Input should be a valid string)",
        _non_string_enums,
    ),
    Rule(
        "gemini",
        "GenerateContentRequest.tools[0].function_declarations[0].parameters.properties[x].format: only 'enum' and "
        "'date-time' are supported for STRING type",
        _formats_other_than_date_time,
    ),
    Rule(
        "gemini",
        "Invalid JSON payload received. Unknown name \"oneOf\" at 'tools[0].function_declarations[0].parameters'",
        _combinators_anywhere("oneOf", "allOf", "not", "if"),
    ),
    Rule(
        "gemini",
        "function_declarations[0].name: Invalid function name. Must start with a letter or an underscore",
        _name_pattern(r"[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}"),
    ),
]


def violations(tools: list[types.Tool]) -> list[str]:
    found = []
    for tool in tools:
        for rule in RULES:
            for where in rule.broken(tool.name, tool.input_schema):
                found.append(f"{rule.provider}: {tool.name} {where}: {rule.says}")
    return found


@pytest.mark.parametrize("catalog", CATALOGS)
def test_no_provider_hard_rule_is_broken(catalog: str) -> None:
    assert violations([to_tool(spec) for spec in CATALOGS[catalog]]) == []


def test_root_is_plain_object() -> None:
    for tool in SERVED:
        assert set(tool.input_schema) <= {"type", "properties", "required", "description"}, tool.name
        assert tool.input_schema["type"] == "object"


def test_the_rules_catch_what_they_describe() -> None:
    # Each rule must be able to fail: a schema of the kind the providers refused before.
    bad = types.Tool(
        name="bad tool",
        input_schema={
            "type": "object",
            "properties": {"kind": {"enum": [1, 2]}, "day": {"type": "string", "format": "date"}},
            "oneOf": [{"required": ["kind"]}, {"required": ["day"]}],
        },
    )
    providers = {line.split(":", 1)[0] for line in violations([bad])}
    assert providers == {"anthropic", "openai", "gemini"}
    assert len(violations([bad])) == 8


# --- the converter libraries -------------------------------------------------------------------


def need(module: str, package: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        reason = f"{package} is not installed (pip install -e '.[compat]'): {exc}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI installs the compat extra, so this must not be skipped there")
        pytest.skip(reason)


@pytest.fixture(params=list(CATALOGS))
def served(request: pytest.FixtureRequest) -> list[types.Tool]:
    return [to_tool(spec) for spec in CATALOGS[request.param]]


def test_anthropic_mcp_tool_helper(served: list[types.Tool]) -> None:
    helper = need("anthropic.lib.tools.mcp", "anthropic")
    converted = [helper.mcp_tool(tool, None).to_dict() for tool in served]
    assert [tool["name"] for tool in converted] == [tool.name for tool in served]
    assert [tool["input_schema"] for tool in converted] == [tool.input_schema for tool in served]
    assert violations([types.Tool(name=t["name"], input_schema=t["input_schema"]) for t in converted]) == []


@pytest.mark.parametrize("strict", [False, True])
def test_openai_agents_mcp_util(served: list[types.Tool], strict: bool, caplog: pytest.LogCaptureFixture) -> None:
    need("agents", "openai-agents")
    from agents.mcp import MCPServerStdio, MCPUtil

    server = MCPServerStdio(params={"command": "zoom-mcp"}, name="zoom")  # never started: conversion only
    with caplog.at_level(logging.INFO, logger="openai.agents"):
        converted = [MCPUtil.to_function_tool(tool, server, convert_schemas_to_strict=strict) for tool in served]
    assert [tool.name for tool in converted] == [tool.name for tool in served]
    # A schema that cannot be made strict is served non-strict, with only an info log: a silent fallback.
    assert [tool.name for tool in converted if tool.strict_json_schema != strict] == []
    assert "Error converting MCP schema to strict mode" not in caplog.text
    if strict:
        for tool in converted:
            assert_strict_shape(tool.name, tool.params_json_schema)


def test_openai_agents_strict_schema(served: list[types.Tool]) -> None:
    need("agents", "openai-agents")
    from agents.strict_schema import ensure_strict_json_schema

    for tool in served:
        assert_strict_shape(tool.name, ensure_strict_json_schema(copy.deepcopy(tool.input_schema)))


def every_field_required(node: Any) -> Any:
    """What strict mode does to a schema: every object's properties all required, at every depth."""
    if isinstance(node, list):
        return [every_field_required(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: every_field_required(value) for key, value in node.items()}
    if isinstance(out.get("properties"), dict):
        out["required"] = list(out["properties"])
    return out


def test_pydantic_ai_openai_transformer(served: list[types.Tool]) -> None:
    need("pydantic_ai", "pydantic-ai-slim")
    from pydantic_ai.profiles.openai import OpenAIJsonSchemaTransformer

    for tool in served:
        # With strict=None pydantic-ai sends a tool strict only when nothing needs rewriting. Optional
        # fields always do (strict makes every field required); nothing else may: no format, length,
        # default or combinator that strict mode refuses.
        all_required = every_field_required(copy.deepcopy(tool.input_schema))
        auto = OpenAIJsonSchemaTransformer(all_required, strict=None)
        assert violations([types.Tool(name=tool.name, input_schema=auto.walk())]) == []
        assert auto.is_strict_compatible, tool.name
        strict = OpenAIJsonSchemaTransformer(copy.deepcopy(tool.input_schema), strict=True).walk()
        assert_strict_shape(tool.name, strict)


def test_pydantic_ai_google_transformers(served: list[types.Tool]) -> None:
    need("pydantic_ai", "pydantic-ai-slim")
    from pydantic_ai.profiles.google import GoogleJsonSchemaTransformer, GoogleOpenAPISchemaTransformer

    for tool in served:
        for transformer in (GoogleJsonSchemaTransformer, GoogleOpenAPISchemaTransformer):
            out = transformer(copy.deepcopy(tool.input_schema)).walk()
            assert set(out["properties"]) == set(tool.input_schema["properties"]), tool.name
            assert violations([types.Tool(name=tool.name, input_schema=out)]) == []


def test_google_genai_mcp_conversion(served: list[types.Tool]) -> None:
    need("google.genai", "google-genai")
    from google.genai._mcp_utils import mcp_to_gemini_tools

    converted = mcp_to_gemini_tools(served)
    declarations = [d for tool in converted for d in tool.function_declarations or []]
    assert [d.name for d in declarations] == [tool.name for tool in served]
    for declaration, tool in zip(declarations, served, strict=True):
        parameters = declaration.parameters
        assert parameters is not None, tool.name
        # The conversion drops what Gemini's Schema has no field for: nothing of ours may be lost.
        assert set(parameters.properties or {}) == set(tool.input_schema["properties"]), tool.name
        assert set(parameters.required or []) == set(tool.input_schema.get("required", [])), tool.name
        for name, prop in (parameters.properties or {}).items():
            assert prop.format in (None, "date-time", "enum"), f"{tool.name}.{name}: format {prop.format}"
            if prop.enum is not None:
                assert prop.type is not None and prop.type.value == "STRING", f"{tool.name}.{name}"


@pytest.mark.parametrize("strict", [False, True])
def test_langchain_convert_to_openai_tool(served: list[types.Tool], strict: bool) -> None:
    need("langchain_core", "langchain-core")
    from langchain_core.utils.function_calling import convert_to_openai_tool

    for tool in served:
        as_dict = {"name": tool.name, "description": tool.description, "parameters": tool.input_schema}
        function = convert_to_openai_tool(copy.deepcopy(as_dict), strict=strict)["function"]
        assert function["name"] == tool.name
        parameters = function["parameters"]
        assert violations([types.Tool(name=tool.name, input_schema=parameters)]) == []
        if strict:
            assert function["strict"] is True
            assert_strict_shape(tool.name, parameters)


def assert_strict_shape(name: str, schema: Schema) -> None:
    """OpenAI strict mode: every object closed and every property required, with no root combinator."""
    assert violations([types.Tool(name=name, input_schema=schema)]) == [], name
    for path, node in nodes(schema):
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{name}{path}"
            assert set(node.get("required", [])) == set(node.get("properties", {})), f"{name}{path}"


# --- strict mode and the exactly-one-of rules --------------------------------------------------


def placeholder(schema: Schema) -> Any:
    """What a strict-mode model writes into a field it has to fill but means to leave out."""
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        return None
    if kind == "array":
        return []
    if kind == "string":
        return ""
    if kind == "boolean":
        return False
    return None  # numbers have no neutral value; null is what such a model sends


# Required fields whose validator wants a particular form.
REQUIRED_SAMPLES = {"emoji": "U+1F44D"}


def strict_arguments(spec: ToolSpec, chosen: str, filler: Callable[[Schema], Any]) -> dict[str, Any]:
    """Every property filled (as strict mode demands): required ones and ``chosen`` with real values."""
    from agents.strict_schema import ensure_strict_json_schema

    strict = ensure_strict_json_schema(copy.deepcopy(spec.input_schema))
    optional = set(strict["properties"]) - set(spec.input_schema.get("required", []))
    args = {name: filler(prop) for name, prop in strict["properties"].items() if name in optional}
    for name in spec.input_schema.get("required", []):
        value = REQUIRED_SAMPLES.get(name, "X1")
        args[name] = [value] if strict["properties"][name].get("type") == "array" else value
    args[chosen] = "C1"
    return args


@pytest.mark.parametrize("filler", [placeholder, lambda schema: None], ids=["empty", "null"])
@pytest.mark.parametrize("spec", ONE_OF_SPECS, ids=[spec.name for spec in ONE_OF_SPECS])
def test_strict_placeholders_keep_exactly_one_of_satisfiable(spec: ToolSpec, filler: Callable[[Schema], Any]) -> None:
    need("agents", "openai-agents")
    for group in spec.input.one_of:
        for chosen in group:
            args = spec.input.model_validate(strict_arguments(spec, chosen, filler))
            assert [name for name in group if getattr(args, name) is not None] == [chosen]


def test_one_of_rules_are_told_in_the_field_descriptions() -> None:
    for spec in ONE_OF_SPECS:
        for group in spec.input.one_of:
            for name in group:
                description = spec.input_schema["properties"][name]["description"]
                others = [other for other in group if other != name]
                assert all(other in description for other in others), f"{spec.name}.{name}: {description}"
