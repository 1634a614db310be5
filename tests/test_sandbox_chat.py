"""Team Chat in the sandbox, over HTTP: messages, threads, reactions, paging, channels, contacts,
sessions, files, reports and the deprecated IM API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.chat_reports import session_id
from zoom_mcp.sandbox.state import Channel, dm_key

BASE = "http://sandbox.zoom.test"
ME = "/v2/chat/users/me"
BRUNO = "bruno.alvarez@northwind.example"
SAM = "sam.rivera@contoso.example"

pytestmark = pytest.mark.anyio


@pytest.fixture
def box() -> Sandbox:
    return Sandbox(page_token_ttl=60)


class Api:
    """An httpx2 client holding an account-credentials token for the sandbox."""

    def __init__(self, http: httpx2.AsyncClient, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx2.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def get(self, path: str, **params: Any) -> httpx2.Response:
        return await self.call("GET", path, params=params)

    async def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = await self.call(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json() if response.content else None


@pytest.fixture
async def api(box: Sandbox) -> AsyncIterator[Api]:
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "account_credentials", "account_id": "sandbox-account"},
            auth=("sandbox-client", "sandbox-secret"),
        )
        yield Api(http, response.json()["access_token"])


def channel(box: Sandbox, name: str) -> Channel:
    return next(c for c in box.state.chat.channels.values() if c.name == name)


async def all_pages(api: Api, path: str, items: str, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    token = ""
    while True:
        body = await api.ok("GET", path, params={**params, **({"next_page_token": token} if token else {})})
        out.extend(body[items])
        token = body["next_page_token"]
        if token == "":
            return out


# ---- paging


async def test_big_channel_pages_cover_every_message_once(api: Api, box: Sandbox) -> None:
    engineering = channel(box, "engineering")
    messages = await all_pages(api, f"{ME}/messages", "messages", to_channel=engineering.id, page_size=50)
    ids = [m["id"] for m in messages]
    assert len(ids) == len(set(ids)) >= 120
    visible = [m for m in box.state.chat.conversation_messages(engineering.conversation) if m.status != "Deleted"]
    assert set(ids) == {m.id for m in visible}
    stamps = [m["timestamp"] for m in messages]
    assert stamps == sorted(stamps, reverse=True)  # newest first


async def test_a_new_message_between_pages_shifts_the_next_page_as_zoom_does(api: Api, box: Sandbox) -> None:
    # Zoom's tokens are positions: the newest-first list grows at the head, so the next page
    # starts one item earlier and repeats the last item already served.
    general = channel(box, "general")
    first = await api.ok("GET", f"{ME}/messages", params={"to_channel": general.id, "page_size": 3})
    await api.ok("POST", f"{ME}/messages", 201, json={"message": "late arrival", "to_channel": general.id})
    params = {"to_channel": general.id, "page_size": 3, "next_page_token": first["next_page_token"]}
    second = await api.ok("GET", f"{ME}/messages", params=params)
    assert second["messages"][0]["id"] == first["messages"][-1]["id"]


async def test_keyset_tokens_page_exactly_once_when_switched_on(api: Api, box: Sandbox) -> None:
    box.state.pages.keyset = True
    general = channel(box, "general")
    first = await api.ok("GET", f"{ME}/messages", params={"to_channel": general.id, "page_size": 3})
    await api.ok("POST", f"{ME}/messages", 201, json={"message": "late arrival", "to_channel": general.id})
    rest = await all_pages(
        api, f"{ME}/messages", "messages", to_channel=general.id, page_size=3, next_page_token=first["next_page_token"]
    )
    seen = [m["id"] for m in first["messages"] + rest]
    assert len(seen) == len(set(seen))
    assert "late arrival" not in [m["message"] for m in rest]


async def test_expired_and_foreign_page_tokens_are_code_300(api: Api, box: Sandbox) -> None:
    engineering, general = channel(box, "engineering"), channel(box, "general")
    first = await api.ok("GET", f"{ME}/messages", params={"to_channel": engineering.id})
    token = first["next_page_token"]
    assert token
    foreign = await api.get(f"{ME}/messages", to_channel=general.id, next_page_token=token)
    assert foreign.status_code == 400 and foreign.json()["code"] == 300
    forged = await api.get(f"{ME}/messages", to_channel=engineering.id, next_page_token=token[:-2] + "xx")
    assert forged.json()["code"] == 300
    box.advance_clock(61)
    expired = await api.get(f"{ME}/messages", to_channel=engineering.id, next_page_token=token)
    assert expired.status_code == 400
    assert expired.json() == {"code": 300, "message": "The next page token is either invalid or has expired."}


@pytest.mark.parametrize("size", ["0", "51", "ten"])
async def test_page_size_bounds(api: Api, box: Sandbox, size: str) -> None:
    response = await api.get(f"{ME}/messages", to_channel=channel(box, "general").id, page_size=size)
    assert response.status_code == 400
    assert response.json()["code"] == 300
    assert response.json()["errors"][0]["field"] == "page_size"


async def test_default_page_size_is_10(api: Api, box: Sandbox) -> None:
    body = await api.ok("GET", f"{ME}/messages", params={"to_channel": channel(box, "engineering").id})
    assert body["page_size"] == 10 and len(body["messages"]) == 10


# ---- messages


async def test_send_then_read_back(api: Api, box: Sandbox) -> None:
    sent = await api.ok("POST", f"{ME}/messages", 201, json={"message": "hello Bruno", "to_contact": BRUNO})
    listed = await api.ok("GET", f"{ME}/messages", params={"to_contact": BRUNO, "page_size": 1})
    newest = listed["messages"][0]
    assert newest["id"] == sent["id"]
    assert newest["message"] == "hello Bruno"
    assert newest["sender"] == "avery.chen@northwind.example"
    assert newest["date_time"].endswith("Z")
    got = await api.ok("GET", f"{ME}/messages/{sent['id']}", params={"to_contact": BRUNO})
    assert got["message"] == "hello Bruno"
    # Bruno sees it in the same conversation.
    bruno = box.state.find(BRUNO)
    assert bruno is not None
    bruno_view = await api.ok(
        "GET", f"/v2/chat/users/{bruno.id}/messages", params={"to_contact": box.state.owner.email}
    )
    assert bruno_view["messages"][0]["id"] == sent["id"]


async def test_send_needs_exactly_one_target(api: Api, box: Sandbox) -> None:
    both = await api.call("POST", f"{ME}/messages", json={"message": "x", "to_contact": BRUNO, "to_channel": "c"})
    assert both.status_code == 400 and both.json()["code"] == 300
    none = await api.call("POST", f"{ME}/messages", json={"message": "x"})
    assert none.status_code == 400


async def test_thread_reply(api: Api, box: Sandbox) -> None:
    general = channel(box, "general")
    main = await api.ok("POST", f"{ME}/messages", 201, json={"message": "lunch?", "to_channel": general.id})
    reply = await api.ok(
        "POST",
        f"{ME}/messages",
        201,
        json={"message": "yes", "to_channel": general.id, "reply_main_message_id": main["id"]},
    )
    listed = await api.ok("GET", f"{ME}/messages", params={"to_channel": general.id, "page_size": 2})
    child = next(m for m in listed["messages"] if m["id"] == reply["id"])
    assert child["reply_main_message_id"] == main["id"]
    assert child["reply_main_message_timestamp"] < child["timestamp"]
    nested = await api.call(
        "POST",
        f"{ME}/messages",
        json={"message": "deeper", "to_channel": general.id, "reply_main_message_id": reply["id"]},
    )
    assert nested.status_code == 400
    thread = await api.ok(
        "GET", f"{ME}/messages/{main['id']}/thread", params={"to_channel": general.id, "from": "2026-01-01T00:00:00Z"}
    )
    assert [m["msg_id"] for m in thread["messages"]] == [main["id"], reply["id"]]
    assert thread["messages"][1]["is_reply"] is True


async def test_reactions_add_and_remove(api: Api, box: Sandbox) -> None:
    general = channel(box, "general")
    sent = await api.ok("POST", f"{ME}/messages", 201, json={"message": "ship it", "to_channel": general.id})
    path = f"{ME}/messages/{sent['id']}/emoji_reactions"
    await api.ok("PATCH", path, 204, json={"action": "add", "emoji": "U+1F389", "to_channel": general.id})
    listed = await api.ok("GET", f"{ME}/messages", params={"to_channel": general.id, "page_size": 1})
    reaction = listed["messages"][0]["reactions"][0]
    owner = box.state.owner
    assert reaction == {
        "emoji": "U+1F389",
        "total_count": 1,
        "senders": [{"user_id": owner.id, "member_id": owner.member_id}],
    }
    got = await api.ok("GET", f"{ME}/messages/{sent['id']}", params={"to_channel": general.id})
    assert got["reactions"][0]["user_ids"] == [owner.id]
    await api.ok("PATCH", path, 204, json={"action": "remove", "emoji": "U+1F389", "to_channel": general.id})
    got = await api.ok("GET", f"{ME}/messages/{sent['id']}", params={"to_channel": general.id})
    assert "reactions" not in got
    bad = await api.call("PATCH", path, json={"action": "love", "emoji": "U+1F389", "to_channel": general.id})
    assert bad.status_code == 400
    # The spec's notation only: a literal emoji is refused as Zoom refuses an invalid field.
    literal = await api.call("PATCH", path, json={"action": "add", "emoji": "🎉", "to_channel": general.id})
    assert literal.status_code == 400 and literal.json()["code"] == 300


async def test_edit_only_by_sender_and_history_flag(api: Api, box: Sandbox) -> None:
    general = channel(box, "general")
    mine = await api.ok("POST", f"{ME}/messages", 201, json={"message": "typo", "to_channel": general.id})
    await api.ok("PUT", f"{ME}/messages/{mine['id']}", 204, json={"message": "fixed", "to_channel": general.id})
    got = await api.ok("GET", f"{ME}/messages/{mine['id']}", params={"to_channel": general.id})
    # The get answer has no status (Zoom's reference); a listing with the history flag has.
    assert got["message"] == "fixed" and "status" not in got
    theirs = next(
        m for m in box.state.chat.conversation_messages(general.conversation) if m.sender_id != box.state.owner_id
    )
    denied = await api.call("PUT", f"{ME}/messages/{theirs.id}", json={"message": "x", "to_channel": general.id})
    assert denied.status_code == 403


async def test_delete_then_404(api: Api, box: Sandbox) -> None:
    sent = await api.ok("POST", f"{ME}/messages", 201, json={"message": "oops", "to_contact": BRUNO})
    await api.ok("DELETE", f"{ME}/messages/{sent['id']}", 204, params={"to_contact": BRUNO})
    gone = await api.get(f"{ME}/messages/{sent['id']}", to_contact=BRUNO)
    assert gone.status_code == 404
    listed = await api.ok("GET", f"{ME}/messages", params={"to_contact": BRUNO})
    assert sent["id"] not in [m["id"] for m in listed["messages"]]
    with_deleted = await api.ok(
        "GET", f"{ME}/messages", params={"to_contact": BRUNO, "include_deleted_and_edited_message": "true"}
    )
    entry = next(m for m in with_deleted["messages"] if m["id"] == sent["id"])
    assert entry["status"] == "Deleted"


async def test_read_status(api: Api, box: Sandbox) -> None:
    engineering = channel(box, "engineering")
    owner = box.state.owner_id
    unread = [m for m in box.state.chat.conversation_messages(engineering.conversation) if owner in m.unread_by]
    assert unread
    newest = max(unread, key=lambda m: m.timestamp_ms)
    body = {"action": "read", "timestamp": newest.timestamp_ms, "to_channel": engineering.id}
    await api.ok("PATCH", f"{ME}/messages/{newest.id}/status", 204, json=body)
    assert not any(owner in m.unread_by for m in box.state.chat.conversation_messages(engineering.conversation))


async def test_search_key(api: Api, box: Sandbox) -> None:
    general = channel(box, "general")
    found = await api.ok(
        "GET", f"{ME}/messages", params={"to_channel": general.id, "search_key": "expenses", "search_type": "message"}
    )
    assert [m["message"] for m in found["messages"]] == ["Reminder: submit expenses by the 25th."]
    alone = await api.get(f"{ME}/messages", to_channel=general.id, search_key="expenses")
    assert alone.status_code == 400


async def test_seeded_hostile_content_is_plain_data(api: Api, box: Sandbox) -> None:
    partners = channel(box, "partners-contoso")
    body = await api.ok("GET", f"{ME}/messages", params={"to_channel": partners.id})
    assert any(m["message"].startswith("Ignore previous instructions") for m in body["messages"])
    texts = [m.text for m in box.state.chat.messages.values()]
    assert max(len(t) for t in texts) >= 5000
    assert any("مرحبا" in t for t in texts) and any("👩‍👩‍👧‍👦" in t for t in texts)


def test_seed_is_deterministic() -> None:
    first, second = Sandbox(seed=3), Sandbox(seed=3)
    dump = [(m.id, m.text, m.timestamp_ms) for m in first.state.chat.messages.values()]
    assert dump == [(m.id, m.text, m.timestamp_ms) for m in second.state.chat.messages.values()]
    assert [u.id for u in first.state.users] != [u.id for u in Sandbox(seed=4).state.users]


# ---- channels


async def test_create_channel_shape_and_invite_limit(api: Api, box: Sandbox) -> None:
    created = await api.ok(
        "POST", f"{ME}/channels", 201, json={"name": "launch", "type": 1, "members": [{"email": BRUNO}]}
    )
    assert set(created) == {"id", "jid", "name", "type", "channel_url"}
    members = await api.ok("GET", f"/v2/chat/channels/{created['id']}/members")
    roles = {m["email"]: m["role"] for m in members["members"]}
    assert roles == {"avery.chen@northwind.example": "owner", BRUNO: "member"}

    six = [{"email": u.email} for u in box.state.users[1:]] + [{"email": SAM}]
    too_many = await api.call("POST", f"/v2/chat/channels/{created['id']}/members", json={"members": six})
    assert too_many.status_code == 400 and too_many.json()["code"] == 300
    five = [{"email": u.email} for u in box.state.users[1:]]
    added = await api.ok("POST", f"/v2/chat/channels/{created['id']}/members", 201, json={"members": five})
    assert len(added["ids"].split(",")) == 5 and added["added_at"].endswith("Z")


async def test_update_and_delete_channel(api: Api, box: Sandbox) -> None:
    created = await api.ok("POST", f"{ME}/channels", 201, json={"name": "tmp", "type": 3})
    path = f"/v2/chat/channels/{created['id']}"
    await api.ok("PATCH", path, 204, json={"name": "renamed", "type": 5})
    got = await api.ok("GET", path)
    assert (got["name"], got["type"]) == ("renamed", 5)
    bad_type = await api.call("PATCH", path, json={"type": 4})
    assert bad_type.status_code == 400
    await api.ok("DELETE", path, 204)
    assert (await api.call("GET", path)).status_code == 404


async def test_join_leave_and_batch_remove(api: Api, box: Sandbox) -> None:
    random_channel = channel(box, "random")
    members_path = f"/v2/chat/channels/{random_channel.id}/members"
    assert (await api.call("GET", members_path)).status_code == 403  # public, but not a member yet
    joined = await api.ok("POST", f"{members_path}/me", 201)
    assert joined["id"] == box.state.owner_id
    await api.ok("DELETE", f"{members_path}/me", 204)
    leadership = channel(box, "leadership")
    private_join = await api.call("POST", f"/v2/chat/channels/{leadership.id}/members/me")
    assert private_join.status_code == 403

    created = await api.ok("POST", f"{ME}/channels", 201, json={"name": "batch", "type": 1})
    invite = [{"email": u.email} for u in box.state.users[1:4]]
    await api.ok("POST", f"/v2/chat/channels/{created['id']}/members", 201, json={"members": invite})
    ids = ",".join(u.id for u in box.state.users[1:3])
    await api.ok("DELETE", f"/v2/chat/channels/{created['id']}/members", 204, params={"user_ids": ids})
    member_id = box.state.users[3].member_id
    await api.ok("DELETE", f"/v2/chat/channels/{created['id']}/members/{member_id}", 204)
    left = await api.ok("GET", f"/v2/chat/channels/{created['id']}/members")
    assert [m["role"] for m in left["members"]] == ["owner"]


async def test_admin_level_channel_endpoints(api: Api, box: Sandbox) -> None:
    lunch = channel(box, "lunch-crew")
    owner = box.state.find("chioma.okafor@northwind.example")
    assert owner is not None
    base = f"/v2/chat/users/{owner.email}/channels/{lunch.id}"
    assert (await api.ok("GET", base))["name"] == "lunch-crew"
    await api.ok("POST", f"{base}/admins", 201, json={"admins": [{"email": "emi.tanaka@northwind.example"}]})
    admins = await api.ok("GET", f"{base}/admins")
    assert {a["email"] for a in admins["admins"]} == {owner.email, "emi.tanaka@northwind.example"}
    emi = box.state.find("emi.tanaka@northwind.example")
    assert emi is not None
    await api.ok("DELETE", f"{base}/admins", 204, params={"user_ids": emi.id})
    assert lunch.members[emi.id] == "member"
    public = await all_pages(api, "/v2/chat/channels", "channels", page_size=2)
    assert {c["type"] for c in public} <= {3, 5} and len(public) == 3


# ---- contacts and sessions


async def test_contacts(api: Api, box: Sandbox) -> None:
    company = await all_pages(api, f"{ME}/contacts", "contacts", page_size=2)
    assert len(company) == 5 and box.state.owner.email not in [c["email"] for c in company]
    external = await api.ok("GET", f"{ME}/contacts", params={"type": "external"})
    assert {c["email"] for c in external["contacts"]} == {SAM, "lena.fischer@fabrikam.example"}
    one = await api.ok("GET", f"{ME}/contacts/{BRUNO}", params={"query_presence_status": "true"})
    assert one["first_name"] == "Bruno" and "presence_status" in one
    found = await api.ok("GET", "/v2/contacts", params={"search_key": "farah", "page_size": 5})
    assert [c["email"] for c in found["contacts"]] == ["farah.haddad@northwind.example"]


async def test_sessions_type_filter(api: Api, box: Sandbox) -> None:
    direct = await all_pages(api, f"{ME}/sessions", "sessions", type="1:1")
    assert direct and all(s["type"] == "1:1" and "peer_contact_email" in s for s in direct)
    groups = await all_pages(api, f"{ME}/sessions", "sessions", type="groupchat")
    assert groups and all(s["type"] == "groupchat" and "channel_id" in s for s in groups)
    times = [s["last_message_sent_time"] for s in groups]
    assert times == sorted(times, reverse=True)


# ---- files


def _form(name: str, data: bytes, **fields: str) -> tuple[bytes, str]:
    boundary = "chatboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="report.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def test_upload_send_and_file_info(api: Api, box: Sandbox) -> None:
    content, content_type = _form("file", b"quarterly numbers")
    uploaded = await api.ok("POST", f"{ME}/files", 201, content=content, headers={"Content-Type": content_type})
    info = await api.ok("GET", f"/v2/chat/files/{uploaded['id']}")
    assert info["file_name"] == "report.txt" and info["length"] == len(b"quarterly numbers")
    sent = await api.ok(
        "POST", f"{ME}/messages", 201, json={"message": "see file", "to_contact": BRUNO, "file_ids": [uploaded["id"]]}
    )
    got = await api.ok("GET", f"{ME}/messages/{sent['id']}", params={"to_contact": BRUNO})
    assert got["files"][0]["file_id"] == uploaded["id"]

    content, content_type = _form("files", b"slides", to_channel=channel(box, "general").id)
    shared = await api.ok("POST", f"{ME}/messages/files", 201, content=content, headers={"Content-Type": content_type})
    message = box.state.chat.messages[shared["id"]]
    assert box.state.chat.files[message.files[0]].data == b"slides"
    await api.ok("DELETE", f"/v2/chat/files/{uploaded['id']}", 204)
    assert (await api.call("GET", f"/v2/chat/files/{uploaded['id']}")).status_code == 404


# ---- reports and the deprecated IM API


async def test_chat_reports(api: Api, box: Sandbox) -> None:
    missing = await api.get("/v2/report/chat/sessions", **{"from": "2026-11-01"})
    assert missing.status_code == 400 and missing.json()["code"] == 300
    too_long = await api.get("/v2/report/chat/sessions", **{"from": "2026-01-01", "to": "2026-11-20"})
    assert too_long.status_code == 400
    window = {"from": "2026-11-01", "to": "2026-11-21"}
    sessions = await all_pages(api, "/v2/report/chat/sessions", "sessions", page_size=3, **window)
    engineering = channel(box, "engineering")
    entry = next(s for s in sessions if s["id"] == engineering.id)
    assert entry["type"] == "Group" and entry["name"] == "engineering"
    messages = await all_pages(api, f"/v2/report/chat/sessions/{engineering.id}", "messages", page_size=100, **window)
    assert len(messages) >= 120 and all("sender" in m and "date_time" in m for m in messages)
    dm = session_id(dm_key(box.state.owner_id, box.state.users[1].id))
    assert any(s["id"] == dm and s["type"] == "1:1" for s in sessions)


async def test_im_endpoints(api: Api, box: Sandbox) -> None:
    sent = await api.ok(
        "POST", "/v2/im/users/me/chat/messages", 201, params={"chat_user": BRUNO}, json={"message": "old API"}
    )
    listed = await api.ok("GET", "/v2/im/users/me/chat/messages", params={"chat_user": BRUNO})
    assert listed["messages"][0] == {
        "id": sent["id"],
        "message": "old API",
        "sender": box.state.owner.email,
        "date_time": listed["messages"][0]["date_time"],
        "timestamp": listed["messages"][0]["timestamp"],
    }
    window = {"from": "2026-11-01", "to": "2026-11-30"}
    sessions = await api.ok("GET", "/v2/im/chat/sessions", params=window)
    engineering = channel(box, "engineering")
    assert any(s["session_id"] == engineering.id for s in sessions["sessions"])
    history = await api.ok("GET", f"/v2/im/chat/sessions/{engineering.id}", params={**window, "page_size": 5})
    assert history["session_id"] == engineering.id and len(history["messages"]) == 5
    assert {"sender", "date_time", "content"} <= set(history["messages"][0])


async def test_message_date_window_switch() -> None:
    box = Sandbox(message_date_window="day")
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        api = Api(http, box.issue_token())
        general = channel(box, "general").id
        today = await api.ok("GET", f"{ME}/messages", params={"to_channel": general})
        assert today["messages"] == []  # seeded history ends on 2026-11-20
        day = await api.ok("GET", f"{ME}/messages", params={"to_channel": general, "date": "2026-11-20"})
        assert day["messages"] and all(m["date_time"].startswith("2026-11-20") for m in day["messages"])
        window = {"to_channel": general, "from": "2026-11-19T00:00:00Z", "to": "2026-11-21T00:00:00Z"}
        ranged = await api.ok("GET", f"{ME}/messages", params=window)
        assert ranged["from"] == "2026-11-19T00:00:00Z" and len(ranged["messages"]) == 8


async def test_invite_limit_switch() -> None:
    box = Sandbox(invite_limit=20)
    async with httpx2.AsyncClient(transport=box.transport(), base_url=BASE) as http:
        api = Api(http, box.issue_token())
        created = await api.ok("POST", f"{ME}/channels", 201, json={"name": "big", "type": 3})
        await api.ok("PATCH", f"/v2/chat/channels/{created['id']}", 204, json={"type": 5})  # external members
        six = [{"email": u.email} for u in box.state.users[1:]] + [{"email": SAM}]
        added = await api.ok("POST", f"/v2/chat/channels/{created['id']}/members", 201, json={"members": six})
        assert len(added["member_ids"].split(",")) == 6
