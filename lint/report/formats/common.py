"""Pieces every format shares: rule descriptors, paths and locations."""

from __future__ import annotations

import os
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
