"""An abstract interpreter over a libcst module that records Keras models.

It walks statements in order, folding constants, following imports, calls to
functions defined in the same file, loops over known iterables and ``if`` on
known conditions.  It never imports or executes user code: every value is
computed here from the syntax tree.  What it cannot follow becomes a symbol
named by its source text, and a note says where.

This module holds the Interpreter itself: its state, statements and binding.
Its other parts are mixins, one concern each: expressions.py (evaluating
expressions), calls.py (calls, functions, builtins) and building.py (Keras
layers and models); runtime.py and compare.py hold what they share.
"""

from __future__ import annotations

import ast
import contextlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import libcst as cst
from layerlint.engine.keras3_removed import keras3_loss_class
from layerlint.engine.model import ExtractedModel, FileResult, LayerDef, Node, Note, Span, Tensor, creation_mark
from layerlint.engine.shapes import NestedMemo
from layerlint.engine.symbolic import Expr
from layerlint.extract.applications import Applications
from layerlint.extract.building import Building, held_layers
from layerlint.extract.calls import Calls
from layerlint.extract.custom_layers import CustomLayers
from layerlint.extract.data import Data
from layerlint.extract.expressions import Expressions
from layerlint.extract.fit_steps import FitSteps
from layerlint.extract.helpers import Helpers
from layerlint.extract.importing import Importing
from layerlint.extract.keras_names import classify, is_loss_base
from layerlint.extract.lambdas import Lambdas
from layerlint.extract.modules import ModuleUnit, ProjectImports
from layerlint.extract.positions import Positions
from layerlint.extract.render import node_code
from layerlint.extract.runtime import (
    LONG_PASS,
    LONG_PASS_STEPS,
    LOOP_STEPS,
    MAX_LOOP,
    MAX_SECONDS,
    MAX_STEPS,
    UNDECIDED,
    BreakSignal,
    BudgetExceeded,
    ContinueSignal,
    Frame,
    ReturnSignal,
    StopSignal,
    assigned_names,
    dotted,
    is_loop_data,
    is_plain_data,
    mutated_names,
    row_text,
    sets_attribute,
    strict,
)
from layerlint.extract.snippets import FreeNames, describe
from layerlint.extract.tensor_ops import TensorOps
from layerlint.extract.values import (
    ArrayVal,
    ClassVal,
    FunctionVal,
    InstanceVal,
    LayerObj,
    ModelVal,
    Ref,
    ShapeVal,
    TensorVal,
)


