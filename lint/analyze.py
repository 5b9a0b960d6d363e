"""One file, start to finish: source text -> extracted models -> shaped models."""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst
from layerlint.engine.data import TrainingCall
from layerlint.engine.keras3_removed import RemovedUse
from layerlint.engine.model import BackendUse, ExtractedModel, FileResult, LayerDef, Note, Span
from layerlint.engine.shapes import NestedMemo, ShapedModel, built_when_made, file_names, shape_model
from layerlint.engine.summary_shape import show_latest_calls
from layerlint.engine.symbolic import Expr, shape_str
from layerlint.extract.interp import BudgetExceeded, extract_module
from layerlint.extract.modules import ProjectImports
from layerlint.extract.parse import parse_module
from layerlint.extract.snippets import PREFILTER_WORDS as SNIPPET_WORDS
from layerlint.sources.paths import real_path
from layerlint.sources.preflight import preflight
from layerlint.sources.project import Layout, imported_names, layout_for, resolve

if TYPE_CHECKING:
    from layerlint.sources.notebook import NotebookSource

# Every Keras name the interpreter recognises resolves through an import path
# that contains "keras" (keras, tensorflow.keras, tf_keras; see
# extract/keras_names.py), and Python gives no way to spell such an import or
# attribute without the word, so a file without it is skipped before parsing.
# A pasted snippet may use Keras names without importing them (extract/snippets.py), so
# the words such snippets cannot do without also let a file through.
PREFILTER_WORDS = ("keras", *SNIPPET_WORDS)
# Parse, interpretation (which has its own, shorter budget) and shape inference together.
MAX_FILE_SECONDS = 20.0


@dataclass
class FileAnalysis:
    path: str
    text: str
    models: list[ShapedModel] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    subclassed: list[ExtractedModel] = field(default_factory=list)
    # (code, message, Span): LL001 syntax error, LL002 internal error, LL003 unreadable, LL004 budget
    problems: list[tuple] = field(default_factory=list)
    # (message, Span) when Keras names used without an import were read as Keras'
    assumed_imports: tuple | None = None
    # Names of keras.backend that Keras 3 does not have, where the code reads them (LL504)
    legacy_backend: list[BackendUse] = field(default_factory=list)
    # Keras 2 optimizers, names and loss reductions Keras 3 raises on, where the code runs them (LL505)
    keras3_removed: list[RemovedUse] = field(default_factory=list)
    # TensorFlow functions given a Keras tensor, as their op LayerDefs (LL106 reports those no model holds)
    refused_tf: list[LayerDef] = field(default_factory=list)
    # For a notebook, the map from lines of the joined program back to cells; reports place lines with it.
    notebook: NotebookSource | None = None
    # Modules of the project the file reached through imports: resolved path -> sha256 of what was read.
    reached: dict[str, str] = field(default_factory=dict)
    # Tracebacks of internal errors that left a value unknown instead of failing the file (--verbose shows them).
    crashes: list[str] = field(default_factory=list)
    # The Keras the file is read as (the `keras-version` setting): 3, or 2 for tf-keras 2.x.
    keras_version: int = 3


def _first_calls(sm: ShapedModel, first: dict[int, tuple[float, ShapedModel]], then: float = float("inf")) -> None:
    """The earliest call of every model ``sm`` calls, at any depth (see _adopt_called_sequentials);
    ``then``: when ``sm`` itself was called, the time of the calls a Sequential's layers make."""
    for row in sm.layers:
        for call in row.calls:
            if call.submodel is None:
                continue
            when = call.node.created if call.node is not None else then
            key = id(call.submodel.model)
            if key not in first or when < first[key][0]:
                first[key] = (when, call.submodel)
                _first_calls(call.submodel, first, when)


