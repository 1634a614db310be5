"""`zoom-mcp login` / `logout` end to end: a real process, the sandbox on a port, a test acting as the browser."""

from __future__ import annotations

import stat
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from tests.loopback import served, user_app_env, zoom_mcp
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.oauth import pkce_challenge

pytestmark = pytest.mark.timeout(90)
USER_SCOPES = "user:read chat_channel:read chat_message:read mail:read"


def sign_in_url(process: subprocess.Popen[str]) -> str:
    """The URL `login --no-browser` prints (read from its stderr, as a user would)."""
    assert process.stderr is not None
    for line in process.stderr:
        if line.strip().startswith("http"):
            return line.strip()
    raise AssertionError(f"no sign-in URL printed; exit {process.wait()}")


def token_file(home: Path, user: str = "me") -> Path:
    return home / ".config" / "zoom-mcp" / "tokens" / "sandbox-client" / f"{user}.json"


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.options: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "input" and named.get("type") == "hidden":
            self.fields[named["name"] or ""] = named.get("value") or ""
        if tag == "option":
            self.options.append(named.get("value") or "")


def test_login_with_pkce_then_the_server_uses_the_tokens_then_logout_revokes(tmp_path: Path) -> None:
    sandbox = Sandbox(scopes=USER_SCOPES, auto_approve=True)
    with served(sandbox) as base:
        env = user_app_env(sandbox, base, tmp_path)
        process = zoom_mcp("login", "--no-browser", "--port", "0", env=env)
        url = sign_in_url(process)
        query = parse_qs(urlsplit(url).query)
        assert query["code_challenge_method"] == ["S256"] and len(query["state"][0]) >= 32
        assert urlsplit(query["redirect_uri"][0]).hostname == "127.0.0.1"
        # The browser: the sandbox approves and redirects to the loopback callback.
        page = httpx2.get(url, follow_redirects=True, timeout=10)
        assert page.status_code == 200 and "Signed in" in page.text
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "Signed in as Avery Chen <avery.chen@northwind.example>." in out
        assert "Granted scopes (4): chat_channel:read chat_message:read mail:read user:read" in out
        saved = token_file(tmp_path)
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert str(saved) in out

        # The server finds the login without ZOOM_REFRESH_TOKEN.
        call = zoom_mcp("call", "chat_list_channels", '{"page_size": 2}', env=env)
        listed, problem = call.communicate(timeout=60)
        assert call.returncode == 0, problem
        assert "channels" in listed

        out_logout = subprocess.run(zoom_mcp_argv("logout"), env=env, capture_output=True, text=True, timeout=60)
        assert out_logout.returncode == 0, out_logout.stderr
        assert "Signed out avery.chen@northwind.example" in out_logout.stdout
        assert not saved.exists()
        assert not sandbox.tokens.refresh_tokens  # the grant is revoked at the sandbox Zoom
        assert all(token.revoked for token in sandbox.tokens.tokens.values())


def zoom_mcp_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "zoom_mcp", *args]


def test_the_consent_page_signs_in_the_chosen_user(tmp_path: Path) -> None:
    sandbox = Sandbox(scopes=USER_SCOPES)
    with served(sandbox) as base, httpx2.Client(timeout=10) as browser:
        process = zoom_mcp("login", "--no-browser", "--port", "0", env=user_app_env(sandbox, base, tmp_path))
        consent = browser.get(sign_in_url(process))
        assert consent.status_code == 200 and "Sign in as" in consent.text
        form = _Form()
        form.feed(consent.text)
        assert len(form.options) == len(sandbox.state.users)
        chosen = sandbox.state.users[1]
        answer = browser.post(f"{base}/oauth/authorize", data={**form.fields, "user": chosen.id, "action": "approve"})
        assert answer.status_code == 302
        assert browser.get(answer.headers["location"]).status_code == 200
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"<{chosen.email}>" in out


@pytest.mark.parametrize(("action", "expected"), [("deny", "the sign-in was declined"), ("forged", "state")])
def test_a_declined_or_forged_redirect_saves_nothing(tmp_path: Path, action: str, expected: str) -> None:
    sandbox = Sandbox(scopes=USER_SCOPES)
    with served(sandbox) as base, httpx2.Client(timeout=10) as browser:
        process = zoom_mcp("login", "--no-browser", "--port", "0", env=user_app_env(sandbox, base, tmp_path))
        url = sign_in_url(process)
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        if action == "deny":
            form = _Form()
            form.feed(browser.get(url).text)
            answer = browser.post(f"{base}/oauth/authorize", data={**form.fields, "action": "deny"})
            assert "error=access_denied" in answer.headers["location"]
            browser.get(answer.headers["location"])
        else:
            # Another page sending the browser to the callback with its own code: the state does not match.
            assert browser.get(f"{redirect}?code=stolen&state=guess").status_code == 400
        _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert expected in err and "nothing was saved" in err
    assert not token_file(tmp_path).exists()