class Interpreter(Expressions, Calls, Building, CustomLayers, FitSteps, Lambdas, Applications, Data, TensorOps, Importing,
                  Helpers):
    def __init__(self, module: cst.Module, path: str, text: str | None = None, tree: ast.Module | None = None,
                 project: ProjectImports | None = None, unit: ModuleUnit | None = None) -> None:
        self.module = module
        self.path = path
        self.positions = Positions(module, text, tree)
        # The project's modules: ``project`` finds and budgets them; ``unit`` is the module whose
        # code runs now (None: the file analysed), swapped with module and positions on calls.
        self.project = project
        self.unit = unit
        self.home = (unit, module, self.positions)
        # Keras' answers to backend(), image_data_format(), ... (settings may change Keras' defaults)
        self.keras_defaults: dict[str, Any] = dict(project.keras_defaults) if project is not None else {}
        # The Keras the code is read as (the keras-version setting): 2 makes tf-keras' TFOpLambda rows.
        self.keras_version: int = project.keras_version if project is not None else 3
        self.lazy_values: dict[int, tuple] = {}  # id(LazyImport) -> (it, its value) for this file
        self.lazy_pending: set[int] = set()
        self.kept: set[int] = set()  # ids of models built in other modules that the file holds
        self.sites: list[tuple] = []  # (unit, call node) of the calls being executed, outermost first
        self.result = FileResult(path)
        self.globals = unit.globals if unit is not None else Frame(None)
        self.current_frame = self.globals  # the frame of the block being executed
        self.star_modules: list[str] = self.globals.star_modules  # the same list: star imports are per module
        # `if __name__ == "__main__":` runs in the file analysed, not in a module it imports.
        self.globals.vars["__name__"] = unit.name if unit is not None else "__main__"
        self.steps = 0
        self.deadline = time.process_time() + MAX_SECONDS  # CPU time: a loaded machine must not change results
        self.depth = 0
        self.context: list[str | tuple] = []  # what is being analysed, innermost last (Building.context_text)
        self.functions: list[FunctionVal] = []
        self.shape_refs: dict[str, tuple] = {}
        self.dynamic_refs: set[str] = set()
        # those read in a traced call() from an axis Keras leaves None: a tensor there, None as a size
        self.unsized_reads: set[str] = set()
        self.node_counter = 0
        self.layer_calls: dict[int, list[Node]] = {}  # id(LayerDef) -> its nodes, first first
        self.seq_owner: dict[int, ExtractedModel] = {}  # id(LayerDef) -> the Sequential holding it
        self.seq_chains: dict[int, tuple] = {}  # id(model) -> (layer count, input, outputs)
        # Counts layers made, layers called and models changed: a loop that leaves it
        # alone for long is not building anything (see exec_for).
        self.model_changes = 0
        self.touched: set[int] = set()  # ids of models and layers changed in this top-level statement
        self.noted: set[tuple[int, str]] = set()
        self.texts: dict[int, str] = {}  # id(node) -> its source text; the module keeps every node alive
        self.assigned: dict[int, set[str]] = {}  # id(loop) -> the names it binds
        self.mutated_by: dict[int, set[str]] = {}  # id(loop or undecided code) -> the names it changes in place
        self.attribute_stores: dict[int, bool] = {}  # id(loop) -> whether it sets an attribute anywhere
        self.undecided: list[str] = []  # conditions of the undecided ifs being followed, innermost last
        self.mutated: list[set[int]] = []  # per loop analysed once: ids of the lists and dicts changed in it
        self.refusals: dict[int, tuple] = {}  # id(ClassVal) -> (it, kept alive; why it stays opaque or None)
        self.tracing = 0  # depth of custom layers' call()s being traced
        self.layer_inits = 0  # depth of custom layers' __init__()s being followed
        self.recording = False  # the file's own run, where what is made is made in Keras (constructed())
        self.unknown_loops: list[str] = []  # the loops of unknown count being analysed once, innermost last
        self.constructed_ids: set[int] = set()  # ids of what result.constructions holds
        self.as_arguments: set[int] = set()  # ids of layers given to another layer's constructor (Bidirectional(LSTM()))
        self.guarded = 0  # depth of try blocks being followed
        self.eager_calls = 0  # depth of first calls on data (run eagerly) among the calls being traced
        self.refused_tf_calls = 0  # TensorFlow functions given Keras tensors so far (Keras 3 refuses them)
        # >0 while a compute_mask() is run on stand-ins for a layer called inside a traced call(), where
        # Keras hands it TensorFlow's tensors: what it refuses here says only that it is not followed
        self.nested_mask_probes = 0
        self.raised_in_calls = 0  # functions that stopped at a raise so far (their callers went on with None)
        self.probe_cache: dict[int, tuple] = {}  # id(node) -> (node, its output as probes shaped it)
        self.nested_memo = NestedMemo()  # models nested in others as probes shaped them; see layers_changed()
        self.custom_instances: dict[int, InstanceVal] = {}  # id(LayerDef) -> the custom layer's instance, until traced
        # id(LayerDef) -> (instance, first call's arguments and node) of a custom layer followed on known
        # shapes, to follow its call() again where it is called on others
        self.retrace_sources: dict[int, tuple] = {}
        # id(LayerDef) -> the instance as __init__ left it, for a custom layer of a Sequential whose build()
        # sized weights by an input shape not known when it was added: traced again when Keras builds the Sequential
        self.awaiting_build: dict[int, InstanceVal] = {}
        self.pending_lambdas: dict[int, tuple] = {}  # id(LayerDef) -> (it, its function, arguments), until traced
        self.data_producers: set[int] = set()  # ids of stand-in inputs for non-tensor values, and nodes fed only by them
        self.free_names = FreeNames(tree if tree is not None else _python_tree(text))
        # Keras numbers automatic names per process (a file here): `sequential`, `sequential_1`, ...
        self.name_uids: dict[str, int] = {}
        # stems of automatic model names whose count is not known after a model made (or built) an unknown
        # number of times: stem -> the condition or loop it was made under (as the engine's _Namer.unknown)
        self.names_unknown: dict[str, str] = {}
        self.made_in_loops: dict[int, int] = {}  # id(Sequential) -> how many loops of unknown count it was made in
        self.made_uncertain: set[int] = set()  # ids of Sequentials made under an undecided condition or loop
        self.vocabulary_replaced: set[int] = set()  # ids of lookup layers given a vocabulary after construction
        self.built_sequentials: set[int] = set()  # ids of Sequentials Keras has built (made their Functional)
        # ids of Sequentials a build gave an InputLayer: it stays their first layer (pop() keeps it),
        # so each add() or pop() after that builds them again
        self.input_layered: set[int] = set()
        self.functions_made: list[FunctionVal] = []  # every function value made here, for release()
        # loss and metric functions given to compile(), each with the compile() call's (unit, node)
        self.compiled_functions: dict[FunctionVal, tuple] = {}

    # -- entry point ----------------------------------------------------
    def run(self) -> FileResult:
        try:
            self.recording = True
            try:
                for stmt in self.module.body:
                    self.within_budget(stmt, lambda s=stmt: self.exec_block([s], self.globals))
            except StopSignal as stop:
                self.note_raise(stop, "the rest of the file is not analysed")
            except (ReturnSignal, BreakSignal, ContinueSignal):
                pass
            finally:
                self.recording = False
            # Builder functions never called in this file: analyse them with their
            # parameters as symbols (defaults where given); methods last, as a function
            # analysed so may call them on an object it makes.
            for fn in sorted(self.functions, key=lambda f: f.owner is not None):
                if fn.calls == 0 and isinstance(fn.node, cst.FunctionDef) and self.may_build(fn):
                    self.call_with_symbols(fn)
            self.trace_compiled_functions()
        except BudgetExceeded:
            pass  # result.stopped says where
        self.keep(list(self.globals.vars.values()))
        self.result.constructions = [c for c in self.result.constructions if id(c.made) not in self.as_arguments]
        # Models other modules built are the file's when it holds them: a builder's
        # temporary `Model(x, y).output_shape` is not one of its models.
        self.result.models = [m for m in self.result.models if m.span.path is None or id(m) in self.kept]
        for m in self.result.models:
            m.shape_refs = self.shape_refs
            m.dynamic_refs = self.dynamic_refs
        if self.free_names.assumed:
            first = min(self.free_names.assumed, key=lambda a: (a.line, a.col))
            self.result.assumed_imports = (describe(self.free_names.assumed),
                                           Span(first.line, first.col, first.line, first.col + len(first.name)))
        return self.result

    def trace_compiled_functions(self) -> None:
        """Loss and metric functions given to compile() and never called here: Keras 3 calls them when fit()
        or evaluate() first traces the training step, so the Keras 2 backend names they read fail then (LL504).
        Run with their parameters as symbols, for those names only."""
        for fn, site in self.compiled_functions.items():
            if fn.calls == 0 and isinstance(fn.node, cst.FunctionDef):
                self.sites.append(site)  # a helper module's function: reported via the compile() call
                try:
                    self.call_with_symbols(fn)
                finally:
                    self.sites.pop()

    def call_with_symbols(self, fn: FunctionVal) -> None:
        """A function nothing here calls, run once with its parameters as symbols (defaults where given)."""
        self.context.append(f"{fn.name}() analysed with its parameters as symbols")
        try:
            self.within_budget(fn.node, lambda: self.call_function(fn, [], {}, fn.node, symbolic=True))
        except (ReturnSignal, BreakSignal, ContinueSignal, StopSignal):
            pass
        finally:
            self.context.pop()

    def run_module(self) -> None:
        """A module's top level, as an import runs it; its globals are what importers get."""
        try:
            for stmt in self.module.body:
                self.exec_block([stmt], self.globals)
        except (ReturnSignal, BreakSignal, ContinueSignal, StopSignal):
            pass

    def made(self, fn: FunctionVal) -> FunctionVal:
        self.functions_made.append(fn)
        return fn

    def release(self) -> None:
        """Once the file is analysed: cut the references a function value holds to the frame
        and the class it was defined in.  Those hold it too (a frame's names, a class's
        methods), and such cycles would keep the file's values and parse tree alive until
        the cyclic collector scans them all.  The modules a file imports keep theirs: they
        are reused by the next file."""
        for fn in self.functions_made:
            if fn.closure is not None and fn.closure.globals.unit is None:
                fn.closure = fn.owner = None
        self.functions_made.clear()
        self.retrace_sources.clear()
        self.nested_memo.clear()  # a kept run's engine holds the memo: a cycle, with all it shaped

    def may_build(self, fn: FunctionVal) -> bool:
        """Cheap check that a never-called function constructs a model at all: its code mentions one.
        Its code is read from the source lines Python's parse gives it, which libcst's code of it
        holds, and is rendered only when those do not decide (it costs as much as parsing)."""
        positions = self.positions_of(fn)
        lines = positions.statement_lines(fn.node) if positions is not None else None
        if lines is not None:
            own, around = lines
            if _mentions_model(own):
                return True
            if not _mentions_model(around):
                return False
        return _mentions_model(cst.Module(body=[fn.node]).code)

    def within_budget(self, where: cst.CSTNode, step: Callable[[], Any]) -> None:
        """Run one top-level statement (or one uncalled builder).  If a budget runs out
        in it, keep the models finished before it, untouched by it, and stop there:
        a model that was half built when the budget ran out would be reported wrong."""
        self.touched = set()
        registered = len(self.result.models)
        try:
            step()
        except BudgetExceeded as e:
            self.result.models = [m for m in self.result.models[:registered] if not self.was_touched(m)]
            self.result.stopped = (str(e), self.span(where))
            raise

    def touch(self, obj: Any) -> None:
        """Record a change to a model or layer (see within_budget)."""
        self.touched.add(id(obj))
        self.model_changes += 1
        self.layers_changed()

    def layers_changed(self) -> None:
        """A model or layer made before was changed (not just a new one made, or a new call):
        nested models shaped by earlier probes may shape otherwise now."""
        self.nested_memo.clear()

    def was_touched(self, m: ExtractedModel) -> bool:
        return id(m) in self.touched or any(
            id(ld) in self.touched or (ld.submodel is not None and id(ld.submodel) in self.touched)
            for ld in held_layers(ModelVal(m)))

    # -- helpers -----------------------------------------------------------
    def span(self, node: cst.CSTNode) -> Span:
        unit = self.unit
        if unit is None:
            return self.positions.lazy_span(node)
        sp = self.positions.span(node)
        return Span(sp.line, sp.col, sp.end_line, sp.end_col, unit.shown, self.call_chain())

    def span_in(self, unit: ModuleUnit | None, node: cst.CSTNode) -> Span:
        """The span of ``node`` in ``unit``'s file, without the path (see span())."""
        return (unit.positions if unit is not None else self.home[2]).span(node)

    def call_chain(self) -> tuple:
        """(path, line, col) of each call being executed, outermost first; path None is the analysed file."""
        out = []
        for unit, node in self.sites:
            positions = unit.positions if unit is not None else self.home[2]
            sp = positions.span(node)
            out.append((unit.shown if unit is not None else None, sp.line, sp.col))
        return tuple(out)

    def keep(self, v: Any, depth: int = 0) -> None:
        """Mark the models ``v`` holds (in containers and plain objects) as the file's."""
        if depth > 4:
            return
        if isinstance(v, ModelVal):
            self.kept.add(id(v.model))
        elif isinstance(v, (list, tuple)):
            for x in v[:200]:
                self.keep(x, depth + 1)
        elif isinstance(v, dict):
            for x in list(v.values())[:200]:
                self.keep(x, depth + 1)
        elif isinstance(v, InstanceVal):
            self.keep(list(v.attrs.values()), depth + 1)

    def note_raise(self, stop: StopSignal, consequence: str, where: cst.CSTNode | None = None) -> None:
        """Say that a ``raise`` was reached (so a builder did not run to its end), and where."""
        if not isinstance(stop.node, cst.Raise):
            return
        positions, saved = self.positions, self.positions.stack
        if stop.positions is positions:
            positions.stack = list(stop.stack)
        try:
            sp = self.span(stop.node)
            at = f"line {sp.line}" if sp.path is None else sp.where()
            self.note(where if where is not None else stop.node,
                      f"`{self.text(stop.node)}` at {at} is reached: {consequence}")
        finally:
            positions.stack = saved

    def enter_unit(self, unit: ModuleUnit | None) -> tuple:
        """Run code of ``unit`` next (a function it defines was called); returns what to restore."""
        saved = (self.unit, self.module, self.positions)
        self.unit = unit
        if unit is None or unit is self.home[0]:
            self.module, self.positions = self.home[1], self.home[2]
        else:
            self.module, self.positions = unit.module, unit.positions
        return saved

    def text(self, node: cst.CSTNode) -> str:
        # Symbols are named by their source; a loop or a function called again asks for the same node's.
        t = self.texts.get(id(node))
        if t is None:
            t = node_code(self.module, node).strip()
            t = self.texts[id(node)] = " ".join(t.split()) if "\n" in t else t
        return t

    def assigned_in(self, stmt: cst.CSTNode) -> set[str]:
        names = self.assigned.get(id(stmt))
        if names is None:
            names = self.assigned[id(stmt)] = assigned_names(stmt)
        return names

    def mutated_in(self, stmt: cst.CSTNode) -> set[str]:
        names = self.mutated_by.get(id(stmt))
        if names is None:
            names = self.mutated_by[id(stmt)] = mutated_names(stmt)
        return names

    def forget_mutated(self, stmt: cst.CSTNode, frame: Frame, plain: Callable[[Any], bool] = is_plain_data) -> None:
        """Plain data ``stmt`` may change in place is unknown after code followed once for an unknown number
        of passes: the one pass may not reach the change (a ``continue`` before ``rows.append(r)``, taken on
        the first line of a file), or reach it through a container no name holds (``d["a"].append(v)``)."""
        for name in self.mutated_in(stmt):
            for scope in _scopes(frame):
                if name in scope.vars:
                    value = scope.vars[name]
                    # a NumPy array keeps its shape and dtype when elements are set (`results[i, j] = 1.`)
                    if plain(value) and not isinstance(value, ArrayVal):
                        scope.vars[name] = Expr.symbol(name)
                    break

    def note(self, node: cst.CSTNode, message: str) -> None:
        # A statement in a loop or a function called many times would say the same each time.
        key = (id(node), message)
        if key not in self.noted:
            self.noted.add(key)
            self.result.notes.append(Note(self.span(node), message))

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS or self.steps % 1000 == 0:
            self.check_budget()

    def check_budget(self) -> None:
        """Called at every thousandth step (Expressions.eval counts its own, inline)."""
        if self.steps > MAX_STEPS or time.process_time() > self.deadline:
            raise BudgetExceeded("analysis budget exceeded")

    def engine_crash(self, e: Exception) -> None:
        """An exception from the shape engine while the interpreter asked it about a tensor.
        The value stays unknown for the user; --verbose prints it, and tests (LAYERLINT_STRICT=1)
        fail on it rather than let a bug pass as "unknown"."""
        if strict():
            raise e
        import traceback

        self.result.crashes.append("".join(traceback.format_exception(e)))

    def too_big(self, node: cst.CSTNode, why: str) -> Expr:
        """A value over the size budget: unknown, and the file's LL004 says where (the first time)."""
        if self.result.oversized is None:
            self.result.oversized = (why, self.span(node))
        return self.symbol(node)

    def symbol(self, node: cst.CSTNode) -> Expr:
        t = self.text(node)
        if len(t) > 80:
            t = t[:77] + "..."
        return Expr.symbol(t)

    def compound_symbol(self, node: cst.CSTNode) -> Expr:
        """An unknown named by an expression that binds more loosely than arithmetic (``a or b``),
        in parentheses so that a sum or product of it reads as Python would."""
        t = self.text(node)
        return Expr.symbol("(" + (t[:77] + "..." if len(t) > 80 else t) + ")")

    # -- statements --------------------------------------------------------
    def exec_block(self, stmts: Any, frame: Frame) -> None:
        executing = self.positions.stack  # spans are computed for the statements on it
        outer, self.current_frame = self.current_frame, frame
        try:
            for stmt in stmts:
                executing.append(stmt)
                try:
                    self.exec_stmt(stmt, frame)
                finally:
                    executing.pop()
        finally:
            self.current_frame = outer

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.tick()
        kind = type(stmt)  # by exact type: isinstance() against libcst's classes goes through ABCMeta
        if kind is cst.SimpleStatementLine:
            for small in stmt.body:
                self.exec_small(small, frame)
        elif kind is cst.FunctionDef:
            fn = self.made(FunctionVal(stmt, frame, stmt.name.value, stmt.name.value))
            frame.assign(stmt.name.value, fn)
            self.functions.append(fn)
        elif kind is cst.ClassDef:
            self.exec_class(stmt, frame)
        elif kind is cst.If:
            self.exec_if(stmt, frame)
        elif kind is cst.For:
            self.exec_for(stmt, frame)
        elif kind is cst.While:
            self.exec_while(stmt, frame)
        elif kind is cst.With:
            for item in stmt.items:
                v = self.eval(item.item, frame)
                if item.asname is not None:
                    self.bind(item.asname.name, v, frame)
            self.exec_block(stmt.body.body, frame)
        elif kind is cst.Try or kind is cst.TryStar:
            self.guarded += 1  # what raises in the body may be caught: no line of it is claimed to raise
            try:
                self.exec_block(stmt.body.body, frame)
            except StopSignal:
                pass
            finally:
                self.guarded -= 1
            if stmt.orelse is not None:
                self.exec_block(stmt.orelse.body.body, frame)
            if stmt.finalbody is not None:
                self.exec_block(stmt.finalbody.body.body, frame)
        elif kind is cst.Match:
            self.note(stmt, "match statement is not followed")

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        kind = type(small)
        if kind is cst.Expr:
            self.eval(small.value, frame)
        elif kind is cst.Assign:
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.bind(target.target, value, frame)
        elif kind is cst.AnnAssign:
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, frame), frame)
        elif kind is cst.AugAssign:
            current = self.eval(small.target, frame)
            value = self.eval(small.value, frame)
            op = type(small.operator).__name__.replace("Assign", "")
            self.bind(small.target, self.binop(op, current, value, small), frame)
        elif kind is cst.Return:
            raise ReturnSignal(None if small.value is None else self.eval(small.value, frame))
        elif kind is cst.Import:
            self.exec_import(small, frame)
        elif kind is cst.ImportFrom:
            self.exec_import_from(small, frame)
        elif kind is cst.Break:
            raise BreakSignal
        elif kind is cst.Continue:
            raise ContinueSignal
        elif kind is cst.Raise:
            raise StopSignal(small, self.positions, tuple(self.positions.stack))
        elif kind is cst.Global:
            for n in small.names:
                frame.global_names.add(n.name.value)
        elif kind is cst.Nonlocal:
            for n in small.names:
                frame.nonlocal_names.add(n.name.value)
        elif kind is cst.Del:
            self.exec_del(small.target, frame)

    def exec_del(self, target: cst.BaseExpression, frame: Frame) -> None:
        """``del lst[i]`` / ``del d[k]`` with a known index or key; any other item delete leaves the container unknown."""
        if isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self.exec_del(el.value, frame)
            return
        if not isinstance(target, cst.Subscript):
            return  # `del name`: Python would raise on a later use; nothing to follow
        obj = self.eval(target.value, frame)
        if not isinstance(obj, (list, dict)):
            return
        sl = target.slice[0].slice if len(target.slice) == 1 else None
        key = self.eval(sl.value, frame) if isinstance(sl, cst.Index) else None
        if self.mutated:
            self.mutated[-1].add(id(obj))
        try:
            if isinstance(obj, dict) and isinstance(sl, cst.Index) and not isinstance(key, Expr) and key in obj:
                del obj[key]
                return
            if isinstance(obj, list) and isinstance(key, int) and not isinstance(key, bool) and -len(obj) <= key < len(obj):
                del obj[key]
                return
        except TypeError:
            pass
        self.forget({id(obj)}, frame)

    def exec_class(self, stmt: cst.ClassDef, frame: Frame) -> None:
        kind = "other"
        keras_base: str | None = None
        inherited: dict = {}
        attrs: dict = {}
        loss = False
        loss_base: str | None = None
        for base in reversed(stmt.bases):  # the first base wins, as in Python's method order
            v = self.eval(base.value, frame)
            if isinstance(v, Ref):
                k = classify(v.qualname)
                loss = loss or is_loss_base(v.qualname)
                loss_base = loss_base or (v.qualname if keras3_loss_class(v.qualname) else None)
                if k is not None and k.kind in ("model", "sequential"):
                    kind = "model"
                elif k is not None and k.kind in ("base", "layer", "opaque-layer"):
                    kind = "layer"
                    keras_base = k.name if k.kind == "layer" else None
            elif isinstance(v, ClassVal):
                inherited.update(v.methods)
                attrs.update(v.attrs)
                loss = loss or v.loss
                loss_base = loss_base or v.loss_base
                if v.kind != "other":
                    kind, keras_base = v.kind, v.keras_base
        cls = ClassVal(stmt.name.value, kind, self.span(stmt), dict(inherited), keras_base, inherited, loss=loss,
                       loss_base=loss_base)
        cls.attrs.update(attrs)
        body = Frame(frame, frame.globals)  # the class body's names; methods do not see them
        for item in stmt.body.body:
            if isinstance(item, cst.FunctionDef):
                binding = next((d for d in ("static", "class", "property") if any(
                    dotted(dec.decorator) in (f"{d}method", d, f"builtins.{d}method") for dec in item.decorators)), "method")
                cls.methods[item.name.value] = self.made(FunctionVal(
                    item, frame, item.name.value, f"{stmt.name.value}.{item.name.value}", owner=cls, binding=binding))
            elif isinstance(item, cst.SimpleStatementLine) and all(
                    isinstance(small, (cst.Assign, cst.AnnAssign)) for small in item.body):
                self.exec_block([item], body)
        cls.attrs.update(body.vars)
        frame.assign(stmt.name.value, cls)
        if kind == "model":
            m = ExtractedModel(self.path, self.span(stmt), "subclassed", stmt.name.value)
            m.notes.append(Note(self.span(stmt), f"subclassed model `{stmt.name.value}`: call() is not analysed"))
            self.result.models.append(m)
            cls.placeholder = m
        elif kind == "other":
            # Builder methods on plain classes can still be analysed symbolically.
            for fn in cls.methods.values():
                if fn.name != "__init__":
                    self.functions.append(fn)

    def exec_if(self, stmt: cst.If, frame: Frame) -> None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is UNDECIDED:
            self.exec_undecided_if(stmt, frame)
        elif cond:
            self.exec_block(stmt.body.body, frame)
        else:
            self.exec_orelse(stmt, frame)

    def exec_orelse(self, stmt: cst.If, frame: Frame) -> None:
        if isinstance(stmt.orelse, cst.If):
            self.exec_if(stmt.orelse, frame)
        elif stmt.orelse is not None:
            self.exec_block(stmt.orelse.body.body, frame)

    def exec_undecided_if(self, stmt: cst.If, frame: Frame) -> None:
        """An ``if`` whose condition has no static value.  A guard is followed exactly: the
        code after ``if bad: raise`` runs only where the condition is false.  Otherwise the
        first branch is followed for its structure, and a layer it adds to a Sequential is
        an opaque row, since Keras may never add it."""
        text = self.text(stmt.test)
        then_raises = _ends_in_raise(stmt.body.body)
        else_raises = isinstance(stmt.orelse, cst.Else) and _ends_in_raise(stmt.orelse.body.body)
        if then_raises != else_raises:
            self.note(stmt.test, f"condition `{text}` cannot be decided statically; the code after it runs "
                                 f"only where it is {'false' if then_raises else 'true'}")
            if then_raises:
                self.exec_orelse(stmt, frame)
            else:
                self.exec_block(stmt.body.body, frame)
            return
        self.note(stmt.test, f"condition `{text}` cannot be decided statically; what its branches make or "
                             "assign is unknown after it")
        # Both branches run for their structure; every call either makes is marked as made under the
        # condition (the engine shows it opaque, and what follows unknown), and the plain values and
        # lists they assign or change are unknown after it: never one branch's numbers as Keras'.
        def branches() -> None:
            self.exec_block(stmt.body.body, frame)
            self.exec_orelse(stmt, frame)

        self.follow_under_condition(stmt, frame, text, branches)

    def follow_under_condition(self, stmt: cst.If | cst.While, frame: Frame, text: str, run: Callable[[], None]) -> None:
        """Follow ``run`` (what ``stmt`` runs when its undecided condition ``text`` holds) once for its
        structure, as made under the condition: what it makes, and the tensors it assigns, are made only if
        the condition holds, and the plain values and lists it assigns or changes are unknown after it."""
        start = creation_mark()
        with self.followed_once(self.undecided, text) as changed:
            try:
                run()
            except ReturnSignal as r:
                self._mark_conditional(r.value, start, text)
                raise ReturnSignal(r.value if _holds_tensor(r.value) else Expr.symbol(text)) from None
        for name in self.assigned_in(stmt):
            if name not in frame.vars:
                continue
            value = frame.vars[name]
            if _holds_tensor(value):
                self._mark_conditional(value, start, text)
            elif is_plain_data(value):
                frame.vars[name] = Expr.symbol(name)
            elif isinstance(value, Ref):
                frame.vars[name] = Ref(value.qualname, text)
        if changed:
            self.forget(changed, frame)
        self.forget_mutated(stmt, frame)

    def eval_undecided_ifexp(self, node: cst.IfExp, frame: Frame) -> Any:
        """``a if cond else b`` whose condition has no static value, followed as the undecided
        ``if`` statement is: both sides run for their structure, every call either makes is
        marked as made under the condition, and the value is unknown (never one side's)."""
        text = self.text(node.test)
        start = creation_mark()
        with self.followed_once(self.undecided, text) as changed:
            sides = [self.eval(node.body, frame), self.eval(node.orelse, frame)]
        if changed:
            self.forget(changed, frame)
        if not any(_holds_tensor(v) for v in sides):
            return self.symbol(node)
        for v in sides:
            self._mark_conditional(v, start, text)
        made = [v for v in sides if isinstance(v, TensorVal) and _made_since(v, start)]
        if len(made) == 1:
            # The one side that calls something: its row is opaque under the condition, so all
            # that follows is unknown, and no other row stands in for the choice.
            return made[0]
        reason = f"its value depends on `{text}`, which cannot be decided"
        expr = self.text(node)
        layer = LayerDef(row_text(expr), (), {}, self.span(node), known=False, opaque_reason=reason)
        return self.make_node(layer, [t.tensor for v in sides for t in _tensors_in(v)], {}, node, list_input=False)

    def _mark_conditional(self, value: Any, start: int, text: str) -> None:
        """Mark the calls made since ``start`` that ``value``'s tensors come from."""
        stack = [v.tensor for v in _tensors_in(value)]
        seen: set[int] = set()
        while stack:
            node = stack.pop().producer
            if isinstance(node, Node) and node.created > start and id(node) not in seen:
                seen.add(id(node))
                if node.condition is None:  # one made in an inner loop or `if` keeps that, its inputs take this
                    node.condition = text
                    self.layers_changed()
                stack.extend(t for t in node.inputs if isinstance(t, Tensor))

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        over = self.eval(stmt.iter, frame)
        self.refuse_graph_tensor(over, "iterate", stmt.iter, f"for {self.text(stmt.target)} in {self.text(stmt.iter)}")
        items = self.iterate(over)
        if items is None:
            self.note(stmt.iter, f"loop over `{self.text(stmt.iter)}` cannot be followed; its body is analysed once")
            label = f"for {self.text(stmt.target)} in {self.text(stmt.iter)}"
            start = creation_mark()
            with self.followed_once(self.unknown_loops, label) as changed:
                self.bind(stmt.target, self.symbol(stmt.target), frame)
                try:
                    self.exec_block(stmt.body.body, frame)
                except (ContinueSignal, BreakSignal):
                    pass
            # `for _ in range(n): x = block(x)`: Keras makes the calls the pass made any number of times,
            # so the tensors leaving the loop come from calls whose count is not known
            for name in self.assigned_in(stmt):
                if name in frame.vars and _holds_tensor(frame.vars[name]):
                    self._mark_conditional(frame.vars[name], start, label)
            self.forget_counts(stmt, changed, frame)
            if changed:
                self.mark_collected(changed, frame, start, label)
            if stmt.orelse is not None:
                self.exec_block(stmt.orelse.body.body, frame)
            return
        broke = False
        start = (self.steps, self.model_changes)
        for i, item in enumerate(items):
            if self.loop_builds_nothing(start, i, stmt):
                self.give_up_loop(stmt, f"{i:,} of {len(items):,} iterations", frame)
                return
            self.bind(stmt.target, item, frame)
            try:
                self.exec_block(stmt.body.body, frame)
            except ContinueSignal:
                continue
            except BreakSignal:
                broke = True
                break
        if not broke and stmt.orelse is not None:
            self.exec_block(stmt.orelse.body.body, frame)

    def exec_while(self, stmt: cst.While, frame: Frame) -> None:
        start = (self.steps, self.model_changes)
        for i in range(MAX_LOOP):
            if self.loop_builds_nothing(start, i, stmt):
                self.give_up_loop(stmt, f"{i:,} iterations", frame)
                return
            cond = self.truth(self.eval(stmt.test, frame))
            if cond is UNDECIDED:
                # It may run no more passes or many: what its body makes is made under the condition, as in an
                # undecided `if` (later names of those classes unknown, never counted as made no times)
                text = self.text(stmt.test)
                self.note(stmt.test, f"while condition `{text}` cannot be decided; its body is followed once for "
                                     "what it makes, which is unknown after it, as are the values it assigns")

                def body() -> None:
                    try:
                        self.exec_block(stmt.body.body, frame)
                    except (ContinueSignal, BreakSignal):
                        pass

                self.follow_under_condition(stmt, frame, text, body)
                return
            if not cond:
                return
            try:
                self.exec_block(stmt.body.body, frame)
            except ContinueSignal:
                continue
            except BreakSignal:
                return

    def forget_counts(self, stmt: cst.For, changed: set[int], frame: Frame) -> None:
        """After a loop analysed once for an unknown number of passes, the plain values it
        assigns (counters, ``len()`` of a list it appends to) are unknown: one pass would
        make ``class_names.append(d)`` give ``len(class_names) == 1``.  Layers, tensors
        and models keep the one pass's structure, which is what the pass is for."""
        for name in self.assigned_in(stmt):
            if name in frame.vars and is_plain_data(frame.vars[name]):
                frame.vars[name] = Expr.symbol(name)
        if changed:  # lists and dicts changed in place: whichever names hold them
            self.forget(changed, frame, plain_only=True)
        self.forget_mutated(stmt, frame, is_loop_data)

    def mark_collected(self, changed: set[int], frame: Frame, start: int, label: str) -> None:
        """What a loop of unknown count put in lists and dicts (``blocks.append(Dense(4))``,
        ``heads.append(Dense(1)(x))``) Keras makes once per pass: a layer made in the pass is
        an opaque row wherever it is used after the loop, and a tensor's calls are marked as
        those the loop makes; the containers keep the pass's structure, as a name it assigns does."""
        why = f"made in the loop `{label}`, whose count is not known"
        seen: set[int] = set()
        for scope in _scopes(frame):
            for value in list(scope.vars.values()):
                if id(value) in changed or _holds_any(value, changed):
                    self._mark_items(value, start, label, why, seen, 0)

    def _mark_items(self, value: Any, start: int, label: str, why: str, seen: set[int], depth: int) -> None:
        if depth >= 3 or id(value) in seen or not isinstance(value, (list, dict, tuple)):
            return
        seen.add(id(value))
        keys = list(value.keys()) if isinstance(value, dict) else range(len(value))
        for k in keys:
            item = value[k]
            if isinstance(item, LayerObj) and item.layer.created > start and item.layer.known:
                if isinstance(value, tuple):
                    continue  # not changed in place, so not the loop's collecting
                value[k] = LayerObj(LayerDef(item.layer.cls, (), {}, item.layer.span, known=False, opaque_reason=why))
            elif isinstance(item, TensorVal):
                self._mark_conditional(item, start, label)
            else:
                self._mark_items(item, start, label, why, seen, depth + 1)

    def loop_builds_nothing(self, start: tuple[int, int], passes: int = 0, stmt: cst.CSTNode | None = None) -> bool:
        """A loop that has run LOOP_STEPS steps without making, calling or changing a
        layer or model is not building one (a training loop, say): following it to the
        end would only spend the file's budget.  One of ``passes`` long passes (LONG_PASS
        steps each) is given up after LONG_PASS_STEPS, unless ``stmt`` sets an attribute."""
        steps, changes = start
        if self.model_changes != changes:
            return False
        ran = self.steps - steps
        if ran > LOOP_STEPS:
            return True
        return ran > LONG_PASS_STEPS and ran >= LONG_PASS * passes and stmt is not None and not self.sets_attribute(stmt)

    def sets_attribute(self, stmt: cst.CSTNode) -> bool:
        found = self.attribute_stores.get(id(stmt))
        if found is None:
            found = self.attribute_stores[id(stmt)] = sets_attribute(stmt)
        return found

    def give_up_loop(self, stmt: cst.For | cst.While, done: str, frame: Frame) -> None:
        # What the rest of the loop would assign is unknown, as after a loop that cannot be followed.
        names = sorted(self.assigned_in(stmt))
        for name in names:
            frame.assign(name, Expr.symbol(name))
        self.forget_mutated(stmt, frame, is_loop_data)  # and the lists it would go on appending to
        shown = ", ".join(f"`{n}`" for n in names[:6]) + (", ..." if len(names) > 6 else "")
        self.note(stmt, f"loop stopped after {done}: it builds no layers, so the rest is not followed"
                        + (f"; {shown} are unknown after it" if names else ""))

    # -- binding -----------------------------------------------------------
    def bind(self, target: cst.BaseExpression, value: Any, frame: Frame) -> None:
        kind = type(target)
        if kind is cst.Name:
            frame.assign(target.value, value)
            if isinstance(value, ModelVal) and value.model.variable is None:
                value.model.variable = target.value
        elif kind is cst.Tuple or kind is cst.List:
            if self.unpack_starred(target, value, frame):
                return
            elements = [e.value for e in target.elements]
            items = self.unpack(value, len(elements), target)
            for el, item in zip(elements, items):
                self.bind(el, item, frame)
        elif kind is cst.Attribute:
            obj = self.eval(target.value, frame)
            if isinstance(obj, InstanceVal):
                if obj.cls.kind in ("layer", "model"):
                    self.hold_variables(obj, value, self.text(target))
                obj.attrs[target.attr.value] = value
            elif target.attr.value == "trainable" and isinstance(value, bool):
                # Keras sets the flag on every layer the object holds now; layers
                # added later keep their own.  Summaries read the final state.
                if isinstance(obj, ModelVal):
                    obj.model.trainable = value
                    self.touch(obj.model)
                for ld in held_layers(obj):
                    if ld.op is not None:
                        continue  # an op a traced call() applies is no layer: it holds no flag (nor weights)
                    ld.kwargs["trainable"] = value
                    self.touch(ld)
        elif kind is cst.Subscript:
            self.bind_item(target, value, frame)

    def bind_item(self, target: cst.Subscript, value: Any, frame: Frame) -> None:
        """``d[k] = v`` and ``a[i] = v`` on a dict or list we hold, with a known key; any other
        store leaves the container unknown, as a wrong guess (an empty dict of inputs, say)
        would give wrong shapes."""
        obj = self.eval(target.value, frame)
        sl = target.slice[0].slice if len(target.slice) == 1 else None
        key = self.eval(sl.value, frame) if isinstance(sl, cst.Index) else None
        if isinstance(obj, TensorVal):
            self.store_in_outputs(target, obj, key, value, frame)
            return
        if not isinstance(obj, (dict, list)):
            return
        if isinstance(sl, cst.Index) and isinstance(obj, dict) and is_plain_data(key) and not isinstance(key, Expr):
            try:
                obj[key] = value
                return
            except TypeError:  # an unhashable key: Python would raise too
                pass
        elif isinstance(obj, list) and isinstance(key, int) and not isinstance(key, bool) and -len(obj) <= key < len(obj):
            obj[key] = value
            return
        if self.mutated:
            self.mutated[-1].add(id(obj))
        self.forget({id(obj)}, frame)

    def store_in_outputs(self, target: cst.Subscript, obj: TensorVal, key: Any, value: Any, frame: Frame) -> None:
        """``y[-1] = block(y[-1])`` on what a model of several outputs returned: Keras gave a Python
        list (outputs given as a list), so the name now holds that list with the item replaced.
        Anything else stored into a tensor's result leaves the names holding it unknown."""
        p = obj.tensor.producer
        sub = p.layer.submodel if isinstance(p, Node) else None
        outs = self.output_list(obj) if sub is not None and sub.api == "functional" and sub.outputs_list else None
        if outs is not None and isinstance(target.value, cst.Name) and isinstance(key, int) \
                and not isinstance(key, bool) and -len(outs) <= key < len(outs):
            outs[key] = value
            # the list Keras returned is one object: every name bound to it sees the new item
            for scope in _scopes(frame):
                for name in [n for n, v in scope.vars.items() if v is obj]:
                    scope.vars[name] = outs
            self.bind(target.value, outs, frame)
            return
        if self.mutated:
            self.mutated[-1].add(id(obj))
        self.forget({id(obj)}, frame)

    @contextlib.contextmanager
    def followed_once(self, stack: list[str], label: str) -> Iterator[set[int]]:
        """Code followed once for what it makes, though Python may run it any number of times (an undecided
        condition's branches, a loop or comprehension of unknown count): ``label`` stays on ``stack``
        (``undecided`` or ``unknown_loops``) meanwhile, and the ids of the lists and dicts it changes are
        gathered in the set it gives, which the caller forgets after it; they count as changed by the
        enclosing such code too."""
        changed: set[int] = set()
        stack.append(label)
        self.mutated.append(changed)
        try:
            yield changed
        finally:
            stack.pop()
            self.mutated.pop()
            if self.mutated:
                self.mutated[-1] |= changed

    def forget(self, ids: set[int], frame: Frame, plain_only: bool = False) -> None:
        """Names in this frame or the module that hold one of these objects now hold a symbol (with
        ``plain_only``, those holding data: see is_loop_data)."""
        for scope in _scopes(frame):
            # a name holding a changed list, or a container of it (`d["a"].append(v)` changes what `d` holds)
            hits = [name for name, value in scope.vars.items()
                    if (id(value) in ids or _holds_any(value, ids)) and (not plain_only or is_loop_data(value))]
            for name in hits:
                scope.vars[name] = Expr.symbol(name)

    def unpack_starred(self, target: cst.Tuple | cst.List, value: Any, frame: Frame) -> bool:
        """``a, *rest = xs``: bound as Python binds it when xs is known; False when no star."""
        elements = list(target.elements)
        stars = [i for i, e in enumerate(elements) if isinstance(e, cst.StarredElement)]
        if len(stars) != 1:
            return False
        i = stars[0]
        items = self.iterate(value) if not isinstance(value, dict) else None
        after = len(elements) - i - 1
        if items is None or len(items) < len(elements) - 1:
            for e in elements:
                name = e.value
                self.bind(name, self.symbol(name), frame)
            return True
        for e, item in zip(elements[:i], items[:i]):
            self.bind(e.value, item, frame)
        self.bind(elements[i].value, list(items[i:len(items) - after]), frame)
        for e, item in zip(elements[i + 1:], items[len(items) - after:]):
            self.bind(e.value, item, frame)
        return True

    def unpack(self, value: Any, n: int, node: cst.CSTNode) -> list:
        if isinstance(value, ShapeVal):  # a, b, c = tf.shape(x)
            self.refuse_graph_tensor(value, "iterate", node, f"{self.text(node)} = {value.text}")
        if isinstance(value, (tuple, list)) and len(value) == n:
            return list(value)
        if isinstance(value, InstanceVal) and value.cls.record is not None and len(value.cls.record) == n:
            return [value.attrs[f] for f in value.cls.record]
        if isinstance(value, ShapeVal):  # _, h, w, c = x.shape
            return [self.shape_dim(value, i, f"{value.text}[{i}]") for i in range(n)]
        if isinstance(value, TensorVal) and value.tensor.index is None:
            return [TensorVal(Tensor(value.tensor.producer, i)) for i in range(n)]
        # Each part of what cannot be followed is named by the user's expression: `N, D = X.shape` makes
        # `X.shape[1]`, never the text of the targets (`N, D[1]`, which read as two dims in a shape)
        if isinstance(value, Expr) and _one_symbol(value):
            text = str(value)
            cut = _FROM_INDEX.match(text)  # rows, cols = X.shape[1:]: X.shape[1] and X.shape[2]
            if cut is not None:
                return [Expr.symbol(f"{cut.group(1)}[{int(cut.group(2)) + i}]") for i in range(n)]
            return [Expr.symbol(f"{text}[{i}]") for i in range(n)]
        targets = [e.value for e in node.elements] if isinstance(node, (cst.Tuple, cst.List)) else []
        return [Expr.symbol(self.text(targets[i]) if i < len(targets) and isinstance(targets[i], cst.Name)
                            else f"({self.text(node)})[{i}]") for i in range(n)]


