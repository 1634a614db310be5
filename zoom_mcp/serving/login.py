"""``zoom-mcp login`` and ``logout``: sign a user in to a General (user-managed) Zoom app.

Login is OAuth's authorization code flow with PKCE (S256) and ``state``: a one-shot HTTP server
on 127.0.0.1 receives the redirect, the code is exchanged at the token endpoint (HTTP Basic,
form body, the ``code_verifier``), and the tokens go to the token file (0600, written
atomically under the same lock refreshes take), so the server finds them with no
``ZOOM_REFRESH_TOKEN`` to copy. Zoom apps register exact redirect URLs, so the port and the
redirect URI are options. Logout revokes the grant at Zoom and deletes the file.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import sys
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio

from zoom_mcp.config import Settings

if TYPE_CHECKING:
    import httpx2

DEFAULT_PORT = 8976
CALLBACK_PATH = "/oauth/callback"
LOGIN_TIMEOUT = 300.0
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
AUTHORIZE_PATH = "/oauth/authorize"
REVOKE_PATH = "/oauth/revoke"
DONE_PAGE = (
    "<!doctype html><html><head><meta charset=utf-8><title>zoom-mcp</title></head>"
    "<body><h1>{title}</h1><p>{text}</p></body></html>"
)


class LoginError(Exception):
    """Login or logout cannot go on; the message says what to change."""


# Command line ---------------------------------------------------------------------------------


def add_login_commands(commands: Any, formatter: type[argparse.HelpFormatter]) -> None:
    """Add ``login`` and ``logout`` to the ``zoom-mcp`` subcommands."""
    login = commands.add_parser(
        "login",
        help="sign in to a General (user-managed) Zoom app; keeps the tokens in the token file",
        formatter_class=formatter,
        epilog=(
            "needs ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET of a General app whose redirect URLs include\n"
            f"http://127.0.0.1:{DEFAULT_PORT}{CALLBACK_PATH} (or pass the one you registered with --redirect-uri)."
        ),
    )
    # Its own dest: "port" is the serve-level flag, which login does not take.
    login.add_argument(
        "--port", dest="login_port", type=int, help=f"loopback port for the redirect (default {DEFAULT_PORT}; 0: any)"
    )
    login.add_argument(
        "--redirect-uri", help=f"redirect URL as registered in the app (default http://127.0.0.1:PORT{CALLBACK_PATH})"
    )
    login.add_argument("--no-browser", action="store_true", help="print the sign-in URL instead of opening it")
    login.add_argument(
        "--timeout", type=float, default=LOGIN_TIMEOUT, help=f"seconds to wait (default {LOGIN_TIMEOUT:.0f})"
    )
    logout_help = "revoke the saved login at Zoom and delete the token file"
    commands.add_parser("logout", help=logout_help, formatter_class=formatter)


def cmd_login(ns: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
        redirect = Redirect.from_options(ns.login_port, ns.redirect_uri)
        return anyio.run(login, settings, redirect, not ns.no_browser, ns.timeout)
    except LoginError as exc:
        print(f"zoom-mcp: {exc}", file=sys.stderr)
        return 1


def cmd_logout(ns: argparse.Namespace) -> int:
    try:
        return anyio.run(logout, Settings.from_env())
    except LoginError as exc:
        print(f"zoom-mcp: {exc}", file=sys.stderr)
        return 1


LOGIN_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"login": cmd_login, "logout": cmd_logout}


# The redirect ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """Where Zoom sends the browser back to: always a port on 127.0.0.1 (``port`` 0: the OS picks)."""

    port: int
    path: str = CALLBACK_PATH
    host: str = "127.0.0.1"

    @classmethod
    def from_options(cls, port: int | None, redirect_uri: str | None) -> Redirect:
        if redirect_uri is None:
            return cls(DEFAULT_PORT if port is None else port)
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK_NAMES or parts.port is None:
            raise LoginError(
                f"--redirect-uri must be http://127.0.0.1:PORT/... or http://localhost:PORT/..., not {redirect_uri}"
            )
        if port is not None and port != parts.port:
            raise LoginError(f"--port {port} and --redirect-uri port {parts.port} differ: give one of them")
        return cls(parts.port, parts.path or "/", parts.hostname or "127.0.0.1")

    def uri(self, port: int) -> str:
        return f"http://{self.host}:{port}{self.path}"


@dataclass
class _Callback:
    """What the browser brought back to the loopback server."""

    params: dict[str, str] = field(default_factory=dict)
    arrived: threading.Event = field(default_factory=threading.Event)


class _CallbackServer:
    """A one-shot HTTP server on 127.0.0.1 that takes the OAuth redirect."""

    def __init__(self, redirect: Redirect, state: str) -> None:
        import http.server  # only a sign-in runs a server; the CLI imports this module to parse flags

        self.callback = _Callback()
        callback, path = self.callback, redirect.path

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != path or callback.arrived.is_set():
                    self._answer(404, "Not found", "This is zoom-mcp's sign-in callback.")
                    return
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                if not secrets.compare_digest(params.get("state", ""), state):
                    params = {"error": "state_mismatch"}
                callback.params = params
                callback.arrived.set()
                if "code" in params:
                    self._answer(200, "Signed in", "zoom-mcp has the authorization; you can close this window.")
                else:
                    self._answer(400, "Sign-in failed", "Return to the terminal to see why.")

            def _answer(self, status: int, title: str, text: str) -> None:
                body = DONE_PAGE.format(title=title, text=text).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: the request line carries the authorization code."""

        try:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", redirect.port), Handler)
        except OSError as exc:
            raise LoginError(
                f"cannot listen on 127.0.0.1:{redirect.port} ({exc.strerror or exc}): pass --port N "
                "and add that redirect URL to the Zoom app"
            ) from None
        self.port: int = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="zoom-mcp-login", daemon=True)

    def __enter__(self) -> _CallbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    async def wait(self, timeout: float) -> dict[str, str]:
        arrived = await anyio.to_thread.run_sync(self.callback.arrived.wait, timeout, abandon_on_cancel=True)
        if not arrived:
            raise LoginError(f"no sign-in within {timeout:.0f} s; run `zoom-mcp login` again")
        return self.callback.params


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier (RFC 7636: 43-128 characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# Login ----------------------------------------------------------------------------------------


def _require_user_app(settings: Settings) -> str:
    if not settings.client_id or not settings.client_secret:
        raise LoginError("set ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET of a General (user-managed) Zoom app first")
    if settings.account_id:
        raise LoginError(
            "ZOOM_ACCOUNT_ID is set: that is a server-to-server app, which needs no login. "
            "Unset it to sign in to a General app."
        )
    return settings.client_id


async def login(
    settings: Settings,
    redirect: Redirect,
    open_browser: bool = True,
    timeout: float = LOGIN_TIMEOUT,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> int:
    """Run the whole sign-in; prints who signed in and the granted scopes. The exit code."""
    import webbrowser

    from zoom_mcp.engine.auth import token_file_for
    from zoom_mcp.engine.http import build_client

    client_id = _require_user_app(settings)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    oauth = settings.oauth_base_url.rstrip("/")
    with _CallbackServer(redirect, state) as server:
        redirect_uri = redirect.uri(server.port)
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        url = f"{oauth}{AUTHORIZE_PATH}?{urlencode(query)}"
        opened = open_browser and webbrowser.open(url)
        lead = "If no browser opened, open" if opened else "Open"
        print(f"{lead} this URL to sign in to Zoom:\n\n  {url}\n", file=sys.stderr)
        print(f"Waiting for the redirect to {redirect_uri} ...", file=sys.stderr, flush=True)
        params = await server.wait(timeout)
    if params.get("error"):
        reason = {"access_denied": "the sign-in was declined", "state_mismatch": "the redirect's state did not match"}
        raise LoginError(f"login failed: {reason.get(params['error'], params['error'])}; nothing was saved")
    async with build_client(settings, transport) as client:
        payload = await _exchange(client, settings, params.get("code", ""), redirect_uri, verifier)
        who = await _who(client, settings, payload)
        path = token_file_for(settings)
        expected = settings.default_user
        if who and expected and expected != "me" and expected.lower() not in (who["email"].lower(), who["id"].lower()):
            await _revoke(client, settings, payload["refresh_token"])
            raise LoginError(
                f"signed in as {who['email']}, but ZOOM_MCP_DEFAULT_USER is {expected}: sign in as {expected}, "
                "or change ZOOM_MCP_DEFAULT_USER (each account keeps its own token file); nothing was saved"
            )
    await _save(path, payload, who, client_id)
    _report(settings, path, payload, who)
    return 0


async def _exchange(
    client: httpx2.AsyncClient, settings: Settings, code: str, redirect_uri: str, verifier: str
) -> dict[str, Any]:
    from zoom_mcp.engine.redact import SECRETS

    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    payload, status = await _post(client, settings, "/oauth/token", form)
    if status != 200 or not isinstance(payload.get("access_token"), str):
        reason = payload.get("reason") or payload.get("message") or payload.get("error") or f"HTTP {status}"
        raise LoginError(f"Zoom refused the authorization code ({reason}); check ZOOM_CLIENT_SECRET and try again")
    if not isinstance(payload.get("refresh_token"), str):
        raise LoginError("Zoom's answer has no refresh token: is this a General (user-managed) app?")
    SECRETS.add(payload["access_token"], payload["refresh_token"])
    return payload


async def _post(
    client: httpx2.AsyncClient, settings: Settings, path: str, form: dict[str, str]
) -> tuple[dict[str, Any], int]:
    import httpx2

    url = settings.oauth_base_url.rstrip("/") + path
    try:
        response = await client.post(url, data=form, auth=(settings.client_id or "", settings.client_secret or ""))
    except httpx2.TransportError as exc:
        raise LoginError(f"{url} did not answer ({type(exc).__name__})") from None
    try:
        payload = response.json()
    except ValueError:
        payload = {}
    return (payload if isinstance(payload, dict) else {}), response.status_code


async def _who(client: httpx2.AsyncClient, settings: Settings, payload: dict[str, Any]) -> dict[str, str] | None:
    """Who signed in: Zoom's "Get a user" for ``me``, else the mailbox profile; None when neither answers."""
    import httpx2

    from zoom_mcp.engine.auth import api_base_from

    base = api_base_from(payload.get("api_url"), settings) or settings.api_base_url.rstrip("/")
    headers = {"Authorization": f"Bearer {payload['access_token']}"}
    for path in ("/users/me", "/emails/mailboxes/me/profile"):
        try:
            response = await client.get(base + path, headers=headers)
            data = response.json() if response.is_success else None
        except (httpx2.TransportError, ValueError):
            continue
        if isinstance(data, dict):
            email = str(data.get("email") or data.get("emailAddress") or "")
            parts = [data.get("first_name"), data.get("last_name")]
            name = str(data.get("display_name") or " ".join(str(p) for p in parts if p))
            if email:
                return {"email": email, "id": str(data.get("id") or email), "name": name}
    return None


async def _save(path: Path, payload: dict[str, Any], who: dict[str, str] | None, client_id: str) -> None:
    import time

    from zoom_mcp.engine.auth import token_file_lock, token_record, write_token_file

    record = token_record(payload, payload["refresh_token"], None, time.time())
    record["client_id"] = client_id
    if who:
        record["user"] = who["email"]
    async with token_file_lock(path):
        write_token_file(path, record)


def _report(settings: Settings, path: Path, payload: dict[str, Any], who: dict[str, str] | None) -> None:
    if who:
        name = f"{who['name']} <{who['email']}>" if who["name"] else who["email"]
        print(f"Signed in as {name}.")
    else:
        print("Signed in (Zoom did not say who: the app has neither a user-read nor a mail scope).")
    scopes = sorted(str(payload.get("scope") or "").split())
    listed = " ".join(scopes) if scopes else "none reported"
    print(textwrap.fill(listed, width=100, initial_indent=f"Granted scopes ({len(scopes)}): ", subsequent_indent="  "))
    print(f"Tokens saved to {path} (mode 0600); zoom-mcp renews them from there.")
    if settings.refresh_token:
        print("Note: ZOOM_REFRESH_TOKEN is set and wins over this login; remove it from your client's config.")


# Logout ---------------------------------------------------------------------------------------


async def logout(settings: Settings, *, transport: httpx2.AsyncBaseTransport | None = None) -> int:
    from zoom_mcp.engine.auth import read_token_file, token_file_for, token_file_lock
    from zoom_mcp.engine.http import build_client

    _require_user_app(settings)
    path = token_file_for(settings)
    async with token_file_lock(path):
        record = read_token_file(path)
        if record is None:
            print(f"Not signed in: there is no token file at {path}.")
            return 0
        token = record.get("refresh_token") or record.get("access_token")
        problem = None
        if isinstance(token, str) and token:
            async with build_client(settings, transport) as client:
                try:
                    problem = await _revoke(client, settings, token)
                except LoginError as exc:
                    problem = str(exc)
        path.unlink(missing_ok=True)
    who = f" {record['user']}" if isinstance(record.get("user"), str) else ""
    if problem:
        print(f"Deleted {path}, but Zoom did not confirm the revocation ({problem}).")
        print("Remove the app under Zoom App Marketplace > Manage > Added Apps to be sure.")
        return 1
    print(f"Signed out{who}: the grant is revoked at Zoom and {path} is deleted.")
    return 0


async def _revoke(client: httpx2.AsyncClient, settings: Settings, token: str) -> str | None:
    """Revoke ``token``'s grant at Zoom; None on success, else what Zoom said."""
    payload, status = await _post(client, settings, REVOKE_PATH, {"token": token})
    if status == 200:
        return None
    reason = str(payload.get("reason") or payload.get("message") or f"HTTP {status}")
    # A token Zoom no longer knows is as good as revoked.
    return None if "invalid token" in reason.lower() else reason
