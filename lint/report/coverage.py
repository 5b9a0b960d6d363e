"""How much of each model ``check`` could judge: in full (every layer's shapes and
parameter counts are numbers) or only in part, and the first thing that stopped it.

Rules only judge what is known, so a model checked in part can hide mistakes
after the point where analysis stopped; the closing line of ``check`` counts
both kinds so that silence never hides that nothing was checked, and
``--show-coverage`` lists, for each model checked in part, the first cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from layerlint.diagnostics import Diagnostic

if TYPE_CHECKING:  # a run answered from the cache reads these records without loading the analyser
    from layerlint.analyze import FileAnalysis
    from layerlint.engine.shapes import ShapedLayer, ShapedModel


@dataclass(frozen=True)
class ModelCoverage:
    """One model of a file: where it is, and what stopped its analysis (None: nothing)."""

    path: str
    line: int
    name: str
    cause: str | None = None
    cause_line: int | None = None
    cell: int | None = None  # a notebook's: ``line`` and ``cause_line`` count in cells then

    @property
    def full(self) -> bool:
        return self.cause is None

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "name": self.name, "cause": self.cause,
                "cause_line": self.cause_line, "cell": self.cell}

    @classmethod
    def from_json(cls, doc: dict) -> ModelCoverage:
        return cls(str(doc["path"]), int(doc["line"]), str(doc["name"]), doc.get("cause"), doc.get("cause_line"),
                   doc.get("cell"))


@dataclass
class Checked:
    """What checking a file (or many) gives: findings, and how much of each model was checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    coverage: list[ModelCoverage] = field(default_factory=list)
    reached: dict[str, str] = field(default_factory=dict)  # project modules read, path -> sha256: the cache checks them


def first_cause(sm: ShapedModel) -> tuple[ShapedLayer, str] | None:
    """The row where analysis of the model first stopped, and why; None when it never did.

    A row that is unknown only because its input is (``input unknown: ...``) points
    back at an earlier row, so the first row with a cause of its own is preferred."""
    from layerlint.engine.shapes import row_gap

    gaps = [(row, why) for row in sm.layers if (why := row_gap(row)) is not None]
    if not gaps:
        return None
    own = [(row, why) for row, why in gaps if not (row.reason or "").startswith("input unknown")
           and not (row.is_input and row.source.unknown_reason)]  # a stand-in for what an opaque row makes
    return (own or gaps)[0]


def model_coverage(fa: FileAnalysis) -> list[ModelCoverage]:
    out = []
    for sm in fa.models:
        found = first_cause(sm)
        line, cell = _locate(fa, sm.model.span.line)
        if found is None:
            out.append(ModelCoverage(fa.path, line, sm.name, cell=cell))
            continue
        row, why = found
        cause_line, _ = _locate(fa, row.span.line)
        out.append(ModelCoverage(fa.path, line, sm.name, why, cause_line, cell))
    return out


def _locate(fa: FileAnalysis, line: int) -> tuple[int, int | None]:
    if fa.notebook is None:
        return line, None
    cell, in_cell = fa.notebook.locate(line)
    return in_cell, cell


def coverage_sentence(coverage: list[ModelCoverage], listed: bool = False) -> str:
    """``12 models: 9 checked in full, 3 only in part (--show-coverage says why)``."""
    n = len(coverage)
    if n == 0:
        return "no Keras models found"
    part = sum(1 for c in coverage if not c.full)
    if not part:
        return "1 model, checked in full" if n == 1 else f"{n} models, all checked in full"
    text = f"{n} model{'s' if n != 1 else ''}: {n - part} checked in full, {part} only in part"
    if part and not listed:
        text += " (--show-coverage says why)"
    return text


def coverage_lines(coverage: list[ModelCoverage]) -> list[str]:
    """Per model checked in part: ``path:line: model `name` checked in part: line N: cause``."""
    lines = []
    for c in coverage:
        if c.full:
            continue
        where = f"cell {c.cell}:{c.line}" if c.cell is not None else str(c.line)
        lines.append(f"{c.path}:{where}: model `{c.name}` checked only in part; first cause at line {c.cause_line}: "
                     f"{c.cause}")
    return lines
