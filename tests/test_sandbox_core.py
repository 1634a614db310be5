"""The sandbox's own contract, over HTTP: OAuth, tokens, scopes, ``me``, errors, faults, limits."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx2
import pytest

from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.handlers import is_mail
from zoom_mcp.tools import ALL_TOOLS

BASE = "http://sandbox.zoom.test"
CREDS = ("sandbox-client", "sandbox-secret")
S2S = {"grant_type": "account_credentials", "account_id": "sandbox-account"}
CHANNELS = "/v2/chat/users/me/channels"

pytestmark = pytest.mark.anyio


@pytest.fixture
def box() -> Sandbox:
    return Sandbox()


@pytest.fixture
async def http(box: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as client:
        yield client


async def s2s_token(http: httpx2.AsyncClient) -> str:
    response = await http.post("/oauth/token", data=S2S, auth=CREDS)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def get(http: httpx2.AsyncClient, token: str, path: str, **params: Any) -> httpx2.Response:
    return await http.get(path, headers=bearer(token), params=params)


# ---- OAuth


async def test_account_credentials_token_shape(http: httpx2.AsyncClient, box: Sandbox) -> None:
    response = await http.post("/oauth/token", params=S2S, auth=CREDS)  # query string works too
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["api_url"] == BASE
    assert "refresh_token" not in body
    granted = set(body["scope"].split(" "))
    assert {"chat_message:read", "team_chat:read:list_user_messages:admin"} <= granted
    assert response.headers["x-zm-trackingid"]


async def test_bad_client_and_wrong_account(http: httpx2.AsyncClient) -> None:
    response = await http.post("/oauth/token", data=S2S, auth=("sandbox-client", "wrong"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["code"] == 4702
    missing = await http.post("/oauth/token", data=S2S)
    assert missing.status_code == 400 and missing.json()["code"] == 4706
    wrong_account = await http.post("/oauth/token", data={**S2S, "account_id": "other"}, auth=CREDS)
    assert wrong_account.status_code == 400
    unsupported = await http.post("/oauth/token", data={"grant_type": "password"}, auth=CREDS)
    assert unsupported.json()["code"] == 4705


async def test_authorization_code_then_refresh_rotation(http: httpx2.AsyncClient, box: Sandbox) -> None:
    code = box.issue_auth_code(user="bruno.alvarez@northwind.example", scopes="chat_message:read")
    first = await http.post(
        "/oauth/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": "x"}, auth=CREDS
    )
    assert first.status_code == 200
    assert first.json()["scope"] == "chat_message:read"
    reused = await http.post("/oauth/token", data={"grant_type": "authorization_code", "code": code}, auth=CREDS)
    assert reused.json()["code"] == 4734  # codes are single use

    old_refresh = first.json()["refresh_token"]
    second = await http.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": old_refresh}, auth=CREDS
    )
    assert second.status_code == 200
    new_refresh = second.json()["refresh_token"]
    assert new_refresh != old_refresh
    stale = await http.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": old_refresh}, auth=CREDS
    )
    assert stale.status_code == 400
    assert stale.json()["reason"] == "Invalid Token!"
    third = await http.post(
        "/oauth/token", data={"grant_type": "refresh_token", "refresh_token": new_refresh}, auth=CREDS
    )
    assert third.status_code == 200

    # The user grant's "me" is Bruno, not the account owner.
    sessions = await get(http, third.json()["access_token"], "/v2/chat/users/me/sessions", type="1:1")
    names = {s["name"] for s in sessions.json()["sessions"]}
    assert "Avery Chen" in names


async def test_expired_code_is_4733(http: httpx2.AsyncClient, box: Sandbox) -> None:
    code = box.issue_auth_code()
    box.advance_clock(301)
    response = await http.post("/oauth/token", data={"grant_type": "authorization_code", "code": code}, auth=CREDS)
    assert response.json()["code"] == 4733


# ---- tokens on API calls


async def test_token_errors_are_code_124(http: httpx2.AsyncClient, box: Sandbox) -> None:
    unknown = await get(http, "nope", CHANNELS)
    assert unknown.status_code == 401
    assert unknown.json() == {"code": 124, "message": "Invalid access token."}
    token = await s2s_token(http)
    in_query = await http.get(CHANNELS, params={"access_token": token})
    assert in_query.status_code == 401
    assert "not supported as query parameter string" in in_query.json()["message"]
    assert (await get(http, token, CHANNELS)).status_code == 200
    box.advance_clock(3601)
    expired = await get(http, token, CHANNELS)
    assert expired.status_code == 401 and expired.json()["code"] == 124


async def test_revoked_token_and_switchable_status(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    assert box.revoke_tokens() >= 1
    assert (await get(http, token, CHANNELS)).status_code == 401
    box.token_error_status = 400
    response = await get(http, token, CHANNELS)
    assert response.status_code == 400 and response.json()["code"] == 124


async def test_short_token_ttl() -> None:
    box = Sandbox(token_ttl=1)
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        token = await s2s_token(http)
        box.advance_clock(1.5)
        assert (await get(http, token, CHANNELS)).json()["code"] == 124


# ---- scopes


async def test_missing_scope_lists_accepted_scopes(box: Sandbox, http: httpx2.AsyncClient) -> None:
    box.set_scopes("chat_channel:read")
    token = await s2s_token(http)
    response = await get(http, token, "/v2/chat/users/me/messages", to_contact="bruno.alvarez@northwind.example")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 4711
    assert body["message"].startswith("Invalid access token, does not contain scopes:[chat_message:read")
    assert "team_chat:read:list_user_messages" in body["message"]
    assert (await get(http, token, CHANNELS)).status_code == 200


@pytest.mark.parametrize(
    "scope", ["team_chat:read:list_user_messages", "chat_message:read:admin", "chat_message:write"]
)
async def test_granular_admin_and_classic_scopes_accepted(scope: str) -> None:
    box = Sandbox(scopes=scope)
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        token = await s2s_token(http)
        response = await get(http, token, "/v2/chat/users/me/messages", to_contact="bruno.alvarez@northwind.example")
        assert response.status_code == 200, response.text


async def test_scope_error_status_is_switchable() -> None:
    box = Sandbox(scopes="chat_channel:read", scope_error_status=401)
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        token = await s2s_token(http)
        response = await get(http, token, "/v2/chat/users/me/sessions")
        assert response.status_code == 401 and response.json()["code"] == 4711


async def test_other_users_data_needs_an_admin_scope() -> None:
    box = Sandbox(scopes="chat_message:read")
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        token = await s2s_token(http)
        own = await get(http, token, "/v2/chat/users/avery.chen@northwind.example/sessions")
        assert own.status_code == 200
        other = await get(http, token, "/v2/chat/users/bruno.alvarez@northwind.example/sessions")
        assert other.json()["code"] == 4711
        assert "chat_message:read:admin" in other.json()["message"]


# ---- users, bodies, headers


async def test_me_resolves_to_the_owner_and_unknown_user_is_1001(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    owner = box.state.owner
    assert owner.email == "avery.chen@northwind.example"
    by_me = (await get(http, token, CHANNELS)).json()
    by_email = (await get(http, token, f"/v2/chat/users/{owner.email}/channels")).json()
    by_id = (await get(http, token, f"/v2/chat/users/{owner.id}/channels")).json()
    assert by_me["channels"] == by_email["channels"] == by_id["channels"]
    unknown = await get(http, token, "/v2/chat/users/ghost@northwind.example/channels")
    assert unknown.status_code == 404
    assert unknown.json() == {"code": 1001, "message": "User does not exist: ghost@northwind.example."}


async def test_owner_is_configurable() -> None:
    box = Sandbox(owner="emi.tanaka@northwind.example")
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        token = await s2s_token(http)
        names = {c["name"] for c in (await get(http, token, CHANNELS)).json()["channels"]}
        assert "random" in names


async def test_bad_json_is_code_300(http: httpx2.AsyncClient) -> None:
    token = await s2s_token(http)
    response = await http.post(
        "/v2/chat/users/me/messages",
        content=b'{"message": ',
        headers={**bearer(token), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == 300


async def test_unknown_route_is_zoom_shaped(http: httpx2.AsyncClient) -> None:
    response = await http.get("/v2/no/such/thing")
    assert response.status_code == 404
    assert response.json()["code"] == 404
    assert response.headers["x-zm-trackingid"]


async def test_requests_are_recorded(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    await get(http, token, CHANNELS)
    assert ("GET", CHANNELS, 200) in box.requests
    assert ("POST", "/oauth/token", 200) in box.requests


def test_every_catalog_endpoint_has_a_handler(box: Sandbox) -> None:
    assert box.missing_handlers == []
    chat = [spec for spec in ALL_TOOLS if not is_mail(spec)]
    assert chat, "the catalog has Team Chat tools"
    assert all(box.handlers.bind(spec) is not None for spec in chat)
    if box.handlers.mail_installed:
        assert all(box.handlers.bind(spec) is not None for spec in ALL_TOOLS)


def test_settings_env(box: Sandbox) -> None:
    env = box.settings_env()
    assert env["ZOOM_API_BASE_URL"] == f"{BASE}/v2"
    assert env["ZOOM_FILE_BASE_URL"] == "http://file.sandbox.zoom.test/v2"
    assert env["ZOOM_OAUTH_BASE_URL"] == BASE
    assert env["ZOOM_ACCOUNT_ID"] == "sandbox-account"
    assert set(env["ZOOM_MCP_TRUSTED_HOSTS"].split(",")) == {
        "sandbox.zoom.test",
        "file.sandbox.zoom.test",
        "file2.sandbox.zoom.test",
    }
    local = box.settings_env("http://127.0.0.1:9000")
    assert local["ZOOM_FILE_BASE_URL"] == "http://127.0.0.1:9000/v2"


# ---- faults


async def test_fault_fires_n_times_then_clears(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    box.faults.add("error_503", endpoint="GET /chat/users/{userId}/channels", times=2)
    statuses = [(await get(http, token, CHANNELS)).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert box.faults.active() == []


async def test_fault_matching_by_path_and_method(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    box.faults.add("error_500", endpoint="/channels", method="POST", times=None)
    assert (await get(http, token, CHANNELS)).status_code == 200
    response = await http.post(CHANNELS, json={"name": "x", "type": 1}, headers=bearer(token))
    assert response.status_code == 500
    assert len(box.faults.active()) == 1
    box.faults.clear()
    response = await http.post(CHANNELS, json={"name": "x", "type": 1}, headers=bearer(token))
    assert response.status_code == 201


async def test_rate_limit_and_daily_limit_faults(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    box.faults.add("rate_limit")
    qps = await get(http, token, CHANNELS)
    assert qps.status_code == 429
    assert qps.json()["code"] == 429
    assert qps.headers["X-RateLimit-Type"] == "QPS"
    assert qps.headers["X-RateLimit-Category"] == "Medium"
    assert qps.headers["Retry-After"] == "1"
    box.faults.add("daily_limit")
    daily = await get(http, token, CHANNELS)
    assert daily.headers["X-RateLimit-Type"] == "Daily-limit"
    reset = datetime.strptime(daily.headers["Retry-After"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert reset.hour == reset.minute == 0 and reset > box.clock.now_dt()
    assert "daily rate limit" in daily.json()["message"]


async def test_bad_json_and_token_expired_faults(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    box.faults.add("bad_json")
    broken = await get(http, token, CHANNELS)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    box.faults.add("token_expired")
    expired = await get(http, token, CHANNELS)
    assert expired.status_code == 401 and expired.json()["code"] == 124
    assert (await get(http, token, CHANNELS)).json()["code"] == 124  # revoked for good
    assert (await get(http, await s2s_token(http), CHANNELS)).status_code == 200


async def test_slow_after_processes_the_request_first(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    box.faults.add("slow_after", endpoint="POST /chat/users/{userId}/channels", delay=5.0)
    # In-process transports enforce no timeouts, so the client's deadline is a cancel scope here.
    with anyio.move_on_after(0.2) as scope:
        await http.post(CHANNELS, json={"name": "timed-out", "type": 1}, headers=bearer(token))
    assert scope.cancelled_caught
    names = [c.name for c in box.state.chat.channels.values()]
    assert "timed-out" in names  # it went through although the client saw a timeout


async def test_slow_delays_before_answering(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    box.faults.add("slow", delay=0.2)
    started = time.monotonic()
    assert (await get(http, token, CHANNELS)).status_code == 200
    assert time.monotonic() - started >= 0.2


async def test_global_faults_spare_the_token_endpoint(http: httpx2.AsyncClient, box: Sandbox) -> None:
    box.faults.add("error_500", times=None)
    assert (await http.post("/oauth/token", data=S2S, auth=CREDS)).status_code == 200
    box.faults.clear()
    box.faults.add("error_503", endpoint="/oauth/token")
    assert (await http.post("/oauth/token", data=S2S, auth=CREDS)).status_code == 503


def test_unknown_fault_kind_is_rejected(box: Sandbox) -> None:
    with pytest.raises(ValueError):
        box.faults.add("meteor")


# ---- rate limits


async def test_per_second_rate_limit_by_label() -> None:
    box = Sandbox(rate_limits=True, rate_quotas={"medium": 3})
    box.clock.freeze()  # all four requests fall in one second however busy the machine is
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        token = await s2s_token(http)
        statuses = [(await get(http, token, CHANNELS)).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        box.advance_clock(1.0)  # the next second has a fresh quota
        assert (await get(http, token, CHANNELS)).status_code == 200
        box.rate_limiter.retry_after = False
        for _ in range(3):
            await get(http, token, CHANNELS)
        limited = await get(http, token, CHANNELS)
        assert limited.status_code == 429 and "Retry-After" not in limited.headers


# ---- control routes


async def test_control_endpoints(http: httpx2.AsyncClient, box: Sandbox) -> None:
    token = await s2s_token(http)
    added = await http.post("/_sandbox/faults", json={"kind": "error_500", "endpoint": "/channels", "times": 1})
    assert added.status_code == 201
    assert (await get(http, token, CHANNELS)).status_code == 500
    await http.post("/_sandbox/faults", json={"kind": "error_503", "times": None})
    assert len((await http.get("/_sandbox/faults")).json()["faults"]) == 1
    await http.delete("/_sandbox/faults")
    assert (await get(http, token, CHANNELS)).status_code == 200
    assert (await http.post("/_sandbox/faults", json={"kind": "nope"})).status_code == 400

    limits = await http.post("/_sandbox/rate_limits", json={"enabled": True, "quotas": {"medium": 1}})
    assert limits.json()["enabled"] is True
    assert box.rate_limiter.enabled
    await http.post("/_sandbox/rate_limits", json={"enabled": False})

    revoked = await http.post("/_sandbox/revoke")
    assert revoked.json()["revoked"] >= 1
    assert (await get(http, token, CHANNELS)).status_code == 401

    state = (await http.get("/_sandbox/state")).json()
    assert state["state"]["channels"] == len(box.state.chat.channels)
    assert state["owner"]["email"] == "avery.chen@northwind.example"
    assert all(not path.startswith("/_sandbox") for _, path, _ in box.requests)


# ---- file host


def _multipart(filename_header: str, body: bytes = b"hello") -> tuple[bytes, str]:
    boundary = "sandboxboundary"
    content = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; {filename_header}\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return content, f"multipart/form-data; boundary={boundary}"


async def test_upload_redirect_to_another_host() -> None:
    box = Sandbox(upload_redirect=True)
    async with httpx2.AsyncClient(transport=box.transport(), base_url="http://file.sandbox.zoom.test") as http:
        token = await s2s_token(http)
        content, content_type = _multipart('filename="notes.txt"')
        headers = {**bearer(token), "Content-Type": content_type}
        first = await http.post("/v2/chat/users/me/files", content=content, headers=headers)
        assert first.status_code == 307
        location = first.headers["location"]
        assert location.startswith("http://file2.sandbox.zoom.test/v2/chat/users/me/files")
        second = await http.post(location, content=content, headers=headers)
        assert second.status_code == 201
        assert box.state.chat.files[second.json()["id"]].data == b"hello"
        assert box.request_hosts[-1] == "file2.sandbox.zoom.test"
        # Without the bearer on the second host the upload fails like on Zoom.
        anonymous = await http.post(location, content=content, headers={"Content-Type": content_type})
        assert anonymous.status_code == 401


async def test_unquoted_multipart_filename_is_rejected(http: httpx2.AsyncClient) -> None:
    token = await s2s_token(http)
    content, content_type = _multipart("filename=notes.txt")
    response = await http.post(
        "/v2/chat/users/me/files", content=content, headers={**bearer(token), "Content-Type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid 'Content-Disposition' in multipart form"


def test_basic_header_encoding_is_standard() -> None:
    # Guard for the curl recipe in the report: -u id:secret is plain base64 Basic auth.
    assert base64.b64encode(b"sandbox-client:sandbox-secret").decode() == "c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ="
