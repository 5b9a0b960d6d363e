"""The diagnostic record that flows from rules to formatters."""

from __future__ import annotations

from dataclasses import dataclass, field

DOCS_URL = "https://github.com/layerlint/layerlint/blob/main/README.md#{code}"


@dataclass(frozen=True)
class Diagnostic:
    """One finding.  Lines are 1-based; columns are 0-based as libcst gives them
    (formatters add 1 at the output edge)."""

    code: str  # LL201
    name: str  # dense-on-unflattened-input
    message: str  # one line, no trailing period, carries the numbers
    severity: str  # "error" | "warning" | "info"
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: str | None = None  # a separate hint: what to do instead
    cell: int | None = None  # notebook cell number (1-based) when the file is a notebook
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code.lower())

    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.line, self.col, self.code)
