"""The authorization server MCP clients talk to: the SDK's provider protocol, backed by ``Store``.

The SDK's routes (``mcp.server.auth``) do the protocol: metadata, registration, authorize
parameter checks, PKCE S256 verification, redirect URI matching, code expiry, client
authentication and the OAuth error answers. This provider keeps the state and adds what is ours:

* ``authorize`` sends the user to Zoom to sign in (``zoom_signin``); ``ZoomCallback`` is where
  Zoom sends them back, and where our own authorization code is minted for the MCP client.
* Tokens are bound to this server's resource (RFC 8707): a ``resource`` naming anything else is
  refused at authorize (here) and at the token endpoint (``ResourceGuard``).
* Codes and refresh tokens are single-use, taken atomically, so two instances racing with the
  same one cannot both succeed, and the loser changes nothing.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx2
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zoom_mcp.config import Settings
from zoom_mcp.remote import zoom_signin
from zoom_mcp.remote.consent import CONSENT_PATH, EXPIRED, came_through_consent, page
from zoom_mcp.remote.store import SignIn, Store, new_secret
from zoom_mcp.serving.login import LoginError

log = logging.getLogger("zoom_mcp.remote")

CALLBACK_PATH = "/oauth/zoom/callback"
TOKEN_PATH = "/token"
CODE_TTL = 300.0  # our authorization codes, like Zoom's, live 5 minutes
SIGN_IN_TTL = 600.0  # time to finish signing in at Zoom
ACCESS_TTL = 3600
REFRESH_TTL = 90 * 24 * 3600


class Grant(RefreshToken):
    grant_id: str


class GrantAccess(AccessToken):
    grant_id: str


def same_resource(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


class ZoomOAuthProvider:
    """``OAuthAuthorizationServerProvider`` for remote mode."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        client: httpx2.AsyncClient,
        *,
        public_url: str,
        resource: str,
        allowed_accounts: frozenset[str] | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.settings = settings
        self.client = client
        self.public_url = public_url.rstrip("/")
        self.resource = resource
        # None: any account (only when configured as "*").
        self.allowed_accounts = allowed_accounts
        self.clock = clock

    @property
    def callback_url(self) -> str:
        return self.public_url + CALLBACK_PATH

    # Clients ----------------------------------------------------------------------------------

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return await self.store.client(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        await self.store.save_client(client_info)

    # Authorize: off to Zoom -------------------------------------------------------------------

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        if params.resource is not None and not same_resource(params.resource, self.resource):
            raise AuthorizeError("invalid_target", f"this server issues tokens only for {self.resource}")
        verifier, _challenge = zoom_signin.pkce_pair()
        state = new_secret()
        sign_in = SignIn(client.client_id, params.model_dump(mode="json"), verifier)
        await self.store.begin_sign_in(state, sign_in, SIGN_IN_TTL)
        # The user first says which client they let in (consent.py), then signs in at Zoom.
        return f"{self.public_url}{CONSENT_PATH}?{urlencode({'request': state})}"

    # Codes ------------------------------------------------------------------------------------

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> AuthorizationCode | None:
        data = await self.store.code(authorization_code)
        if data is None or data.get("client_id") != client.client_id:
            return None
        return AuthorizationCode(code=authorization_code, **data)

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        if not await self.store.take_code(authorization_code.code):
            raise TokenError("invalid_grant", "authorization code was already used")
        assert authorization_code.subject is not None
        async with self.store.db.transaction() as tx:
            grant_id = await self.store.create_grant(
                client.client_id, authorization_code.subject, authorization_code.scopes, authorization_code.resource, tx
            )
            return await self._issue(grant_id, authorization_code.scopes, tx)

    # Refresh, with rotation -------------------------------------------------------------------

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> Grant | None:
        issued = await self.store.token(refresh_token, "refresh")
        if issued is None or issued.client_id != client.client_id:
            return None
        return Grant(
            token=refresh_token,
            client_id=issued.client_id,
            scopes=issued.scopes,
            expires_at=int(issued.expires_at) if issued.expires_at else None,
            resource=issued.resource,
            subject=issued.user_id,
            grant_id=issued.grant_id,
        )

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: Grant, scopes: list[str]
    ) -> OAuthToken:
        issued: OAuthToken | None = None
        async with self.store.db.transaction() as tx:
            # The loser of two concurrent refreshes with one token gets invalid_grant; the grant
            # stays, and the winner's new tokens work.
            if await self.store.take_token(refresh_token.token, "refresh", tx):
                issued = await self._issue(refresh_token.grant_id, scopes, tx)
        if issued is None:
            # Raised out here: the SDK's errors are frozen dataclasses, which a context manager
            # that re-raises (setting __traceback__) would turn into a FrozenInstanceError.
            raise TokenError("invalid_grant", "refresh token was already used")
        return issued

    async def _issue(self, grant_id: str, scopes: list[str], tx: Any) -> OAuthToken:
        access, refresh = new_secret(), new_secret()
        now = self.clock()
        await self.store.add_token(access, "access", grant_id, now + ACCESS_TTL, tx)
        await self.store.add_token(refresh, "refresh", grant_id, now + REFRESH_TTL, tx)
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            expires_in=ACCESS_TTL,
            scope=" ".join(scopes) or None,
            refresh_token=refresh,
        )

    # Access tokens and revocation -------------------------------------------------------------

    async def load_access_token(self, token: str) -> GrantAccess | None:
        issued = await self.store.token(token, "access")
        if issued is None or (issued.expires_at is not None and issued.expires_at < self.clock()):
            return None
        return GrantAccess(
            token=token,
            client_id=issued.client_id,
            scopes=issued.scopes,
            expires_at=int(issued.expires_at) if issued.expires_at else None,
            resource=issued.resource or self.resource,
            subject=issued.user_id,
            grant_id=issued.grant_id,
        )

    async def revoke_token(self, token: GrantAccess | Grant) -> None:
        # The whole grant: its access and refresh tokens (RFC 7009 §2.1 allows, the SDK asks for it).
        await self.store.revoke_grant(token.grant_id)

    # Zoom's redirect back ---------------------------------------------------------------------

    async def zoom_callback(self, request: Request) -> Response:
        query = request.query_params
        state = query.get("state", "")
        if not came_through_consent(request, state):
            # Not the browser that approved this client (or no approval at all): nothing is used up.
            return page(
                400, "Sign-in not approved here", "<p>Open the sign-in from your MCP client in this browser.</p>"
            )
        sign_in = await self.store.take_sign_in(state)
        if sign_in is None:
            return page(400, "Sign-in expired", f"<p>{html.escape(EXPIRED)}</p>")
        params = AuthorizationParams.model_validate(sign_in.params)

        def back(**answer: str | None) -> RedirectResponse:
            target = construct_redirect_uri(str(params.redirect_uri), state=params.state, **answer)
            return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-store"})

        if query.get("error") or not query.get("code"):
            return back(error="access_denied", error_description="the Zoom sign-in was declined")
        try:
            payload = await zoom_signin.exchange_code(
                self.client, self.settings, query["code"], self.callback_url, sign_in.verifier
            )
        except LoginError as exc:
            log.warning("Zoom sign-in failed: %s", exc)
            return back(error="server_error", error_description="Zoom did not accept the sign-in")
        record = zoom_signin.token_record(payload, self.settings, self.clock())
        who = await zoom_signin.who_signed_in(self.client, self.settings, record)
        refusal = self._refusal(who)
        if refusal is not None:
            await zoom_signin.revoke(self.client, self.settings, record["refresh_token"])
            log.warning("Zoom sign-in refused: %s", refusal)
            return back(error="access_denied", error_description=refusal)
        assert who is not None
        await self.store.save_zoom_user(who.user_id, who.account_id, who.email, record)
        code = new_secret()
        data = AuthorizationCode(
            code=code,
            scopes=params.scopes or [],
            expires_at=self.clock() + CODE_TTL,
            client_id=sign_in.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource or self.resource,
            subject=who.user_id,
        ).model_dump(mode="json", exclude={"code"})
        await self.store.save_code(code, sign_in.client_id, who.user_id, data, data["expires_at"])
        await self.store.prune()  # each sign-in sweeps what has expired since
        log.info("signed in %s (account %s)", who.email, who.account_id)
        return back(code=code)

    def _refusal(self, who: zoom_signin.ZoomIdentity | None) -> str | None:
        if who is None:
            return "Zoom did not say who signed in: the Zoom app needs the user:read:user scope"
        if self.allowed_accounts is not None and who.account_id not in self.allowed_accounts:
            return f"users of Zoom account {who.account_id} may not sign in to this server"
        return None


class ResourceGuard:
    """The token endpoint refuses a ``resource`` (RFC 8707) other than this server, before the SDK sees it.

    The SDK's token handler reads the indicator but does not hand it to the provider, so the
    check sits in front of it; the buffered body is passed on unchanged.
    """

    def __init__(self, app: ASGIApp, resource: str, path: str = TOKEN_PATH) -> None:
        self.app = app
        self.resource = resource
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        foreign = [
            value
            for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True)
            if name == "resource" and not same_resource(value, self.resource)
        ]
        if foreign:
            answer = {
                "error": "invalid_target",
                "error_description": f"this server issues tokens only for {self.resource}",
            }
            response = JSONResponse(answer, status_code=400, headers={"Cache-Control": "no-store"})
            await response(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
