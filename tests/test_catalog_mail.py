"""The Zoom Mail catalog: one tool per operation of zoom-api.md 6.1, declared consistently."""

from __future__ import annotations

import importlib
import string
from typing import Any

import pytest

from zoom_mcp.catalog import LOCAL, ToolSpec
from zoom_mcp.codecs.mail_format import label_changes
from zoom_mcp.errors import ToolUsageError
from zoom_mcp.tools import ALL_TOOLS, BY_NAME
from zoom_mcp.tools._common import LabelChangeInput

ROOT = "/emails/mailboxes/{email}"

# (method, path under ROOT, granular scope, classic scope, tool): zoom-api.md 6.1, all 41 rows.
OPERATIONS: list[tuple[str, str, str, str, str]] = [
    ("GET", "/drafts", "email:read:list_drafts", "mail:read", "mail_list_drafts"),
    ("POST", "/drafts", "email:write:draft", "mail:write", "mail_create_draft"),
    ("POST", "/drafts/send", "email:write:send_draft", "mail:write", "mail_send_draft"),
    ("DELETE", "/drafts/{draftId}", "email:delete:draft", "mail:write", "mail_delete_draft"),
    ("GET", "/drafts/{draftId}", "email:read:draft", "mail:read", "mail_get_draft"),
    ("PUT", "/drafts/{draftId}", "email:update:draft", "mail:write", "mail_update_draft"),
    ("GET", "/history", "email:read:history", "mail:read", "mail_list_history"),
    ("GET", "/labels", "email:read:list_labels", "mail:read", "mail_list_labels"),
    ("POST", "/labels", "email:write:label", "mail:write", "mail_create_label"),
    ("DELETE", "/labels/{labelId}", "email:delete:label", "mail:write", "mail_delete_label"),
    ("GET", "/labels/{labelId}", "email:read:label", "mail:read", "mail_get_label"),
    ("PATCH", "/labels/{labelId}", "email:update:label", "mail:write", "mail_patch_label"),
    ("PUT", "/labels/{labelId}", "email:update:label", "mail:write", "mail_update_label"),
    ("GET", "/profile", "email:read:profile", "mail:read", "mail_get_profile"),
    ("GET", "/messages", "email:read:list_msgs", "mail:read", "mail_list_messages"),
    ("POST", "/messages", "email:write:msg", "mail:write", "mail_insert_message"),
    ("POST", "/messages/batchDelete", "email:write:batch_delete_msgs", "mail:write", "mail_batch_delete_messages"),
    ("POST", "/messages/batchModify", "email:write:batch_modify_msgs", "mail:write", "mail_batch_modify_messages"),
    ("POST", "/messages/send", "email:write:send_msg", "mail:write", "mail_send_message"),
    ("DELETE", "/messages/{messageId}", "email:delete:msg", "mail:write", "mail_delete_message"),
    ("GET", "/messages/{messageId}", "email:read:msg", "mail:read", "mail_get_message"),
    ("POST", "/messages/{messageId}/modify", "email:write:modify_msg", "mail:write", "mail_modify_message"),
    ("POST", "/messages/{messageId}/trash", "email:write:trash_msg", "mail:write", "mail_trash_message"),
    ("POST", "/messages/{messageId}/untrash", "email:write:untrash_msg", "mail:write", "mail_untrash_message"),
    (
        "GET",
        "/messages/{messageId}/attachments/{attachmentId}",
        "email:read:attachment",
        "mail:read",
        "mail_get_attachment",
    ),
    ("GET", "/settings/vacation", "email:read:setting_vacation", "mail:read", "mail_get_vacation"),
    ("PUT", "/settings/vacation", "email:update:setting_vacation", "mail:write", "mail_update_vacation"),
    ("GET", "/settings/delegates", "email:read:list_setting_delegates", "mail:read", "mail_list_delegates"),
    ("POST", "/settings/delegates", "email:write:setting_delegate", "mail:write", "mail_grant_delegate"),
    (
        "DELETE",
        "/settings/delegates/{delegateEmail}",
        "email:delete:setting_delegate",
        "mail:write",
        "mail_revoke_delegate",
    ),
    ("GET", "/settings/delegates/{delegateEmail}", "email:read:setting_delegate", "mail:read", "mail_get_delegate"),
    ("GET", "/settings/filters", "email:read:list_setting_filters", "mail:read", "mail_list_filters"),
    ("POST", "/settings/filters", "email:write:setting_filter", "mail:write", "mail_create_filter"),
    ("DELETE", "/settings/filters/{filterId}", "email:delete:setting_filter", "mail:write", "mail_delete_filter"),
    ("GET", "/settings/filters/{filterId}", "email:read:setting_filter", "mail:read", "mail_get_filter"),
    ("GET", "/threads", "email:read:list_threads", "mail:read", "mail_list_threads"),
    ("DELETE", "/threads/{threadId}", "email:delete:thread", "mail:write", "mail_delete_thread"),
    ("GET", "/threads/{threadId}", "email:read:thread", "mail:read", "mail_get_thread"),
    ("POST", "/threads/{threadId}/modify", "email:write:thread", "mail:write", "mail_modify_thread"),
    ("POST", "/threads/{threadId}/trash", "email:write:trash_thread", "mail:write", "mail_trash_thread"),
    ("POST", "/threads/{threadId}/untrash", "email:write:untrash_thread", "mail:write", "mail_untrash_thread"),
]

