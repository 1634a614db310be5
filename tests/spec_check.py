"""Check recorded HTTP exchanges against Zoom's OpenAPI documents.

A ``Recorder`` wraps the transport the executor talks to and keeps every request and response
as they crossed the wire. ``check_request`` and ``check_response`` compare one exchange with
the operation the spec declares for its method and path: parameters and body fields must exist
there and validate against their schemas, required ones must be present, multipart parts must
match, and answers must validate against the schema for their status. Fields the spec does not
declare are failures: JSON Schema alone would let them through (the documents never say
``additionalProperties: false``), so ``undeclared`` walks the instance against the schema.

Where a suite does not follow its document to the letter, its ``Deviations`` name each point
(with the reason beside it): a tolerated mismatch, a correction of an evident error in the
document, a query parameter sent as a comma-separated list.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import httpx2

from tests.zoom_spec import Operation, operations, validation_errors

API_PREFIX = "/v2"
COMBINATORS = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True)
class Exchange:
    method: str
    raw_path: str  # as sent, still percent-encoded, without the query
    query: str
    content_type: str
    body: bytes
    status: int
    response: bytes

    @property
    def path(self) -> str:
        return self.raw_path.removeprefix(API_PREFIX)


class Recorder(httpx2.AsyncBaseTransport):
    """A transport that records every exchange and hands the answer on unchanged."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        sent = await request.aread()
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        raw = request.url.raw_path.decode("ascii")
        path, _, query = raw.partition("?")
        self.exchanges.append(
            Exchange(
                request.method,
                path,
                query,
                request.headers.get("content-type", ""),
                sent,
                response.status_code,
                content,
            )
        )
        return httpx2.Response(response.status_code, headers=response.headers, content=content, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def api_calls(self) -> list[Exchange]:
        return [exchange for exchange in self.exchanges if exchange.path != "/oauth/token"]


def exchange(method: str, path: str, **fields: Any) -> Exchange:
    """An exchange made up for testing the checks themselves; ``path`` is without the API prefix."""
    defaults: dict[str, Any] = {"query": "", "content_type": "", "body": b"", "status": 204, "response": b""}
    return Exchange(method, API_PREFIX + path, **{**defaults, **fields})


# ---- the spec as a router


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"({[^}]+})", template)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts) + "$")


