"""Team Chat behaviour the spec review changed, each through the real executor against the sandbox."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import sandbox_executor, sandbox_settings
from tests.test_spec_chat import BRUNO, CASES, CHECKED, CHIOMA, Seed
from zoom_mcp.catalog.registry import select
from zoom_mcp.cli import run
from zoom_mcp.codecs.chat_format import emoji_char, emoji_code
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.tools import BY_NAME

pytestmark = pytest.mark.anyio
CHAT = tuple(BY_NAME[name] for name in CHECKED)


async def call(executor: Executor, name: str, args: dict[str, Any]) -> dict[str, Any]:
    result = await executor.call(BY_NAME[name], args)
    assert not result.is_error, result.text
    return result.structured or {}


def general(sandbox: Sandbox) -> str:
    return Seed(sandbox.state).channel("general")


# ---- emoji


@pytest.mark.parametrize(
    ("given", "code"),
    [("👍", "U+1F44D"), ("U+1F44D", "U+1F44D"), ("u+1f44d", "U+1F44D"), ("❤️", "U+2764 U+FE0F"), ("✅", "U+2705")],
)
def test_emoji_codes(given: str, code: str) -> None:
    assert emoji_code(given) == code
    assert emoji_code(emoji_char(code)) == code


@pytest.mark.parametrize("bad", ["thumbsup", ":+1:", " ", "👍 ok"])
def test_words_are_not_emoji(bad: str) -> None:
    with pytest.raises(ValueError):
        emoji_code(bad)


async def test_a_shown_reaction_can_be_passed_back(sandbox: Sandbox, executor: Executor) -> None:
    channel = general(sandbox)
    sent = await call(executor, "chat_send_message", {"message": "ship it", "to_channel": channel})
    ref = {"message_id": sent["id"], "to_channel": channel}
    await call(executor, "chat_react_to_message", {**ref, "emoji": "🎉"})
    assert sandbox.state.chat.messages[sent["id"]].reactions == {"U+1F389": [sandbox.state.owner_id]}
    row = (await call(executor, "chat_list_messages", {"to_channel": channel, "page_size": 1}))["messages"][0]
    assert row["reactions"] == "🎉 U+1F389×1"
    await call(executor, "chat_react_to_message", {**ref, "emoji": "U+1F389", "action": "remove"})
    assert sandbox.state.chat.messages[sent["id"]].reactions == {}


# ---- scopes


def test_session_list_is_not_granted_by_message_write() -> None:
    unlocked = {spec.name for spec in select(CHAT, frozenset({"chat_message:write"}))}
    assert "chat_list_sessions" not in unlocked and "chat_list_messages" in unlocked


def test_owner_path_channel_tools_take_user_level_scopes() -> None:
    unlocked = {spec.name for spec in select(CHAT, frozenset({"team_chat:read:user_channel"}))}
    assert unlocked == {"chat_admin_get_channel"}


def test_mark_read_needs_the_message_read_scope_too() -> None:
    parts = BY_NAME["chat_mark_message_read"].scopes.parts
    assert [part.granular[0] for part in parts] == ["team_chat:update:message_status", "team_chat:read:user_message"]


async def test_a_missing_follow_up_scope_is_named(tmp_path: Path) -> None:
    # Registered anyway (say, a static token with unknown scopes): the lookup fails and says why.
    sandbox = Sandbox(scopes="team_chat:update:message_status")
    async with sandbox_executor(sandbox, sandbox_settings(sandbox)) as executor:
        seed = Seed(sandbox.state)
        args = {"message_id": seed.message("general", mine=False), "to_channel": seed.channel("general")}
        result = await executor.call(BY_NAME["chat_mark_message_read"], args)
        assert result.is_error and "needs a message read scope" in result.text
        assert "team_chat:read:user_message" in result.text and "pass timestamp" in result.text
        # With the timestamp given there is no lookup, and the status scope is enough.
        result = await executor.call(BY_NAME["chat_mark_message_read"], {**args, "timestamp": 1})
        assert not result.is_error, result.text


TOOLSETS = sorted({spec.toolset for spec in CHAT} - {"chat_im"})


@pytest.mark.parametrize("toolset", TOOLSETS)
async def test_the_granular_cover_of_a_toolset_runs_every_tool(
    toolset: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # What `zoom-mcp scopes --toolsets X --granular` prints last: the smallest set for the toolset.
    assert run(["scopes", "--toolsets", toolset, "--granular"]) == 0
    cover = capsys.readouterr().out.strip().splitlines()[-1].split()
    specs = [spec for spec in CHAT if spec.toolset == toolset]
    sandbox = Sandbox(scopes=" ".join(cover))
    (tmp_path / "notes.txt").write_text("notes\n")
    settings = sandbox_settings(sandbox, {"ZOOM_MCP_UPLOAD_DIR": str(tmp_path)})
    async with sandbox_executor(sandbox, settings) as executor:
        seed = Seed(sandbox.state)
        for spec in specs:
            assert spec.scopes.met_by(sandbox.granted_scopes), spec.name
            minimal = CASES[spec.name][0]
            assert minimal is not None
            result = await executor.call(spec, minimal(seed))
            assert not result.is_error, f"{spec.name} with {cover}: {result.text}"


# ---- limits


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("chat_invite_channel_members", {"channel_id": "c", "members": [f"u{i}@x.example" for i in range(6)]}),
        ("chat_admin_invite_channel_members", {"channel_id": "c", "members": [f"u{i}@x.example" for i in range(21)]}),
        ("chat_create_channel", {"name": "n" * 257}),
        ("chat_admin_add_channel_admins", {"channel_id": "c", "admins": [f"u{i}@x.example" for i in range(11)]}),
        ("chat_admin_remove_channel_admins", {"channel_id": "c", "user_ids": [f"u{i}" for i in range(11)]}),
        ("chat_remove_channel_members", {"channel_id": "c", "ids": [f"u{i}" for i in range(21)]}),
        ("chat_send_message", {"message": "x" * 1025, "to_channel": "c"}),
    ],
)
async def test_limits_follow_the_spec(name: str, args: dict[str, Any], executor: Executor) -> None:
    result = await executor.call(BY_NAME[name], args)
    assert result.is_error and "invalid arguments" in result.text


async def test_an_account_invite_takes_twenty(sandbox: Sandbox, executor: Executor) -> None:
    created = await call(executor, "chat_create_channel", {"name": "big", "type": "public"})
    people = [user.email for user in sandbox.state.users[1:]]
    added = await call(executor, "chat_admin_invite_channel_members", {"channel_id": created["id"], "members": people})
    assert len(added["ids"].split(",")) == len(people)


@pytest.mark.parametrize(
    ("name", "maximum"), [("chat_admin_list_public_channels", 20), ("chat_report_list_messages", 100)]
)
def test_page_size_maxima(name: str, maximum: int) -> None:
    assert BY_NAME[name].input_schema["properties"]["page_size"]["maximum"] == maximum


# ---- uploads


async def test_an_upload_is_not_posted_to_the_personal_chat(sandbox: Sandbox, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    settings = sandbox_settings(sandbox, {"ZOOM_MCP_UPLOAD_DIR": str(tmp_path)})
    before = len(sandbox.state.chat.messages)
    async with sandbox_executor(sandbox, settings) as executor:
        uploaded = await call(executor, "chat_upload_file", {"file_path": "a.txt"})
    assert uploaded["id"] in sandbox.state.chat.files
    assert len(sandbox.state.chat.messages) == before


async def test_zoom_posts_an_upload_by_default(sandbox: Sandbox) -> None:
    # The sandbox keeps Zoom's default, so the flag above is what keeps the personal chat clean.
    import httpx2

    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox.test") as http:
        token = sandbox.issue_token()
        response = await http.post(
            "/v2/chat/users/me/files", files={"file": ("a.txt", b"a")}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 201
    me = sandbox.state.owner_id
    personal = [m for m in sandbox.state.chat.messages.values() if m.conversation == f"dm:{me}:{me}"]
    assert [m.files for m in personal] == [[response.json()["id"]]]


# ---- listing and searching


async def test_search_without_a_chat_searches_all_of_them(sandbox: Sandbox, executor: Executor) -> None:
    seed = Seed(sandbox.state)
    for channel in ("general", "engineering"):
        await call(executor, "chat_send_message", {"message": "zebra crossing", "to_channel": seed.channel(channel)})
    await call(executor, "chat_send_message", {"message": "zebra in a DM", "to_contact": BRUNO})
    found = await call(executor, "chat_list_messages", {"search_key": "zebra", "page_size": 50})
    assert len(found["messages"]) == 3
    missing = await executor.call(BY_NAME["chat_list_messages"], {})
    assert missing.is_error and "search_key" in missing.text
    both = await executor.call(BY_NAME["chat_list_messages"], {"to_contact": BRUNO, "to_channel": "c"})
    assert both.is_error


async def test_deleted_messages_on_request(sandbox: Sandbox, executor: Executor) -> None:
    channel = general(sandbox)
    sent = await call(executor, "chat_send_message", {"message": "oops", "to_channel": channel})
    await call(executor, "chat_delete_message", {"message_id": sent["id"], "to_channel": channel})
    plain = await call(executor, "chat_list_messages", {"to_channel": channel})
    assert sent["id"] not in {row["id"] for row in plain["messages"]}
    args = {"to_channel": channel, "include_deleted_and_edited_message": True}
    full = await call(executor, "chat_list_messages", args)
    assert {"id": sent["id"], "deleted": True}.items() <= next(
        r for r in full["messages"] if r["id"] == sent["id"]
    ).items()


# ---- mentions and scheduling


async def test_mentions_become_at_items(sandbox: Sandbox, executor: Executor) -> None:
    channel = general(sandbox)
    text = "Thanks @Bruno Alvarez and @all, @Chioma Okafor leads"
    mentions = [
        {"name": "Bruno Alvarez", "contact": BRUNO},
        {"name": "all"},
        {"name": "Chioma Okafor", "contact": CHIOMA},
    ]
    sent = await call(executor, "chat_send_message", {"message": text, "to_channel": channel, "mentions": mentions})
    items = sandbox.state.chat.messages[sent["id"]].at_items
    spans = [text[item["start_position"] : item["end_position"] + 1] for item in items]
    assert spans == ["@Bruno Alvarez", "@all", "@Chioma Okafor"]
    assert [item["at_type"] for item in items] == [1, 2, 1] and items[0]["at_contact"] == BRUNO


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ({"message": "hi Bruno", "mentions": [{"name": "Bruno", "contact": BRUNO}]}, "'@Bruno'"),
        ({"message": "hi @Bruno", "mentions": [{"name": "Bruno"}]}, "contact"),
        ({"message": "hi @Bruno", "to_contact": BRUNO, "mentions": [{"name": "Bruno", "contact": BRUNO}]}, "channels"),
    ],
)
async def test_mentions_that_cannot_be_placed(
    args: dict[str, Any], says: str, sandbox: Sandbox, executor: Executor
) -> None:
    full = {"to_channel": general(sandbox), **args} if "to_contact" not in args else args
    result = await executor.call(BY_NAME["chat_send_message"], full)
    assert result.is_error and says in result.text


async def test_a_scheduled_message_waits(sandbox: Sandbox, executor: Executor) -> None:
    channel = general(sandbox)
    due = sandbox.clock.now_dt() + timedelta(hours=2)
    args = {"message": "later", "to_channel": channel, "scheduled_time": due.isoformat()}
    sent = await call(executor, "chat_send_message", args)
    listed = await call(executor, "chat_list_messages", {"to_channel": channel})
    assert sent["id"] not in {row["id"] for row in listed["messages"]}
    sandbox.advance_clock(3 * 3600)
    listed = await call(executor, "chat_list_messages", {"to_channel": channel})
    assert sent["id"] in {row["id"] for row in listed["messages"]}
    too_soon = {**args, "scheduled_time": (sandbox.clock.now_dt() + timedelta(minutes=5)).isoformat()}
    result = await executor.call(BY_NAME["chat_send_message"], too_soon)
    assert result.is_error and "30 minutes" in result.text


async def test_the_sandbox_refuses_names_the_spec_lacks(sandbox: Sandbox) -> None:
    import httpx2

    async with httpx2.AsyncClient(transport=sandbox.transport(), base_url="http://sandbox.test") as http:
        headers = {"Authorization": f"Bearer {sandbox.issue_token()}"}
        channel = general(sandbox)
        path = "/v2/chat/users/me/messages"
        ok = await http.get(path, params={"to_channel": channel}, headers=headers)
        misspelt = await http.get(path, params={"to_channel": channel, "pageSize": 5}, headers=headers)
        path = f"/v2/chat/channels/{channel}/members"
        repeated = await http.delete(path, params=[("user_ids", "a"), ("user_ids", "b")], headers=headers)
    assert ok.status_code == 200
    assert misspelt.status_code == 400 and misspelt.json()["errors"][0]["field"] == "pageSize"
    assert repeated.status_code == 400 and repeated.json()["code"] == 300
