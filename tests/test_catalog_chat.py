"""The Team Chat catalog: one tool per endpoint, named, annotated, described and scoped as required."""

from __future__ import annotations

import string
from typing import Any

import pytest

from zoom_mcp.catalog import PATH, ToolSpec
from zoom_mcp.catalog.registry import Selection, select
from zoom_mcp.serving.confirm import confirmation_message
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

# Every Team Chat endpoint the server exposes: (method, path, host).
ENDPOINTS: list[tuple[str, str, str]] = [
    ("GET", "/report/chat/sessions/{sessionId}", "api"),
    ("GET", "/report/chat/sessions", "api"),
    ("GET", "/im/users/{userId}/chat/messages", "api"),
    ("POST", "/im/users/me/chat/messages", "api"),
    ("GET", "/im/chat/sessions/{sessionId}", "api"),
    ("GET", "/im/chat/sessions", "api"),
    ("GET", "/contacts", "api"),
    ("GET", "/chat/users/{userId}/sessions", "api"),
    ("PATCH", "/chat/users/{userId}/messages/{messageId}/status", "api"),
    ("PATCH", "/chat/users/{userId}/messages/{messageId}/emoji_reactions", "api"),
    ("DELETE", "/chat/users/{userId}/messages/{messageId}", "api"),
    ("GET", "/chat/users/{userId}/messages/{messageId}", "api"),
    ("PUT", "/chat/users/{userId}/messages/{messageId}", "api"),
    ("POST", "/chat/users/{userId}/messages/files", "file"),
    ("GET", "/chat/users/{userId}/messages", "api"),
    ("POST", "/chat/users/{userId}/messages", "api"),
    ("POST", "/chat/users/{userId}/files", "file"),
    ("DELETE", "/chat/users/{userId}/channels/{channelId}/members/{identifier}", "api"),
    ("GET", "/chat/users/{userId}/channels/{channelId}/members", "api"),
    ("POST", "/chat/users/{userId}/channels/{channelId}/members", "api"),
    ("GET", "/chat/users/{userId}/channels/{channelId}/admins", "api"),
    ("POST", "/chat/users/{userId}/channels/{channelId}/admins", "api"),
    ("DELETE", "/chat/users/{userId}/channels/{channelId}/admins", "api"),
    ("DELETE", "/chat/users/{userId}/channels/{channelId}", "api"),
    ("GET", "/chat/users/{userId}/channels/{channelId}", "api"),
    ("PATCH", "/chat/users/{userId}/channels/{channelId}", "api"),
    ("GET", "/chat/users/{userId}/channels", "api"),
    ("POST", "/chat/users/{userId}/channels", "api"),
    ("GET", "/chat/users/me/contacts/{identifier}", "api"),
    ("GET", "/chat/users/me/contacts", "api"),
    ("DELETE", "/chat/channels/{channelId}/members/{identifier}", "api"),
    ("DELETE", "/chat/channels/{channelId}/members/me", "api"),
    ("POST", "/chat/channels/{channelId}/members/me", "api"),
    ("DELETE", "/chat/channels/{channelId}/members", "api"),
    ("GET", "/chat/channels/{channelId}/members", "api"),
    ("POST", "/chat/channels/{channelId}/members", "api"),
    ("DELETE", "/chat/channels/{channelId}", "api"),
    ("GET", "/chat/channels/{channelId}", "api"),
    ("PATCH", "/chat/channels/{channelId}", "api"),
    ("GET", "/chat/channels", "api"),
]

CHAT = [spec for spec in ALL_TOOLS if spec.name.startswith("chat_")]
TOOLSETS = {"chat_messages", "chat_channels", "chat_admin", "chat_contacts", "chat_reports", "chat_im"}
# Sub-groups that sit between the prefix and the verb (chat_admin_list_..., chat_im_send_...).
GROUPS = ("admin_", "im_", "report_")
VERBS = {"send", "list", "get", "edit", "delete", "react", "mark", "upload", "create", "update", "invite"}
VERBS |= {"join", "leave", "remove", "add", "search"}


def _ids(specs: list[ToolSpec]) -> list[str]:
    return [spec.name for spec in specs]


def test_endpoint_table_has_forty_distinct_rows() -> None:
    assert len(ENDPOINTS) == 40
    assert len(set(ENDPOINTS)) == 40


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda row: f"{row[0]} {row[1]}")
def test_each_endpoint_has_exactly_one_tool(endpoint: tuple[str, str, str]) -> None:
    method, path, host = endpoint
    matches = [spec for spec in CHAT if (spec.method, spec.path, spec.host) == (method, path, host)]
    assert len(matches) == 1, _ids(matches)


def test_no_chat_tool_outside_the_table() -> None:
    declared = {(spec.method, spec.path, spec.host) for spec in CHAT}
    assert declared == set(ENDPOINTS)
    assert len(CHAT) == len(ENDPOINTS)


