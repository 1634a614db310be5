"""Zoom's OAuth endpoints and the bearer tokens they issue.

``POST /oauth/token`` serves the grants the server uses: ``account_credentials`` (server-to-
server), ``authorization_code`` (codes from ``/oauth/authorize`` or ``Sandbox.issue_auth_code``,
with PKCE when the code was issued with a challenge) and ``refresh_token`` with rotation (each
refresh returns a new refresh token and retires the old one). Client authentication is HTTP
Basic, as Zoom requires.

``GET /oauth/authorize`` shows a small consent page (pick the user to sign in as; approve or
deny) and redirects to the ``redirect_uri`` with ``code`` and ``state``; with auto-approve on it
redirects at once, so a test can follow the redirect like a browser. ``POST /oauth/revoke``
revokes an authorization: the access and refresh tokens of that grant all stop working.

Error bodies: zoom-api.md lists the codes (4700-4741) but not the JSON shape. Zoom's endpoint
is known to answer ``{"reason": ..., "error": ...}``; the sandbox sends that together with the
REST-style ``code``/``message`` so a client keyed on either shape sees the error.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from zoom_mcp.sandbox.clock import Clock

if TYPE_CHECKING:
    from zoom_mcp.sandbox.core import Sandbox
    from zoom_mcp.sandbox.routing import User

AUTH_CODE_TTL = 300  # Zoom authorization codes live 5 minutes (error 4733 after).
PKCE_METHODS = ("S256", "plain")


@dataclass
class AccessToken:
    value: str
    user_id: str
    scopes: frozenset[str]
    expires_at: float
    grant: str
    revoked: bool = False
    chain: str | None = None  # the authorization it belongs to (user OAuth); None for S2S and direct tokens


@dataclass
class _Grant:
    """What a refresh token or authorization code stands for."""

    user_id: str
    scopes: frozenset[str]
    expires_at: float | None = None
    chain: str = field(default_factory=lambda: secrets.token_hex(8))
    redirect_uri: str | None = None
    challenge: str | None = None
    challenge_method: str = "S256"


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
    revoked_chains: set[str] = field(default_factory=set)

    def issue(self, user_id: str, scopes: frozenset[str], grant: str, chain: str | None = None) -> AccessToken:
        # Zoom's tokens look like JWTs; clients must treat them as opaque, so a prefix is enough.
        value = "eyJzYW5kYm94IjoxfQ." + secrets.token_urlsafe(32)
        token = AccessToken(value, user_id, scopes, self.clock.now() + self.ttl, grant, chain=chain)
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

    def new_refresh_token(self, user_id: str, scopes: frozenset[str], chain: str | None = None) -> str:
        value = secrets.token_urlsafe(48)
        grant = _Grant(user_id, scopes)
        if chain is not None:
            grant.chain = chain
        self.refresh_tokens[value] = grant
        return value

    def issue_code(
        self,
        user_id: str,
        scopes: frozenset[str],
        *,
        redirect_uri: str | None = None,
        challenge: str | None = None,
        challenge_method: str = "S256",
    ) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = _Grant(
            user_id,
            scopes,
            self.clock.now() + AUTH_CODE_TTL,
            redirect_uri=redirect_uri,
            challenge=challenge,
            challenge_method=challenge_method,
        )
        return code

    def refreshes(self) -> int:
        """How many refresh-token grants were served (each one a rotation)."""
        return sum(1 for token in self.tokens.values() if token.grant == "refresh_token")

    def revoke_chain(self, value: str) -> bool:
        """Revoke the authorization a refresh or access token belongs to; False when none matches."""
        grant = self.refresh_tokens.get(value)
        access = self.tokens.get(value)
        chain = grant.chain if grant is not None else access.chain if access is not None else None
        if chain is None:
            if access is None:
                return False
            access.revoked = True  # an S2S or direct token: only itself
            return True
        self.revoked_chains.add(chain)
        for token_value in [v for v, g in self.refresh_tokens.items() if g.chain == chain]:
            del self.refresh_tokens[token_value]
        for token in self.tokens.values():
            if token.chain == chain:
                token.revoked = True
        return True


@dataclass
class OAuthConfig:
    client_id: str
    client_secret: str
    account_id: str
    owner_id: str
    api_url: str | None = None  # None: derived from the request's host


def pkce_challenge(verifier: str, method: str = "S256") -> str:
    """RFC 7636: the challenge a verifier answers (S256: base64url of its SHA-256, no padding)."""
    if method == "plain":
        return verifier
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_client(request: Request, config: OAuthConfig) -> None:
    """HTTP Basic client authentication, as Zoom's token and revoke endpoints require."""
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
    if client_id != config.client_id or client_secret != config.client_secret:
        raise OAuthError(401, 4702, "invalid_client", "Invalid client_id or client_secret")


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
        params.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
    return params