def _adopt_called_sequentials(models: list[ShapedModel]) -> None:
    """A Sequential given no input shape is built by Keras at its first call: report it
    with the shapes of that call, wherever in the file it is, instead of symbols."""
    first: dict[int, tuple[float, ShapedModel]] = {}  # id(model) -> (when called, as shaped there)
    for sm in models:
        if "as symbols" not in (sm.model.context or ""):  # a builder nobody calls calls nothing
            _first_calls(sm, first)
    for i, sm in enumerate(models):
        # one first called on data was built there, before any model called it
        if sm.model.api == "sequential" and sm.model.built_on_data is None and _symbolic_input(sm) and id(sm.model) in first:
            called = first[id(sm.model)][1]
            # its first call's input is known, or of a known rank whose unknown axes the caller's
            # source names (len(feature_names)) where the Sequential alone could only say it has none
            # or it is unknown (a tensor that cannot be followed): the weights its input sizes are unknown,
            # never those of the symbolic input that stands for a Sequential never called
            if not _symbolic_input(called) or (_rank_known(called) and not _rank_known(sm)) \
                    or called.input_shapes == [None]:
                # its layers keep the names they took when Keras made them (a call shapes them again)
                given = {id(r.source): r.name for r in sm.layers}
                for r in called.layers:
                    r.name = given.get(id(r.source), r.name)
                models[i] = called


def _build_on_first_call(models: list[ShapedModel], keras_version: int, namings: dict[int, Any],
                         memo: NestedMemo) -> None:
    """A Sequential declaring no input whose first call, on a tensor of known shape, is in a graph
    not kept (a custom layer's call() followed on data up to a point past that call): Keras built
    it there all the same, on that tensor's shape."""
    for i, sm in enumerate(models):
        m = sm.model
        if m.api != "sequential" or m.built_on_call is None or not _symbolic_input(sm) or id(m) not in namings:
            continue
        shape, span, text = m.built_on_call
        built = shape_model(m, keras_version, namings[id(m)], shape, memo=memo)
        if _symbolic_input(built):
            continue
        m.notes.append(Note(span, f"Keras builds this Sequential at its first call, on `{text}`: input "
                                  f"{shape_str(shape)}"))
        models[i] = built


def _first_build(m: ExtractedModel) -> tuple[tuple, Note] | None:
    """The input shape a Sequential declaring none is built with by its first call on data or its
    first training call, and the note saying so."""
    if m.built_on_data is not None:
        shape, span, text = m.built_on_data
        return shape, Note(span, f"Keras builds this Sequential at its first call, on {text}: input {shape_str(shape)}")
    fit = _fit_input(m)
    if fit is None:
        return None
    shape, call = fit
    undecided = (f" (the batch axis is {str(shape[0]).removesuffix(' or None')} if the training samples are a "
                 "multiple of the batch size, else None)") if isinstance(shape[0], Expr) else ""
    return shape, Note(call.span, f"Keras builds this Sequential at its first `fit()`, on the shape of "
                                  f"`{call.x.text}`: input {shape_str(shape)}{undecided}")


def _fit_input(m: ExtractedModel) -> tuple[tuple, TrainingCall] | None:
    """The input shape a Sequential declaring none is built with by its first training call,
    when that is fit() on one array of known sample shape (Keras builds it on (None, *sample))."""
    first = m.training[0] if m.training else None
    shape = first.build_shape() if first is not None else None
    return (shape, first) if shape is not None and first is not None else None


def _called(m: ExtractedModel, models: list[ExtractedModel]) -> bool:
    """Whether another model calls this one (its first call then builds it, not fit())."""
    from layerlint.engine.graph import model_nodes

    return any(n.layer.submodel is m for other in models if other is not m and other.api == "functional"
               for n in model_nodes(other))


def _rank_known(sm: ShapedModel) -> bool:
    """Whether the model's input is a tuple of axes not made up to stand for an unknown input."""
    shape = sm.input_shapes[0] if sm.input_shapes else None
    return isinstance(shape, tuple) and not any(isinstance(d, Expr) and "input_shape" in str(d) for d in shape)


def _symbolic_input(sm: ShapedModel) -> bool:
    shape = sm.input_shapes[0] if sm.input_shapes else None
    return shape is None or any(isinstance(d, Expr) for d in shape)


def may_define_model(text: str, layout: Layout | None = None, path: str | None = None) -> bool:
    """Whether the file mentions Keras, or imports a module of its project that does."""
    if any(w in text for w in PREFILTER_WORDS):
        return True
    return layout is not None and path is not None and reaches_keras(text, Path(path), layout)


