"""The catalog model: what a tool is, declared as data.

A tool is a pydantic input model plus a Zoom endpoint (``"POST /chat/users/{userId}/messages"``),
its scope requirement, its four MCP annotations, its Zoom rate-limit label and optional hooks.
Importing the catalog does no I/O; the executor turns a spec plus validated arguments into HTTP.

Parameter location is inferred from the wire name of each field (its ``serialization_alias``,
else its name): names in the path template are path parameters, the rest go to the query for
GET/DELETE and to the JSON body for POST/PUT/PATCH. A marker in ``Annotated[...]`` overrides
that: ``QUERY``, ``BODY``, ``PATH`` or ``LOCAL`` (never sent; read by an encode hook).
"""

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from functools import cached_property, partial
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from zoom_mcp.errors import ToolUsageError
from zoom_mcp.scopes import ScopeRequirement

if TYPE_CHECKING:
    from zoom_mcp.catalog.hooks import CallContext

Host = Literal["api", "file"]
RateLabel = Literal["light", "medium", "heavy", "resource-intensive"]
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class Location(Enum):
    PATH = "path"
    QUERY = "query"
    BODY = "body"
    LOCAL = "local"


PATH = Location.PATH
QUERY = Location.QUERY
BODY = Location.BODY
LOCAL = Location.LOCAL