class TokenEndpoint:
    """The ``POST /oauth/token`` handler; scopes are read at request time so they can change."""

    def __init__(self, store: TokenStore, config: OAuthConfig, granted: Callable[[], frozenset[str]]) -> None:
        self.store = store
        self.config = config
        self._granted = granted

    async def __call__(self, request: Request) -> JSONResponse:
        try:
            params = await _params(request)
            check_client(request, self.config)
            if not params.get("grant_type"):
                raise OAuthError(400, 4706, "invalid_request", "Grant type is missing")
            body = self._grant(params)
        except OAuthError as exc:
            return exc.response()
        body["api_url"] = self.config.api_url or f"{request.url.scheme}://{request.url.netloc}"
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    def _grant(self, params: dict[str, str]) -> dict[str, Any]:
        grant = params["grant_type"]
        if grant == "account_credentials":
            if params.get("account_id") != self.config.account_id:
                raise OAuthError(400, 4702, "invalid_request", "Invalid account_id")
            return self._token_body(self.config.owner_id, self._granted(), grant, chain=None)
        if grant == "authorization_code":
            code = self._redeem(params)
            return self._token_body(code.user_id, code.scopes, grant, chain=code.chain)
        if grant == "refresh_token":
            # Rotation: the presented token is retired whatever happens next.
            old = self.store.refresh_tokens.pop(params.get("refresh_token", ""), None)
            if old is None:
                raise OAuthError(400, 4737, "invalid_grant", "Invalid Token!")
            return self._token_body(old.user_id, old.scopes, grant, chain=old.chain)
        raise OAuthError(400, 4705, "unsupported_grant_type", "Unsupported grant type")

    def _redeem(self, params: dict[str, str]) -> _Grant:
        # A code is single-use: popped before any check, so a failed exchange cannot be retried.
        code = self.store.codes.pop(params.get("code", ""), None)
        if code is None:
            raise OAuthError(400, 4734, "invalid_grant", "Invalid authorization code")
        if code.expires_at is not None and self.store.clock.now() > code.expires_at:
            raise OAuthError(400, 4733, "invalid_grant", "Authorization code has expired")
        if code.redirect_uri is not None and params.get("redirect_uri") != code.redirect_uri:
            raise OAuthError(400, 4709, "invalid_request", "Redirect URI mismatch")
        if code.challenge is not None:
            verifier = params.get("code_verifier", "")
            if not verifier:
                raise OAuthError(400, 4700, "invalid_request", "code_verifier is missing")
            answer = pkce_challenge(verifier, code.challenge_method)
            if not secrets.compare_digest(answer, code.challenge):
                raise OAuthError(400, 4734, "invalid_grant", "Invalid code_verifier")
        return code

    def _token_body(self, user_id: str, scopes: frozenset[str], grant: str, *, chain: str | None) -> dict[str, Any]:
        token = self.store.issue(user_id, scopes, grant, chain=chain)
        body: dict[str, Any] = {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": self.store.ttl,
            "scope": " ".join(sorted(scopes)),
        }
        if chain is not None:
            body["refresh_token"] = self.store.new_refresh_token(user_id, scopes, chain)
        return body


class RevokeEndpoint:
    """``POST /oauth/revoke?token=…`` with Basic auth: ``{"status": "success"}``."""

    def __init__(self, store: TokenStore, config: OAuthConfig) -> None:
        self.store = store
        self.config = config

    async def __call__(self, request: Request) -> JSONResponse:
        try:
            params = await _params(request)
            check_client(request, self.config)
            token = params.get("token", "")
            if not token:
                raise OAuthError(400, 4700, "invalid_request", "Token cannot be empty")
            if not self.store.revoke_chain(token):
                raise OAuthError(400, 4737, "invalid_grant", "Invalid Token!")
        except OAuthError as exc:
            return exc.response()
        return JSONResponse({"status": "success"})


@dataclass
class ConsentSettings:
    """How ``/oauth/authorize`` answers: a page to click through, or an immediate redirect."""

    auto_approve: bool = False
    auto_user: str | None = None  # who auto-approve signs in as (None: the account owner)
    redirect_uris: tuple[str, ...] | None = None  # the app's allow-list; None accepts any