MAIL = [spec for spec in ALL_TOOLS if spec.name.startswith("mail_")]
TOOLSETS = {"mail_messages", "mail_threads", "mail_drafts", "mail_labels", "mail_settings", "mail_mailbox"}
DESTRUCTIVE = {
    "mail_delete_message",
    "mail_batch_delete_messages",
    "mail_delete_thread",
    "mail_delete_draft",
    "mail_delete_label",
    "mail_delete_filter",
    "mail_revoke_delegate",
}
# Writes that are not safe to repeat, and so tell the model how to check whether they happened.
NOT_IDEMPOTENT = {
    "mail_send_message",
    "mail_insert_message",
    "mail_create_draft",
    "mail_send_draft",
    "mail_create_label",
    "mail_grant_delegate",
    "mail_create_filter",
}
LIGHT = {"mail_list_history", "mail_patch_label"}
VERBS = {"list", "get", "send", "insert", "modify", "batch", "trash", "untrash", "delete", "create", "update"}
VERBS |= {"patch", "grant", "revoke"}


def test_41_operations_one_tool_each() -> None:
    assert len(OPERATIONS) == 41
    assert len({(method, path) for method, path, *_ in OPERATIONS}) == 41
    endpoints = {spec.endpoint: spec.name for spec in MAIL}
    assert len(MAIL) == len(endpoints) == 41
    expected = {f"{method} {ROOT}{path}": name for method, path, _, _, name in OPERATIONS}
    assert endpoints == expected


def test_names() -> None:
    for spec in MAIL:
        assert len(spec.name) <= 48
        verb = spec.name.split("_")[1]
        assert verb in VERBS, spec.name
        assert spec.name == spec.name.lower()


def test_toolsets_follow_modules() -> None:
    assert {spec.toolset for spec in MAIL} == TOOLSETS
    for toolset in TOOLSETS:
        module = importlib.import_module(f"zoom_mcp.tools.{toolset}")
        assert {spec.toolset for spec in module.TOOLS} == {toolset}


def test_annotations_are_explicit_and_consistent() -> None:
    for spec in MAIL:
        hints = spec.annotations
        assert set(hints) == {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}
        assert all(isinstance(hints[key], bool) for key in hints if key != "title")
        assert spec.read_only == (spec.method == "GET"), spec.name
        assert spec.destructive == (spec.name in DESTRUCTIVE), spec.name
        assert spec.idempotent == (spec.name not in NOT_IDEMPOTENT), spec.name
        assert spec.open_world


def test_destructive_tools_name_what_they_destroy() -> None:
    for spec in MAIL:
        if not spec.destructive:
            assert spec.confirm is None
            continue
        assert spec.confirm
        fields = [name for _, name, _, _ in string.Formatter().parse(spec.confirm) if name]
        assert fields, spec.name
        assert set(fields) <= set(spec.input.model_fields), spec.name
        assert spec.confirm.format(**dict.fromkeys(spec.input.model_fields, "X"))


def test_non_idempotent_writes_say_how_to_verify() -> None:
    for spec in MAIL:
        assert (spec.verify is not None) == (spec.name in NOT_IDEMPOTENT), spec.name
        if spec.verify:
            assert spec.verify.split()[0] in BY_NAME


def test_rate_labels() -> None:
    for spec in MAIL:
        assert spec.rate == ("light" if spec.name in LIGHT else "medium"), spec.name


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return list(schema.get("properties", {}).items())


def test_every_property_is_described() -> None:
    for spec in MAIL:
        schema = spec.input_schema
        assert schema["type"] == "object"
        assert "description" not in schema, f"{spec.name}: a model docstring leaked into the schema"
        for name, prop in _properties(schema):
            assert prop.get("description"), f"{spec.name}.{name}"


def test_descriptions_are_short() -> None:
    for spec in MAIL:
        assert len(spec.description) <= 120, spec.name
        assert spec.title and len(spec.title) <= 40


