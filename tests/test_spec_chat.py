"""Every Team Chat tool against Zoom's official OpenAPI document, over the real executor.

Each tool runs with a minimal and a maximal argument set against the sandbox; every request
and every answer that crossed the transport is checked against the spec (tests/spec_check.py).
A tool's accepted scopes must equal its operation's ``x-macro-scopes`` plus ``x-granular-scopes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.conftest import sandbox_settings
from tests.spec_check import (
    Deviations,
    Exchange,
    Recorder,
    SpecRouter,
    Tally,
    check_exchanges,
    exchange,
    failures_for,
)
from tests.zoom_spec import find_operation
from zoom_mcp.engine.executor import Executor
from zoom_mcp.sandbox import Sandbox
from zoom_mcp.sandbox.chat_reports import session_id
from zoom_mcp.sandbox.state import SandboxState
from zoom_mcp.tools import BY_NAME

pytestmark = pytest.mark.anyio

# Zoom removed the IM read endpoints from its current API (the February 2026 document has only
# POST /im/users/me/chat/messages); these deprecated opt-in tools cannot be checked against it.
NOT_IN_SPEC = frozenset({"chat_im_list_messages", "chat_im_list_session_messages", "chat_im_list_sessions"})
CHAT_TOOLS = sorted(name for name, spec in BY_NAME.items() if spec.toolset.startswith("chat_"))
CHECKED = [name for name in CHAT_TOOLS if name not in NOT_IN_SPEC]

# Points where the spec is not followed to the letter, each with the evidence.
ALLOWED: dict[tuple[str, str], str] = {
    # Both id lists are marked required, yet each one's description says it is an alternative
    # ("Member or user IDs"), and a call naming both would remove one member twice. We send one.
    ("batchRemoveChannelMembers", "required member_ids"): "spec marks both id lists required; one is used",
    ("batchRemoveChannelMembers", "required user_ids"): "spec marks both id lists required; one is used",
    ("batchDemoteChannelAdministrators", "required admin_ids"): "spec marks both id lists required; one is used",
    ("batchDemoteChannelAdministrators", "required user_ids"): "spec marks both id lists required; one is used",
}
DEVIATIONS = Deviations(allowed=ALLOWED)

ME = "avery.chen@northwind.example"
BRUNO = "bruno.alvarez@northwind.example"
CHIOMA = "chioma.okafor@northwind.example"
DMITRI = "dmitri.volkov@northwind.example"
EMI = "emi.tanaka@northwind.example"
FARAH = "farah.haddad@northwind.example"
SAM = "sam.rivera@contoso.example"


@dataclass
class Seed:
    """Ids of the seeded Northwind chat, read from the sandbox's state."""

    state: SandboxState

    def channel(self, name: str) -> str:
        return next(c.id for c in self.state.chat.channels.values() if c.name == name)

    def user_id(self, email: str) -> str:
        user = self.state.find(email, outsiders=True)
        assert user is not None
        return user.id

    def member_id(self, email: str) -> str:
        user = self.state.find(email, outsiders=True)
        assert user is not None
        return user.member_id

    def message(self, channel: str, *, mine: bool = True, main: bool = True, index: int = 0) -> str:
        conversation = self.state.chat.channels[self.channel(channel)].conversation
        me = self.state.owner_id
        found = [
            m
            for m in self.state.chat.conversation_messages(conversation)
            if (m.sender_id == me) == mine and (m.reply_main_message_id is None) == main and m.status != "Deleted"
        ]
        found.sort(key=lambda m: m.timestamp_ms, reverse=True)
        return found[index].id

    def file(self) -> str:
        return next(iter(self.state.chat.files))

    def today(self) -> str:
        return self.state.clock.now_dt().date().isoformat()

    def days_ago(self, days: int) -> str:
        return (self.state.clock.now_dt().date() - timedelta(days=days)).isoformat()

    def session(self, channel: str) -> str:
        return session_id(self.state.chat.channels[self.channel(channel)].conversation)


Args = Callable[[Seed], dict[str, Any]]
# A tool whose only parameters are required has no maximal set beyond the minimal one.
NO_OPTIONAL = None


def fixed(**values: Any) -> Args:
    return lambda seed: values


