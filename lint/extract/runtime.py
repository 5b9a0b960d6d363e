"""What the interpreter's parts share: its budgets, the signals that carry
``return``/``break``/``continue`` through Python's stack, frames of names,
and small helpers on folded values."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator
from typing import Any

import libcst as cst
from layerlint.engine.symbolic import Expr
from layerlint.extract.formatting import MAX_SIZE, OverBudget, is_plain, plain_repr
from layerlint.extract.values import (
    ArrayVal,
    DatasetVal,
    InstanceVal,
    KerasObj,
    Ref,
    what_it_is,
)

MAX_STEPS = 200_000
MAX_SECONDS = 10.0
MAX_CALL_DEPTH = 24
MAX_LOOP = 10_000
# Steps a loop may run without building anything before it is no longer followed.
LOOP_STEPS = 20_000
# A loop of long passes (LONG_PASS steps or more each on average: a training or sampling step)
# is given up sooner, after LONG_PASS_STEPS, unless it sets an attribute (``layer.trainable``),
# which can change a model without building anything.  A loop that builds layers makes its
# first one within about 1,100 steps over keras-io, tensorflow/docs and the other corpora
# (a scan of a model's layers, of short passes, keeps LOOP_STEPS).
LONG_PASS_STEPS = 2_000
LONG_PASS = 40
# Values the interpreter folds stay small, so hostile code (``x = x * x`` in a
# loop, ``s = s + s``, a 5,000-digit literal) cannot exhaust time or memory.
MAX_INT_BITS = 256
# The one size budget (characters of a string, items of a list, a format width):
# what would be larger is checked before it is made, and becomes unknown (LL004).
MAX_SEQUENCE = MAX_SIZE

UNDECIDED = object()  # a condition we cannot evaluate


def strict() -> bool:
    """Whether internal errors the analysis would otherwise absorb as "unknown" are raised (tests set it)."""
    return os.environ.get("LAYERLINT_STRICT") == "1"


class BudgetExceeded(Exception):
    pass


class ReturnSignal(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class BreakSignal(Exception):
    pass


class ContinueSignal(Exception):
    pass


class StopSignal(Exception):
    """A ``raise`` statement: the rest of this path does not run."""

    def __init__(self, node: Any = None, positions: Any = None, stack: tuple = ()) -> None:
        super().__init__()
        self.node = node  # the raise statement, when one was reached
        # The statements being executed where it was raised (Positions.stack), unwound by the time
        # it is caught: they place the raise without regenerating the whole module's positions.
        self.positions = positions
        self.stack = stack


class Frame:
    def __init__(self, parent: Frame | None, globals_: Frame | None = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self._globals = globals_  # None on a module's globals: a frame naming itself would be a cycle
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()
        self.unit: Any = None  # on a module's globals: its ModuleUnit (None: the file being analysed)
        self.star_modules: list[str] = []  # on globals: the libraries `from m import *` named

    @property
    def globals(self) -> Frame:
        return self if self._globals is None else self._globals

    def lookup(self, name: str) -> Any:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.vars:
                return frame.vars[name]
            frame = frame.parent
        raise KeyError(name)

    def assign(self, name: str, value: Any) -> None:
        if name in self.global_names:
            self.globals.vars[name] = value
            return
        if name in self.nonlocal_names:
            frame = self.parent
            while frame is not None and frame is not self.globals:
                if name in frame.vars:
                    frame.vars[name] = value
                    return
                frame = frame.parent
        self.vars[name] = value


# Keywords each builtin is followed with; any other makes the call's value unknown.
BUILTIN_KEYWORDS = {"enumerate": {"start"}, "sorted": {"reverse"}, "min": {"default"}, "max": {"default"},
                    "zip": {"strict"}, "print": {"sep", "end", "file", "flush"}}
STAR_UNKNOWN = Expr.symbol("*...")  # stands in the arguments for `*xs` when xs cannot be iterated
STAR_KWARGS = "**"  # key in a call's keywords: `**cfg` that cannot be followed (value: its source)

BUILTIN_NAMES = {"len", "range", "int", "float", "min", "max", "abs", "sum", "list", "tuple", "enumerate",
                 "zip", "round", "str", "bool", "print", "reversed", "sorted", "isinstance", "dict", "divmod", "pow",
                 "callable", "getattr", "hasattr", "format", "type", "iter", "next"}


def is_plain_data(v: Any, depth: int = 0) -> bool:
    """Numbers, strings and containers of them, as opposed to Keras values (layers,
    tensors, models) and functions."""
    return _data(v, depth, _PLAIN, 3, False)


def is_loop_data(v: Any, depth: int = 0) -> bool:
    """Plain data, what Keras utilities and the file's own classes hold (a parsed example, a loaded
    image, a config record): what a loop of unknown count changes is unknown after it.  Layers, tensors and
    models, and what holds them, keep the one pass's structure (see Interpreter.forget_counts)."""
    return _data(v, depth, _LOOP, 4, True)