@dataclass
class SpecRouter:
    """Finds the operation for a method and an encoded path; literal segments beat templates."""

    specs: Mapping[str, Any]
    _routes: list[tuple[str, re.Pattern[str], int, Operation]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for (method, path), op in operations(dict(self.specs)).items():
            self._routes.append((method, _pattern(path), path.count("{"), op))
        self._routes.sort(key=lambda route: route[2])

    def find(self, method: str, raw_path: str) -> Operation | None:
        return next((op for m, pattern, _, op in self._routes if m == method and pattern.match(raw_path)), None)


# ---- schemas


def as_json_schema(schema: Any) -> Any:
    """An OpenAPI schema object as JSON Schema, with one reading of Zoom's ``oneOf``.

    Zoom's documents use ``oneOf`` for "any of these forms" where the forms overlap: a mention's
    ``at_contact`` is an email *or* a member id (both plain strings), a session list answer is
    one of two shapes sharing their fields. Read literally, every value matches several
    branches and ``oneOf`` refuses it, so it is read as ``anyOf``.
    """
    if isinstance(schema, list):
        return [as_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {("anyOf" if key == "oneOf" else key): as_json_schema(value) for key, value in schema.items()}


def declared_properties(schema: Any) -> dict[str, Any] | None:
    """The properties ``schema`` declares, across its combinators; None when it declares none (free-form)."""
    if not isinstance(schema, dict):
        return None
    found: dict[str, Any] | None = dict(schema["properties"]) if "properties" in schema else None
    for key in COMBINATORS:
        for branch in schema.get(key, []):
            more = declared_properties(branch)
            if more is not None:
                found = {**more, **(found or {})}
    return found


def item_schema(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return None
    if "items" in schema:
        return schema["items"]
    for key in COMBINATORS:
        for branch in schema.get(key, []):
            found = item_schema(branch)
            if found is not None:
                return found
    return None


def undeclared(schema: Any, instance: Any, where: str = "") -> list[str]:
    """Paths in ``instance`` that ``schema`` does not declare."""
    out: list[str] = []
    if isinstance(instance, dict):
        properties = declared_properties(schema)
        if properties is None:
            return out
        for key, value in instance.items():
            if key not in properties:
                out.append(f"{where}/{key}")
            else:
                out.extend(undeclared(properties[key], value, f"{where}/{key}"))
    elif isinstance(instance, list):
        items = item_schema(schema)
        for index, value in enumerate(instance):
            out.extend(undeclared(items, value, f"{where}/{index}"))
    return out


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    return validation_errors(as_json_schema(schema), instance)


def _query_value(schema: dict[str, Any], text: str) -> Any:
    """A query string value in the type its schema declares (query values are all text on the wire)."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?\d+", text):
        return int(text)
    if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return float(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


# ---- checks

# (operation id, point) -> why the spec is not followed to the letter there.
Allowances = Mapping[tuple[str, str], str]
# A fix applied to a copy of one schema of the document.
Fix = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Deviations:
    """Where a suite does not follow its document to the letter, each point with its reason."""

    allowed: Allowances = field(default_factory=dict)
    # (method, path, "body" or "response") -> the fix for an evident error of the document there.
    corrections: Mapping[tuple[str, str, str], Fix] = field(default_factory=dict)
    # (method, path) -> query parameters sent as comma-separated lists, each item checked on its own.
    comma_lists: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def corrected(self, op: Operation, part: str, schema: dict[str, Any]) -> dict[str, Any]:
        fix = self.corrections.get((op.method, op.path, part))
        if fix is None:
            return schema
        fixed = copy.deepcopy(schema)
        fix(fixed)
        return fixed


@dataclass
class Tally:
    requests: int = 0
    responses: int = 0
    operations: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def check_exchanges(router: SpecRouter, exchanges: list[Exchange], deviations: Deviations, tally: Tally) -> None:
    """Each exchange against the operation for its method and path; failures go to ``tally``."""
    for item in exchanges:
        op = router.find(item.method, item.path)
        if op is None:
            tally.failures.append(f"{item.method} {item.path}: no such operation in the spec")
            continue
        check_request(op, item, deviations, tally)
        check_response(op, item, deviations, tally)


def failures_for(router: SpecRouter, item: Exchange, deviations: Deviations) -> list[str]:
    tally = Tally()
    check_exchanges(router, [item], deviations, tally)
    return tally.failures


def check_request(op: Operation, exchange: Exchange, deviations: Deviations, tally: Tally) -> None:
    name = op.operation_id
    fail = tally.failures.append
    allowed = deviations.allowed
    tally.operations.add(f"{op.method} {op.path}")
    declared = op.parameters("query")
    lists = deviations.comma_lists.get((op.method, op.path), frozenset())
    pairs = parse_qsl(exchange.query, keep_blank_values=True)
    seen: set[str] = set()
    for key, value in pairs:
        if key in seen:
            fail(f"{name}: query {key} sent more than once (the spec declares one value)")
        seen.add(key)
        parameter = declared.get(key)
        if parameter is None:
            if (name, f"query {key}") not in allowed:
                fail(f"{name}: query {key} is not in the spec")
            continue
        schema = parameter.get("schema", {})
        for item in value.split(",") if key in lists else [value]:
            for error in schema_errors(schema, _query_value(schema, item)):
                fail(f"{name}: query {key}={item!r}: {error}")
    for key, parameter in declared.items():
        if parameter.get("required") and key not in seen and (name, f"required {key}") not in allowed:
            fail(f"{name}: required query {key} missing")
    for key in op.parameters("path"):
        if "{" + key + "}" not in op.path:
            fail(f"{name}: path parameter {key} not in the template")
    _check_body(op, exchange, deviations, tally)
    tally.requests += 1


def _check_body(op: Operation, exchange: Exchange, deviations: Deviations, tally: Tally) -> None:
    name = op.operation_id
    fail = tally.failures.append
    allowed = deviations.allowed
    media = exchange.content_type.split(";")[0].strip()
    if not exchange.body:
        schema = op.body_schema()
        if schema and schema.get("required"):
            fail(f"{name}: no body, but the spec requires {schema['required']}")
        return
    if media not in op.body_content_types:
        fail(f"{name}: body sent as {media or 'no content type'}; the spec takes {op.body_content_types or 'none'}")
        return
    schema = deviations.corrected(op, "body", op.body_schema(media) or {})
    if media == "application/json":
        body = json.loads(exchange.body)
        for error in schema_errors(schema, body):
            fail(f"{name}: body {error}")
        for extra in undeclared(schema, body):
            if (name, f"body {extra}") not in allowed:
                fail(f"{name}: body field {extra} is not in the spec")
    elif media == "multipart/form-data":
        _check_parts(name, schema, exchange, allowed, fail)


def _check_parts(name: str, schema: dict[str, Any], exchange: Exchange, allowed: Allowances, fail: Any) -> None:
    head = f"Content-Type: {exchange.content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + exchange.body)
    parts: dict[str, list[Any]] = {}
    for part in message.iter_parts():
        parts.setdefault(part.get_param("name", header="content-disposition") or "", []).append(part)
    properties = declared_properties(schema) or {}
    for part_name, found in parts.items():
        declared = properties.get(part_name)
        if declared is None:
            if (name, f"part {part_name}") not in allowed:
                fail(f"{name}: multipart part {part_name!r} is not in the spec")
            continue
        is_file = declared.get("format") == "binary" or (item_schema(declared) or {}).get("format") == "binary"
        for part in found:
            has_filename = part.get_filename() is not None
            if is_file != has_filename:
                fail(f"{name}: part {part_name!r} {'needs' if is_file else 'must not have'} a file name")
            if not is_file:
                for error in schema_errors(declared, part.get_content()):
                    fail(f"{name}: part {part_name}: {error}")
        limit = declared.get("maxItems")
        if limit is not None and len(found) > limit:
            fail(f"{name}: {len(found)} {part_name!r} parts; the spec allows {limit}")
        if declared.get("type") != "array" and len(found) > 1:
            fail(f"{name}: part {part_name!r} sent {len(found)} times")
    for required in schema.get("required", []):
        if required not in parts:
            fail(f"{name}: required multipart part {required!r} missing")


def _json(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def check_response(op: Operation, exchange: Exchange, deviations: Deviations, tally: Tally) -> None:
    name = op.operation_id
    fail = tally.failures.append
    allowed = deviations.allowed
    status = exchange.status
    if status >= 400:
        # Zoom's error body; the documents declare error statuses without a schema.
        body = _json(exchange.response)
        if not (isinstance(body, dict) and isinstance(body.get("code"), int) and isinstance(body.get("message"), str)):
            fail(f"{name}: error {status} without Zoom's {{code, message}} body: {exchange.response[:200]!r}")
        return
    if str(status) not in op.response_statuses and f"{str(status)[0]}XX" not in op.response_statuses:
        fail(f"{name}: answered {status}; the spec declares {op.response_statuses}")
        return
    schema = op.response_schema(status)
    if schema is not None:
        schema = deviations.corrected(op, "response", schema)
    if schema is None:
        if exchange.response:
            fail(f"{name}: {status} answer has a body the spec does not declare")
        tally.responses += 1
        return
    body = _json(exchange.response)
    if body is None:
        fail(f"{name}: {status} answer is not JSON: {exchange.response[:200]!r}")
        return
    for error in schema_errors(schema, body):
        fail(f"{name}: answer {status} {error}")
    for extra in undeclared(schema, body):
        # Array indexes are not part of the allow-list key: the point is the field.
        point = re.sub(r"/\d+", "/*", extra)
        if (name, f"answer {point}") not in allowed:
            fail(f"{name}: answer field {extra} is not in the spec")
    tally.responses += 1
