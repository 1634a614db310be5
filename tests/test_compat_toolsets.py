"""Tool caps: the default list stays under clients' limits (Cursor warns above 80 tools).

The deprecated IM tools are an opt-in toolset; naming it, ``all``, or one of its tools adds them.
"""

from __future__ import annotations

import pytest

from zoom_mcp.catalog.registry import OPT_IN_TOOLSETS, Selection, select, unknown_names
from zoom_mcp.cli import run
from zoom_mcp.tools import ALL_TOOLS

IM = {spec.name for spec in ALL_TOOLS if spec.toolset == "chat_im"}


def names(selection: Selection) -> set[str]:
    return {spec.name for spec in select(ALL_TOOLS, None, selection)}


def test_default_list_is_under_the_caps() -> None:
    default = names(Selection())
    assert len(default) <= 77
    assert not default & IM
    assert default | IM == {spec.name for spec in ALL_TOOLS}


def test_opt_in_toolsets_are_described_as_deprecated() -> None:
    assert set(OPT_IN_TOOLSETS) == {"chat_im"}
    assert "deprecated" in OPT_IN_TOOLSETS["chat_im"]
    assert all(spec.description.startswith("Deprecated") for spec in ALL_TOOLS if spec.toolset == "chat_im")


def test_naming_the_toolset_or_all_adds_them() -> None:
    assert names(Selection(toolsets=("chat_im",))) == IM
    assert names(Selection(toolsets=("all",))) == {spec.name for spec in ALL_TOOLS}
    assert names(Selection(toolsets=("chat_im", "mail"))) >= IM
    # The product group takes its current toolsets only.
    assert not names(Selection(toolsets=("chat",))) & IM
    assert names(Selection(include=("chat_im_send_message", "chat_send_message"))) == {
        "chat_im_send_message",
        "chat_send_message",
    }
    assert unknown_names(ALL_TOOLS, Selection(toolsets=("chat_im",))) == []


@pytest.mark.usefixtures("clean_env")
def test_cli_tools_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tools"]) == 0
    assert f"77 of {len(ALL_TOOLS)} tools would register" in capsys.readouterr().out
    assert run(["tools", "--toolsets", "chat_im"]) == 0
    assert f"4 of {len(ALL_TOOLS)} tools would register" in capsys.readouterr().out