# tool -> (minimal, maximal, *more) argument sets. Destructive tools use a different target each run.
CASES: dict[str, tuple[Args | None, ...]] = {
    # --- messages
    "chat_send_message": (
        lambda s: {"message": "hello", "to_channel": s.channel("general")},
        lambda s: {
            "user_id": "me",
            "message": "@Bruno Alvarez please review",
            "to_channel": s.channel("engineering"),
            "reply_main_message_id": s.message("engineering", mine=False),
            "file_ids": [s.file()],
            "mentions": [{"name": "Bruno Alvarez", "contact": BRUNO}],
        },
        lambda s: {
            "message": "@all standup moved; @Chioma Okafor please host",
            "to_channel": s.channel("general"),
            "mentions": [{"name": "all"}, {"name": "Chioma Okafor", "contact": s.member_id(CHIOMA)}],
            "scheduled_time": (s.state.clock.now_dt() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    ),
    "chat_list_messages": (
        lambda s: {"to_channel": s.channel("general")},
        lambda s: {
            "user_id": "me",
            "to_contact": BRUNO,
            "from_time": f"{s.days_ago(30)}T00:00:00Z",
            "to_time": f"{s.today()}T23:59:59Z",
            "search_key": "the",
            "include_deleted_and_edited_message": True,
            "page_size": 50,
        },
        # Search without a chat: Zoom searches all of them.
        fixed(search_key="deploy"),
    ),
    "chat_get_message": (
        lambda s: {"message_id": s.message("general", mine=False), "to_channel": s.channel("general")},
        lambda s: {"user_id": "me", "message_id": s.message("engineering"), "to_channel": s.channel("engineering")},
    ),
    "chat_edit_message": (
        lambda s: {"message_id": s.message("general"), "to_channel": s.channel("general"), "message": "edited"},
        lambda s: {
            "user_id": "me",
            "message_id": s.message("engineering"),
            "to_channel": s.channel("engineering"),
            "message": "edited again",
        },
    ),
    "chat_delete_message": (
        lambda s: {"message_id": s.message("general"), "to_channel": s.channel("general")},
        lambda s: {"user_id": "me", "message_id": s.message("engineering"), "to_channel": s.channel("engineering")},
    ),
    "chat_react_to_message": (
        lambda s: {"message_id": s.message("general", mine=False), "to_channel": s.channel("general"), "emoji": "👍"},
        lambda s: {
            "user_id": "me",
            "message_id": s.message("engineering", mine=False),
            "to_channel": s.channel("engineering"),
            "emoji": "U+1F680",
            "action": "remove",
        },
    ),
    "chat_mark_message_read": (
        lambda s: {"message_id": s.message("general", mine=False), "to_channel": s.channel("general")},
        lambda s: {
            "user_id": "me",
            "message_id": s.message("engineering", mine=False),
            "to_channel": s.channel("engineering"),
            "action": "unread",
            "timestamp": 1,
        },
    ),
    "chat_send_file": (
        lambda s: {"file_path": "notes.txt", "to_channel": s.channel("general")},
        lambda s: {
            "user_id": "me",
            "file_path": "notes.txt",
            "to_channel": s.channel("engineering"),
            "reply_main_message_id": s.message("engineering", mine=False),
        },
    ),
    "chat_upload_file": (fixed(file_path="notes.txt"), fixed(user_id="me", file_path="notes.txt")),
    "chat_list_sessions": (fixed(), fixed(user_id="me", type="groupchat", page_size=2)),
    # --- channels
    "chat_list_channels": (fixed(), fixed(user_id="me", page_size=2)),
    "chat_create_channel": (
        fixed(name="new-channel"),
        fixed(user_id="me", name="n" * 256, type="public", members=[BRUNO, CHIOMA, DMITRI, EMI, FARAH]),
    ),
    "chat_get_channel": (
        lambda s: {"channel_id": s.channel("general")},
        NO_OPTIONAL,
    ),
    "chat_update_channel": (
        lambda s: {"channel_id": s.channel("general"), "name": "all-hands"},
        lambda s: {"channel_id": s.channel("engineering"), "name": "e" * 256, "type": "private_org"},
    ),
    "chat_delete_channel": (
        lambda s: {"channel_id": s.channel("engineering")},
        lambda s: {"channel_id": s.channel("leadership")},
    ),
    "chat_list_channel_members": (
        lambda s: {"channel_id": s.channel("general")},
        lambda s: {"channel_id": s.channel("general"), "page_size": 2},
    ),
    "chat_invite_channel_members": (
        lambda s: {"channel_id": s.channel("leadership"), "members": [BRUNO]},
        lambda s: {"channel_id": s.channel("engineering"), "members": [FARAH]},
    ),
    "chat_join_channel": (lambda s: {"channel_id": s.channel("random")}, NO_OPTIONAL),
    "chat_leave_channel": (lambda s: {"channel_id": s.channel("lunch-crew")}, NO_OPTIONAL),
    "chat_remove_channel_member": (
        lambda s: {"channel_id": s.channel("general"), "member": BRUNO},
        lambda s: {"channel_id": s.channel("engineering"), "member": s.member_id(CHIOMA)},
    ),
    "chat_remove_channel_members": (
        lambda s: {"channel_id": s.channel("general"), "ids": [s.user_id(DMITRI)]},
        lambda s: {
            "channel_id": s.channel("engineering"),
            "ids": [s.member_id(CHIOMA), s.member_id(DMITRI)],
            "id_kind": "member",
        },
    ),
    # --- account administration
    "chat_admin_get_channel": (
        lambda s: {"channel_id": s.channel("general")},
        lambda s: {"user_id": ME, "channel_id": s.channel("leadership")},
    ),
    "chat_admin_update_channel": (
        lambda s: {"channel_id": s.channel("general"), "name": "all-hands"},
        lambda s: {"user_id": ME, "channel_id": s.channel("engineering"), "name": "e" * 256, "type": "private_org"},
    ),
    "chat_admin_delete_channel": (
        lambda s: {"channel_id": s.channel("engineering")},
        lambda s: {"user_id": ME, "channel_id": s.channel("leadership")},
    ),
    "chat_admin_list_channel_members": (
        lambda s: {"channel_id": s.channel("general")},
        lambda s: {"user_id": ME, "channel_id": s.channel("general"), "page_size": 2},
    ),
    "chat_admin_invite_channel_members": (
        lambda s: {"channel_id": s.channel("leadership"), "members": [BRUNO]},
        lambda s: {"user_id": ME, "channel_id": s.channel("engineering"), "members": [FARAH]},
    ),
    "chat_admin_remove_channel_member": (
        lambda s: {"channel_id": s.channel("general"), "member": BRUNO},
        lambda s: {"user_id": ME, "channel_id": s.channel("engineering"), "member": s.member_id(CHIOMA)},
    ),
    "chat_admin_list_channel_admins": (
        lambda s: {"channel_id": s.channel("general")},
        lambda s: {"user_id": ME, "channel_id": s.channel("general"), "page_size": 1},
    ),
    "chat_admin_add_channel_admins": (
        lambda s: {"channel_id": s.channel("general"), "admins": [CHIOMA]},
        lambda s: {"user_id": ME, "channel_id": s.channel("engineering"), "admins": [CHIOMA, DMITRI, EMI]},
    ),
    "chat_admin_remove_channel_admins": (
        lambda s: {"channel_id": s.channel("general"), "user_ids": [s.user_id(BRUNO)]},
        lambda s: {"user_id": ME, "channel_id": s.channel("engineering"), "user_ids": [s.user_id(BRUNO)]},
    ),
    "chat_admin_list_public_channels": (fixed(), fixed(page_size=20)),
    # --- contacts
    "chat_search_company_contacts": (
        fixed(search_key="a"),
        fixed(search_key="an", query_presence_status=True, page_size=25),
    ),
    "chat_list_contacts": (fixed(), fixed(type="external", page_size=50)),
    "chat_get_contact": (fixed(contact=BRUNO), fixed(contact=BRUNO, query_presence_status=True)),
    # --- reports
    "chat_report_list_sessions": (
        lambda s: {"from_date": s.days_ago(7), "to_date": s.today()},
        lambda s: {"from_date": s.days_ago(30), "to_date": s.today(), "page_size": 2},
    ),
    "chat_report_list_messages": (
        lambda s: {"session_id": s.session("general"), "from_date": s.days_ago(7), "to_date": s.today()},
        lambda s: {
            "session_id": s.session("engineering"),
            "from_date": s.days_ago(30),
            "to_date": s.today(),
            "page_size": 2,
        },
    ),
    # --- deprecated IM: only the send is still in the spec
    "chat_im_send_message": (fixed(chat_user=BRUNO, message="hi"), fixed(chat_user=BRUNO, message="hi again")),
}


@pytest.fixture(scope="module")
def router(zoom_specs: dict[str, Any]) -> SpecRouter:
    return SpecRouter({"chat": zoom_specs["chat"]})


def test_every_chat_tool_has_cases() -> None:
    assert sorted(CASES) == CHECKED


async def run_tool(name: str, tmp_path: Path, router: SpecRouter) -> Tally:
    sandbox = Sandbox()
    (tmp_path / "notes.txt").write_text("release notes\n")
    settings = sandbox_settings(sandbox, {"ZOOM_MCP_UPLOAD_DIR": str(tmp_path)})
    recorder = Recorder(httpx2.ASGITransport(app=sandbox.app))
    tally = Tally()
    seed = Seed(sandbox.state)
    async with Executor(settings, transport=recorder) as executor:
        for variant, args in enumerate(CASES[name]):
            if args is None:
                continue
            result = await executor.call(BY_NAME[name], args(seed))
            assert not result.is_error, f"{name} ({variant}): {result.text}"
            token = (result.structured or {}).get("next_page_token")
            if token:
                follow = await executor.call(BY_NAME[name], {**args(seed), "next_page_token": token})
                assert not follow.is_error, f"{name} ({variant}, page 2): {follow.text}"
    check_exchanges(router, recorder.api_calls(), DEVIATIONS, tally)
    return tally


@pytest.mark.parametrize("name", CHECKED)
async def test_requests_and_answers_follow_the_spec(name: str, tmp_path: Path, router: SpecRouter) -> None:
    tally = await run_tool(name, tmp_path, router)
    assert not tally.failures, "\n".join(tally.failures)
    runs = sum(args is not None for args in CASES[name])
    assert tally.requests >= runs and tally.responses >= runs
    print(f"spec-checked {name}: {len(tally.operations)} ops, {tally.requests} requests, {tally.responses} answers")


# Follow-up calls a tool's hooks make, in the order of its requirement's parts after its own.
FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    # The message is read for its epoch-ms timestamp when the model gives none.
    "chat_mark_message_read": ("GET /chat/users/{userId}/messages/{messageId}",),
}


def scope_rows() -> list[tuple[str, str]]:
    return [(name, BY_NAME[name].endpoint) for name in CHECKED] + [
        (name, endpoint) for name, endpoints in FOLLOW_UPS.items() for endpoint in endpoints
    ]


@pytest.mark.parametrize(("name", "endpoint"), scope_rows())
def test_scopes_are_the_operations_scopes(name: str, endpoint: str, zoom_specs: dict[str, Any]) -> None:
    spec = BY_NAME[name]
    method, path = endpoint.split(" ", 1)
    op = find_operation({"chat": zoom_specs["chat"]}, method, path)
    assert op is not None, f"{endpoint} is not in the spec"
    part = ([spec.endpoint, *FOLLOW_UPS.get(name, ())]).index(endpoint)
    assert len(spec.scopes.parts) == 1 + len(FOLLOW_UPS.get(name, ()))
    assert set(spec.scopes.parts[part].alternatives) == op.scopes


# ---- the checker itself: each kind of mismatch is caught


@pytest.mark.parametrize(
    ("item", "says"),
    [
        (exchange("GET", "/chat/users/me/messages", query="to_channel=c&pageSize=5"), "query pageSize is not in"),
        (exchange("GET", "/chat/users/me/messages", query="to_channel=c&page_size=x"), "page_size='x'"),
        (exchange("GET", "/chat/users/me/messages", query="to_channel=a&to_channel=b"), "more than once"),
        (exchange("GET", "/report/chat/sessions", query="from=2026-11-01"), "required query to missing"),
        (
            exchange("POST", "/chat/users/me/messages", content_type="application/json", body=b'{"text": "hi"}'),
            "body field /text is not in the spec",
        ),
        (
            exchange("PATCH", "/chat/channels/c", content_type="application/json", body=b'{"type": 4}'),
            "body type: 4 is not one of",
        ),
        (
            exchange("GET", "/chat/users/me/messages/m", status=200, response=b'{"sender_member_id": "x"}'),
            "answer field /sender_member_id",
        ),
        (exchange("GET", "/chat/users/me/contacts/c", status=200, response=b'{"email": 5}'), "5 is not of type"),
        (exchange("DELETE", "/chat/channels/c", status=200, response=b""), "answered 200"),
        (exchange("DELETE", "/chat/channels/c", status=404, response=b"oops"), "without Zoom's {code, message}"),
        (
            exchange(
                "POST",
                "/chat/users/me/messages/files",
                content_type="multipart/form-data; boundary=b",
                body=b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nx\r\n--b--\r\n',
                status=201,
                response=b'{"id": "1"}',
            ),
            "part 'file' is not in the spec",
        ),
    ],
)
def test_the_checker_catches(item: Exchange, says: str, router: SpecRouter) -> None:
    found = failures_for(router, item, DEVIATIONS)
    assert router.find(item.method, item.path) is not None
    assert any(says in failure for failure in found), found


def test_literal_paths_win_over_templates(router: SpecRouter) -> None:
    op = router.find("POST", "/chat/channels/c1/members/me")
    assert op is not None and op.operation_id == "joinChannel"
