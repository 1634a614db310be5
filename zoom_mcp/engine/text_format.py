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
- One row is always one line: every line break ``str.splitlines`` knows (U+2028, U+0085, ``\\v``,
  ...) inside a value is escaped, not only ``\\n``.
- Anything inside a value that reads like the ``<zoom-data>`` fence (any spacing or case,
  look-alike brackets, letters and hyphens, invisible characters between) is defused.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

INDENT = "  "
# Bare strings that would read as something else, or break the line structure.
_RISKY_START = re.compile(r'^[\s"\'\-\[{#|>]')
_KEY_SAFE = re.compile(r"^[A-Za-z_$@][\w.$@-]*$")
_INLINE_SPECIAL = re.compile(r"[,:\[\]{}]")
# Longer lists inside list items read better as ``- `` items than as one table cell.
MAX_INLINE_CELL = 160
# The line breaks of ``str.splitlines`` that JSON quoting leaves as they are.
LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_UNESCAPED_BREAKS = re.compile(f"[{LINE_BREAKS}]")
_ANY_BREAK = re.compile(f"[\n\r{LINE_BREAKS}]")
_CONTROL_BUT_TAB_OR_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f]")

# ---- the fence ------------------------------------------------------------------------------

FENCE_NAME = "zoom-data"
# Characters a reader may take for "<": the ASCII one and its look-alikes.
_OPENERS = "<\u2039\u2329\u3008\u27e8\uff1c\ufe64\u276e\u276c\u02c2\u1438\u29fc\u300a\u00ab"
_OPENER = re.compile(f"[{_OPENERS}]|&lt;?|&#0*60;?|&#x0*3c;?", re.IGNORECASE)
# Look-alikes NFKC leaves alone: Cyrillic and Greek letters, small capitals, dashes, zero.
_LOOKALIKES = str.maketrans(
    {
        "\u0430": "a", "\u0251": "a", "\u03b1": "a", "\u1d00": "a",
        "\u0501": "d", "\u1d05": "d",
        "\u043e": "o", "\u03bf": "o", "\u1d0f": "o", "0": "o", "\u0585": "o",
        "\u0442": "t", "\u03c4": "t", "\u1d1b": "t",
        "\u1d22": "z", "\u0290": "z", "\u0291": "z",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\ufe63": "-", "\u2043": "-",
    }
)  # fmt: skip
_SEPARATORS = frozenset(" \t-_.:\u00b7")
_TAG_WINDOW = 64


def _fold(ch: str) -> str:
    """How ``ch`` reads: NFKC, case-folded, look-alikes mapped; invisible characters read as nothing."""
    if unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return ""
    return unicodedata.normalize("NFKC", ch).casefold().translate(_LOOKALIKES)


def _tag_end(text: str, start: int) -> tuple[int, bool] | None:
    """Where a fence look-alike starting after an opener at ``start`` ends, and whether it
    closes (``/zoom-data``); None when ``text[start:]`` does not read as one."""
    want = iter("zoomdata")
    expected = next(want)
    letters = 0
    closing = False
    for index in range(start, min(len(text), start + _TAG_WINDOW)):
        for folded in _fold(text[index]):
            if folded == expected:
                letters += 1
                expected = next(want, "")
                if not expected:
                    return index + 1, closing
            elif folded.isspace():
                continue
            elif folded in "/\\" and letters == 0:
                closing = True
            elif folded in _SEPARATORS and letters == 4:
                continue
            else:
                return None
    return None


def defuse_delimiters(text: str) -> str:
    """``text`` with every look-alike of the fence's tag rewritten as ``&lt;zoom_data`` (or
    ``&lt;/zoom_data``), so no value can close or open the ``<zoom-data>`` fence a result is
    wrapped in, however it is spelled: spacing, case, look-alike letters, invisible characters."""
    out: list[str] = []
    last = 0
    for match in _OPENER.finditer(text):
        if match.start() < last:
            continue
        found = _tag_end(text, match.end())
        if found is None:
            continue
        end, closing = found
        out.append(text[last : match.start()])
        out.append("&lt;/zoom_data" if closing else "&lt;zoom_data")
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def render(value: Any) -> str:
    return defuse_delimiters("\n".join(_block(value, 0)))


def quote(text: str) -> str:
    """JSON string notation, with the line breaks JSON leaves raw (U+2028, ...) escaped too."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNESCAPED_BREAKS.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)


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
        return quote(text)
    return text


def _needs_quotes(text: str, in_row: bool) -> bool:
    if not text or text != text.strip() or _RISKY_START.match(text):
        return True
    if any(ch < " " for ch in text) or _ANY_BREAK.search(text):
        return True
    return in_row and "," in text


def _key(key: Any) -> str:
    text = str(key)
    return text if _KEY_SAFE.match(text) else quote(text)


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
        return quote(value)
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
    if _CONTROL_BUT_TAB_OR_NEWLINE.search(text) or _UNESCAPED_BREAKS.search(text):
        return None
    return text.split("\n")
