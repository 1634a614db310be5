"""Placeholders mean "not given": ``null``, ``""`` and ``[]`` in optional fields, for every tool.

Strict-mode models must fill every field and do so with ``""``/``[]``/``false``; other clients send
``null``. Such calls must behave as if the field were left out (defaults, path defaults, the
exactly-one-of counting), while required fields still refuse empty values and a wrong type still
gets its one-line field error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import mcp.types as types
import pytest
from pydantic import ValidationError

from zoom_mcp.catalog import ToolSpec
from zoom_mcp.catalog.registry import select
from zoom_mcp.codecs.mime import check_address
from zoom_mcp.config import Settings
from zoom_mcp.tools import ALL_TOOLS, BY_NAME

if TYPE_CHECKING:
    from tests.conftest import ClientFactory

# Fields a model validator needs beyond the required ones (a message needs a body, a filter a
# criterion and an action).
EXTRA = {
    "mail_send_message": {"text": "hi"},
    "chat_react_to_message": {"emoji": "U+1F44D"},
    # A conversation, or search_key alone: the rule is checked by the model's own validator.
    "chat_list_messages": {"to_channel": "C1"},
    "mail_create_filter": {"sender": "a@example.com", "add_label_ids": ["L1"]},
}


def _valid_empty(spec: ToolSpec) -> bool:
    try:
        spec.input.model_validate({})
    except ValueError:
        return False
    return True


NO_ARGUMENT_READS = [
    spec
    for spec in select(ALL_TOOLS, None)
    if spec.read_only and not spec.input_schema.get("required") and not spec.input.one_of and _valid_empty(spec)
]


def sample(spec: ToolSpec, name: str) -> Any:
    """A valid value for a required field, from its annotation."""
    info = spec.input.model_fields[name]
    text = str(info.annotation) + repr(info.metadata)
    value: Any = "X1"
    if "datetime.date" in text:
        value = dt.date(2026, 10, 1).isoformat()
    elif "check_address" in text or check_address.__name__ in text:
        value = "a@example.com"
    elif info.annotation is bool:
        value = True
    return [value] if "list" in text else value


def minimal(spec: ToolSpec) -> dict[str, Any]:
    args = {name: sample(spec, name) for name, info in spec.input.model_fields.items() if info.is_required()}
    for group in spec.input.one_of:
        args[group[0]] = "C1"
    return {**args, **EXTRA.get(spec.name, {})}


def placeholders_for(spec: ToolSpec, name: str) -> list[Any]:
    kind = spec.input_schema["properties"][name].get("type")
    return [None, "", "  ", *([[]] if kind == "array" else [])]


def optional_fields(spec: ToolSpec) -> list[str]:
    given = minimal(spec)
    return [name for name, info in spec.input.model_fields.items() if not info.is_required() and name not in given]


def test_every_tool_has_minimal_valid_arguments() -> None:
    for spec in ALL_TOOLS:
        spec.input.model_validate(minimal(spec))


@pytest.mark.parametrize("spec", ALL_TOOLS, ids=[spec.name for spec in ALL_TOOLS])
def test_optional_placeholders_mean_not_given(spec: ToolSpec) -> None:
    base = minimal(spec)
    expected = spec.input.model_validate(base)
    for name in optional_fields(spec):
        for value in placeholders_for(spec, name):
            got = spec.input.model_validate({**base, name: value})
            assert got == expected, f"{spec.name}.{name}={value!r}"
            assert name not in got.model_fields_set
    # All at once, as a strict-mode model sends them.
    every = {**base, **{name: placeholders_for(spec, name)[1] for name in optional_fields(spec)}}
    assert spec.input.model_validate(every) == expected


@pytest.mark.parametrize("spec", ALL_TOOLS, ids=[spec.name for spec in ALL_TOOLS])
def test_required_fields_still_refuse_empty_values(spec: ToolSpec) -> None:
    base = minimal(spec)
    for name, info in spec.input.model_fields.items():
        if not info.is_required():
            continue
        for value in (None, "", []):
            with pytest.raises(ValidationError) as caught:
                spec.input.model_validate({**base, name: value})
            assert any(error["loc"][:1] == (name,) for error in caught.value.errors()), f"{spec.name}.{name}"


@pytest.mark.parametrize("spec", ALL_TOOLS, ids=[spec.name for spec in ALL_TOOLS])
def test_a_wrong_type_is_still_a_field_error(spec: ToolSpec) -> None:
    base = minimal(spec)
    for name in spec.input.model_fields:
        with pytest.raises(ValidationError) as caught:
            spec.input.model_validate({**base, name: {"not": "a value"}})
        assert any(error["loc"][:1] == (name,) for error in caught.value.errors()), f"{spec.name}.{name}"


def test_empty_path_parameters_take_the_configured_defaults() -> None:
    settings = Settings(default_user="u-42", default_mailbox="box@example.com")
    chat = BY_NAME["chat_list_channels"]
    for value in (None, "", " "):
        args = chat.input.model_validate({"user_id": value})
        assert chat.request_for(args, settings.path_defaults).path == "/chat/users/u-42/channels"
    mail = BY_NAME["mail_list_labels"]
    request = mail.request_for(mail.input.model_validate({"mailbox": ""}), settings.path_defaults)
    assert request.path == "/emails/mailboxes/box%40example.com/labels"


def test_placeholders_do_not_count_for_exactly_one_of() -> None:
    spec = BY_NAME["chat_send_message"]
    for empty in (None, "", " "):
        args = spec.input.model_validate({"message": "hi", "to_contact": empty, "to_channel": "C1"})
        assert (args.to_contact, args.to_channel) == (None, "C1")
    with pytest.raises(ValidationError, match=r"give exactly one of to_contact or to_channel \(got 0\)"):
        spec.input.model_validate({"message": "hi", "to_contact": "", "to_channel": None})
    with pytest.raises(ValidationError, match=r"\(got 2\)"):
        spec.input.model_validate({"message": "hi", "to_contact": "a@example.com", "to_channel": "C1"})


def test_channel_types_are_words_sent_as_zoom_codes() -> None:
    spec = BY_NAME["chat_create_channel"]
    args = spec.input.model_validate({"name": "eng", "type": ""})
    assert spec.request_for(args, {"userId": "me"}).json == {"name": "eng", "type": 1}
    args = spec.input.model_validate({"name": "eng", "type": "group_chat"})
    assert spec.request_for(args, {"userId": "me"}).json == {"name": "eng", "type": 4}
    update = BY_NAME["chat_update_channel"]
    args = update.input.model_validate({"channel_id": "C1", "type": "public_external"})
    assert update.request_for(args, {}).json == {"type": 5}
    with pytest.raises(ValidationError):
        spec.input.model_validate({"name": "eng", "type": 3})


@pytest.mark.anyio
async def test_results_name_channel_types_in_words() -> None:
    spec = BY_NAME["chat_get_channel"]
    assert spec.decode is not None
    for code, word in ((1, "private"), (2, "private_org"), (3, "public"), (4, "group_chat"), (5, "public_external")):
        decoded = await spec.decode({"id": "C1", "type": code}, spec.input(channel_id="C1"), None)  # type: ignore[arg-type]
        assert decoded == {"id": "C1", "type": word}


# --- end to end, through the MCP client against the sandbox ------------------------------------


def strict_fill(spec: ToolSpec) -> dict[str, Any]:
    """Every optional field as a strict-mode model fills it when it means "nothing"."""
    fill = {"string": "", "array": [], "boolean": False}
    return {name: fill.get(prop.get("type")) for name, prop in spec.input_schema["properties"].items()}


def text(result: types.CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))


def same_data(result: types.CallToolResult) -> str:
    # Each result fences Zoom's data with a fresh nonce and issues a fresh page token; the data is
    # what must match.
    fenced = re.sub(r"<(/?)zoom-data id=\w+>", r"<\1zoom-data>", text(result))
    return re.sub(r"next_page_token=\S+", "next_page_token=TOKEN", fenced)


def test_there_are_twelve_no_argument_read_tools() -> None:
    assert len(NO_ARGUMENT_READS) == 12


@pytest.mark.anyio
@pytest.mark.timeout(60)
async def test_placeholder_and_null_calls_succeed_on_every_no_argument_read_tool(client: ClientFactory) -> None:
    async with client() as connected:
        for spec in NO_ARGUMENT_READS:
            plain = await connected.call_tool(spec.name, {})
            assert not plain.is_error, f"{spec.name}: {text(plain)}"
            for arguments in (strict_fill(spec), dict.fromkeys(spec.input_schema["properties"])):
                result = await connected.call_tool(spec.name, arguments)
                assert not result.is_error, f"{spec.name} {arguments}: {text(result)}"
                assert same_data(result) == same_data(plain), f"{spec.name} {arguments}"


@pytest.mark.anyio
@pytest.mark.timeout(60)
async def test_a_wrong_type_gets_the_one_line_field_error(client: ClientFactory) -> None:
    async with client() as connected:
        result = await connected.call_tool("chat_list_channels", {"page_size": "ten", "user_id": ""})
    assert result.is_error
    assert text(result).splitlines() == [
        "chat_list_channels: invalid arguments",
        "page_size: Input should be a valid integer, unable to parse string as an integer",
    ]
