"""Build the Claude Desktop extension: ``dist/zoom-mcp-<version>.mcpb``.

The bundle is a ``uv`` bundle (MCPB manifest 0.4): the project's sources and pyproject.toml,
which Claude Desktop runs with ``uv run`` (it provides Python and installs the dependencies).
The manifest is validated and the bundle packed by the official MCPB command-line tool, run
through npx, so Node.js (npm) is needed.

    python scripts/build_mcpb.py            # validate, stage under build/mcpb/, pack into dist/
    python scripts/build_mcpb.py --check    # validate and stage only
    python scripts/build_mcpb.py --smoke    # also unpack it and start it as Claude Desktop does (needs uv)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Pinned: a new CLI release may change what it accepts; bump deliberately.
MCPB_CLI = "@anthropic-ai/mcpb@2.1.2"
# What the bundle needs to be installed by uv: the sources, the build metadata, the files it names.
BUNDLED = ("manifest.json", "pyproject.toml", "README.md", "LICENSE", "zoom_mcp", "tools", "prompts")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildError(Exception):
    pass


def project_version() -> str:
    text = (ROOT / "zoom_mcp" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise BuildError("no __version__ in zoom_mcp/__init__.py")
    return match.group(1)


def check_versions() -> str:
    """The one version (zoom_mcp.__version__) must be the one manifest.json and server.json carry."""
    version = project_version()
    manifest = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    server = json.loads((ROOT / "server.json").read_text(encoding="utf-8"))
    found = {
        "manifest.json": manifest["version"],
        "server.json": server["version"],
        **{f"server.json packages[{i}]": p["version"] for i, p in enumerate(server.get("packages", []))},
    }
    wrong = [f"{name} says {value}" for name, value in found.items() if value != version]
    if wrong:
        raise BuildError(f"version {version} (zoom_mcp/__init__.py), but " + "; ".join(wrong))
    return version


def mcpb(*args: str) -> None:
    npx = shutil.which("npx")
    if npx is None:
        raise BuildError("npx not found: install Node.js with npm (the MCPB tool runs through npx)")
    done = subprocess.run([npx, "-y", MCPB_CLI, *args], cwd=ROOT, check=False)
    if done.returncode != 0:
        raise BuildError(f"mcpb {args[0]} failed (exit {done.returncode})")


def stage(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in BUNDLED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=SKIPPED)
        else:
            shutil.copy2(source, target / name)


def smoke(bundle: Path) -> None:
    """Unpack ``bundle`` and run its manifest's command with the sandbox switch on, as Claude Desktop would."""
    target = ROOT / "build" / "mcpb-smoke"
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(target)
    config = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["server"]["mcp_config"]
    # uv from PATH, or the one installed beside this interpreter (the release extra).
    command = shutil.which(config["command"]) or shutil.which(config["command"], path=str(Path(sys.executable).parent))
    if command is None:
        raise BuildError(f"{config['command']} not found: the bundle runs with it (pip install uv)")
    args = [arg.replace("${__dirname}", str(target)) for arg in config["args"]]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}, "ZOOM_MCP_SANDBOX": "true"}
    done = subprocess.run(
        [command, *args, "call", "chat_list_channels", '{"page_size": 1}'],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or "channels" not in done.stdout:
        raise BuildError(f"the unpacked bundle did not run (exit {done.returncode}): {done.stderr[-2000:]}")
    print(f"the bundle runs: {config['command']} {' '.join(config['args'])} answered a sandbox tool call")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="validate and stage, do not pack")
    parser.add_argument("--smoke", action="store_true", help="after packing, unpack the bundle and run it with uv")
    ns = parser.parse_args(argv)
    try:
        version = check_versions()
        mcpb("validate", "manifest.json")
        staged = ROOT / "build" / "mcpb"
        stage(staged)
        if ns.check:
            print(f"staged {staged}")
            return 0
        output = ROOT / "dist" / f"zoom-mcp-{version}.mcpb"
        output.parent.mkdir(exist_ok=True)
        mcpb("pack", str(staged), str(output))
        mcpb("info", str(output))
        if ns.smoke:
            smoke(output)
    except BuildError as exc:
        print(f"build_mcpb: {exc}", file=sys.stderr)
        return 1
    print(f"built {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