class AuthorizeEndpoint:
    """``GET /oauth/authorize`` (consent page, or redirect when auto-approving) and its form ``POST``."""

    FIELDS = ("response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method")

    def __init__(
        self,
        store: TokenStore,
        config: OAuthConfig,
        consent: ConsentSettings,
        users: Callable[[], list[User]],
        granted: Callable[[], frozenset[str]],
        find_user: Callable[[str], User | None],
    ) -> None:
        self.store = store
        self.config = config
        self.consent = consent
        self._users = users
        self._granted = granted
        self._find_user = find_user

    async def __call__(self, request: Request) -> Response:
        params = await _params(request)
        problem = self._problem(params)
        if problem is not None:
            # Like Zoom: a bad client or redirect URI is shown, never redirected to.
            return HTMLResponse(_page("Cannot authorize", f"<p>{html.escape(problem)}</p>"), status_code=400)
        if request.method == "POST":
            if params.get("action") != "approve":
                return self._redirect(params, {"error": "access_denied"})
            user = self._find_user(params.get("user", ""))
            if user is None:
                return HTMLResponse(_page("Cannot authorize", "<p>Unknown user.</p>"), status_code=400)
            return self._approve(params, user.id)
        if self.consent.auto_approve:
            who = self._find_user(self.consent.auto_user) if self.consent.auto_user else None
            return self._approve(params, who.id if who else self.config.owner_id)
        return HTMLResponse(self._consent_page(params))

    def _problem(self, params: dict[str, str]) -> str | None:
        if params.get("response_type") != "code":
            return "response_type must be code."
        if params.get("client_id") != self.config.client_id:
            return "Invalid client_id."
        redirect = params.get("redirect_uri", "")
        if urlsplit(redirect).scheme not in ("http", "https"):
            return "redirect_uri is missing or not an http(s) URL."
        allowed = self.consent.redirect_uris
        if allowed is not None and redirect not in allowed:
            return "Redirect URI mismatch (4709): add it to the app's allow list."
        method = params.get("code_challenge_method") or "plain"
        if params.get("code_challenge") and method not in PKCE_METHODS:
            return "code_challenge_method must be S256 or plain."
        return None

    def _approve(self, params: dict[str, str], user_id: str) -> Response:
        challenge = params.get("code_challenge") or None
        code = self.store.issue_code(
            user_id,
            self._granted(),
            redirect_uri=params["redirect_uri"],
            challenge=challenge,
            challenge_method=params.get("code_challenge_method") or "plain",
        )
        return self._redirect(params, {"code": code})

    def _redirect(self, params: dict[str, str], answer: dict[str, str]) -> RedirectResponse:
        if params.get("state"):
            answer["state"] = params["state"]
        target = params["redirect_uri"]
        separator = "&" if urlsplit(target).query else "?"
        return RedirectResponse(target + separator + urlencode(answer), status_code=302)

    def _consent_page(self, params: dict[str, str]) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params[name])}">'
            for name in self.FIELDS
            if params.get(name)
        )
        options = "".join(
            f'<option value="{html.escape(u.id)}"{" selected" if u.id == self.config.owner_id else ""}>'
            f"{html.escape(u.display_name)} &lt;{html.escape(u.email)}&gt;</option>"
            for u in self._users()
        )
        scopes = "".join(f"<li><code>{html.escape(s)}</code></li>" for s in sorted(self._granted()))
        body = (
            f"<p>The app <code>{html.escape(self.config.client_id)}</code> asks to act as you in Team Chat and Mail."
            f"</p><form method=post action=/oauth/authorize>{hidden}"
            f"<label>Sign in as <select name=user id=user>{options}</select></label> "
            "<button name=action value=approve id=approve>Allow</button> "
            "<button name=action value=deny id=deny>Decline</button></form>"
            f"<details><summary>Scopes</summary><ul>{scopes}</ul></details>"
        )
        return _page("Sandbox Zoom: authorize app", body)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def user_profile(user: User) -> dict[str, Any]:
    """``GET /v2/users/me``: the fields of Zoom's "Get a user" answer a client shows first."""
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "email": user.email,
        "account_id": user.account_id,
        "type": 2,
        "status": "active",
    }


# Zoom's "Get a user" accepts the classic, profile and granular user-read scopes.
USER_READ_SCOPES = frozenset({"user:read", "user:read:admin", "user_profile", "user:read:user", "user:read:user:admin"})


def oauth_routes(sandbox: Sandbox) -> list[Route]:
    """The OAuth routes beside the token endpoint, the user lookup ``login`` makes, and the consent switch."""
    authorize = AuthorizeEndpoint(
        sandbox.tokens,
        sandbox.token_endpoint.config,
        sandbox.consent,
        lambda: sandbox.state.users,
        lambda: sandbox.granted_scopes,
        sandbox.state.find,
    )
    revoke = RevokeEndpoint(sandbox.tokens, sandbox.token_endpoint.config)

    async def users_me(request: Request) -> JSONResponse:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        token = sandbox.tokens.lookup(value.strip()) if scheme.lower() == "bearer" else None
        user = sandbox.state.find(token.user_id) if token is not None else None
        if token is None or user is None:
            return JSONResponse({"code": 124, "message": "Invalid access token."}, status_code=401)
        if not token.scopes & USER_READ_SCOPES:
            listed = ", ".join(sorted(USER_READ_SCOPES))
            message = f"Invalid access token, does not contain scopes:[{listed}]."
            return JSONResponse({"code": 4711, "message": message}, status_code=sandbox.scope_error_status)
        return JSONResponse(user_profile(user))

    async def consent(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": 'send {"auto_approve": true, "user": "email or id"}'}, status_code=400)
        if "auto_approve" in body:
            sandbox.consent.auto_approve = bool(body["auto_approve"])
        if "user" in body:
            sandbox.consent.auto_user = body["user"] or None
        return JSONResponse({"auto_approve": sandbox.consent.auto_approve, "user": sandbox.consent.auto_user})

    return [
        Route("/oauth/authorize", authorize.__call__, methods=["GET", "POST"]),
        Route("/oauth/revoke", revoke.__call__, methods=["POST"]),
        Route("/v2/users/me", users_me, methods=["GET"]),
        Route("/_sandbox/oauth", consent, methods=["POST"]),
    ]
