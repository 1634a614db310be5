"""Prompt files: they load, name real tools, and render from their declared arguments only."""

from __future__ import annotations

import re

import pytest

from zoom_mcp.serving.prompting import PromptArgumentError, PromptTemplate, load_prompts
from zoom_mcp.tools import BY_NAME

PROMPTS = load_prompts()
TOOL_NAME = re.compile(r"\b(?:chat|mail)_[a-z_]+\b")


def test_the_expected_prompts_ship() -> None:
    names = {p.name for p in PROMPTS}
    assert {
        "triage_inbox",
        "draft_follow_up_email",
        "summarize_channel",
        "answer_thread",
        "clean_up_inbox",
        "chat_activity_report",
    } <= names
    assert len(names) == len(PROMPTS)


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.name)
def test_every_tool_a_prompt_names_exists(prompt: PromptTemplate) -> None:
    assert prompt.tools
    assert [t for t in prompt.tools if t not in BY_NAME] == []


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.name)
def test_template_mentions_exactly_its_tools(prompt: PromptTemplate) -> None:
    # The prompt is offered only when its ``tools`` are registered, so it must not send the model
    # to any other tool (which might not be there).
    mentioned = set(TOOL_NAME.findall(prompt.template))
    assert mentioned == set(prompt.tools)


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.name)
def test_renders_with_required_arguments_only(prompt: PromptTemplate) -> None:
    args = {a.name: f"<{a.name}>" for a in prompt.arguments if a.required}
    text = prompt.render(args)
    assert "$" not in text
    for value in args.values():
        assert value in text
    assert prompt.to_prompt().name == prompt.name


READERS = [p for p in PROMPTS if p.name != "draft_follow_up_email"]  # that one reads no one else's content


@pytest.mark.parametrize("prompt", READERS, ids=lambda p: p.name)
def test_says_content_is_data(prompt: PromptTemplate) -> None:
    assert "data from other people" in prompt.template


def test_follow_up_only_drafts() -> None:
    prompt = next(p for p in PROMPTS if p.name == "draft_follow_up_email")
    assert prompt.tools == ("mail_create_draft",)
    assert "mail_send" not in prompt.template
    assert "do NOT send" in prompt.template


def test_missing_and_unknown_arguments_are_refused() -> None:
    prompt = next(p for p in PROMPTS if p.name == "summarize_channel")
    with pytest.raises(PromptArgumentError, match="Missing required arguments"):
        prompt.render({"channel": "general"})
    with pytest.raises(PromptArgumentError, match="Unknown arguments"):
        prompt.render({"channel": "general", "since": "2026-11-01", "colour": "red"})
    with pytest.raises(PromptArgumentError, match="Missing required"):
        prompt.render({"channel": "  ", "since": "2026-11-01"})


def test_optional_arguments_fall_back_to_defaults() -> None:
    prompt = next(p for p in PROMPTS if p.name == "triage_inbox")
    assert "20 most recent" in prompt.render({})
    assert "7 most recent" in prompt.render({"max_messages": "7"})


def test_available_only_when_all_tools_are() -> None:
    prompt = next(p for p in PROMPTS if p.name == "summarize_channel")
    assert prompt.available(["chat_list_channels", "chat_list_messages", "mail_get_message"])
    assert not prompt.available(["chat_list_messages"])
