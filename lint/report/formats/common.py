"""Pieces every format shares: rule descriptors, paths and locations."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from layerlint.diagnostics import Diagnostic


@dataclass(frozen=True)
class RuleDescriptor:
    """What a format needs to know about a rule beyond its findings."""

    code: str
    name: str
    summary: str  # one line
    docs: str = ""  # longer explanation; falls back to the summary
    url: str = ""

    @classmethod
    def coerce(cls, value: RuleDescriptor | tuple) -> RuleDescriptor:
        return value if isinstance(value, RuleDescriptor) else cls(*value)


def relative_path(path: str, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes; unchanged when outside root."""
    p = Path(path)
    try:
        rel = p.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return p.as_posix()
    return rel.as_posix()


def display_path(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def position(d: Diagnostic) -> str:
    """``line:col`` (1-based column), prefixed by ``cell N:`` for notebooks."""
    where = f"{d.line}:{d.col + 1}"
    return f"cell {d.cell}:{where}" if d.cell is not None else where


def end_column(d: Diagnostic) -> int:
    """1-based column just past the end, as ruff's JSON and SARIF count it."""
    return d.end_col + 1


@dataclass(frozen=True)
class FilePlace:
    """A finding's span in the file itself (1-based lines, 0-based columns) and how its message
    names the place when that file is a notebook: ``cell 3, line 2: ``."""

    line: int
    col: int
    end_line: int
    end_col: int
    prefix: str = ""


class FilePlaces:
    """Where findings sit in the files a CI system shows.

    A notebook finding counts lines within its cell; GitHub, GitLab and SARIF place
    annotations on lines of the raw ``.ipynb`` JSON, so the span is moved to the
    characters of the JSON strings that hold those source lines, and the cell and line
    go into the message.  ``sources`` holds texts not on disk (standard input)."""

    def __init__(self, sources: Mapping[str, str] | None = None) -> None:
        self.sources = sources or {}
        self._notebooks: dict[str, object] = {}

    def _notebook(self, path: str):  # -> RawNotebook | None
        if path not in self._notebooks:
            from layerlint.sources.notebook_positions import RawNotebook

            text = self.sources.get(path)
            if text is None:
                try:
                    text = Path(path).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = None
            self._notebooks[path] = RawNotebook(text) if text is not None else None
        return self._notebooks[path]

    def of(self, d: Diagnostic) -> FilePlace:
        if d.cell is None:
            return FilePlace(d.line, d.col, d.end_line, d.end_col)
        prefix = f"cell {d.cell}, line {d.line}: "
        notebook = self._notebook(d.path)
        start = notebook.locate(d.cell, d.line, d.col) if notebook is not None else None
        if start is None:  # the file changed or cannot be read: the top of the file, the cell in the message
            return FilePlace(1, 0, 1, 0, prefix)
        end = notebook.locate(d.cell, d.end_line, d.end_col) or start
        return FilePlace(start[0], start[1], *max(end, start), prefix)