_FROM_INDEX = re.compile(r"^(.*\.shape)\[(\d+):\]$")


def _one_symbol(e: Expr) -> bool:
    """Whether ``e`` is one unknown value as it is (``X.shape``), not arithmetic on some."""
    if len(e.terms) != 1:
        return False
    ((mono, coef),) = e.terms.items()
    return coef == 1 and len(mono) == 1 and mono[0][1] == 1


def _mentions_model(code: str) -> bool:
    return "Sequential" in code or "Model(" in code or "Input(" in code


def _python_tree(text: str | None) -> ast.Module | None:
    try:
        return ast.parse(text) if text is not None else None
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def extract_module(module: cst.Module, path: str, text: str | None = None, tree: ast.Module | None = None,
                   project: ProjectImports | None = None, keras_defaults: dict | None = None,
                   keras_version: int = 3) -> FileResult:
    """Run the interpreter over a parsed module and return the models it built.
    ``text`` is the module's source and ``tree`` Python's parse of it, if at hand
    (they save regenerating and re-parsing it for positions).  ``project``: follow
    imports of the project's own modules through it; ``keras_defaults``: see Helpers.backend_query."""
    interp = Interpreter(module, path, text, tree, project)
    interp.keras_version = keras_version
    if keras_defaults:
        interp.keras_defaults.update(keras_defaults)
    try:
        return interp.run()
    finally:
        interp.release()



def _ends_in_raise(body: Sequence[cst.BaseStatement]) -> bool:
    last = body[-1] if body else None
    return (isinstance(last, cst.SimpleStatementLine) and bool(last.body)
            and isinstance(last.body[-1], cst.Raise))


def _tensors_in(v: Any) -> list[TensorVal]:
    if isinstance(v, TensorVal):
        return [v]
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in _tensors_in(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _tensors_in(x)]
    return []


def _holds_tensor(v: Any) -> bool:
    return bool(_tensors_in(v))


def _made_since(v: TensorVal, start: int) -> bool:
    producer = v.tensor.producer
    return isinstance(producer, Node) and producer.created > start


def _holds_any(value: Any, ids: set[int], depth: int = 0) -> bool:
    """Whether a list, tuple or dict holds (within 3 levels) one of the objects ``ids`` names."""
    if depth >= 3 or not isinstance(value, (list, tuple, dict)):
        return False
    items = value.values() if isinstance(value, dict) else value
    return any(id(x) in ids or _holds_any(x, ids, depth + 1) for x in items)


def _scopes(frame: Frame) -> list:
    """The frame and its module's globals, once each: at module level they are the same object."""
    return list({id(frame): frame, id(frame.globals): frame.globals}.values())
