"""The compact text a model reads: indented ``key: value`` lines and tables for uniform lists.

Measured on Zoom payloads (tests/test_shaping_format.py) it costs about half the tokens of
indented JSON, and fewer than compact JSON, while every value stays readable:

- ``key: value``; nested objects indent by two spaces under ``key:``.
- A list of flat objects is a table: ``key[N]{a,b,c}:`` then one comma-separated row per item.
  A nested object inside an item becomes dotted columns (``sender.name``); an empty cell means
  the field is absent (empty values were dropped before rendering, so that is unambiguous).
- A list of scalars is inline: ``key[N]: a,b,c``. Other lists use ``- `` items.
- Strings go bare unless that could be misread: then they are JSON-quoted (with ``\\n``
  escapes). Multi-line strings under a key use an indented ``|`` block, as in YAML.
"""

from __future__ import annotations

import json
import re
from typing import Any

INDENT = "  "
# Bare strings that would read as something else, or break the line structure.
_RISKY_START = re.compile(r'^[\s"\'\-\[{#|>]')
_KEY_SAFE = re.compile(r"^[A-Za-z_$@][\w.$@-]*$")
_INLINE_SPECIAL = re.compile(r"[,:\[\]{}]")
# Longer lists inside list items read better as ``- `` items than as one table cell.
MAX_INLINE_CELL = 160


def render(value: Any) -> str:
    return "\n".join(_block(value, 0))


def _scalar(value: Any, *, in_row: bool = False) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _needs_quotes(text, in_row):
        return json.dumps(text, ensure_ascii=False)
    return text


def _needs_quotes(text: str, in_row: bool) -> bool:
    if not text or text != text.strip() or _RISKY_START.match(text):
        return True
    if any(ch < " " for ch in text):
        return True
    return in_row and "," in text


def _key(key: Any) -> str:
    text = str(key)
    return text if _KEY_SAFE.match(text) else json.dumps(text, ensure_ascii=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any] | None:
    """Dotted columns for a table row; a list inside becomes an inline cell if it is short.

    Returns None when a cell would be too long to read inline (then no table).
    """
    out: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            nested = _flatten(value, name + ".")
            if nested is None:
                return None
            out.update(nested)
        elif isinstance(value, list):
            cell = _inline(value)
            if len(cell) > MAX_INLINE_CELL:
                return None
            out[name] = _Inline(cell)
        else:
            out[name] = value
    return out


class _Inline(str):
    """A cell already rendered in inline notation: written as is."""


def _inline(value: Any) -> str:
    """``[a,b]`` and ``{k:v}``; strings holding ``,:[]{}`` are quoted so brackets always match."""
    if isinstance(value, list):
        return "[" + ",".join(_inline(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_key(key)}:{_inline(item)}" for key, item in value.items()) + "}"
    if isinstance(value, str) and _INLINE_SPECIAL.search(value):
        return json.dumps(value, ensure_ascii=False)
    return _scalar(value, in_row=True)


def _cell(value: Any) -> str:
    return str(value) if isinstance(value, _Inline) else _scalar(value, in_row=True)


def _table(items: list[Any]) -> tuple[list[str], list[dict[str, Any]]] | None:
    if len(items) < 2 or not all(isinstance(item, dict) and item for item in items):
        return None
    rows = [_flatten(item) for item in items]
    if any(row is None for row in rows):
        return None
    flat = [row for row in rows if row is not None]
    columns = list(dict.fromkeys(key for row in flat for key in row))
    # Mostly-empty tables (items of different kinds) read worse than a list.
    filled = sum(len(row) for row in flat)
    if filled * 2 < len(columns) * len(flat):
        return None
    return columns, flat


def _list_lines(prefix: str, items: list[Any], depth: int) -> list[str]:
    pad = INDENT * depth
    if not items:
        return [f"{pad}{prefix}[0]:"]
    if all(_is_scalar(item) for item in items):
        return [f"{pad}{prefix}[{len(items)}]: " + ",".join(_scalar(item, in_row=True) for item in items)]
    table = _table(items)
    if table is not None:
        columns, rows = table
        header = ",".join(_key(column) for column in columns)
        lines = [f"{pad}{prefix}[{len(items)}]{{{header}}}:"]
        row_pad = INDENT * (depth + 1)
        for row in rows:
            cells = (_cell(row[c]) if c in row else "" for c in columns)
            lines.append(row_pad + ",".join(cells))
        return lines
    lines = [f"{pad}{prefix}[{len(items)}]:"]
    for item in items:
        lines.extend(_list_item(item, depth + 1))
    return lines


def _list_item(item: Any, depth: int) -> list[str]:
    pad = INDENT * depth
    if _is_scalar(item):
        return [f"{pad}- {_scalar(item)}"]
    if isinstance(item, list):
        inner = _list_lines("", item, depth + 1)
        return [f"{pad}- " + inner[0].lstrip(), *inner[1:]]
    lines = _block(item, depth + 1)
    if not lines:
        return [f"{pad}- {{}}"]
    # The first field shares the dash line, YAML style.
    return [f"{pad}- " + lines[0][len(pad) + len(INDENT) :], *lines[1:]]


def _block(value: Any, depth: int) -> list[str]:
    pad = INDENT * depth
    if isinstance(value, list):
        return _list_lines("", value, depth)
    if not isinstance(value, dict):
        return [pad + _scalar(value)]
    lines: list[str] = []
    for key, item in value.items():
        name = _key(key)
        if isinstance(item, dict):
            lines.append(f"{pad}{name}:")
            lines.extend(_block(item, depth + 1))
        elif isinstance(item, list):
            lines.extend(_list_lines(name, item, depth))
        elif isinstance(item, str) and (text_lines := _text_block(item)) is not None:
            lines.append(f"{pad}{name}: |")
            inner = INDENT * (depth + 1)
            lines.extend(inner + line if line else "" for line in text_lines)
        else:
            lines.append(f"{pad}{name}: {_scalar(item)}")
    return lines


def _text_block(text: str) -> list[str] | None:
    """The lines of a multi-line string that reads safely as a ``|`` block, else None."""
    text = text.replace("\r\n", "\n")
    if "\n" not in text or text != text.strip():
        return None
    if any(ch < " " and ch not in "\n\t" for ch in text):
        return None
    return text.split("\n")