_PLAIN = (bool, int, float, str, Expr, ArrayVal, DatasetVal)
# KerasObj: what a Keras utility returns (`keras.utils.img_to_array(image)`), not a layer
_LOOP = (*_PLAIN, KerasObj, Ref)


def _data(v: Any, depth: int, leaves: tuple, deepest: int, records: bool) -> bool:
    """``v`` is one of ``leaves``, or holds only them (within ``deepest`` levels); with ``records``,
    objects of the file's own classes holding no weights count as containers of their attributes."""
    if v is None or isinstance(v, leaves):
        return True
    if depth >= deepest:
        return False
    if isinstance(v, (list, tuple)):
        return all(_data(x, depth + 1, leaves, deepest, records) for x in v)
    if isinstance(v, dict):
        return all(_data(x, depth + 1, leaves, deepest, records) for x in v.values())
    if records and isinstance(v, InstanceVal):
        return not v.weights and all(_data(x, depth + 1, leaves, deepest, records) for x in v.attrs.values())
    return False


def row_text(text: str) -> str:
    """The user's expression as the name of a row standing for it: cut to 40 characters."""
    return text if len(text) <= 40 else text[:37] + "..."


def bounded(v: Any) -> Any:
    """``v``, or None when it is an int or sequence too large to keep folding."""
    if isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
        return None
    if isinstance(v, (str, list, tuple)) and len(v) > MAX_SEQUENCE:
        return None
    return v


def fits(v: Any) -> bool:
    """Whether ``v`` is within the size budgets (anything not an int or sequence is)."""
    if isinstance(v, int):
        return v.bit_length() <= MAX_INT_BITS
    if isinstance(v, (str, list, tuple)):
        return len(v) <= MAX_SEQUENCE
    return True


def over_budget(v: Any) -> str:
    """Why ``v`` failed :func:`bounded`, for the LL004 finding."""
    if isinstance(v, int):
        return f"an integer of {v.bit_length():,} bits is over the budget of {MAX_INT_BITS}"
    return f"a value of {len(v):,} items or characters is over the size budget of {MAX_SEQUENCE:,}"


def flatten(v: Any) -> list:
    """The leaves of nested lists, tuples and dicts (dicts in key order, as Keras flattens
    inputs and outputs), without the Nones."""
    out: list = []
    _flatten_into(v, out)
    return out


def _flatten_into(v: Any, out: list) -> None:
    # Recursing only into containers: argument lists and data are mostly flat, and a call
    # and a list per leaf made this the interpreter's busiest helper.
    if isinstance(v, (list, tuple)):
        for x in v:
            if isinstance(x, (list, tuple, dict)):
                _flatten_into(x, out)
            elif x is not None:
                out.append(x)
    elif isinstance(v, dict):
        keys = sorted(v) if all(isinstance(k, str) for k in v) else list(v)
        for k in keys:
            _flatten_into(v[k], out)
    elif v is not None:
        out.append(v)


_CALL_TEXT = re.compile(r"\s*([A-Za-z_][\w.]*)\s*\(")


def layer_label(text: str) -> str:
    """What to call a layer we cannot follow, from its source text:
    ``tfp.layers.DenseVariational(units=8, ...)`` is ``tfp.layers.DenseVariational``."""
    m = _CALL_TEXT.match(text)
    return m.group(1) if m else text


