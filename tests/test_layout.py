"""The engine's parts import each other in one direction only, and the catalog package keeps
re-exporting what tools import from ``zoom_mcp.catalog``.

Imports are read from the source (every ``import``, including those inside functions and under
``TYPE_CHECKING``) rather than from an import-graph library: in a checkout ``tools/`` and
``prompts/`` sit beside ``zoom_mcp/`` and become ``zoom_mcp.tools`` / ``zoom_mcp.prompts`` only
through the package-dir mapping, which a library walking the ``zoom_mcp`` folder would not see.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import zoom_mcp.catalog
import zoom_mcp.catalog.spec

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "zoom_mcp"
# Where each importable package's source lives in a checkout (pyproject's package-dir).
FOLDERS = {PACKAGE: ROOT / "zoom_mcp", f"{PACKAGE}.tools": ROOT / "tools", f"{PACKAGE}.prompts": ROOT / "prompts"}


def modules(folders: dict[str, Path]) -> dict[str, Path]:
    """Every module by dotted name (a package by its own name, for its ``__init__``)."""
    found: dict[str, Path] = {}
    for package, folder in folders.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The project modules ``name`` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # ``from package import module`` imports the module; ``from module import name`` the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        yield from (target for target in targets if target == PACKAGE or target.startswith(PACKAGE + "."))


def part(module: str) -> str:
    """The part a module belongs to: ``zoom_mcp.engine.http`` -> ``zoom_mcp.engine``; a top-level
    module (``zoom_mcp.config``) and the package's own ``__init__`` are parts of their own."""
    return ".".join(module.split(".")[:2])


def part_graph(folders: dict[str, Path]) -> dict[str, set[str]]:
    known = modules(folders)
    graph: dict[str, set[str]] = {part(name): set() for name in known}
    for name, path in known.items():
        graph[part(name)] |= {part(target) for target in imported(name, path, known)} - {part(name)}
    return graph


# The parts bottom up, as the README's layout map shows them: a part imports only parts below it.
LAYERS = [
    {"zoom_mcp.errors", "zoom_mcp.scopes", "zoom_mcp._layout", "zoom_mcp.prompts"},
    {"zoom_mcp.config", PACKAGE},
    {"zoom_mcp.catalog"},
    {"zoom_mcp.engine"},
    {"zoom_mcp.codecs"},
    {"zoom_mcp.tools"},
    {"zoom_mcp.serving"},
    {"zoom_mcp.sandbox", "zoom_mcp.remote"},
    {"zoom_mcp.cli"},
    {"zoom_mcp.__main__"},
]


def test_parts_import_each_other_without_a_cycle() -> None:
    graph = part_graph(FOLDERS)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle between parts: {' -> '.join(exc.args[1])}")


def test_each_part_imports_only_parts_below_it() -> None:
    graph = part_graph(FOLDERS)
    layer = {name: level for level, names in enumerate(LAYERS) for name in names}
    assert sorted(set(graph) - set(layer)) == [], "place the new part in LAYERS (and in the README's map)"
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        for target in targets
        if layer[target] >= layer[name]
    )
    assert upward == []


def test_a_cycle_is_found_even_through_type_checking_and_late_imports(tmp_path: Path) -> None:
    (tmp_path / "low").mkdir()
    (tmp_path / "high").mkdir()
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "low" / "__init__.py").write_text("")
    (tmp_path / "high" / "__init__.py").write_text("from zoom_mcp.low import thing\n")
    (tmp_path / "low" / "thing.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from zoom_mcp.high import other\n"
    )
    (tmp_path / "high" / "other.py").write_text("def late():\n    from ..low.thing import x\n")
    graph = part_graph({PACKAGE: tmp_path})
    assert graph["zoom_mcp.low"] == {"zoom_mcp.high"}
    assert graph["zoom_mcp.high"] == {"zoom_mcp.low"}
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(graph).prepare()


def test_catalog_package_re_exports_every_public_name_of_the_model() -> None:
    tree = ast.parse((ROOT / "zoom_mcp" / "catalog" / "spec.py").read_text(encoding="utf-8"))
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined |= {target.id for target in targets if isinstance(target, ast.Name)}
    public = {name for name in defined if not name.startswith("_")}
    missing = sorted(
        name for name in public if getattr(zoom_mcp.catalog, name, None) is not getattr(zoom_mcp.catalog.spec, name)
    )
    assert not missing, f"re-export from zoom_mcp/catalog/__init__.py: {missing}"
    assert {"ToolSpec", "ToolInput", "Request", "Page", "READ", "defaults"} <= public
