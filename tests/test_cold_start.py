"""What a start loads: the first ``tools/list`` must not pay for what only later calls use.

Timing is left to the bench (``python -m tests.bench --only coldstart``); these tests pin the
deferrals that keep start-up near the bare SDK server, by the modules a real start leaves unloaded.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from zoom_mcp.catalog.registry import select
from zoom_mcp.tools import ALL_TOOLS

ROOT = Path(__file__).resolve().parent.parent
HANDSHAKE = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]

# Loaded on first use, each by the call that needs it; none is needed to list the tools.
DEFERRED = {
    "zoom_mcp.sandbox.mail_seed": "the sandbox seeds mail on the first mail request",
    "zoom_mcp.sandbox.mail_seed_content": "the sandbox seeds mail on the first mail request",
    "email.policy": "composing or reading a mail",
    "email.headerregistry": "checking an address or decoding a header",
    "resiliparse": "converting an HTML mail body",
    "http.server": "`zoom-mcp login` (its redirect server)",
    "webbrowser": "`zoom-mcp login`",
    "tomllib": "the first prompts request (the prompt files)",
    "zoom_mcp.serving.prompting": "the first prompts request",
    "zoom_mcp.engine.write_dedupe": "the first write (its retry guard)",
    "difflib": "suggesting a name for a mistyped one",
    "filelock": "a token file",
    "zoom_mcp.remote": "--auth oauth",
    "zoom_mcp.serving.doctor": "`zoom-mcp doctor`",
    "zoom_mcp.tools": "the first tool call (listing is served from the catalog index)",
    "zoom_mcp.codecs": "the first tool call (its hooks)",
}
# What a command that prints the catalog itself loads on purpose.
CATALOG = {"zoom_mcp.tools", "zoom_mcp.codecs"}

# Runs the real command line in the child, then reports what it had loaded by the time it exited.
# ZOOM_TEST_INDEX, when set, is read as the catalog index instead of the shipped one.
CHILD = """
import json, os, sys
from pathlib import Path
from zoom_mcp.catalog import served_schemas
if "ZOOM_TEST_INDEX" in os.environ:
    served_schemas.SCHEMA_FILE = Path(os.environ["ZOOM_TEST_INDEX"])
from zoom_mcp.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
with open(sys.argv[1], "w") as out:
    json.dump(sorted(sys.modules), out)
"""


def run_cli(
    tmp_path: Path, *args: str, requests: list[dict[str, object]] = (), index: Path | None = None
) -> tuple[list[str], list[dict]]:
    """Run ``zoom-mcp *args``; with ``requests``, send them and close stdin once the last is answered."""
    report = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    if index is not None:
        env["ZOOM_TEST_INDEX"] = str(index)
    with (tmp_path / "stderr").open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(report), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=ROOT,
            env=env,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(b"".join(json.dumps(message).encode() + b"\n" for message in requests))
            child.stdin.flush()
            last = max((m["id"] for m in requests if "id" in m), default=None)
            lines = []
            # Left open until the last answer: end of input stops the server, answered or not.
            while last is not None and (line := child.stdout.readline()):
                lines.append(line)
                if json.loads(line).get("id") == last:
                    break
            child.stdin.close()
            lines += child.stdout.read().splitlines()
            assert child.wait(60) == 0, (tmp_path / "stderr").read_text()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    return json.loads(report.read_text()), [json.loads(line) for line in lines if line.startswith(b"{")]


def loaded_deferred(modules: list[str]) -> dict[str, str]:
    return {name: why for name, why in DEFERRED.items() if any(m == name or m.startswith(name + ".") for m in modules)}


def test_serving_the_first_tools_list_loads_nothing_a_later_call_needs(tmp_path: Path) -> None:
    modules, messages = run_cli(tmp_path, "--sandbox", requests=HANDSHAKE)
    answers = {m["id"]: m for m in messages if "id" in m}
    # The list was served in full, so everything it needs was loaded.
    assert len(answers[2]["result"]["tools"]) == len(select(ALL_TOOLS, None))
    assert loaded_deferred(modules) == {}, "loaded before any call needs them (what needs each one)"


def test_the_first_tool_call_loads_the_catalog_and_is_answered(tmp_path: Path) -> None:
    call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "chat_list_channels"}}
    modules, messages = run_cli(tmp_path, "--sandbox", requests=[*HANDSHAKE, call])
    answers = {m["id"]: m for m in messages if "id" in m}
    assert answers[3]["result"]["isError"] is False, answers[3]
    assert "zoom_mcp.tools.chat_channels" in modules


def test_a_stale_index_serves_the_same_list_from_the_tools_themselves(tmp_path: Path) -> None:
    stale = tmp_path / "served_schemas.json"
    stale.write_text(json.dumps({"fingerprint": "stale", "tools": []}))
    fresh_dir, stale_dir = tmp_path / "fresh", tmp_path / "stale"
    fresh_dir.mkdir()
    stale_dir.mkdir()
    _, fresh = run_cli(fresh_dir, "--sandbox", requests=HANDSHAKE)
    modules, from_tools = run_cli(stale_dir, "--sandbox", requests=HANDSHAKE, index=stale)
    assert "zoom_mcp.tools" in modules, "a stale index is not used"
    listed = [next(m for m in messages if m.get("id") == 2)["result"] for messages in (fresh, from_tools)]
    assert listed[0] == listed[1]
    assert len(listed[0]["tools"]) == len(select(ALL_TOOLS, None))


def test_a_command_without_sandbox_does_not_load_the_sandbox(tmp_path: Path) -> None:
    # The parser takes the `sandbox` command's options from the sandbox package; not the sandbox.
    modules, _ = run_cli(tmp_path, "tools")
    assert "zoom_mcp.sandbox.core" not in modules
    assert set(loaded_deferred(modules)) <= CATALOG


def test_tool_modules_declare_models_without_postponed_annotations() -> None:
    # With `from __future__ import annotations` pydantic evaluates every field annotation from
    # its string when the catalog is imported: about 15 ms more for each server start.
    found = []
    for path in sorted((ROOT / "tools").glob("*.py")):
        body = ast.parse(path.read_text()).body
        declares_models = any(isinstance(node, ast.ClassDef) for node in body)
        postponed = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(alias.name == "annotations" for alias in node.names)
            for node in body
        )
        if declares_models and postponed:
            found.append(path.name)
    assert found == []
