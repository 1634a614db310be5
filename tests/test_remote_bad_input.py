"""Bad input on every auth endpoint gets the right OAuth error and changes nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx2
import pytest

from tests.remote_parts import CLIENT_REDIRECT, as_user, browse, instances, server_env
from zoom_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio
TABLES = ("oauth_clients", "sign_ins", "auth_codes", "grants", "tokens", "zoom_users")


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Flow:
    """A hand-driven OAuth client against one remote server, with a view of its database."""

    def __init__(self, public: str, database: Path) -> None:
        self.public = public
        self.database = database
        self.http = httpx2.AsyncClient(base_url=public)
        self.client: dict[str, Any] = {}

    def counts(self) -> dict[str, int]:
        with sqlite3.connect(self.database) as db:
            return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}

    async def register(self, **metadata: Any) -> httpx2.Response:
        body = {"redirect_uris": [CLIENT_REDIRECT], "client_name": "flow", **metadata}
        response = await self.http.post("/register", json=body)
        if response.status_code == 201:
            self.client = response.json()
        return response

    def authorize_query(self, challenge: str, **overrides: str | None) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client["client_id"],
            "redirect_uri": CLIENT_REDIRECT,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "s1",
            "resource": f"{self.public}/mcp",
            **overrides,
        }
        return urlencode({k: v for k, v in query.items() if v is not None})

    async def code(self, challenge: str) -> str:
        answer = await browse(f"{self.public}/authorize?{self.authorize_query(challenge)}")
        assert answer.get("state") == "s1" and "code" in answer, answer
        return answer["code"]

    async def token(self, **form: str | None) -> httpx2.Response:
        base = {"client_id": self.client["client_id"], "client_secret": self.client.get("client_secret")}
        return await self.http.post("/token", data={k: v for k, v in {**base, **form}.items() if v is not None})

    def exchange(self, code: str, verifier: str, /, **overrides: str | None) -> dict[str, str | None]:
        return {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": CLIENT_REDIRECT,
            "resource": f"{self.public}/mcp",
            **overrides,
        }


def oauth_error(response: httpx2.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]


def redirected_error(response: httpx2.Response) -> str:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(CLIENT_REDIRECT)
    return dict(parse_qsl(urlsplit(location).query))["error"]


async def test_bad_input_on_every_endpoint_is_refused_and_changes_nothing(
    zoom: tuple[Sandbox, str], tmp_path: Path
) -> None:
    sandbox, sandbox_url = zoom
    database = tmp_path / "remote.db"
    as_user(sandbox_url, "bruno.alvarez@northwind.example")
    with instances(server_env(sandbox, sandbox_url, str(database))) as (public, _):
        flow = Flow(public, database)
        tried = 0

        # Registration (RFC 7591): a redirect URI that is no URL.
        before = flow.counts()
        bad = await flow.http.post("/register", json={"redirect_uris": ["not a url"], "client_name": "x"})
        assert oauth_error(bad) == (400, "invalid_client_metadata")
        assert flow.counts() == before
        tried += 1
        assert (await flow.register()).status_code == 201
        verifier, challenge = pkce()

        # Authorize: each refused without starting a sign-in.
        before = flow.counts()
        for overrides, expected in (
            ({"redirect_uri": "http://127.0.0.1:9/elsewhere"}, "invalid_request"),
            ({"client_id": "no-such-client"}, "invalid_request"),
        ):
            # A redirect URI or client that cannot be trusted is answered, never redirected to.
            answer = await flow.http.get(f"/authorize?{flow.authorize_query(challenge, **overrides)}")
            assert oauth_error(answer) == (400, expected)
            tried += 1
        for overrides, expected in (
            ({"resource": "https://other.example/mcp"}, "invalid_target"),
            ({"code_challenge_method": "plain"}, "invalid_request"),
            ({"code_challenge": None}, "invalid_request"),
            ({"response_type": "token"}, "unsupported_response_type"),
        ):
            answer = await flow.http.get(f"/authorize?{flow.authorize_query(challenge, **overrides)}")
            assert redirected_error(answer) == expected, overrides
            tried += 1
        assert flow.counts() == before

        # Zoom's redirect back with a state we never issued.
        forged = await flow.http.get("/oauth/zoom/callback", params={"code": "x", "state": "forged"})
        assert forged.status_code == 400 and "Open the sign-in from your MCP client in this browser" in forged.text
        tried += 1

        # Token endpoint: every bad exchange leaves the code usable by its rightful owner.
        code = await flow.code(challenge)
        before = flow.counts()
        for overrides, expected in (
            ({"code_verifier": pkce()[0]}, (400, "invalid_grant")),
            ({"redirect_uri": "http://127.0.0.1:9/elsewhere"}, (400, "invalid_request")),
            ({"resource": "https://other.example/mcp"}, (400, "invalid_target")),
            ({"client_secret": "wrong"}, (401, "invalid_client")),
            ({"code": "no-such-code"}, (400, "invalid_grant")),
            ({"grant_type": "password"}, (400, "invalid_request")),
        ):
            answer = await flow.token(**flow.exchange(code, verifier, **overrides))
            assert oauth_error(answer) == expected, overrides
            tried += 1
        assert flow.counts() == before
        good = await flow.token(**flow.exchange(code, verifier))
        assert good.status_code == 200, good.text
        tokens = good.json()

        # The code is single-use.
        before = flow.counts()
        reused = await flow.token(**flow.exchange(code, verifier))
        assert oauth_error(reused) == (400, "invalid_grant")
        tried += 1

        # An expired code: its five minutes are over (the stored expiry moved into the past).
        late_verifier, late_challenge = pkce()
        late = await flow.code(late_challenge)
        with sqlite3.connect(database) as db:
            for key, data in db.execute("SELECT code_hash, data FROM auth_codes").fetchall():
                past = {**json.loads(data), "expires_at": time.time() - 1}
                db.execute(
                    "UPDATE auth_codes SET data = ?, expires_at = ? WHERE code_hash = ?",
                    (json.dumps(past), past["expires_at"], key),
                )
        before = flow.counts()
        expired = await flow.token(**flow.exchange(late, late_verifier))
        assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"
        tried += 1
        assert flow.counts() == before

        # Refresh: another client's refresh token, a made-up one, a foreign resource.
        other = Flow(public, database)
        await other.register()
        before = flow.counts()
        for client, form, expected in (
            (other, {"refresh_token": tokens["refresh_token"]}, (400, "invalid_grant")),
            (flow, {"refresh_token": "made-up"}, (400, "invalid_grant")),
            (
                flow,
                {"refresh_token": tokens["refresh_token"], "resource": "https://x.example/mcp"},
                (400, "invalid_target"),
            ),
            (flow, {"refresh_token": tokens["refresh_token"], "scope": "admin"}, (400, "invalid_scope")),
        ):
            answer = await client.token(grant_type="refresh_token", **form)
            assert oauth_error(answer) == expected, form
            tried += 1
        assert flow.counts() == before

        # Revocation of a token that does not exist is a success that changes nothing (RFC 7009 §2.2).
        revoke = await flow.http.post("/revoke", data={"token": "made-up", **_creds(flow)})
        assert revoke.status_code == 200
        assert flow.counts() == before
        tried += 1
        # Another client's token is, to this client, a token that does not exist: nothing is revoked.
        foreign = await flow.http.post("/revoke", data={"token": tokens["access_token"], **_creds(other)})
        assert foreign.status_code == 200
        assert flow.counts() == before
        tried += 1

        # The grant survived every bad attempt: its refresh token still works, once.
        refreshed = await flow.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        assert tried >= 20
        await flow.http.aclose()
        await other.http.aclose()


def _creds(flow: Flow) -> dict[str, str]:
    return {"client_id": flow.client["client_id"], "client_secret": flow.client.get("client_secret", "")}


async def test_users_of_other_accounts_cannot_sign_in(zoom: tuple[Sandbox, str], tmp_path: Path) -> None:
    sandbox, sandbox_url = zoom
    database = tmp_path / "remote.db"
    env = server_env(sandbox, sandbox_url, str(database), ZOOM_MCP_ALLOWED_ACCOUNTS="another-account")
    as_user(sandbox_url, "bruno.alvarez@northwind.example")
    with instances(env) as (public, _):
        flow = Flow(public, database)
        await flow.register()
        _verifier, challenge = pkce()
        answer = await browse(f"{public}/authorize?{flow.authorize_query(challenge)}")
        assert answer["error"] == "access_denied" and "code" not in answer
        assert "sandbox-account may not sign in" in answer["error_description"]
        assert flow.counts()["zoom_users"] == 0 and flow.counts()["auth_codes"] == 0
        # The Zoom grant made for the refused user was revoked at Zoom.
        assert not sandbox.tokens.refresh_tokens
        await flow.http.aclose()


async def test_consent_is_asked_for_each_client_and_bound_to_the_browser(
    zoom: tuple[Sandbox, str], tmp_path: Path
) -> None:
    sandbox, sandbox_url = zoom
    database = tmp_path / "remote.db"
    as_user(sandbox_url, "bruno.alvarez@northwind.example")
    with instances(server_env(sandbox, sandbox_url, str(database))) as (public, _):
        flow = Flow(public, database)
        await flow.register(client_name="Evil <b>Helper</b>")
        _verifier, challenge = pkce()
        start = await flow.http.get(f"/authorize?{flow.authorize_query(challenge)}")
        assert start.status_code == 302 and start.headers["location"].startswith(f"{public}/oauth/consent?")
        # The page names the client (escaped) and where its access goes, and cannot be framed.
        async with httpx2.AsyncClient() as browser:
            shown = await browser.get(start.headers["location"])
            assert "Evil &lt;b&gt;Helper&lt;/b&gt;" in shown.text and "http://127.0.0.1:9" in shown.text
            assert shown.headers["x-frame-options"] == "DENY"
            request = dict(parse_qsl(urlsplit(start.headers["location"]).query))["request"]
            # A form posted from elsewhere (no CSRF cookie) is refused and uses nothing up.
            before = flow.counts()
        async with httpx2.AsyncClient() as elsewhere:
            forged = await elsewhere.post(
                f"{public}/oauth/consent", data={"request": request, "csrf": "guess", "action": "allow"}
            )
            assert forged.status_code == 403
            assert flow.counts() == before
            # Zoom's redirect back reaching a browser that never approved: refused, nothing used up.
            stray = await elsewhere.get(f"{public}/oauth/zoom/callback", params={"code": "x", "state": request})
            assert stray.status_code == 400
            assert flow.counts() == before
        # Denying sends the client access_denied and ends the sign-in.
        denied = await browse(f"{public}/authorize?{flow.authorize_query(challenge)}", consent="deny")
        assert denied["error"] == "access_denied" and denied["state"] == "s1"
        assert flow.counts()["auth_codes"] == 0 and flow.counts()["zoom_users"] == 0
        await flow.http.aclose()
