"""What every section shares: the figure record, timing statistics, token counting, the repo root."""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# Thresholds from the issue; a figure past one is flagged in every output.
CATALOG_TOKENS_PER_TOOL = 120
RESULT_SHARE_OF_RAW = 0.40
OVERHEAD_MS_PER_CALL = 1.0
COLD_START_RATIO = 1.3

# The scopes a user-managed app can be granted: every classic user-level Team Chat and Mail
# scope, none of the ``:admin`` ones. "Default toolsets" means no toolset filter.
USER_LEVEL_SCOPES = frozenset(
    {
        "chat_message:read",
        "chat_message:write",
        "chat_channel:read",
        "chat_channel:write",
        "chat_contact:read",
        "contact:read",
        "imchat:read",
        "imchat:write",
        "mail:read",
        "mail:write",
    }
)


class Unavailable(Exception):
    """A part of the project a section needs is missing; the section reports n/a with this reason."""


@dataclass
class Figure:
    section: str
    figure: str
    value: Any
    unit: str = ""
    baseline: Any = None
    baseline_label: str = ""
    ratio: float | None = None
    flag: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def na(section: str, figure: str, reason: str) -> Figure:
    return Figure(section=section, figure=figure, value=None, note=f"n/a ({reason})")


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: with a few hundred samples, interpolation adds nothing."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def compact(obj: Any) -> str:
    """JSON as it goes over the wire (pydantic and Zoom both send it without spaces)."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def pretty(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


def tokens(text: str) -> int:
    # Imported lazily: the tokenizer is a bench extra, and its absence should cost one section.
    try:
        import anthropic_tokenizer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise Unavailable("anthropic_tokenizer not installed: pip install -e '.[bench]'") from exc
    return int(anthropic_tokenizer.count_tokens(text))