def short(v: Any) -> str:
    """A value as a note or a symbol names it: plain values as Python writes them, anything
    else by what it is (never the repr of an object, which would name this process's internals)."""
    if isinstance(v, Expr):
        s = str(v)
    elif isinstance(v, KerasObj):  # a Keras object by its call, never its repr
        s = f"{v.path}(...)"
    elif isinstance(v, Ref):
        s = v.qualname
    elif is_plain(v) and bounded(v) is not None:
        try:
            s = plain_repr(v)
        except OverBudget:
            s = f"a long {type(v).__name__}"
    else:
        s = what_it_is(v)
    return s if len(s) < 60 else s[:57] + "..."


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def _target_parts(node: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """What an assignment target stores into, its tuples and lists and stars taken apart."""
    if isinstance(node, (cst.Tuple, cst.List)):
        for el in node.elements:
            yield from _target_parts(el.value)
    elif isinstance(node, cst.StarredElement):
        yield from _target_parts(node.value)
    else:
        yield node


class _Assigned(cst.CSTVisitor):
    """Names a block binds, as Python scopes them: not inside nested functions,
    classes, lambdas or comprehensions (whose names stay local)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def target(self, node: cst.BaseExpression) -> None:
        self.names.update(part.value for part in _target_parts(node) if isinstance(part, cst.Name))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def _own_scope(self, node: cst.CSTNode) -> bool:
        return False

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _own_scope

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self.target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.target(node.asname.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.target(node.target)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is not None:
            self.target(node.asname.name)
        else:
            self.names.add(dotted(node.name).split(".")[0])


class _SetsAttribute(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def _target(self, node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Attribute):
            self.found = True
        elif isinstance(node, (cst.Tuple, cst.List)):
            for el in node.elements:
                self._target(el.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "setattr":
            self.found = True


class _Names(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.found = False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.found = True


def names_in(node: cst.CSTNode, name: str) -> bool:
    """Whether the name ``name`` is written anywhere in ``node`` (what libcst.matchers.findall
    would find, without importing libcst's matchers, which take a fifth of a second to import)."""
    visitor = _Names(name)
    _visit(node, visitor)
    return visitor.found


def sets_attribute(stmt: cst.CSTNode) -> bool:
    """Whether ``stmt`` has an attribute store anywhere in it (``x.trainable = False``, ``setattr``)."""
    visitor = _SetsAttribute()
    _visit(stmt, visitor)
    return visitor.found


def assigned_names(stmt: cst.CSTNode) -> set[str]:
    """Every name ``stmt`` may bind in its own scope (a loop: its target and its body's)."""
    visitor = _Assigned()
    _visit(stmt, visitor)
    return visitor.names


def mutated_names(stmt: cst.CSTNode) -> set[str]:
    """The names whose value ``stmt`` may change in place, read from the code (whether or not one pass
    reaches the line): ``xs.append(v)``, ``d[k].append(v)``, ``d[k] = v``, ``x.attr += 1``, ``del xs[0]``
    change what ``xs``, ``d`` and ``x`` hold.  Not inside nested functions or classes (their code runs
    when called, and what it changes then is seen)."""
    visitor = _Mutated()
    _visit(stmt, visitor)
    return visitor.names


# The methods of list, dict and set that change the container
_MUTATORS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
                       "setdefault", "popitem", "add", "discard", "difference_update", "intersection_update",
                       "symmetric_difference_update"})


def _root_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Subscript, cst.Attribute)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


class _Mutated(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def store(self, target: cst.BaseExpression) -> None:
        for part in _target_parts(target):
            root = _root_name(part.value) if isinstance(part, (cst.Subscript, cst.Attribute)) else None
            if root is not None:
                self.names.add(root)

    def _elsewhere(self, node: cst.CSTNode) -> bool:
        return False

    visit_FunctionDef = visit_ClassDef = visit_Lambda = _elsewhere

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _MUTATORS:
            root = _root_name(func.value)
            if root is not None:
                self.names.add(root)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.store(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.store(node.target)
        if isinstance(node.target, cst.Name):  # xs += [v] extends the list xs holds
            self.names.add(node.target.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self.store(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self.store(node.target)


def _visit(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """The ``visit_`` calls of ``node.visit(visitor)``, without libcst's rebuilding of
    every node it passes (which cost more than the loops whose names were asked for)."""
    method = getattr(visitor, f"visit_{type(node).__name__}", None)
    if method is not None and method(node) is False:
        return
    for name in _node_fields(type(node)):
        value = getattr(node, name)
        if is_node(value):
            _visit(value, visitor)
        elif isinstance(value, (tuple, list)):
            for item in value:
                if is_node(item):
                    _visit(item, visitor)


def walk(node: cst.CSTNode) -> list[cst.CSTNode]:
    """``node`` and every node under it that holds code (not whitespace or punctuation), in no
    particular order; libcst's ``children`` runs a visitor over each node it is asked about."""
    out: list[cst.CSTNode] = []
    stack = [node]
    while stack:
        n = stack.pop()
        out.append(n)
        for name in _node_fields(type(n)):
            value = getattr(n, name)
            if is_node(value):
                stack.append(value)
            elif isinstance(value, (tuple, list)):
                stack.extend(item for item in value if is_node(item))
    return out


_NODE_TYPES: dict[type, bool] = {}


def is_node(value: Any) -> bool:
    """``isinstance(value, cst.CSTNode)``, without going through ABCMeta for every value of a
    tree walk (libcst's classes are ABCs: each isinstance() against them runs Python code)."""
    kind = type(value)
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known


_FIELDS: dict[type, tuple[str, ...]] = {}
# Fields that hold only whitespace or punctuation.
_LAYOUT = re.compile(r"lpar|rpar|whitespace_.*|(leading|trailing)_(lines|whitespace)|lines_after_decorators|comma")


def _node_fields(cls: type) -> tuple[str, ...]:
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if not _LAYOUT.fullmatch(f.name))
    return fields
