"""The formats for people: ``concise`` (one line per finding) and ``full``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from layerlint.diagnostics import Diagnostic
from layerlint.report.color import Palette
from layerlint.report.formats.common import display_path, position


def concise_line(d: Diagnostic, palette: Palette) -> str:
    """``path:line:col: CODE message`` (``path:cell N:line:col: ...`` in notebooks)."""
    where = f"{palette.path(display_path(d.path))}:{position(d)}:"
    return f"{where} {palette.code(d.code, d.severity)} {d.message}"


def render_concise(diags: list[Diagnostic], *, color: bool = False, **_: object) -> str:
    palette = Palette(color)
    return "".join(concise_line(d, palette) + "\n" for d in diags)


def _read_lines(path: str, cell: int | None, sources: Mapping[str, str]) -> list[str] | None:
    """The lines the finding's line numbers count: the file, or its notebook cell."""
    text = sources.get(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    if cell is None:
        return text.splitlines()
    from layerlint.sources.notebook import NotebookError, parse_notebook

    try:
        return parse_notebook(text).cells.get(cell)
    except NotebookError:
        return None


def render_full(diags: list[Diagnostic], *, color: bool = False, sources: Mapping[str, str] | None = None,
                **_: object) -> str:
    """Each finding with its source line, a caret under the span and the fix hint."""
    palette = Palette(color)
    cache: dict[tuple[str, int | None], list[str] | None] = {}
    blocks = []
    for d in diags:
        key = (d.path, d.cell)
        if key not in cache:
            cache[key] = _read_lines(d.path, d.cell, sources or {})
        lines = cache[key]
        out = [concise_line(d, palette)]
        if lines and 1 <= d.line <= len(lines):
            src = lines[d.line - 1].expandtabs(1)  # one column per character, so carets line up
            gutter = " " * len(str(d.line))
            end = d.end_col if d.end_line == d.line else len(src.rstrip())
            width = max(1, min(end, len(src)) - d.col)
            out.append(f"{gutter} |")
            out.append(f"{d.line} | {src}")
            out.append(f"{gutter} | {' ' * d.col}{palette.caret('^' * width, d.severity)}")
        if d.fix:
            out.append(f"  = fix: {d.fix}")
        if d.extra.get("notes"):
            out.extend(f"  = note: {n}" for n in d.extra["notes"] if isinstance(n, str))
        blocks.append("\n".join(out) + "\n")
    return "\n".join(blocks)
