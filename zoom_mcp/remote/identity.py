"""Who an MCP request acts as: the subject of its OAuth access token (a Zoom user id)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import mcp.types as types
from mcp.server import ServerRequestContext
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.shared.exceptions import MCPError

from zoom_mcp.remote.zoom_tokens import ZoomTokens, acting_as


def token_subject(ctx: ServerRequestContext[Any]) -> str | None:
    token = get_access_token()
    if token is None and ctx.request is not None:
        # The request's own authenticated user, when the handler runs outside its context.
        user = getattr(ctx.request, "scope", {}).get("user")
        token = getattr(user, "access_token", None)
    return getattr(token, "subject", None) if token is not None else None


class TokenIdentity:
    """``RequestIdentity`` for remote mode."""

    def __init__(self, tokens: ZoomTokens) -> None:
        self.tokens = tokens

    def principal(self, ctx: ServerRequestContext[Any]) -> str:
        subject = token_subject(ctx)
        if not subject:
            # Only reachable through a bug: the bearer middleware admits no request without a token.
            raise MCPError(code=types.INVALID_REQUEST, message="not signed in: connect again to sign in with Zoom")
        return subject

    async def granted_scopes(self, principal: str) -> frozenset[str] | None:
        return await self.tokens.scopes(principal)

    def acting_as(self, principal: str) -> AbstractContextManager[None]:
        return acting_as(principal)
