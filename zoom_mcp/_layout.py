"""Finding ``zoom_mcp.tools`` and ``zoom_mcp.prompts`` when running from a source checkout.

The catalog lives in the top-level ``tools/`` and ``prompts/`` folders; installing maps them
into the package (pyproject's package-dir). A checkout's ``zoom_mcp/`` folder has no such
subfolders, so whenever the package is imported from the checkout itself (``python -m
zoom_mcp`` or pytest from the repository root, with the project installed non-editable, or not
installed at all) the two names are mapped to the folders beside it, as an editable install
does. An installed copy has them inside and is left alone.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

CATALOG_FOLDERS = ("tools", "prompts")


class _CheckoutFinder(importlib.abc.MetaPathFinder):
    def __init__(self, folders: dict[str, Path]) -> None:
        self.folders = folders

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        folder = self.folders.get(fullname)
        if folder is None:
            return None
        return importlib.util.spec_from_file_location(
            fullname, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )


def map_catalog_folders(package: str, package_path: Sequence[str]) -> None:
    here = Path(next(iter(package_path)))
    folders = {
        f"{package}.{name}": here.parent / name
        for name in CATALOG_FOLDERS
        if not (here / name).is_dir() and (here.parent / name / "__init__.py").is_file()
    }
    if folders and not any(isinstance(f, _CheckoutFinder) for f in sys.meta_path):
        # First, so the folders beside the imported package win over another install's mapping.
        sys.meta_path.insert(0, _CheckoutFinder(folders))
