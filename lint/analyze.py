"""One file, start to finish: source text -> extracted models -> shaped models."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import libcst as cst

from .extract.interp import BudgetExceeded, extract_module
from .model import ExtractedModel, FileResult, Note, Span
from .shapes import ShapedModel, shape_model
from .symbolic import Expr

# Any of these must appear for a file to be able to build a Keras model;
# files without them are skipped before parsing.
PREFILTER_WORDS = ("keras", "Sequential", "Model", "Input")


@dataclass
class FileAnalysis:
    path: str
    text: str
    models: list[ShapedModel] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    subclassed: list[ExtractedModel] = field(default_factory=list)
    # (code, message, Span): LL001 syntax error, LL002 internal error, LL003 unreadable, LL004 budget
    problems: list[tuple] = field(default_factory=list)


def _adopt_called_sequentials(models: list[ShapedModel]) -> None:
    """A Sequential given no input shape is built by Keras when another model
    calls it: report it with the shapes of that call instead of symbols."""
    nested: dict[int, ShapedModel] = {}

    def walk(sm: ShapedModel) -> None:
        for row in sm.layers:
            if row.submodel is not None and id(row.submodel.model) not in nested:
                nested[id(row.submodel.model)] = row.submodel
                walk(row.submodel)

    for sm in models:
        walk(sm)
    for i, sm in enumerate(models):
        shape = sm.input_shapes[0] if sm.input_shapes else None
        unknown = shape is None or any(isinstance(d, Expr) for d in shape)
        if sm.model.api == "sequential" and unknown and id(sm.model) in nested:
            models[i] = nested[id(sm.model)]


def may_define_model(text: str) -> bool:
    return any(w in text for w in PREFILTER_WORDS)


def analyze_text(text: str, path: str) -> FileAnalysis:
    fa = FileAnalysis(path, text)
    if not may_define_model(text):
        return fa
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as e:
        msg = e.message.strip().splitlines()[0] if e.message else "invalid syntax"
        fa.problems.append(("LL001", f"syntax error: {msg}", Span(e.raw_line, e.raw_column, e.raw_line, e.raw_column)))
        return fa
    except RecursionError:
        fa.problems.append(("LL004", "source nested too deeply to parse", Span(1, 0, 1, 0)))
        return fa
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 6000))
    try:
        result: FileResult = extract_module(module, path, text)
        fa.notes = result.notes
        for m in sorted(result.models, key=lambda m: (m.span.line, m.span.col)):
            if m.api == "subclassed":
                fa.notes.extend(m.notes)
                fa.subclassed.append(m)
                continue
            fa.models.append(shape_model(m))
        _adopt_called_sequentials(fa.models)
    except BudgetExceeded as e:
        fa.problems.append(("LL004", f"{e}: the file is too large or complex to analyse in budget", Span(1, 0, 1, 0)))
    except RecursionError:
        fa.problems.append(("LL004", "expressions nested too deeply to analyse", Span(1, 0, 1, 0)))
    finally:
        sys.setrecursionlimit(old_limit)
    return fa
