"""The table: printed to stdout, and written as JSON and Markdown for the README."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.bench.common import Figure


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _with_unit(value: Any, unit: str) -> str:
    text = _number(value)
    return f"{text} {unit}".strip() if text else ""


def _one_line(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def row(fig: Figure) -> list[str]:
    value = _with_unit(fig.value, fig.unit) if fig.value is not None else "n/a"
    baseline = _with_unit(fig.baseline, fig.unit) if isinstance(fig.baseline, int | float) else _number(fig.baseline)
    if baseline and fig.baseline_label:
        baseline = f"{baseline} ({fig.baseline_label})"
    ratio = f"{fig.ratio:.2f}x" if fig.ratio is not None else ""
    notes = []
    if fig.flag:
        notes.append(f"!! {fig.flag}")
    if fig.note:
        notes.append(fig.note)
    return [fig.figure, value, baseline, ratio, _one_line("; ".join(notes))]


HEADER = ["figure", "value", "baseline", "ratio", "flag / note"]


def text_table(figures: list[Figure]) -> str:
    rows = [HEADER] + [row(f) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER) - 1)]
    lines = []
    section = None
    for i, r in enumerate(rows):
        if i > 0 and figures[i - 1].section != section:
            section = figures[i - 1].section
            lines.append(f"-- {section} " + "-" * 40)
        cells = [r[c].ljust(widths[c]) if c < 1 else r[c].rjust(widths[c]) for c in range(len(widths))]
        lines.append("  ".join(cells) + ("  " + r[-1] if r[-1] else ""))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").strip() or " "

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for fig in figures:
        r = row(fig)
        # Markdown drops the leading spaces that mark a detail row; an arrow keeps the hierarchy.
        r[0] = f"↳ {r[0].strip()}" if r[0].startswith(" ") else r[0]
        lines.append("| " + " | ".join(cell(c) for c in r) + " |")
    return "\n".join(lines)


def write(figures: list[Figure], meta: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "latest.json"
    md_path = out_dir / "latest.md"
    payload = {**meta, "flags": [f"{f.figure}: {f.flag}" for f in figures if f.flag]}
    payload["figures"] = [f.to_json() for f in figures]
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    heading = (
        f"Measured {meta['generated'][:10]} with `python -m tests.bench{' --quick' if meta['quick'] else ''}` "
        f"on {meta['cpus']} CPUs, Python {meta['python']}.\n\n"
    )
    md_path.write_text(heading + markdown_table(figures) + "\n")
    return json_path, md_path
