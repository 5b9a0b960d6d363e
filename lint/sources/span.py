"""Source positions shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Source range: 1-based lines, 0-based columns (libcst's convention)."""

    line: int
    col: int
    end_line: int
    end_col: int