def reaches_keras(text: str, importer: Path, layout: Layout, seen: set | None = None) -> bool:
    """A line scan of the file's imports, followed through the project's files."""
    seen = set() if seen is None else seen
    for level, name in imported_names(text):
        found = resolve(name, level, importer, layout)
        if found is None or found.is_dir() or found in seen or len(seen) > 200:
            continue
        seen.add(found)
        try:
            sub = found.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if any(w in sub for w in PREFILTER_WORDS) or reaches_keras(sub, found, layout, seen):
            return True
    return False


def analyze_text(text: str, path: str, src: tuple[str, ...] | None = None, root: Path | None = None,
                 follow_imports: bool = True, keras_defaults: dict | None = None,
                 keras_version: int = 3) -> FileAnalysis:
    """``src`` and ``root``: the project's source roots and the directory they are relative to
    (lint/sources/project.py); ``follow_imports=False`` reads no other file.  ``keras_defaults``:
    answers of Keras' backend queries that differ from Keras' own defaults (``image_data_format``).
    ``keras_version``: 2 reads the code as tf-keras 2.x does (its spellings, names and defaults)."""
    fa = FileAnalysis(path, text, keras_version=keras_version)
    layout = layout_for(path, src, root) if follow_imports else None
    if not may_define_model(text, layout, path):
        return fa
    # Parsing and folding literals make Python warn about the user's code (SyntaxWarning:
    # invalid escape sequence); those are the user's business, and would garble the output.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _analyze(fa, layout, keras_defaults or {})
    return fa


