"""Packaging metadata: one version, the extension manifest and registry entry match the settings, checkout runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from zoom_mcp import __version__
from zoom_mcp.config import ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {name for name, _, _ in ENVIRONMENT}


def load(name: str) -> dict:
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


def test_the_version_is_declared_once_and_every_artifact_carries_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert load("manifest.json")["version"] == __version__
    server = load("server.json")
    assert [server["version"], *(p["version"] for p in server["packages"])] == [__version__] * 2
    assert "Programming Language :: Python :: 3.13" in project["classifiers"]


def test_the_extension_passes_only_real_settings_and_hides_the_secrets() -> None:
    manifest = load("manifest.json")
    env = manifest["server"]["mcp_config"]["env"]
    assert set(env) <= SETTINGS
    options = manifest["user_config"]
    # Every option reaches the server, and every variable comes from an option.
    assert {re.fullmatch(r"\$\{user_config\.(\w+)\}", value)[1] for value in env.values()} == set(options)
    assert {name for name, option in options.items() if option.get("sensitive")} == {"client_secret", "refresh_token"}
    assert env["ZOOM_MCP_SANDBOX"] == "${user_config.sandbox}" and options["sandbox"]["type"] == "boolean"


def test_the_registry_entry_names_real_settings_and_matches_the_readme_marker() -> None:
    server = load("server.json")
    variables = server["packages"][0]["environmentVariables"]
    assert {v["name"] for v in variables} <= SETTINGS
    assert {v["name"] for v in variables if v.get("isSecret")} == {"ZOOM_CLIENT_SECRET", "ZOOM_REFRESH_TOKEN"}
    assert len(server["description"]) <= 100
    # PyPI ownership for the MCP registry: the README carries the server's name.
    assert f"mcp-name: {server['name']}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", [["-m", "zoom_mcp", "tools", "--toolsets", "mail_mailbox"]])
def test_a_copy_of_the_checkout_runs_from_its_own_folders(tmp_path: Path, entry: list[str]) -> None:
    """From a source tree, ``zoom_mcp.tools``/``prompts`` come from the folders beside the package imported."""
    for name in ("zoom_mcp", "tools", "prompts"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    probe = (
        "import zoom_mcp, zoom_mcp.tools, zoom_mcp.prompts; print(zoom_mcp.tools.__file__, zoom_mcp.prompts.__file__)"
    )
    where = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    assert all(path.startswith(str(tmp_path)) for path in where.stdout.split())
    listed = subprocess.run([sys.executable, *entry], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "mail_get_profile" in listed.stdout


def test_the_extensions_sandbox_switch_keeps_calls_off_the_configured_account(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from zoom_mcp.cli import run

    # Credentials of an account that must not be used (an unreachable Zoom), and the switch on.
    for name, value in {
        "ZOOM_ACCOUNT_ID": "real-account",
        "ZOOM_CLIENT_ID": "real-client",
        "ZOOM_CLIENT_SECRET": "real-secret",
        "ZOOM_OAUTH_BASE_URL": "http://127.0.0.1:9",
        "ZOOM_MCP_SANDBOX": "true",
    }.items():
        monkeypatch.setenv(name, value)
    assert run(["call", "chat_list_channels", '{"page_size": 1}']) == 0
    assert "channels" in capsys.readouterr().out