def test_mailbox_and_path_parameters() -> None:
    for spec in MAIL:
        wires = {wire: (name, location) for name, (wire, location) in spec.locations.items()}
        assert set(spec.path_params) <= set(wires), spec.name
        name, _ = wires["email"]
        assert name == "mailbox"
        assert spec.input.model_fields["mailbox"].default is None
        assert spec.input.model_validate(_minimal(spec)).mailbox is None  # type: ignore[attr-defined]


def _minimal(spec: ToolSpec) -> dict[str, Any]:
    """Required fields filled with plausible values."""
    values: dict[str, Any] = {}
    for name, info in spec.input.model_fields.items():
        if not info.is_required():
            continue
        if name == "to":
            values[name] = ["a@example.com"]
        elif name == "message_ids":
            values[name] = ["m1"]
        elif name == "delegate_email":
            values[name] = "d@example.com"
        elif name == "enabled":
            values[name] = True
        else:
            values[name] = "x"
    if spec.name == "mail_send_message":
        values["text"] = "hi"
    if spec.name == "mail_create_filter":
        values.update(sender="boss@example.com", add_label_ids=["STARRED"])
    if spec.name in ("mail_modify_message", "mail_modify_thread", "mail_batch_modify_messages"):
        values["read"] = True
    return values


@pytest.mark.parametrize(
    ("name", "items", "maximum", "default"),
    [
        ("mail_list_messages", "messages", 50, 20),
        ("mail_list_threads", "threads", 50, 20),
        ("mail_list_drafts", "drafts", 50, 20),
        ("mail_list_history", "history", 500, 50),
    ],
)
def test_paging(name: str, items: str, maximum: int, default: int) -> None:
    spec = BY_NAME[name]
    assert spec.page is not None
    assert (spec.page.items, spec.page.size_param, spec.page.token_param, spec.page.token_field) == (
        items,
        "maxResults",
        "pageToken",
        "nextPageToken",
    )
    assert spec.locations["page_size"][0] == "maxResults"
    assert spec.locations["next_page_token"][0] == "pageToken"
    props = spec.input_schema["properties"]
    assert props["page_size"]["maximum"] == maximum
    # The default applies at validation; it is not published (it would cost tokens every turn).
    assert "default" not in props["page_size"]
    assert spec.input.model_fields["page_size"].default == default
    args = spec.input.model_validate({**_minimal(spec), "page_size": 10_000})
    assert args.page_size == maximum  # type: ignore[attr-defined]


def test_list_filters_are_snake_case_with_zoom_aliases() -> None:
    for name in ("mail_list_messages", "mail_list_threads"):
        locations = BY_NAME[name].locations
        assert locations["label_ids"][0] == "labelIds"
        assert locations["include_spam_trash"][0] == "includeSpamTrash"
        assert locations["q"][0] == "q"
        assert BY_NAME[name].input_schema["properties"]["label_ids"]["type"] == "array"


def test_compose_fields_are_local() -> None:
    for name in ("mail_send_message", "mail_insert_message", "mail_create_draft", "mail_update_draft"):
        spec = BY_NAME[name]
        assert spec.encode is not None
        for field in ("to", "cc", "bcc", "subject", "text", "html", "in_reply_to", "attachments"):
            assert spec.locations[field][1] is LOCAL, f"{name}.{field}"
    send = BY_NAME["mail_send_message"].input_schema
    assert send["properties"]["to"]["minItems"] == 1
    assert send["properties"]["to"]["items"] == {"type": "string"}  # addresses are checked by validation
    assert "to" in send["required"]


def test_send_rejects_bad_input() -> None:
    model = BY_NAME["mail_send_message"].input
    with pytest.raises(ValueError):
        model.model_validate({"to": [], "text": "x"})
    with pytest.raises(ValueError):
        model.model_validate({"to": ["not an address"], "text": "x"})
    with pytest.raises(ValueError):
        model.model_validate({"to": ["a@example.com"]})  # nothing to send
    with pytest.raises(ValueError):
        model.model_validate({"to": ["a@example.com"], "text": "x", "subject": "a\r\nBcc: evil@example.com"})
    with pytest.raises(ValueError):
        BY_NAME["mail_insert_message"].input.model_validate({"sender": "a@example.com\nBcc: evil@example.com"})


# ---- scopes --------------------------------------------------------------------------------------


def _unlocked(granted: set[str]) -> set[str]:
    return {spec.name for spec in MAIL if spec.scopes.met_by(frozenset(granted))}


def _endpoint_unlocked(granted: set[str]) -> set[str]:
    """Tools whose own endpoint ``granted`` allows (follow-up calls aside)."""
    return {spec.name for spec in MAIL if spec.scopes.parts[0].met_by(frozenset(granted))}