@pytest.mark.parametrize("spec", CHAT, ids=_ids(CHAT))
def test_name_is_short_prefixed_and_verb_first(spec: ToolSpec) -> None:
    assert len(spec.name) <= 48
    assert spec.name.startswith("chat_")
    rest = spec.name.removeprefix("chat_")
    for group in GROUPS:
        rest = rest.removeprefix(group)
    assert rest.split("_", 1)[0] in VERBS, spec.name


def test_admin_and_user_variants_have_distinct_names() -> None:
    for spec in CHAT:
        if spec.toolset == "chat_admin":
            assert spec.name.startswith("chat_admin_")
        else:
            assert not spec.name.startswith("chat_admin_")


@pytest.mark.parametrize("spec", CHAT, ids=_ids(CHAT))
def test_annotations_are_explicit_and_consistent(spec: ToolSpec) -> None:
    for flag in (spec.read_only, spec.destructive, spec.idempotent, spec.open_world):
        assert isinstance(flag, bool)
    assert spec.open_world is True
    assert spec.read_only is (spec.method == "GET")
    if spec.read_only:
        assert not spec.destructive and spec.idempotent
    hints = spec.annotations
    assert {k: type(v) for k, v in hints.items() if k.endswith("Hint")} == dict.fromkeys(
        ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"), bool
    )
    assert spec.toolset in TOOLSETS
    assert spec.rate in ("medium", "heavy")
    assert spec.description and len(spec.description) <= 200


def _properties_without_description(schema: dict[str, Any], where: str = "") -> list[str]:
    missing = []
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("description"):
            missing.append(where + name)
        missing += _properties_without_description(prop, f"{where}{name}.")
        if isinstance(prop.get("items"), dict):
            missing += _properties_without_description(prop["items"], f"{where}{name}[].")
    return missing


@pytest.mark.parametrize("spec", CHAT, ids=_ids(CHAT))
def test_every_property_is_described(spec: ToolSpec) -> None:
    assert _properties_without_description(spec.input_schema) == []


@pytest.mark.parametrize("spec", CHAT, ids=_ids(CHAT))
def test_path_parameters_match_fields(spec: ToolSpec) -> None:
    in_path = {wire for wire, location in spec.locations.values() if location is PATH}
    assert in_path == set(spec.path_params)


@pytest.mark.parametrize("spec", [s for s in CHAT if s.destructive], ids=_ids([s for s in CHAT if s.destructive]))
def test_destructive_tools_confirm_with_real_fields(spec: ToolSpec) -> None:
    assert spec.confirm
    placeholders = {field for _, field, _, _ in string.Formatter().parse(spec.confirm) if field}
    assert placeholders
    assert placeholders <= set(spec.input.model_fields)


def _minimal_arguments(spec: ToolSpec) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for name, info in spec.input.model_fields.items():
        if info.is_required():
            args[name] = ["X1"] if "list" in str(info.annotation) else "X1"
    for group in spec.input.one_of:
        annotation = str(spec.input.model_fields[group[0]].annotation)
        args[group[0]] = ["X1"] if "list" in annotation else "X1"
    return args


@pytest.mark.parametrize("spec", [s for s in CHAT if s.destructive], ids=_ids([s for s in CHAT if s.destructive]))
def test_confirmation_names_what_is_destroyed(spec: ToolSpec) -> None:
    message = confirmation_message(spec, _minimal_arguments(spec))
    assert "X1" in message
    assert not message.startswith(spec.title + ":")  # the tool's own template, not the fallback


def test_non_idempotent_writes_say_how_to_verify() -> None:
    for spec in CHAT:
        if not spec.read_only and not spec.idempotent:
            assert spec.verify, spec.name


@pytest.mark.parametrize("spec", [s for s in CHAT if s.page], ids=_ids([s for s in CHAT if s.page]))
def test_list_tools_page(spec: ToolSpec) -> None:
    fields = spec.input.model_fields
    assert "page_size" in fields and "next_page_token" in fields
    # Zoom's own maxima (the user's channel list serves up to 1000); the result budget still cuts pages.
    assert spec.input_schema["properties"]["page_size"]["maximum"] <= 1000
    assert spec.method == "GET"


def test_list_keys() -> None:
    keys = {spec.name: spec.page.items for spec in CHAT if spec.page}
    assert keys["chat_list_messages"] == "messages"
    assert keys["chat_list_channels"] == "channels"
    assert keys["chat_admin_list_channel_admins"] == "admins"
    assert keys["chat_report_list_sessions"] == "sessions"
    assert keys["chat_search_company_contacts"] == "contacts"


def test_report_dates_are_sent_as_from_and_to() -> None:
    spec = BY_NAME["chat_report_list_sessions"]
    args = spec.input.model_validate({"from_date": "2026-10-01", "to_date": "2026-10-31"})
    dumped = args.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert dumped == {"from": "2026-10-01", "to": "2026-10-31", "page_size": 30}
    assert {"from_date", "to_date"} <= set(spec.input_schema["properties"])


def test_invite_is_capped_at_five() -> None:
    spec = BY_NAME["chat_invite_channel_members"]
    assert spec.input_schema["properties"]["members"]["maxItems"] == 5
    with pytest.raises(ValueError):
        spec.input.model_validate({"channel_id": "c", "members": [f"u{i}@x.io" for i in range(6)]})


