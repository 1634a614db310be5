"""The consent step between an MCP client's authorize request and the Zoom sign-in.

This server signs everyone in with one Zoom app, while MCP clients register themselves freely, so
it must ask the user which client they are letting in before sending them to Zoom (MCP security
best practices, "confused deputy"): otherwise a link made by someone else's client would hand that
client a code for whoever clicks it, once Zoom remembers the user's approval. The page names the
client and where its code will go; its form is protected by a double-submit CSRF cookie and can
not be framed; approving binds the sign-in to this browser with a cookie that Zoom's redirect back
must bring (``ZoomOAuthProvider.zoom_callback``).
"""

from __future__ import annotations

import hmac
import html
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from mcp.server.auth.provider import AuthorizationParams, construct_redirect_uri
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from zoom_mcp.remote import zoom_signin
from zoom_mcp.remote.store import digest, new_secret

if TYPE_CHECKING:
    from zoom_mcp.remote.provider import ZoomOAuthProvider

CONSENT_PATH = "/oauth/consent"
CSRF_COOKIE = "zoom_mcp_csrf"
SIGN_IN_COOKIE = "zoom_mcp_sign_in"
# Never framed (clickjacking), never cached, no referrer leaking the request id.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'; default-src 'none'; style-src 'unsafe-inline'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}
EXPIRED = "This sign-in has expired or was already used. Start again from your MCP client."


def page(status: int, title: str, body: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    text = (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:40em;margin:3em auto'><h1>{html.escape(title)}</h1>"
        f"{body}</body></html>"
    )
    return HTMLResponse(text, status_code=status, headers={**PAGE_HEADERS, **(headers or {})})


class Consent:
    def __init__(self, provider: ZoomOAuthProvider) -> None:
        self.provider = provider
        self.secure = provider.public_url.startswith("https://")

    def _cookie(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(name, value, max_age=600, httponly=True, samesite="lax", secure=self.secure, path="/")

    async def handle(self, request: Request) -> Response:
        if request.method == "POST":
            return await self._answer(request)
        state = request.query_params.get("request", "")
        sign_in = await self.provider.store.peek_sign_in(state)
        if sign_in is None:
            return page(400, "Sign-in expired", f"<p>{html.escape(EXPIRED)}</p>")
        client = await self.provider.store.client(sign_in.client_id)
        params = AuthorizationParams.model_validate(sign_in.params)
        name = (client.client_name if client else None) or sign_in.client_id
        target = urlsplit(str(params.redirect_uri))
        csrf = new_secret()
        body = (
            f"<p><b>{html.escape(name)}</b> asks to use Zoom Team Chat and Zoom Mail as you, through this "
            "server: read and send your chat messages and mail, within what your Zoom sign-in allows.</p>"
            f"<p>Access goes to <code>{html.escape(f'{target.scheme}://{target.netloc}')}</code>. "
            "Allow it only if you started this from that app just now.</p>"
            f"<form method=post action={CONSENT_PATH}>"
            f"<input type=hidden name=request value='{html.escape(state, quote=True)}'>"
            f"<input type=hidden name=csrf value='{csrf}'>"
            "<button name=action value=allow id=allow>Allow and sign in with Zoom</button> "
            "<button name=action value=deny id=deny>Deny</button></form>"
        )
        # The form may lead only here and, through the redirect, to Zoom's sign-in.
        zoom = urlsplit(self.provider.settings.oauth_base_url)
        policy = f"{PAGE_HEADERS['Content-Security-Policy']}; form-action 'self' {zoom.scheme}://{zoom.netloc}"
        response = page(200, "Allow access to Zoom?", body, {"Content-Security-Policy": policy})
        self._cookie(response, CSRF_COOKIE, csrf)
        return response

    async def _answer(self, request: Request) -> Response:
        form = await request.form()
        state, csrf = str(form.get("request", "")), str(form.get("csrf", ""))
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if not csrf or not hmac.compare_digest(csrf, cookie):
            return page(403, "Not allowed", "<p>This form was not sent from the consent page. Start again.</p>")
        if form.get("action") != "allow":
            sign_in = await self.provider.store.take_sign_in(state)
            if sign_in is None:
                return page(400, "Sign-in expired", f"<p>{html.escape(EXPIRED)}</p>")
            params = AuthorizationParams.model_validate(sign_in.params)
            denied = construct_redirect_uri(
                str(params.redirect_uri),
                error="access_denied",
                error_description="the user denied access",
                state=params.state,
            )
            return RedirectResponse(denied, status_code=303, headers={"Cache-Control": "no-store"})
        sign_in = await self.provider.store.peek_sign_in(state)
        if sign_in is None:
            return page(400, "Sign-in expired", f"<p>{html.escape(EXPIRED)}</p>")
        target = zoom_signin.authorize_url(
            self.provider.settings, self.provider.callback_url, state, zoom_signin.challenge_of(sign_in.verifier)
        )
        response = RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
        self._cookie(response, SIGN_IN_COOKIE, digest(state))
        response.delete_cookie(CSRF_COOKIE, path="/")
        return response


def came_through_consent(request: Request, state: str) -> bool:
    """Whether Zoom's redirect back comes to the browser that approved this sign-in."""
    return hmac.compare_digest(request.cookies.get(SIGN_IN_COOKIE, ""), digest(state))
