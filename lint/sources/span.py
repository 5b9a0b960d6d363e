"""Source positions shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Source range: 1-based lines, 0-based columns (libcst's convention).

    ``path`` is None for the file being analysed; a layer or note made in another
    module of the project (a helper the file imports) names that module's file,
    and ``via`` holds the call sites that led there, outermost first, as
    (path, line, col) with None for the analysed file."""

    line: int
    col: int
    end_line: int
    end_col: int
    path: str | None = None
    via: tuple = ()

    def home(self) -> tuple[int, int]:
        """(line, col) in the analysed file: the span itself, or the outermost call that led to it."""
        if self.path is None:
            return (self.line, self.col)
        for path, line, col in self.via:
            if path is None:
                return (line, col)
        return (1, 0)

    def where(self) -> str:
        """``file:line`` of a span in another module of the project, as messages name it."""
        return f"{self.path}:{self.line}"

    def mention(self) -> str:
        """How a message names the span's line: ``line 12`` in the analysed file (a notebook's output
        names its cell), ``helpers.py:12`` in another module."""
        return f"line {self.line}" if self.path is None else self.where()
