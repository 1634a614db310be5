"""Asking the user before a destructive tool runs, in both protocol eras.

Handshake era (2025-xx): the server sends ``elicitation/create`` over the connection's
back-channel and waits for the answer. 2026-07-28: servers cannot send requests, so the call
answers ``InputRequiredResult``; the client asks the user and retries the same call carrying
``input_responses`` and the (sealed) ``request_state`` we minted.

A client that does not declare elicitation is not asked: it already sees ``destructiveHint``
on the tool and is expected to gate the call itself, as MCP hosts do for annotated tools.
"""

from __future__ import annotations

import json
import re
import unicodedata
from enum import Enum
from typing import Any

import mcp.types as types
from mcp.server import ServerRequestContext
from mcp.shared.exceptions import NoBackChannelError
from mcp.types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel

from zoom_mcp.catalog import PATH, ToolSpec

CONFIRM_KEY = "confirm"
# The plaintext state of a confirmation round; RequestStateBoundary seals it together with the
# tool name and a digest of the arguments, so an answer cannot be replayed onto another call.
CONFIRM_STATE = "zoom-mcp/confirm/v1"
CONFIRM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "confirm": {"type": "boolean", "title": "Confirm", "description": "Yes, go ahead"},
    },
    "required": ["confirm"],
}


class Decision(Enum):
    PROCEED = "proceed"
    CANCELLED = "cancelled"
    # Legacy HTTP in JSON/stateless mode has no channel to ask over.
    CANNOT_ASK = "cannot_ask"


def supports_elicitation(ctx: ServerRequestContext[Any]) -> bool:
    # Legacy: capabilities from the handshake. 2026-07-28: per request, from _meta.
    caps = ctx.session.client_capabilities
    return caps is not None and caps.elicitation is not None


def capabilities_unknown(ctx: ServerRequestContext[Any]) -> bool:
    """A handshake-era request outside any handshake: stateless HTTP, where every request stands alone.

    Whether the client could confirm is unknowable there, so it must not count as "cannot confirm".
    """
    return ctx.protocol_version not in MODERN_PROTOCOL_VERSIONS and ctx.session.client_params is None


def confirmation_message(spec: ToolSpec, arguments: dict[str, Any]) -> str:
    """What the user is asked: the tool's own template over validated arguments when it has one.

    Formatting from the validated model (not the raw dict) means defaults are filled in and an
    invalid call never reaches the user. Every value is shown exactly: quoted, with invisible,
    control and line-break characters escaped, so that what the user approves is what is sent;
    a path parameter the template does not name (another mailbox) is added.
    """
    try:
        model = spec.input.model_validate(arguments)
    except Exception:  # any invalid call falls back to the generic wording
        model = None
    if spec.confirm and model is not None:
        values = _plain(model)
        try:
            text = spec.confirm.format(**{k: _readable(v) for k, v in values.items()})
        except (KeyError, IndexError, ValueError):
            pass  # a template naming a field the model lacks: fall back to the generic wording
        else:
            extra = [
                f"{name} {_exact(values[name])}"
                for name, (_, where) in spec.locations.items()
                if where is PATH and name in values and "{" + name + "}" not in spec.confirm
            ]
            return text + (f" ({', '.join(extra)})" if extra else "")
    plain = _plain(model) if model is not None else arguments
    shown = _escape_invisible(json.dumps(plain, ensure_ascii=False, default=str))
    return f"{spec.title}: {shown[:MAX_SHOWN]}{'…' if len(shown) > MAX_SHOWN else ''}. Proceed?"


# A confirmation is read by a person: a whole pasted document in it helps nobody.
MAX_SHOWN = 2_000
# What a person cannot see in a value: controls, format characters (bidi overrides, zero-width),
# line and paragraph separators, unpaired surrogates.
_PLAIN = re.compile(r"^[\w@.+\-]+$")
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _plain(model: BaseModel) -> dict[str, Any]:
    return {k: v for k, v in model.model_dump(mode="json").items() if v is not None}


def _escape_invisible(text: str) -> str:
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _INVISIBLE else ch for ch in text)


def _exact(value: Any) -> str:
    """A value as the user must see it: plain ids bare, anything else quoted, nothing hidden."""
    if isinstance(value, str) and _PLAIN.match(value) and value.strip(".") and value.isascii():
        return value
    return _escape_invisible(json.dumps(value, ensure_ascii=False, default=str))


def _readable(value: Any) -> str:
    # "emails "a", "b"" reads better to a person than a Python list.
    return ", ".join(_exact(item) for item in value) if isinstance(value, list) else _exact(value)


def _accepted(answer: Any) -> bool:
    return (
        isinstance(answer, types.ElicitResult)
        and answer.action == "accept"
        and bool((answer.content or {}).get(CONFIRM_KEY))
    )


async def ask(
    ctx: ServerRequestContext[Any], params: types.CallToolRequestParams, message: str
) -> Decision | types.InputRequiredResult:
    """Ask once; the answer decides. Returns an ``InputRequiredResult`` when the client must ask first."""
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        answer = (params.input_responses or {}).get(CONFIRM_KEY)
        # An answer only counts on the retry of the round we opened (state checked and unsealed upstream).
        if answer is None or params.request_state != CONFIRM_STATE:
            request = types.ElicitRequest(
                params=types.ElicitRequestFormParams(message=message, requested_schema=CONFIRM_SCHEMA)
            )
            return types.InputRequiredResult(input_requests={CONFIRM_KEY: request}, request_state=CONFIRM_STATE)
        return Decision.PROCEED if _accepted(answer) else Decision.CANCELLED
    if capabilities_unknown(ctx):
        return Decision.CANNOT_ASK
    try:
        result = await ctx.session.elicit_form(message, CONFIRM_SCHEMA, related_request_id=ctx.request_id)
    except NoBackChannelError:
        return Decision.CANNOT_ASK
    return Decision.PROCEED if _accepted(result) else Decision.CANCELLED