def test_exactly_one_destination() -> None:
    spec = BY_NAME["chat_delete_message"]
    assert "oneOf" not in spec.input_schema
    assert spec.input_schema["properties"]["to_contact"]["description"].endswith("; or to_channel")
    with pytest.raises(ValueError):
        spec.input.model_validate({"message_id": "m", "to_contact": "a@x.io", "to_channel": "c"})
    with pytest.raises(ValueError):
        spec.input.model_validate({"message_id": "m"})


def test_empty_path_ids_are_refused() -> None:
    # DELETE /chat/channels/{channelId}/members/{identifier} with "" would become the batch remove.
    with pytest.raises(ValueError):
        BY_NAME["chat_remove_channel_member"].input.model_validate({"channel_id": "c", "member": ""})
    with pytest.raises(ValueError):
        BY_NAME["chat_delete_channel"].input.model_validate({"channel_id": " "})


def _unlocked(*scopes: str) -> set[str]:
    return {spec.name for spec in select(CHAT, frozenset(scopes), Selection(toolsets=("all",)))}


@pytest.mark.parametrize(
    ("granted", "unlocks", "keeps_locked"),
    [
        (
            {"chat_message:read"},
            {"chat_list_messages", "chat_get_message", "chat_list_sessions"},
            {"chat_send_message"},
        ),
        (
            {"chat_message:write"},
            {"chat_list_messages", "chat_send_message", "chat_upload_file"},
            {"chat_list_channels"},
        ),
        ({"chat_message:read:admin"}, {"chat_list_messages"}, {"chat_delete_message"}),
        ({"team_chat:read:list_user_messages:admin"}, {"chat_list_messages"}, {"chat_get_message"}),
        ({"team_chat:read:list_user_messages"}, {"chat_list_messages"}, {"chat_list_sessions"}),
        ({"team_chat:write:message_files"}, {"chat_send_file"}, {"chat_upload_file", "chat_send_message"}),
        # Mark-read looks the message up for its timestamp: it needs a message read scope too.
        ({"team_chat:update:message_status"}, set(), {"chat_mark_message_read", "chat_react_to_message"}),
        (
            {"team_chat:update:message_status", "team_chat:read:user_message"},
            {"chat_mark_message_read"},
            {"chat_react_to_message"},
        ),
        (
            {"chat_channel:read"},
            # Zoom grants the owner-path reads to the user-level scope too; the account list stays admin-only.
            {"chat_list_channels", "chat_get_channel", "chat_list_channel_members", "chat_admin_get_channel"},
            {"chat_admin_list_public_channels", "chat_create_channel"},
        ),
        (
            {"chat_channel:write"},
            {"chat_create_channel", "chat_join_channel", "chat_leave_channel", "chat_list_channels"},
            {"chat_admin_list_public_channels", "chat_list_messages"},
        ),
        (
            {"chat_channel:read:admin"},
            {"chat_admin_get_channel", "chat_admin_list_public_channels", "chat_list_channels"},
            {"chat_admin_update_channel"},
        ),
        ({"team_chat:read:list_channels:admin"}, {"chat_admin_list_public_channels"}, {"chat_list_channels"}),
        ({"team_chat:delete:batch_administrators:admin"}, {"chat_admin_remove_channel_admins"}, set()),
        ({"chat_contact:read"}, {"chat_list_contacts", "chat_get_contact"}, {"chat_search_company_contacts"}),
        ({"chat_contact:read:admin"}, set(), {"chat_list_contacts", "chat_get_contact"}),
        ({"contact:read:admin"}, {"chat_search_company_contacts"}, {"chat_list_contacts"}),
        ({"report_chat:read:admin"}, {"chat_report_list_sessions", "chat_report_list_messages"}, set()),
        ({"report:read:chat_session:admin"}, {"chat_report_list_messages"}, {"chat_report_list_sessions"}),
        ({"imchat:read"}, {"chat_im_list_messages", "chat_im_list_sessions"}, {"chat_im_send_message"}),
        ({"imchat:read:admin"}, {"chat_im_list_sessions"}, {"chat_im_list_messages"}),
        ({"imchat:write"}, {"chat_im_send_message"}, {"chat_im_list_messages"}),
    ],
)
def test_scopes_unlock_expected_tools(granted: set[str], unlocks: set[str], keeps_locked: set[str]) -> None:
    unlocked = _unlocked(*granted)
    assert unlocks <= unlocked
    assert not keeps_locked & unlocked


def test_reports_and_the_account_channel_list_need_admin_scopes() -> None:
    # Other owner-path admin tools also take user-level scopes, as Zoom's reference lists them.
    for spec in CHAT:
        if spec.toolset == "chat_reports" or spec.name == "chat_admin_list_public_channels":
            assert all(scope.endswith(":admin") for scope in spec.scopes.alternatives), spec.name


def test_unknown_scopes_register_everything() -> None:
    assert {spec.name for spec in select(CHAT, None, Selection(toolsets=("all",)))} == set(_ids(CHAT))