def _analyze(fa: FileAnalysis, layout: Layout | None, keras_defaults: dict) -> None:
    text, path = fa.text, fa.path
    deadline = time.process_time() + MAX_FILE_SECONDS  # CPU time: a loaded machine must not change results
    problem, tree = preflight(text)
    if problem is not None:
        fa.problems.append(problem.as_tuple())
        return
    try:
        module = parse_module(text, tree)
    except cst.ParserSyntaxError as e:
        # Python accepted the file (preflight), so this is a limit of libcst, not the user's mistake.
        msg = e.message.strip().splitlines()[0] if e.message else "invalid syntax"
        fa.problems.append(("LL002", f"internal error: layerlint's parser cannot read this file, which Python's parser "
                                     f"accepts ({msg}); please report this with the file",
                            Span(e.raw_line, e.raw_column, e.raw_line, e.raw_column)))
        return
    except cst.CSTValidationError as e:  # only when parse.py cannot skip validation: `return*x` is refused then
        fa.problems.append(("LL002", f"internal error: layerlint's parser cannot read this file, which Python's parser "
                                     f"accepts ({e}); please report this with the file", Span(1, 0, 1, 0)))
        return
    except RecursionError:
        fa.problems.append(("LL004", "source nested too deeply to parse", Span(1, 0, 1, 0)))
        return
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 6000))
    memo = NestedMemo()  # extraction is done when it is used: what a nested model's graph is does not change then
    try:
        project = ProjectImports(_resolved(path), layout, keras_defaults, fa.keras_version) \
            if layout is not None else None
        try:
            result: FileResult = extract_module(module, path, text, tree, project, keras_defaults, fa.keras_version)
        finally:
            if project is not None:
                fa.reached = dict(project.reached)
                for why in project.cut:
                    fa.problems.append(("LL004", why, Span(1, 0, 1, 0)))
        fa.notes = result.notes + (project.notes if project is not None else [])
        fa.crashes = result.crashes
        fa.assumed_imports = result.assumed_imports
        fa.legacy_backend = list(result.legacy_backend.values())
        fa.keras3_removed = list(result.keras3_removed.values())
        fa.refused_tf = list(result.refused_tf.values())
        if result.stopped is not None:
            reason, span = result.stopped
            fa.problems.append(("LL004", f"{reason} in the statement at line {span.line}: models finished before it "
                                         "are reported, the rest of the file is not analysed", span))
        if result.oversized is not None:
            why, span = result.oversized
            fa.problems.append(("LL004", f"{why}: the value at line {span.line} is left unknown, and so is what "
                                         "depends on it", span))
        models = sorted(result.models, key=lambda m: (m.span.line, m.span.col))
        # Keras (3 and tf-keras 2) numbers automatic layer names per process: `dense_2` in a file's second
        # model (checked against Keras in fixtures/ and against tf-keras in fixtures/keras2)
        resets = sorted(result.name_resets)
        namers: dict[int, Any] = {}  # one per clear_session() epoch
        shaped: dict[int, ShapedModel] = {}
        namings: dict[int, Any] = {}  # id(model) -> the namer its layers took their names from
        # Named in the order Keras made their layers, which a model built in a class's __init__ (made
        # when the class is instantiated, lines later) or a builder called further down does not share
        # with its line; listed by line.
        apart = frozenset(id(m) for m in models)
        for i, m in enumerate(sorted(models, key=lambda m: _made_first(m, apart))):
            if time.process_time() > deadline:
                fa.problems.append(("LL004", f"analysis stopped after {i} of {len(models)} models: over the "
                                             f"time budget of {MAX_FILE_SECONDS:.0f} s per file", m.span))
                break
            if m.api == "subclassed" and m.subclass_layer is None:
                continue
            # a builder nobody calls is analysed on symbols: Keras never makes its layers, so they take no names
            symbolic = "as symbols" in (m.context or "")
            # the clear_session() calls before its first layer was made (a builder's models are made where it is called)
            epoch = sum(r < _made_first(m, apart)[0] for r in resets)
            names = None if symbolic else namers[epoch] if epoch in namers else namers.setdefault(epoch, file_names(
                [c for c in result.constructions if sum(r < c.created for r in resets) == epoch]))
            sm = shape_model(m, fa.keras_version, names, memo=memo)
            # only a Sequential declaring no input is built by its first call or fit(): one declaring an input
            # of symbolic size (`keras.Input((maxlen, len(chars)))`) was built when made, batch axis None
            first = _first_build(m) if m.api == "sequential" and not symbolic and _symbolic_input(sm) \
                and not built_when_made(m) else None
            # a first call on data came before any model's call; fit() builds only one no model called
            if first is not None and (m.built_on_data is not None or not _called(m, result.models)):
                shape, note = first
                sm = shape_model(m, fa.keras_version, names, shape, memo=memo)
                m.notes.append(note)
            shaped[id(m)] = sm
            namings[id(m)] = names
        for m in models:
            if m.api == "subclassed" and m.subclass_layer is None:
                fa.notes.extend(m.notes)
                fa.subclassed.append(m)
            elif id(m) in shaped:
                fa.models.append(shaped[id(m)])
        _adopt_called_sequentials(fa.models)
        _build_on_first_call(fa.models, fa.keras_version, namings, memo)
        # a layer called in several models: Keras' summary shows its nodes across the file in each
        show_latest_calls(fa.models, result.graph_calls, fa.keras_version)
    except BudgetExceeded as e:
        fa.problems.append(("LL004", f"{e}: the file is too large or complex to analyse in budget", Span(1, 0, 1, 0)))
    except RecursionError:
        fa.problems.append(("LL004", "expressions nested too deeply to analyse", Span(1, 0, 1, 0)))
    finally:
        memo.clear()  # a kept run's engine holds the memo: a cycle, with all it shaped
        sys.setrecursionlimit(old_limit)


def _resolved(path: str) -> Path:
    try:
        return real_path(path)
    except (OSError, RuntimeError):
        return Path(path)


def _made_first(m: ExtractedModel, apart: frozenset[int] = frozenset()) -> tuple[int, int, int]:
    """When Keras made the first layer of the model (the creation counter the extractor stamps) that takes
    its name with this model: the models it holds that are ``apart`` (models of the file) are named by
    their own runs, so they do not put this one first."""
    from layerlint.engine.graph import creation_marks

    made = creation_marks(m, apart) or creation_marks(m)
    if m.subclass_layer is not None:
        made += [m.subclass_layer.created, *(ld.created for ld in m.subclass_layer.tracked)]
    return (min(made) if made else sys.maxsize, m.span.line, m.span.col)