@pytest.mark.parametrize("row", OPERATIONS, ids=[row[4] for row in OPERATIONS])
def test_granular_scope_unlocks_exactly_its_tools(row: tuple[str, str, str, str, str]) -> None:
    _, _, granular, classic, _ = row
    expected = {name for _, _, scope, _, name in OPERATIONS if scope == granular}
    assert _endpoint_unlocked({granular}) == expected
    assert _endpoint_unlocked({granular + ":admin"}) == expected
    assert row[4] in _endpoint_unlocked({classic})


def test_list_messages_needs_the_row_read_too() -> None:
    messages = {spec.name for spec in MAIL if spec.toolset == "mail_messages"}
    assert _unlocked({"email:read:list_msgs"}) & messages == set()
    assert _unlocked({"email:read:list_msgs", "email:read:msg"}) & messages == {
        "mail_list_messages",
        "mail_get_message",
    }


@pytest.mark.parametrize(
    ("tool", "own", "follow_up"),
    [
        ("mail_list_messages", "email:read:list_msgs", "email:read:msg"),
        ("mail_list_threads", "email:read:list_threads", "email:read:thread"),
        ("mail_list_drafts", "email:read:list_drafts", "email:read:draft"),
        ("mail_send_message", "email:write:send_msg", "email:read:msg"),
        ("mail_create_draft", "email:write:draft", "email:read:msg"),
        ("mail_patch_label", "email:update:label", "email:read:label"),
    ],
)
def test_follow_up_calls_are_part_of_the_requirement(tool: str, own: str, follow_up: str) -> None:
    assert tool not in _unlocked({own})
    assert tool in _unlocked({own, follow_up})
    assert tool in _unlocked({"mail:read", "mail:write"})


def test_classic_scopes() -> None:
    reads = {spec.name for spec in MAIL if spec.read_only}
    writes = {spec.name for spec in MAIL if not spec.read_only}
    assert reads == {name for *_, classic, name in OPERATIONS if classic == "mail:read"}
    assert len(reads) == 16 and len(writes) == 25
    assert _unlocked({"mail:read"}) == reads
    assert _unlocked({"mail:read:admin"}) == reads
    # Writes that read first (a reply's original, a patched label's current fields) need mail:read too.
    reading = {"mail_send_message", "mail_insert_message", "mail_create_draft", "mail_update_draft", "mail_patch_label"}
    assert _unlocked({"mail:write"}) == writes - reading
    assert _unlocked({"mail:write:admin"}) == writes - reading
    assert _unlocked({"mail:read", "mail:write"}) == reads | writes
    assert _unlocked({"chat_message:read", "team_chat:read:list_user_messages"}) == set()


# ---- modify flags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "add", "remove"),
    [
        ({"read": True}, [], ["UNREAD"]),
        ({"read": False}, ["UNREAD"], []),
        ({"starred": True}, ["STARRED"], []),
        ({"starred": False}, [], ["STARRED"]),
        ({"important": True}, ["IMPORTANT"], []),
        ({"important": False}, [], ["IMPORTANT"]),
        ({"archive": True}, [], ["INBOX"]),
        ({"archive": False}, ["INBOX"], []),
        ({"move_to": "Label_7"}, ["Label_7"], ["INBOX"]),
        ({"move_to": "INBOX"}, ["INBOX"], []),
        ({"move_to": "Label_7", "archive": True}, ["Label_7"], ["INBOX"]),
        ({"add_label_ids": ["A", "B"], "remove_label_ids": ["C"]}, ["A", "B"], ["C"]),
        ({"read": True, "starred": True, "add_label_ids": ["STARRED"]}, ["STARRED"], ["UNREAD"]),
    ],
)
def test_flag_mapping(flags: dict[str, Any], add: list[str], remove: list[str]) -> None:
    assert label_changes(LabelChangeInput.model_validate(flags)) == (add, remove)


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"add_label_ids": [], "remove_label_ids": []},
        {"read": True, "add_label_ids": ["UNREAD"]},
        {"archive": False, "move_to": "Label_7"},
        {"starred": True, "remove_label_ids": ["STARRED"]},
    ],
)
def test_flag_mapping_rejects_no_change_or_conflict(flags: dict[str, Any]) -> None:
    with pytest.raises(ToolUsageError):
        label_changes(LabelChangeInput.model_validate(flags))


def test_modify_tools_share_the_flags() -> None:
    flags = set(LabelChangeInput.model_fields)
    for name in ("mail_modify_message", "mail_modify_thread", "mail_batch_modify_messages"):
        spec = BY_NAME[name]
        assert flags <= set(spec.input.model_fields)
        assert all(spec.locations[flag][1] is LOCAL for flag in flags)
        assert spec.encode is BY_NAME["mail_modify_message"].encode
