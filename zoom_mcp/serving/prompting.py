"""MCP prompts, one TOML file each in ``zoom_mcp.prompts``.

A file holds ``name``, ``title``, ``description``, ``tools`` (the tools the prompt tells the
model to use; the prompt is offered only when all of them are registered), ``template`` and
``[[arguments]]`` tables (``name``, ``description``, ``required``, optional ``default``).
Templates use ``string.Template`` placeholders (``$channel_id``), so JSON braces in the text
need no escaping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from string import Template
from typing import Any

import mcp.types as types

PACKAGE = "zoom_mcp.prompts"


class PromptArgumentError(ValueError):
    """The arguments given do not fit the prompt (missing or unknown names)."""


@dataclass(frozen=True)
class PromptArgument:
    name: str
    description: str
    required: bool = False
    default: str = ""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    title: str
    description: str
    template: str
    tools: tuple[str, ...]
    arguments: tuple[PromptArgument, ...] = ()

    @classmethod
    def from_toml(cls, data: Mapping[str, Any]) -> PromptTemplate:
        return cls(
            name=data["name"],
            title=data["title"],
            description=data["description"],
            template=data["template"],
            tools=tuple(data.get("tools", ())),
            arguments=tuple(PromptArgument(**arg) for arg in data.get("arguments", ())),
        )

    def available(self, registered: Iterable[str]) -> bool:
        return set(self.tools) <= set(registered)

    def to_prompt(self) -> types.Prompt:
        return types.Prompt(
            name=self.name,
            title=self.title,
            description=self.description,
            arguments=[
                types.PromptArgument(name=a.name, description=a.description, required=a.required)
                for a in self.arguments
            ],
        )

    def render(self, arguments: Mapping[str, str] | None) -> str:
        given = dict(arguments or {})
        known = {a.name for a in self.arguments}
        unknown = sorted(set(given) - known)
        if unknown:
            raise PromptArgumentError(f"Unknown arguments for {self.name}: {unknown}; it takes {sorted(known)}")
        missing = [a.name for a in self.arguments if a.required and not given.get(a.name, "").strip()]
        if missing:
            raise PromptArgumentError(f"Missing required arguments for {self.name}: {missing}")
        values = {a.name: given.get(a.name) or a.default for a in self.arguments}
        return Template(self.template).substitute(values).strip()

    def get(self, arguments: Mapping[str, str] | None) -> types.GetPromptResult:
        text = self.render(arguments)
        return types.GetPromptResult(
            description=self.description,
            messages=[types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))],
        )


def load_prompts(package: str = PACKAGE) -> tuple[PromptTemplate, ...]:
    """Every prompt file in the package, sorted by name."""
    # Imported here: a server reads its prompts on the first prompts request, not at start.
    import tomllib
    from importlib import resources

    files = sorted(
        (entry for entry in resources.files(package).iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    return tuple(PromptTemplate.from_toml(tomllib.loads(entry.read_text(encoding="utf-8"))) for entry in files)
