"""Zoom's OAuth token endpoint and the bearer tokens it issues.

``POST /oauth/token`` serves the grants the server uses: ``account_credentials`` (server-to-
server), ``authorization_code`` (codes minted by ``Sandbox.issue_auth_code``) and
``refresh_token`` with rotation (each refresh returns a new refresh token and retires the old
one). Client authentication is HTTP Basic, as Zoom requires.

Error bodies: zoom-api.md lists the codes (4700-4741) but not the JSON shape. Zoom's endpoint
is known to answer ``{"reason": ..., "error": ...}``; the sandbox sends that together with the
REST-style ``code``/``message`` so a client keyed on either shape sees the error.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from zoom_mcp.sandbox.clock import Clock

AUTH_CODE_TTL = 300  # Zoom authorization codes live 5 minutes (error 4733 after).


@dataclass
class AccessToken:
    value: str
    user_id: str
    scopes: frozenset[str]
    expires_at: float
    grant: str
    revoked: bool = False


@dataclass
class _Grant:
    """What a refresh token or authorization code stands for."""

    user_id: str
    scopes: frozenset[str]
    expires_at: float | None = None


class OAuthError(Exception):
    def __init__(self, status: int, code: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.code = code
        self.error = error
        self.reason = reason

    def response(self) -> JSONResponse:
        body = {"code": self.code, "message": self.reason, "reason": self.reason, "error": self.error}
        return JSONResponse(body, status_code=self.status)


@dataclass
class TokenStore:
    clock: Clock
    ttl: int
    tokens: dict[str, AccessToken] = field(default_factory=dict)
    refresh_tokens: dict[str, _Grant] = field(default_factory=dict)
    codes: dict[str, _Grant] = field(default_factory=dict)

    def issue(self, user_id: str, scopes: frozenset[str], grant: str) -> AccessToken:
        # Zoom's tokens look like JWTs; clients must treat them as opaque, so a prefix is enough.
        value = "eyJzYW5kYm94IjoxfQ." + secrets.token_urlsafe(32)
        token = AccessToken(value, user_id, scopes, self.clock.now() + self.ttl, grant)
        self.tokens[value] = token
        return token

    def lookup(self, value: str) -> AccessToken | None:
        token = self.tokens.get(value)
        if token is None or token.revoked or self.clock.now() >= token.expires_at:
            return None
        return token

    def revoke_all(self) -> int:
        live = [t for t in self.tokens.values() if not t.revoked]
        for token in live:
            token.revoked = True
        return len(live)

    def new_refresh_token(self, user_id: str, scopes: frozenset[str]) -> str:
        value = secrets.token_urlsafe(48)
        self.refresh_tokens[value] = _Grant(user_id, scopes)
        return value

    def issue_code(self, user_id: str, scopes: frozenset[str]) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = _Grant(user_id, scopes, self.clock.now() + AUTH_CODE_TTL)
        return code


@dataclass
class OAuthConfig:
    client_id: str
    client_secret: str
    account_id: str
    owner_id: str
    api_url: str | None = None  # None: derived from the request's host


class TokenEndpoint:
    """The ``POST /oauth/token`` handler; scopes are read at request time so they can change."""

    def __init__(self, store: TokenStore, config: OAuthConfig, granted: Any) -> None:
        self.store = store
        self.config = config
        self._granted = granted  # () -> frozenset[str]

    async def __call__(self, request: Request) -> JSONResponse:
        try:
            params = dict(request.query_params)
            if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
                params.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
            self._check_client(request, params)
            body = self._grant(params)
        except OAuthError as exc:
            return exc.response()
        body["api_url"] = self.config.api_url or f"{request.url.scheme}://{request.url.netloc}"
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    def _check_client(self, request: Request, params: dict[str, str]) -> None:
        header = request.headers.get("authorization", "")
        client_id = client_secret = None
        if header.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise OAuthError(401, 4702, "invalid_client", "Invalid client_id or client_secret") from exc
            client_id, _, client_secret = decoded.partition(":")
        if not client_id:
            raise OAuthError(400, 4706, "invalid_request", "Client ID or client secret is missing")
        if client_id != self.config.client_id or client_secret != self.config.client_secret:
            raise OAuthError(401, 4702, "invalid_client", "Invalid client_id or client_secret")
        if not params.get("grant_type"):
            raise OAuthError(400, 4706, "invalid_request", "Grant type is missing")

    def _grant(self, params: dict[str, str]) -> dict[str, Any]:
        grant = params["grant_type"]
        now = self.store.clock.now()
        if grant == "account_credentials":
            if params.get("account_id") != self.config.account_id:
                raise OAuthError(400, 4702, "invalid_request", "Invalid account_id")
            return self._token_body(self.config.owner_id, self._granted(), grant, refresh=False)
        if grant == "authorization_code":
            code = self.store.codes.pop(params.get("code", ""), None)
            if code is None:
                raise OAuthError(400, 4734, "invalid_grant", "Invalid authorization code")
            if code.expires_at is not None and now > code.expires_at:
                raise OAuthError(400, 4733, "invalid_grant", "Authorization code has expired")
            return self._token_body(code.user_id, code.scopes, grant, refresh=True)
        if grant == "refresh_token":
            # Rotation: the presented token is retired whatever happens next.
            old = self.store.refresh_tokens.pop(params.get("refresh_token", ""), None)
            if old is None:
                raise OAuthError(400, 4737, "invalid_grant", "Invalid Token!")
            return self._token_body(old.user_id, old.scopes, grant, refresh=True)
        raise OAuthError(400, 4705, "unsupported_grant_type", "Unsupported grant type")

    def _token_body(self, user_id: str, scopes: frozenset[str], grant: str, *, refresh: bool) -> dict[str, Any]:
        token = self.store.issue(user_id, scopes, grant)
        body: dict[str, Any] = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": self.store.ttl,
            "scope": " ".join(sorted(scopes)),
        }
        if refresh:
            body["refresh_token"] = self.store.new_refresh_token(user_id, scopes)
        return body
