"""How much of each model ``check`` could judge: in full (every layer's shapes and
parameter counts are numbers) or only in part, and the first thing that stopped it.

Rules only judge what is known, so a model checked in part can hide mistakes
after the point where analysis stopped; the closing line of ``check`` counts
both kinds so that silence never hides that nothing was checked, and
``--show-coverage`` lists, for each model checked in part, the first cause.
The same goes for the training calls (``fit``, ``evaluate``, ``predict``,
``train_on_batch``...): each counts as checked when some array of its data was
compared with the model's inputs or outputs (the LL6xx rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from layerlint.diagnostics import Diagnostic
from layerlint.sources.notebook import line_teller

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
    trainings: int = 0  # training calls on the model
    # the training calls not checked against the model: (line, cell, method, why)
    unchecked: tuple = ()
    cause_cell: int | None = None  # a notebook's cell of ``cause_line``: not always the model's own

    @property
    def full(self) -> bool:
        return self.cause is None

    def to_json(self) -> dict:
        return {"path": self.path, "line": self.line, "name": self.name, "cause": self.cause,
                "cause_line": self.cause_line, "cell": self.cell, "trainings": self.trainings,
                "unchecked": [list(u) for u in self.unchecked], "cause_cell": self.cause_cell}

    @classmethod
    def from_json(cls, doc: dict) -> ModelCoverage:
        unchecked = tuple((int(line), cell, str(method), str(why)) for line, cell, method, why in doc["unchecked"])
        return cls(str(doc["path"]), int(doc["line"]), str(doc["name"]), doc.get("cause"), doc.get("cause_line"),
                   doc.get("cell"), int(doc["trainings"]), unchecked, doc.get("cause_cell"))


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
        trainings, unchecked = _trainings(fa, sm)
        if found is None:
            out.append(ModelCoverage(fa.path, line, sm.name, cell=cell, trainings=trainings, unchecked=unchecked))
            continue
        row, why = found
        cause_line, cause_cell = _locate(fa, row.span.line)
        out.append(ModelCoverage(fa.path, line, sm.name, line_teller(fa.notebook)(why), cause_line, cell, trainings,
                                 unchecked, cause_cell))
    return out


def _trainings(fa: FileAnalysis, sm: ShapedModel) -> tuple[int, tuple]:
    """How many training calls the model has, and those whose data could not be compared with it."""
    from layerlint.rules.data_fit import unchecked_reason
    from layerlint.rules.flow import Flow

    calls = sm.model.training
    if not calls:
        return 0, ()
    flow = Flow(sm)
    unchecked = []
    for call in calls:
        why = unchecked_reason(sm, flow, call)
        if why is not None:
            line, cell = _locate(fa, call.span.line)
            unchecked.append((line, cell, call.method, line_teller(fa.notebook)(why)))
    return len(calls), tuple(unchecked)


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


def training_sentence(coverage: list[ModelCoverage]) -> str:
    """``4 training calls, 3 checked against their model``; "" when there are none."""
    n = sum(c.trainings for c in coverage)
    if not n:
        return ""
    checked = n - sum(len(c.unchecked) for c in coverage)
    if checked == n:
        return "1 training call, checked against its model" if n == 1 else \
            f"{n} training calls, all checked against their model"
    return f"{n} training call{'s' if n != 1 else ''}, {checked} checked against {'its' if n == 1 else 'their'} model"


def coverage_lines(coverage: list[ModelCoverage]) -> list[str]:
    """Per model checked in part: ``path:line: model `name` checked in part: line N: cause``;
    per training call not checked: ``path:line: `fit()` on model `name` not checked: why``."""
    lines = []
    for c in coverage:
        if not c.full:
            at = f"line {c.cause_line}" if c.cause_cell is None else f"cell {c.cause_cell}, line {c.cause_line}"
            lines.append(f"{c.path}:{_where(c.line, c.cell)}: model `{c.name}` checked only in part; first cause at "
                         f"{at}: {c.cause}")
        for line, cell, method, why in c.unchecked:
            lines.append(f"{c.path}:{_where(line, cell)}: `{method}()` on model `{c.name}` not checked: {why}")
    return lines


def _where(line: int, cell: int | None) -> str:
    return f"cell {cell}:{line}" if cell is not None else str(line)