def test_signing_in_as_another_user_than_configured_is_refused(tmp_path: Path) -> None:
    sandbox = Sandbox(scopes=USER_SCOPES, auto_approve=True)
    with served(sandbox) as base:
        env = user_app_env(sandbox, base, tmp_path, ZOOM_MCP_DEFAULT_USER="ryan.patel@northwind.example")
        process = zoom_mcp("login", "--no-browser", "--port", "0", env=env)
        httpx2.get(sign_in_url(process), follow_redirects=True, timeout=10)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "signed in as avery.chen@northwind.example, but ZOOM_MCP_DEFAULT_USER is ryan.patel" in err
    assert not list(tmp_path.rglob("*.json"))
    assert not sandbox.tokens.refresh_tokens  # the unwanted grant was revoked


def test_login_refuses_a_server_to_server_app_and_missing_credentials(tmp_path: Path) -> None:
    sandbox = Sandbox()
    env = user_app_env(sandbox, "http://127.0.0.1:9", tmp_path, ZOOM_ACCOUNT_ID="acct")
    done = subprocess.run(zoom_mcp_argv("login", "--no-browser"), env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "zoom-mcp: ZOOM_ACCOUNT_ID is set: that is a server-to-server app, which needs no login. "
        "Unset it to sign in to a General app."
    ]
    bad = subprocess.run(
        zoom_mcp_argv("login", "--redirect-uri", "https://example.com/cb"), env=env, capture_output=True, text=True
    )
    assert bad.returncode == 1 and "--redirect-uri must be http://127.0.0.1:PORT" in bad.stderr


# ---- the sandbox's side: PKCE, redirect URI, revocation ----------------------------------------


@pytest.mark.anyio
async def test_the_token_endpoint_verifies_pkce_and_the_redirect_uri() -> None:
    sandbox = Sandbox()
    verifier = "v" * 50
    owner = sandbox.state.owner_id
    scopes = sandbox.granted_scopes
    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox.zoom.test") as http:

        async def exchange(**form: str) -> httpx2.Response:
            return await http.post(
                "/oauth/token",
                data={"grant_type": "authorization_code", **form},
                auth=("sandbox-client", "sandbox-secret"),
            )

        def code() -> str:
            return sandbox.tokens.issue_code(
                owner, scopes, redirect_uri="http://127.0.0.1:1/cb", challenge=pkce_challenge(verifier)
            )

        missing = await exchange(code=code(), redirect_uri="http://127.0.0.1:1/cb")
        wrong = await exchange(code=code(), redirect_uri="http://127.0.0.1:1/cb", code_verifier="w" * 50)
        elsewhere = await exchange(code=code(), redirect_uri="http://127.0.0.1:2/cb", code_verifier=verifier)
        right = await exchange(code=code(), redirect_uri="http://127.0.0.1:1/cb", code_verifier=verifier)
    assert (missing.status_code, missing.json()["reason"]) == (400, "code_verifier is missing")
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    assert elsewhere.json()["code"] == 4709
    assert right.status_code == 200 and right.json()["refresh_token"]


def test_pkce_challenge_is_rfc_7636_s256() -> None:
    # RFC 7636 appendix B.
    assert (
        pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_the_authorize_page_refuses_an_unknown_client_or_redirect() -> None:
    sandbox = Sandbox(redirect_uris=("http://127.0.0.1:8976/oauth/callback",))
    with served(sandbox) as base:
        good = {
            "response_type": "code",
            "client_id": "sandbox-client",
            "redirect_uri": "http://127.0.0.1:8976/oauth/callback",
        }
        assert httpx2.get(f"{base}/oauth/authorize", params=good).status_code == 200
        for change in ({"client_id": "other"}, {"redirect_uri": "http://127.0.0.1:1/x"}, {"response_type": "token"}):
            refused = httpx2.get(f"{base}/oauth/authorize", params={**good, **change})
            assert refused.status_code == 400 and "location" not in refused.headers


# ---- logout without a login, and when Zoom does not confirm -------------------------------------


@pytest.mark.anyio
async def test_logout_without_a_login_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zoom_mcp.config import Settings
    from zoom_mcp.serving.login import logout

    settings = Settings(client_id="sandbox-client", client_secret="sandbox-secret", token_file=tmp_path / "t.json")
    assert await logout(settings, transport=Sandbox().transport()) == 0
    assert "Not signed in: there is no token file at" in capsys.readouterr().out


@pytest.mark.anyio
async def test_logout_deletes_the_file_even_when_zoom_does_not_confirm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from zoom_mcp.config import Settings
    from zoom_mcp.engine.auth import write_token_file
    from zoom_mcp.serving.login import logout

    path = tmp_path / "t.json"
    write_token_file(path, {"refresh_token": "some-refresh-token", "user": "avery.chen@northwind.example"})
    # Wrong client secret: the sandbox refuses the revocation (invalid_client).
    settings = Settings(
        client_id="sandbox-client",
        client_secret="not-the-secret",
        token_file=path,
        oauth_base_url="http://sandbox.zoom.test",
    )
    assert await logout(settings, transport=Sandbox().transport()) == 1
    out = capsys.readouterr().out
    assert "did not confirm the revocation (Invalid client_id or client_secret)" in out
    assert not path.exists()