def is_placeholder(value: Any) -> bool:
    """What a model sends for a field it means to leave out: null, an empty or blank string, []."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


class ToolInput(BaseModel):
    """Base of every tool's input model.

    For optional fields, ``null``, ``""`` and ``[]`` mean "not given": strict-mode models must fill
    every field and do so with placeholders, and many clients send ``null`` for what they leave out.
    Such a field takes its default (for path parameters: the configured user or mailbox). Required
    fields are untouched, so their own rules still refuse empty values.

    ``one_of`` lists groups of fields of which exactly one must be given (``to_contact`` /
    ``to_channel``). It is enforced here and told in the fields' descriptions (see ``lean_schema``),
    not as a ``oneOf`` that model providers refuse at the schema root.
    """

    # Built on first validation: a server start does not pay for 80 models it may never call.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    one_of: ClassVar[tuple[tuple[str, ...], ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _placeholders_mean_not_given(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {
            key: value
            for key, value in data.items()
            if not (key in fields and not fields[key].is_required() and is_placeholder(value))
        }

    @model_validator(mode="after")
    def _exactly_one(self) -> "ToolInput":
        for group in self.one_of:
            given = [name for name in group if getattr(self, name) is not None]
            if len(given) != 1:
                names = " or ".join(group)
                raise ValueError(f"give exactly one of {names} (got {len(given)})")
        return self


def page_size(maximum: int, default: int) -> Any:
    """A page-size field that advertises Zoom's maximum and clamps larger values to it.

    Clamping (rather than rejecting) is deliberate: a model asking for 100 items from an
    endpoint that serves 50 should get 50 and a continuation token, not an error.
    """

    def publish(schema: dict[str, Any]) -> None:
        # The default is applied by validation; publishing it would cost tokens on every turn.
        schema.pop("default", None)
        schema["maximum"] = maximum

    return Annotated[
        int,
        Field(ge=1, json_schema_extra=publish, description="Items per page"),
        AfterValidator(lambda value: min(value, maximum)),
    ]


@dataclass(frozen=True)
class Page:
    """How a list endpoint pages.

    ``items`` is the response key holding the list. Token and size names are wire names.
    The model always sees ``page_size`` and ``next_page_token``; the executor wraps Zoom's
    token in its own so a page cut short by the result budget resumes at the next item.
    ``max_size`` is the largest page Zoom serves, for lists whose items carry no sort key: such a
    listing asks for one item more than it shows, so a full page knows the item after it (where
    the next page starts, should its last item be deleted) without a second request.
    """

    items: str
    size_param: str = "page_size"
    token_param: str = "next_page_token"
    token_field: str = "next_page_token"
    max_size: int | None = None

    @classmethod
    def mail(cls, items: str) -> "Page":
        """Zoom Mail's Gmail-style paging: ``maxResults`` (at most 500 on every Mail list) /
        ``pageToken`` -> ``nextPageToken``."""
        return cls(items, size_param="maxResults", token_param="pageToken", token_field="nextPageToken", max_size=500)


@dataclass(frozen=True)
class Request:
    """One HTTP request to Zoom, before auth. ``path`` is already filled in."""

    method: Method
    path: str
    host: Host = "api"
    query: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    # Multipart uploads: (field name, (filename, bytes, content type)) and plain text fields.
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None
    data: dict[str, str] | None = None


# Encode hooks may be sync or async (an async one can read Zoom first, e.g. the message replied to).
EncodeHook = Callable[["ToolSpec", ToolInput, "CallContext"], "Request | Awaitable[Request]"]
DecodeHook = Callable[[Any, ToolInput, "CallContext"], Awaitable[Any]]

_PATH_PARAM = re.compile(r"{(\w+)}")
# Zoom's ids are a few dozen characters and addresses at most 254; a longer path value is a
# mistake (or an attack), and past 64 KiB the URL cannot even be built.
MAX_PATH_SEGMENT = 512
DOT_SEGMENTS = frozenset({".", ".."})


class PathSegmentError(ToolUsageError, ValueError):
    """A value that cannot be one path segment. A ``ValueError`` too, so that pydantic reports it
    as a field error when an input type checks it, and the executor as a usage error in a hook."""


def path_segment(value: str) -> str:
    """``value`` as exactly one path segment: every character but the unreserved ones encoded
    (``/ % ? #``, controls, non-ASCII), and values no encoding keeps in one segment refused:
    empty, ``.`` and ``..`` (clients and servers normalise dot segments away), over-long."""
    if value == "":
        raise PathSegmentError("must not be empty")
    if value in DOT_SEGMENTS:
        raise PathSegmentError(f"{value!r} is not an id (a dot segment would change the endpoint)")
    if len(value) > MAX_PATH_SEGMENT:
        raise PathSegmentError(f"too long ({len(value):,} characters; an id has at most {MAX_PATH_SEGMENT})")
    try:
        return quote(value, safe="")
    except UnicodeEncodeError:
        raise PathSegmentError("is not valid text (unpaired surrogate)") from None


# Path parameters naming whose chat or mailbox a call touches; the configured default is ``me``.
SELF_PATH_PARAMS = frozenset({"userId", "email"})


def is_user_level(granted: frozenset[str] | None) -> bool:
    """Whether the granted scopes reach only the signed-in user's own data: no ``:admin`` scope,
    classic or granular (a user-managed app, or a static token declared with such scopes).
    Unknown scopes are not taken for user-level."""
    return granted is not None and not any(scope.endswith(":admin") for scope in granted)


@dataclass(frozen=True, kw_only=True)
class ToolSpec:
    """One MCP tool = one Zoom endpoint."""

    name: str
    title: str
    description: str
    endpoint: str
    input: type[ToolInput]
    scopes: ScopeRequirement
    toolset: str
    rate: RateLabel
    # The four MCP annotations, always explicit.
    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool
    host: Host = "api"
    page: Page | None = None
    encode: EncodeHook | None = None
    decode: DecodeHook | None = None
    # For writes that may not be retried: how the model can check whether the call went through.
    verify: str | None = None
    # For destructive tools: what the confirmation names, as a format string over the arguments.
    confirm: str | None = None

    @cached_property
    def method(self) -> Method:
        return self.endpoint.split(" ", 1)[0]  # type: ignore[return-value]

    @cached_property
    def path(self) -> str:
        return self.endpoint.split(" ", 1)[1]

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        return tuple(_PATH_PARAM.findall(self.path))

    @cached_property
    def locations(self) -> dict[str, tuple[str, Location]]:
        """Field name -> (wire name, location), inferred with marker overrides."""
        out: dict[str, tuple[str, Location]] = {}
        default = QUERY if self.method in ("GET", "DELETE") else BODY
        for name, info in self.input.model_fields.items():
            wire = info.serialization_alias or name
            marker = next((m for m in info.metadata if isinstance(m, Location)), None)
            if marker is None:
                marker = PATH if wire in self.path_params else default
            out[name] = (wire, marker)
        return out

    def request_for(self, args: ToolInput, path_defaults: Mapping[str, str]) -> Request:
        """The request the location rules give for ``args``; empty path parameters take
        ``path_defaults`` (the configured user and mailbox).

        Every path value becomes exactly one segment (``path_segment``), so no value can change
        which endpoint is called; one that cannot is a field error, and nothing is sent."""
        values = args.model_dump(mode="json", by_alias=True, exclude_none=True)
        path_values: dict[str, str] = {}
        query: dict[str, Any] = {}
        body: dict[str, Any] = {}
        for name, (wire, where) in self.locations.items():
            value = values.get(wire)
            if where is PATH:
                if value is None or (value == "" and wire in path_defaults):
                    value = path_defaults.get(wire)
                if value is None:
                    raise ToolUsageError(f"{self.name}: {name} is required.")
                try:
                    path_values[wire] = path_segment(str(value))
                except PathSegmentError as exc:
                    raise ToolUsageError(f"{self.name}: invalid arguments\n{name}: {exc}") from None
            elif value is None or where is LOCAL:
                continue
            elif where is QUERY:
                query[wire] = value
            else:
                body[wire] = value
        path = _PATH_PARAM.sub(lambda match: path_values[match.group(1)], self.path)
        return Request(method=self.method, path=path, host=self.host, query=query, json=body or None)

    @cached_property
    def input_schema(self) -> dict[str, Any]:
        # Precomputed when the catalog is unchanged (zoom_mcp.catalog.served_schemas): no model build at start.
        from zoom_mcp.catalog.served_schemas import precomputed

        return precomputed(self) or lean_schema(self.input)

    @cached_property
    def own_account_fields(self) -> tuple[str, ...]:
        """Optional path fields that pick whose data (``userId``, ``email``) and default to ``me``."""
        return tuple(
            name
            for name, (wire, where) in self.locations.items()
            if where is PATH and wire in SELF_PATH_PARAMS and not self.input.model_fields[name].is_required()
        )

    @cached_property
    def user_level_input_schema(self) -> dict[str, Any]:
        """The schema a user-level app serves: without the fields that would name another user or
        mailbox, since such an app can only act as ``me`` (and left out, they are filled with it)."""
        return user_level_schema(self.input_schema, self.own_account_fields)

    @cached_property
    def annotations(self) -> dict[str, Any]:
        return tool_annotations(self.read_only, self.destructive, self.idempotent, self.open_world)


def user_level_schema(schema: dict[str, Any], own_account_fields: tuple[str, ...]) -> dict[str, Any]:
    """``schema`` without the fields that pick another user or mailbox (``ToolSpec.user_level_input_schema``)."""
    drop = set(own_account_fields)
    if not drop:
        return schema
    schema = dict(schema)
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k not in drop}
    if "required" in schema:
        schema["required"] = [k for k in schema["required"] if k not in drop]
    return schema


def tool_annotations(read_only: bool, destructive: bool, idempotent: bool, open_world: bool) -> dict[str, Any]:
    """The four MCP annotations a tool serves."""
    # The title is not repeated here: the Tool carries it, and every listed byte costs tokens.
    return {
        "readOnlyHint": read_only,
        "destructiveHint": destructive,
        "idempotentHint": idempotent,
        "openWorldHint": open_world,
    }


@dataclass(frozen=True, kw_only=True)
class Kind:
    """What a tool does to the world, as the four MCP annotations. None has a default: every kind
    states all four, so no client is left to guess a hint."""

    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool


# The kinds of tool the catalog has. Every tool reaches Zoom, so every kind is open-world.
READ = Kind(read_only=True, destructive=False, idempotent=True, open_world=True)
# A send or create: repeating it repeats the effect, so the tool says how to verify (``verify``).
WRITE = Kind(read_only=False, destructive=False, idempotent=False, open_world=True)
# An update, flag change or join: repeating it changes nothing more.
IDEMPOTENT_WRITE = Kind(read_only=False, destructive=False, idempotent=True, open_world=True)
# A deletion or removal: the tool names what goes in its confirmation (``confirm``).
DESTRUCTIVE = Kind(read_only=False, destructive=True, idempotent=True, open_world=True)


def defaults(**shared: Any) -> Callable[[str, Kind, str], Callable[..., ToolSpec]]:
    """A module's tool declarer, holding what all its tools share (toolset, rate label, ...).

    ``tool = defaults(toolset="chat_channels", rate="medium")``, then each tool is
    ``tool("chat_get_channel", READ, "Get channel")(description=..., endpoint=..., ...)``: its name,
    kind and title, then the rest of its ``ToolSpec`` fields. The kind sets the four annotations,
    the module's defaults come next, and a tool's own fields override both (``rate="light"``).
    Name, kind and title stand first, on the declaration's opening line, so a module reads as a
    list of tools, each opening with what a reader looks for.
    """

    def tool(name: str, kind: Kind, title: str) -> Callable[..., ToolSpec]:
        return partial(ToolSpec, **{**asdict(kind), **shared, "name": name, "title": title})

    return tool


# Keywords some model providers refuse, said in the field's description instead (validation still
# enforces them): Gemini takes no ``format`` but date-time, OpenAI strict mode no string lengths and
# no ``default``. ``minLength: 1`` says nothing a required field does not: it is dropped.
_FORMAT_HINTS = {"date": "YYYY-MM-DD"}
_KEPT_FORMATS = frozenset({"date-time"})


def _with_hint(node: dict[str, Any], hint: str) -> None:
    description = node.get("description")
    node["description"] = f"{description}; {hint}" if description else hint


def _provider_safe(node: dict[str, Any]) -> dict[str, Any]:
    """One subschema in the form every provider accepts: hints in place of refused keywords."""
    enum = node.get("enum")
    if enum is not None and not all(isinstance(value, str) for value in enum):
        # Gemini refuses non-string enums: a tool maps readable names to Zoom's codes instead.
        raise TypeError(f"enum values must be strings, got {enum!r}")
    fmt = node.get("format")
    if fmt is not None and fmt not in _KEPT_FORMATS:
        del node["format"]
        if fmt in _FORMAT_HINTS:
            _with_hint(node, _FORMAT_HINTS[fmt])
    if node.get("minLength") == 1:
        del node["minLength"]
    for key, word in (("minLength", "min"), ("maxLength", "max")):
        if key in node:
            _with_hint(node, f"{word} {node.pop(key)} chars")
    if "default" in node:
        default = node.pop("default")
        if default is not None and "default" not in node.get("description", ""):
            _with_hint(node, f"default {json.dumps(default) if not isinstance(default, str) else default}")
    return node


def _safe_tree(node: Any) -> Any:
    """``_provider_safe`` on a subschema and everything under it (after unwrapping, so hints stay)."""
    if isinstance(node, list):
        return [_safe_tree(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _safe_tree(value) for key, value in node.items() if key != "properties"}
    if "properties" in node:
        out["properties"] = {name: _safe_tree(sub) for name, sub in node["properties"].items()}
    return _provider_safe(out)


def lean_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema without what costs tokens and tells a model nothing.

    Drops generated titles, ``default: null`` and the ``anyOf [X, null]`` wrapper of optional
    fields (an absent optional field already means null); keeps descriptions, enums, bounds.
    The root is only ``type``, ``properties`` and ``required``, as every model provider accepts:
    exactly-one-of groups are told in the descriptions of the fields concerned.
    """
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def clean(node: Any) -> Any:
        if isinstance(node, list):
            return [clean(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node and len(node) == 1:
            return clean(defs[node["$ref"].rsplit("/", 1)[1]])
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "title" and isinstance(value, str):
                continue
            if key == "default" and value is None:
                continue
            # Nested models forbid extra keys in validation; the keyword breaks Gemini's converter.
            if key == "additionalProperties" and value is False:
                continue
            if key == "properties":
                out[key] = {prop: clean(sub) for prop, sub in value.items()}
                continue
            out[key] = clean(value)
        variants = out.get("anyOf")
        if isinstance(variants, list):
            non_null = [v for v in variants if v != {"type": "null"}]
            if len(non_null) == 1 and len(non_null) < len(variants):
                del out["anyOf"]
                out = {**non_null[0], **out}
        if "$ref" in out:
            ref = out.pop("$ref")
            out = {**clean(defs[ref.rsplit("/", 1)[1]]), **out}
        return out

    lean = clean(schema)
    properties = {name: _safe_tree(prop) for name, prop in lean.get("properties", {}).items()}
    for group in getattr(model, "one_of", ()):
        for name in group:
            others = [other for other in group if other != name]
            # "; or to_channel" for a pair, "; exactly one of a, b, c" for more: few tokens.
            hint = f"or {others[0]}" if len(others) == 1 else f"exactly one of {', '.join(group)}"
            _with_hint(properties[name], hint)
    # No "additionalProperties": false: validation rejects unknown fields with a clear message
    # anyway, and the keyword would cost every tool tokens on every turn. No root description:
    # the tool has its own, and pydantic would publish a model's docstring here.
    root: dict[str, Any] = {"type": "object", "properties": properties}
    if lean.get("required"):
        root["required"] = lean["required"]
    return root
