"""The symbolic shape engine: extracted models in, shaped models out.

For every layer application it binds the constructor arguments, runs the
layer family's compute rule on the input shapes and records output shapes,
weight shapes and parameter counts exactly as Keras would build them.  Shape
errors are recorded on the layer (Keras' reason) and make everything
downstream unknown rather than guessed.
"""

from __future__ import annotations

import collections
import functools
import operator
import re
import weakref
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from layerlint.engine.applications.layers import compute_recorded
from layerlint.engine.graph import creation_marks, graph_view
from layerlint.engine.graph import model_nodes as graph_nodes
from layerlint.engine.layer_apply import bind, name_error
from layerlint.engine.layers import lookup
from layerlint.engine.layers.base import Built, LayerArg, ShapeError, Unanalysable, Weight
from layerlint.engine.layers.ops import ALREADY_BUILT, KERAS_VERSION
from layerlint.engine.layers.third_party import class_name
from layerlint.engine.masks import MaskOp
from layerlint.engine.model import Construction, ExtractedModel, InputDef, LayerDef, Node, Span, Tensor, gives_input_dim
from layerlint.engine.model_input_spec import input_spec_error
from layerlint.engine.op_apply import apply_op, substitute
from layerlint.engine.ops.base import ConstTensor, Unfollowed
from layerlint.engine.symbolic import Dim, Expr, prod, shape_str
from layerlint.engine.unknown_names import UnsureName, given_name

MAX_NESTING = 8

# The deepest engine made since the innermost kept run began (see Engine._run_nested): a run that
# made none as deep as MAX_NESTING shapes alike at any depth that keeps it so.
_deepest = [0]


@dataclass(eq=False)
class ShapedCall:
    """One application of a layer: its input shapes and what it produced."""

    # The row owns its calls (ShapedLayer.calls); a call refers back to it weakly, so that a
    # shaped model, and the graph it holds, is freed as soon as it is dropped instead of
    # waiting for the cyclic collector (every probe shapes a model and drops it).
    owner: weakref.ref[ShapedLayer]
    node: Node | None
    inputs: list
    output: Any
    error: ShapeError | None = None
    notes: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    submodel: ShapedModel | None = None  # a model used as a layer: how this call shaped it
    # a custom layer called on shapes its call() was not followed on: those shapes; when it was
    # (LayerDef.retraced), how that trace shaped
    untraced: tuple | None = None
    retraced: ShapedModel | None = None

    @property
    def row(self) -> ShapedLayer:
        row = self.owner()
        assert row is not None, "a call outlived its shaped row"
        return row


@dataclass(eq=False)
class ShapedLayer:
    """One summary row: a layer (or an InputLayer) with its weights."""

    source: LayerDef | InputDef
    name: str
    cls: str
    span: Span
    output: Any = None  # shape, list of shapes, or None when unknown
    weights: list[Weight] = field(default_factory=list)
    status: str = "ok"  # ok | error | opaque | unknown
    reason: str | None = None
    error: ShapeError | None = None
    notes: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    calls: list[ShapedCall] = field(default_factory=list)
    submodel: ShapedModel | None = None
    weights_of: ShapedModel | None = None  # a model used as a layer, shaped on its own graph: where its weights come from
    # Parameters known although the output is not: a layer never called whose weights
    # do not depend on its input (Rescaling, Embedding).
    params_known: bool = False
    # What Keras' summary prints for a layer with calls in other models too (engine/summary_shape.py);
    # None: ``output``.  ``output`` stays this model's own call, which rules and --confirm read.
    shown: Any = None

    @property
    def params(self) -> Dim:
        return _count(self.weights)

    @property
    def trainable_params(self) -> Dim:
        return _count([w for w in self.weights if w.trainable])

    @property
    def non_trainable_params(self) -> Dim:
        return _count([w for w in self.weights if not w.trainable])

    @property
    def is_input(self) -> bool:
        return isinstance(self.source, InputDef)

    @functools.cached_property
    def config(self) -> dict:
        # Rules read it many times per layer; the source arguments never change after extraction.
        if isinstance(self.source, LayerDef) and self.source.op is None:
            spec = lookup(self.source.cls) if self.source.recorded is None else None
            if spec is not None:
                try:
                    return bind(spec, self.source.args, self.source.kwargs).values
                except ShapeError:
                    pass
            return dict(self.source.kwargs)
        return {}

# An argument of an unexpected type that reaches a layer or op rule: not analysable, not a crash.
# Weights a layer has whatever its input (see _input_free_weights), per layer object.
_FREE_WEIGHTS: weakref.WeakKeyDictionary[LayerDef, list[Weight] | None] = weakref.WeakKeyDictionary()
# The same for a layer whose arguments wait for shapes, by what they resolve to (_value_key)
_FREE_WEIGHTS_RESOLVED: weakref.WeakKeyDictionary[LayerDef, dict[Hashable, Any]] = weakref.WeakKeyDictionary()


def _value_key(v: Any) -> Hashable | None:
    """``v`` as a dict key that tells apart what ``==`` does not (2, 2.0 and True), for plain
    values, dims and containers of them; None for anything else (not kept)."""
    kind = type(v)
    if v is None or kind in (int, float, bool, str):
        return (kind, v)
    if kind is Expr:  # its text as well: coefficients 2 and 2.0 compare equal
        return (kind, v, repr(v))
    if kind in (tuple, list):
        items = [_value_key(x) for x in v]
        return None if None in items else (kind, tuple(items))
    if kind is dict:
        pairs = [(k, _value_key(x)) for k, x in v.items()]
        return None if any(p[1] is None or type(p[0]) is not str for p in pairs) else (kind, tuple(pairs))
    return None


# The same across layers: (id(spec), _value_key of the resolved arguments) -> (spec, what
# Engine._probe_free_weights found).  Most layers come with arguments other layers have too
# (Dense(64)), and each probe binds and computes the layer on four ranks.
_FREE_WEIGHTS_BY_VALUE: dict[tuple, tuple[Any, list[Weight] | None]] = {}


def _free_weights(spec: Any, args: tuple, kwargs: dict, key: Hashable | None = None) -> list[Weight] | None:
    """Engine._probe_free_weights, kept by what the arguments are (``key``: their _value_key, when
    known); each layer gets a list of its own."""
    key = _value_key((args, kwargs)) if key is None else key
    if key is None:
        return Engine._probe_free_weights(spec, args, kwargs)
    kept = _FREE_WEIGHTS_BY_VALUE.get((id(spec), key))
    if kept is None:
        if len(_FREE_WEIGHTS_BY_VALUE) >= 4096:  # bounded, for a long-running process
            _FREE_WEIGHTS_BY_VALUE.clear()
        # the spec is held, so that its id in the key stays its own
        kept = _FREE_WEIGHTS_BY_VALUE[(id(spec), key)] = (spec, Engine._probe_free_weights(spec, args, kwargs))
    return None if kept[1] is None else list(kept[1])


def _has_expr(v: Any) -> bool:
    if isinstance(v, Expr):
        return True
    if isinstance(v, (tuple, list)):
        return any(_has_expr(x) for x in v)
    if isinstance(v, dict):
        return any(_has_expr(x) for x in v.values())
    if isinstance(v, LayerArg):
        return _has_expr(v.args) or _has_expr(v.kwargs)
    return False


ARGUMENT_ERRORS = (TypeError, ValueError, ZeroDivisionError, AttributeError, IndexError, KeyError)


def _failed(row: ShapedLayer, call: ShapedCall, e: Exception) -> ShapedCall:
    """Record why one application failed: Keras' error, or an unknown with its reason (the row's first cause wins)."""
    if isinstance(e, ShapeError):
        # Kept without its traceback: the frames it holds reach the whole analysis (the interpreter,
        # both parse trees), a cycle only the cyclic collector could free, at a cost per file.
        call.error = e.with_traceback(None)
        if row.error is None:
            row.status, row.error = "error", e
    elif row.status == "ok":
        reason = str(e) if isinstance(e, Unanalysable) else f"arguments could not be analysed ({type(e).__name__}: {e})"
        row.status, row.reason = "unknown", reason
    return call



@dataclass(eq=False)
class ShapedModel:
    model: ExtractedModel
    name: str
    layers: list[ShapedLayer] = field(default_factory=list)
    calls: list[ShapedCall] = field(default_factory=list)
    outputs: list = field(default_factory=list)
    input_shapes: list = field(default_factory=list)
    # A subclassed model's own variables (self.add_weight in its __init__ or build()): in Keras'
    # totals, in no row.
    own_weights: list[Weight] = field(default_factory=list)

    @property
    def total_params(self) -> Dim:
        return _sum([r.params for r in self.layers] + [_count(self.own_weights)])

    @property
    def trainable_params(self) -> Dim:
        # Keras counts a model's weights by each variable's own flag, set by the last
        # `trainable =` that reached its layer; a model in between whose own flag is off
        # shows none trainable in its row, but does not hide its layers' from the total.
        if not self.model.trainable:
            return 0
        return _sum([_variable_trainable(r) for r in self.layers] + [_count([w for w in self.own_weights if w.trainable])])

    @property
    def non_trainable_params(self) -> Dim:
        total, trainable = self.total_params, self.trainable_params
        if total is None or trainable is None:
            return _sum([r.non_trainable_params for r in self.layers]) if self.model.trainable else total
        return total - trainable

    @property
    def wide_bytes(self) -> int:
        """Bytes Keras counts beyond 4 per parameter: the few weights of a wider dtype (all of
        them non-trainable, so they add to the total and the non-trainable size only)."""
        weights = [w for r in self.layers for w in r.weights] + self.own_weights
        return sum((w.itemsize - 4) * n for w in weights if w.itemsize != 4 and isinstance(n := prod(w.shape), int))

    @property
    def complete(self) -> bool:
        """Every row analysed, with a number for every dim and parameter count."""
        return all(row_gap(r) is None for r in self.layers)


def row_gap(row: ShapedLayer) -> str | None:
    """What keeps a row from being checked in full (None: nothing): a layer not
    analysed, an unknown output, or a shape or count that is not a number."""
    if row.status == "error":
        return None  # Keras refuses it too, and the finding says so
    if row.status == "opaque":
        return f"`{row.name}` ({row.cls}) is not analysed: {row.reason}"
    if row.status != "ok":
        return f"`{row.name}` ({row.cls}) is unknown: {row.reason}"
    if row.output is None:
        return f"`{row.name}` ({row.cls}) has an unknown output"
    if not _numeric_output(row.output):
        return f"`{row.name}` ({row.cls}) has the symbolic output shape {_output_text(row.output)}"
    if not isinstance(row.params, int):
        return f"`{row.name}` ({row.cls}) has a symbolic parameter count {row.params}"
    return None


def _numeric_output(out: Any) -> bool:
    if isinstance(out, list):
        return all(o is not None and _numeric_output(o) for o in out)
    return all(d is None or isinstance(d, int) and not isinstance(d, bool) for d in out)


def _output_text(out: Any) -> str:
    if isinstance(out, list):
        return "[" + ", ".join(_output_text(o) for o in out) + "]"
    return shape_str(out)


def _weights_unknown(row: ShapedLayer) -> bool:
    """A row not followed whose weights are not known either (a layer that has none is known to)."""
    if row.status in ("ok", "unbuilt") or row.weights or row.params_known or row.cls in BUILT_AT_INIT:
        return False
    return not (isinstance(row.source, LayerDef) and row.source.op is not None) and not row.is_input


def _variable_trainable(row: ShapedLayer) -> Dim:
    sub = row.weights_of or row.submodel
    if sub is not None and row.weights and isinstance(row.source, LayerDef) and row.source.custom_class is None:
        return _sum([_variable_trainable(r) for r in sub.layers])
    return row.trainable_params


# Layers Keras 3 builds in __init__ (no weights): an unbuilt model's summary counts them as built.
BUILT_AT_INIT = frozenset({
    "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
    "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization",
    "UnitNormalization", "Identity", "Masking",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalAveragePooling3D",
})


def _unique_weights(rows: list[ShapedLayer]) -> list[Weight]:
    """The weights of ``rows`` as Keras lists a layer's: each variable once, though a layer is
    held by several of the models among them (one block's layers in two Sequentials)."""
    seen: set[int] = set()
    out: list[Weight] = []
    for row in rows:
        _visit_weights(row, seen, out)
    return out


def _visit_weights(row: ShapedLayer, seen: set[int], out: list[Weight]) -> None:
    # a function of the module, not a closure naming itself: that is a cycle only the collector frees
    source, sub = row.source, row.submodel
    # a model used as a layer whose row shows its layers' weights: those layers, each once
    if isinstance(source, LayerDef) and source.custom_class is None and sub is not None \
            and source.submodel is not None and source.submodel.trainable \
            and row.weights_of is None and len(row.weights) == sum(len(r.weights) for r in sub.layers):
        for r in sub.layers:
            _visit_weights(r, seen, out)
    elif id(source) not in seen:
        seen.add(id(source))
        out.extend(row.weights)


def _count(weights: list[Weight]) -> Dim:
    return _sum([prod(w.shape) for w in weights])


def _sum(values: list) -> Dim:
    total: Dim = 0
    for v in values:
        if v is None:
            return None
        total = v + total
    return total


@functools.lru_cache(maxsize=4096)  # asked once per layer row, of a few dozen class names
def snake_case(name: str) -> str:
    """Keras' automatic layer name for a class name."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class _Namer:
    def __init__(self, constructions: list[Construction] | None = None) -> None:
        self.counts: dict[str, int] = {}
        self.given: dict[int, str] = {}  # id(definition) -> the name it was given
        self.made_named: set[Hashable] = set()  # calls and layers whose helper layers have taken their names
        # The layers and inputs the file made, in making order, not yet named: Keras named each when it
        # was made, listed by a model or not, so each is named before what was made after it (Engine._catch_up)
        self.pending: collections.deque[Construction] = collections.deque(constructions or ())
        # automatic-name bases whose count is not known after a layer made an unknown number of times:
        # base -> the condition or loop it was made under
        self.unknown: dict[str, str] = {}
        self.caught: set[int] = set()  # ids of what _catch_up named, which a model listing it names no more
        self._graph: _Namer | None = None

    @property
    def root(self) -> _Namer:
        """The file's namer, which holds the counters and what is still to be named."""
        return self

    @property
    def graph(self) -> _Namer:
        """The counters of tf-keras' Keras graph: what a layer's build makes during a call on Keras tensors
        (MultiHeadAttention's softmax and dropout) is numbered there, apart from the file's own counters."""
        if self._graph is None:
            self._graph = _Namer()
        return self._graph

    def first_making(self, key: Hashable) -> bool:
        """Whether what ``key`` (a call or a custom layer) made still has to take its names: Keras
        makes it once, however many models list the graph it is in (a Sequential on its own and
        nested in a functional model)."""
        if key in self.made_named:
            return False
        self.made_named.add(key)
        return True

    def __call__(self, explicit: str | None, cls: str, key: int | None = None, base: str | None = None,
                 one_based: bool = False) -> str:
        if key is not None and key in self.given:
            return self.given[key]
        if explicit and not isinstance(explicit, UnsureName):
            return explicit
        # an opaque `tfp.layers.DenseVariational` is named by its class
        base = base or snake_case(cls.rsplit(".", 1)[-1])
        if explicit:  # may be None at run time, which takes this automatic name: later ones are not known
            self.unknown.setdefault(base, f"name={explicit}")
            return explicit
        n = self.counts.get(base, 0)
        self.counts[base] = n + 1
        name = f"{base}_{n + 1}" if one_based else base if n == 0 else f"{base}_{n}"
        if base in self.unknown:  # a layer of this base was made under a condition or in a loop we cannot count
            name = f"{base}_?"
        if key is not None:
            self.given[key] = name
        return name


def _unfollowed_input(ld: LayerDef) -> list | None:
    """What a model or traced custom layer called on a tensor that cannot be followed is shaped on:
    its own input when Keras built it when made (its weights are those whatever the call), else
    unknown tensors, so that the weights sized by the input are unknown.  Never the symbolic input
    of a Sequential declaring none (``input_shape[0]``) or a custom layer's stand-in
    (``Block.input.shape``): those stand for a model never called, and read as weights sized by
    the user's own ``input_shape``."""
    sub = ld.submodel
    assert sub is not None
    if ld.custom_class is None and built_when_made(sub):
        return None
    return [None] * max(1, len(sub.inputs))


def built_when_made(m: ExtractedModel) -> bool:
    """Whether Keras builds this model when it is constructed, before any call."""
    if m.api == "functional":
        return True
    if m.api != "sequential" or not m.layers:
        return False
    first = m.layers[0]
    return m.seq_input is not None or first.declares_input


def _mask_op_layer(op: MaskOp) -> LayerDef:
    """A mask op as the keras.ops call Keras made, so it is shaped like an op the source wrote."""
    if op.op == "not_equal":  # Masking's mask value or Embedding's 0: a scalar either way
        args: tuple = (*op.inputs, 0)
    elif op.op == "concatenate":
        args = (list(op.inputs),)
    else:
        args = tuple(op.inputs)
    span = op.made_by.span if op.made_by is not None else Span(0, 0, 0, 0)
    return LayerDef(op.cls, args, dict(op.kwargs), span, op=f"ops.{op.op}")


def _naming_point(op: Any) -> int:
    """Where ``op`` takes its place in the order Keras named things.  A model used as a layer was made,
    and its layers named, when it was constructed, not where it is first used: just after the last
    thing it holds."""
    sub = op.submodel if isinstance(op, LayerDef) and op.custom_class is None else None
    if sub is None:
        return op.created
    made = creation_marks(sub)
    return min(op.created, max(made)) if made else op.created


def _build_helpers(ld: LayerDef, depth: int) -> list:
    """What Keras makes when it builds ``ld`` at its first call: helper layers (a custom layer: those
    of the layers it holds), the InputLayer of a Sequential with no declared input, and what such a
    Sequential's own layers make as it builds them."""
    held = [ld, *ld.tracked]
    helpers: list = [h for t in held for h in _BUILD_SUBLAYERS.get(t.cls, ())]
    for t in held:
        sub = t.submodel
        if sub is not None and sub.api == "sequential" and sub.seq_input is None and not sub.input_made_alone \
                and not built_when_made(sub):  # one built when made made its InputLayer then (FileResult.constructions)
            helpers.append(_BuiltInput(sub))
            if depth < MAX_NESTING:
                helpers += [h for inner in sub.layers for h in _build_helpers(inner, depth + 1)]
    helpers += ld.built_made  # what a custom layer's build() made, named then
    return helpers


@dataclass(frozen=True, eq=False)
class _BuiltInput:
    """The InputLayer a Sequential declaring no input makes when it is built: one per Sequential,
    named once, whichever of its first call and its own summary comes to it first."""

    sequential: ExtractedModel


class _Unnamed(_Namer):
    """For a run whose only use is its output shapes: rows take no automatic names."""

    def __call__(self, explicit: str | None, cls: str, key: int | None = None, base: str | None = None,
                 one_based: bool = False) -> str:
        return explicit or ""


class _ScratchNamer(_Namer):
    """Names for what a subclassed model's first call makes.  Keras runs call() in a scratch graph:
    layers built there (a Sequential's InputLayer) are Keras objects numbered from the file's
    counter, but its ops and the stand-ins for its inputs make none, so they take private names."""

    def __init__(self, shared: _Namer, traced: ExtractedModel, data: bool = False) -> None:
        super().__init__()
        self.shared = shared
        self.private = {id(t.producer) for t in traced.inputs}
        self.private.update(id(n.layer) for n in graph_nodes(traced) if n.layer.op is not None)
        if data:  # a train_step's graph: every input it reads is data, never an InputLayer
            self.private.update(id(t.producer) for n in graph_nodes(traced) for t in n.inputs
                                if isinstance(t.producer, InputDef))

    def __call__(self, explicit: str | None, cls: str, key: int | None = None, base: str | None = None,
                 one_based: bool = False) -> str:
        if key is not None and key in self.private:
            return super().__call__(explicit, cls, key, base, one_based)
        return self.shared(explicit, cls, key, base, one_based)

    def first_making(self, key: Hashable) -> bool:
        return self.shared.first_making(key)

    @property
    def root(self) -> _Namer:
        return self.shared.root


def symbolic_shape(spec_shape: Expr, rank: int) -> tuple:
    """An unknown input tuple named ``s`` of known rank: (s[0], s[1], ...).  Where ``s`` is a Keras
    attribute that counts the batch as axis 0 (``layer.input.shape``, ``model.input_shape``), its
    dims are numbered as that attribute numbers them, from 1."""
    name = str(spec_shape)
    first = 1 if name.endswith((".input.shape", ".input_shape")) else 0
    sliced = _FROM_AXIS.match(name)
    if sliced is not None:  # `x.shape[1:]`: its dims are x.shape[1], x.shape[2], ... as the user would write them
        name, first = sliced.group(1), int(sliced.group(2))
    return tuple(Expr.symbol(f"{name}[{i + first}]") for i in range(rank - 1))


_FROM_AXIS = re.compile(r"^(.+\.shape)\[(\d+):\]$")


def _input_shape(inp: InputDef, rank_hint: int | None) -> Any:
    shape = inp.shape
    if isinstance(shape, Expr):
        if rank_hint is None:
            return None
        shape = symbolic_shape(shape, rank_hint)
    if not isinstance(shape, tuple):
        return None
    dims = tuple(_as_dim(d) for d in shape)
    batch = inp.batch_size if isinstance(inp.batch_size, int) or isinstance(inp.batch_size, Expr) else None
    return (batch,) + dims


def _as_dim(d: Any) -> Dim:
    if d is None or isinstance(d, (int, Expr)) and not isinstance(d, bool):
        return d
    return Expr.symbol(str(d))


def input_shape_error(inp: InputDef, keras_version: int, layer_argument: bool = False) -> ShapeError | None:
    """What Keras raises making this input: one number for a shape (tf-keras' Input reads it as a
    1-tuple, but adds a layer's ``input_shape=`` to a tuple), a negative dimension, a dimension that
    is not an integer."""
    shape = inp.shape
    if not isinstance(shape, tuple):
        return None
    if inp.scalar_shape is not None and keras_version == 2 and layer_argument:
        return ShapeError("invalid", f"'int' object is not iterable: `input_shape={inp.scalar_shape}` is one number, "
                                     f"not a tuple; write `({inp.scalar_shape},)`")
    if inp.scalar_shape is not None and keras_version == 3:
        value = shape[0]  # the number, or the source it comes from
        return ShapeError("invalid", f"Cannot convert '{value}' to a shape: `{inp.scalar_shape}` is one number, not a "
                                     f"tuple; write `({inp.scalar_shape},)`")
    written = "(" + ", ".join(repr(d) if not isinstance(d, Expr) else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    for d in shape:
        if isinstance(d, bool) or d is None or isinstance(d, Expr):
            continue
        if isinstance(d, int):
            if d < 0:
                return ShapeError("invalid", f"Cannot convert '{written}' to a shape. Negative dimensions are not allowed"
                                  if keras_version == 3 else f"Dimension {d} must be >= 0")
        elif isinstance(d, (float, str)):
            return ShapeError("invalid", f"Cannot convert '{written}' to a shape. Found invalid dimension '{d}' of type "
                                         f"'{type(d)}'" if keras_version == 3 else
                              f"Dimension value must be integer or None or have an __index__ method, got value "
                              f"'{d}' with type '{type(d)}'")
    return None


class NestedMemo:
    """Models nested in others (a model used as a layer, a custom layer's traced call()), as
    probes shaped them on given input shapes: the interpreter probes ``x.shape`` after nearly
    every call, and a model called again on the same shapes would otherwise be shaped again,
    with all it nests.  Only stateless runs are kept (outputs only, no names).  Also each nested
    model's graph order (graph_view), which every run of it walks again otherwise.  The owner
    clears it whenever an extracted model or layer changes (see Interpreter.layers_changed);
    once extraction is done nothing changes, and a file's models share one."""

    # Tests set it: each hit is shaped again and compared, and a kept run that differs is listed
    # in ``stale`` (a change that did not clear the memo); probes absorb exceptions, so no raise.
    verify = False
    stale: list[str] = []
    checked = 0

    def __init__(self) -> None:
        self.runs: dict[tuple, tuple] = {}
        self.views: dict[tuple, tuple] = {}  # (id(model), with masks) -> (model, its graph_view)
        # key of a kept run -> its untraced calls (a kept run is never shaped again, so they stay its own)
        self.untraced: dict[tuple, list[tuple[LayerDef, tuple]]] = {}
        # (id(model), depth, keras version) -> (the model, its run, the depth its run reached): a custom
        # layer's call() followed on other shapes (LayerDef.retraced), as Engine._retraced shapes it
        self.retraced_runs: dict[tuple, tuple] = {}
        self.retraced_untraced: dict[tuple, list[tuple[LayerDef, tuple]]] = {}  # the same as ``untraced``, for those

    def clear(self) -> None:
        self.runs.clear()
        self.views.clear()
        self.untraced.clear()
        self.retraced_runs.clear()
        self.retraced_untraced.clear()

    def retraced(self, ld: LayerDef, shapes: tuple) -> None:
        """``ld``'s call() is now followed on ``shapes``: the runs that reached it there (the only
        ones its new entry in ``retraced`` changes, as untraced calls) shape otherwise now."""
        for key, kept in list(self.runs.items()):
            calls = self.untraced.get(key)
            if calls is None:
                calls = self.untraced[key] = untraced_calls(kept[3])
            if any(d is ld and s == shapes for d, s in calls):
                del self.runs[key]
                del self.untraced[key]
        for key, (_, sub, _) in list(self.retraced_runs.items()):
            calls = self.retraced_untraced.get(key)
            if calls is None:
                calls = self.retraced_untraced[key] = untraced_calls(sub)
            if any(d is ld and s == shapes for d, s in calls):
                del self.retraced_runs[key]
                del self.retraced_untraced[key]


class Engine:
    """Shapes one extracted model (and the models nested in it)."""

    def __init__(self, model: ExtractedModel, depth: int = 0, keras_version: int = 3,
                 namer: _Namer | None = None, built_by_fit: bool = False, outputs_only: bool = False,
                 memo: NestedMemo | None = None) -> None:
        self.model = model
        self.memo = memo
        # Only the output shapes are asked for (the interpreter's probes of ``x.shape``): rows are not
        # named, and weights that no output depends on (a nested model's whole count, the weights of
        # a layer whose input is unknown) are not worked out.
        self.outputs_only = outputs_only
        # a Sequential with no input that fit() built: Keras made its InputLayer then
        self.built_by_fit = built_by_fit
        self.depth = depth
        if depth > _deepest[0]:
            _deepest[0] = depth
        self.keras_version = keras_version  # 2: tf-keras' names (input_1, ...)
        self.namer = namer or (_Unnamed() if outputs_only else _Namer())
        self.tensor_shapes: dict[int, Any] = {}
        # The layer an unknown input's rank was taken from when that layer takes any rank from 2 up
        # (Dense, Embedding): shapes downstream are then one possibility, so Keras' errors are not claimed.
        self.rank_guessed_from: LayerDef | None = None
        # shaped as called on a tensor that cannot be followed: why that tensor is unknown, in the
        # caller's words, so that the rows the unknown input reaches name the user's expression
        self.called_on_unknown: str | None = None
        self.input_error: ShapeError | None = None  # a Sequential's declared input that Keras refuses

    # -- entry points ------------------------------------------------------
    def run(self, input_override: list | None = None) -> ShapedModel:
        m = self.model
        sm = ShapedModel(m, m.name or ("sequential" if m.api == "sequential" else "functional"))
        if m.api == "sequential":
            self._run_sequential(sm, input_override)
        elif m.api == "functional":
            self._run_functional(sm, input_override)
        elif m.subclass_layer is not None:
            self._run_subclassed(sm)
        return sm

    # -- subclassed ------------------------------------------------------------
    def _run_subclassed(self, sm: ShapedModel) -> None:
        """Keras' summary of a subclassed model: the layers it tracks, each with its last call's
        output and its weights once built; before any call they are unbuilt ("?", 0)."""
        ld = self.model.subclass_layer
        assert ld is not None
        # Model.__init__ names the model from the class, on the counter its layers use: `tower`, `tower_1`
        sm.name = self.namer(self.model.name, ld.cls, key=id(ld))
        built: dict[int, ShapedLayer] = {}
        resolve = self._resolve
        if ld.submodel is not None and ld.known and self.depth < MAX_NESTING:
            engine = Engine(ld.submodel, self.depth + 1, self.keras_version, namer=_ScratchNamer(self.namer, ld.submodel),
                            outputs_only=self.outputs_only)
            sub = engine.run(input_override=ld.traced_inputs)
            resolve = engine._resolve  # build()'s weights may be sized by the input it was called on
            built = {id(r.source): r for r in sub.layers}
            sm.input_shapes, sm.outputs = sub.input_shapes, sub.outputs
        step = self.model.step_model
        if step is not None and ld.known and self.depth < MAX_NESTING:
            if not self.outputs_only:
                # the layers it holds, and those of the models among them, were named when made, before
                # fit() ran the step (what the step builds, an InputLayer, a build()'s layers, is named then)
                self._name_in_creation_order(list(ld.tracked))
            # its own train_step() built the layers it calls first: their rows are those calls', and
            # what the step computes is neither the model's input nor its output
            engine = Engine(step, self.depth + 1, self.keras_version, namer=_ScratchNamer(self.namer, step, data=True),
                            outputs_only=self.outputs_only)
            built = {id(r.source): r for r in engine.run().layers}
            resolve = engine._resolve
        if ld.known:
            sm.own_weights = [Weight(name, tuple(resolve(shape)), trainable, itemsize) for name, shape, trainable, itemsize in ld.own_weights]
        # build() may have made layers since the model was made: Keras tracks them in assignment order;
        # the keras.Input it was first called on is an InputLayer Keras made and named
        tracked = list(ld.tracked) if ld.known else list(self.model.layers)
        if not self.outputs_only:
            self._name_in_creation_order(tracked + list(ld.first_call_inputs))
        for t in tracked:
            row = self._row(t)
            done = built.get(id(t))
            if done is not None:
                for attr in ("output", "weights", "status", "reason", "error", "notes", "facts", "calls", "submodel", "weights_of"):
                    setattr(row, attr, getattr(done, attr))
                if (ld.first_call_eager or self.keras_version == 3) and t.submodel is not None \
                        and built_when_made(t.submodel) and row.status in ("ok", "unknown"):
                    # a call on data adds no node to a model built when made, nor does Keras 3's symbolic
                    # call (call() runs on a scratch graph): its summary row keeps the shapes of the graph
                    # it was made with, whatever that call gave
                    if row.status == "ok":
                        row.output = self._own_output(t.submodel)
                    else:
                        row.status, row.reason = "ok", None
                        row.output = self._nested(row, t, None)
            elif not ld.known:
                row.status, row.reason = "unknown", ld.opaque_reason
            elif t.submodel is not None and built_when_made(t.submodel):
                # a model given to this one already built (a Sequential with an input, a functional
                # model): Keras' summary shows its shape and weights before this model is called
                row.output = self._nested(row, t, None)
            else:
                row.status, row.reason = "unbuilt", self.model.unbuilt_why or "Keras builds it on the model's first call"
            if t.kwargs.get("trainable") is False:
                row.weights = [replace(w, trainable=False) for w in row.weights]
            if t.cls in BUILT_AT_INIT and t.submodel is None or t.no_output_shape:
                # built before any call, or a custom layer without compute_output_shape(): Keras has no
                # node of it here (call() runs on a scratch graph) and no shape to show
                row.output = None
            sm.layers.append(row)
        if not sm.layers:
            # No layer we can list: what it computes and the weights it makes itself (add_weight) are
            # not followed, so its totals are not Keras' (never an empty, "complete" model of 0 params).
            row = ShapedLayer(ld, sm.name, ld.cls, ld.span)
            counted = ("the weights it makes itself (add_weight) are in the totals, what it computes is not followed"
                       if sm.own_weights else "the weights it makes itself are not counted")
            row.status, row.reason = "opaque", f"`{ld.cls}` tracks no layers layerlint can list; {counted}"
            sm.layers.append(row)

    # -- sequential ----------------------------------------------------------
    def _sequential_input(self, input_override: list | None) -> tuple[Any, str | None]:
        m = self.model
        if input_override is not None:
            given = input_override[0] if input_override else None
            return given, None if given is not None else self._called_on_unknown_reason()
        first = m.layers[0] if m.layers else None
        rank = self._rank_hint(first)
        if m.seq_input is not None:
            self.input_error = input_shape_error(m.seq_input, self.keras_version) or self._input_name_error(m.seq_input)
            if self.input_error is not None:
                return None, f"Keras refuses the input's shape at {m.seq_input.span.mention()}"
            return _input_shape(m.seq_input, rank), None
        if first is not None and first.submodel is not None and self.depth < MAX_NESTING \
                and (first.custom_class is None or first.traced_inputs is None):
            # Keras builds a Sequential whose first layer is a model with a known input; a custom layer
            # followed on a stand-in gives the Sequential that stand-in's input, one built on a known
            # shape was built with the Sequential (its build, first fit() or call) and waits for it.
            sub = first.submodel
            if m.built_on_first_layer and sub.api == "sequential" and sub.seq_input is None and sub.built_on is not None:
                # made after its first layer, a Sequential, was built by a first call (on data or a
                # tensor): Keras builds this one on that call's input, batch axis included ((4, 16, 16, 3)
                # after aug(images[:4]))
                return tuple(sub.built_on), None
            inner = Engine(first.submodel, self.depth + 1, self.keras_version, outputs_only=True).run().input_shapes
            if len(inner) == 1 and isinstance(inner[0], tuple):
                return inner[0], None
        if first is not None:
            kw = first.kwargs
            if "batch_input_shape" in kw and isinstance(kw["batch_input_shape"], (tuple, list)):
                bis = tuple(kw["batch_input_shape"])
                return (bis[0],) + tuple(_as_dim(d) for d in bis[1:]), None
            if "input_shape" in kw:
                shp = kw["input_shape"]
                if isinstance(shp, list):
                    shp = tuple(shp)
                scalar = None
                if isinstance(shp, int) and not isinstance(shp, bool):
                    shp, scalar = (shp,), str(shp)
                inp = InputDef(shp, first.span, batch_size=kw.get("batch_size"), scalar_shape=scalar)
                self.input_error = input_shape_error(inp, self.keras_version, layer_argument=True)
                if self.input_error is not None:
                    return None, f"Keras refuses `{first.cls}`'s input_shape at {first.span.mention()}"
                return _input_shape(inp, rank), None
            if gives_input_dim(first.cls, kw):
                return (None, _as_dim(kw["input_dim"])), None
        if rank is None:
            return None, "the input shape is not given"
        self._note_rank_guess(first)
        return (None,) + symbolic_shape(Expr.symbol("input_shape"), rank), "the input shape is not given"

    def _note_rank_guess(self, layer: LayerDef | None) -> None:
        spec = lookup(layer.cls) if layer is not None else None
        if spec is not None and spec.input_rank is None and self.rank_guessed_from is None:
            self.rank_guessed_from = layer

    def _failed(self, row: ShapedLayer, call: ShapedCall, e: Exception) -> ShapedCall:
        guess = self.rank_guessed_from
        if isinstance(e, ShapeError) and guess is not None:
            # Keras' check ran on a rank we chose, not one the code gives: say so instead of an error.
            e = Unanalysable(f"the input's rank is not known (taken as 2 from `{guess.cls}` at line "
                             f"{guess.span.line}), so Keras' check cannot be decided")
        return _failed(row, call, e)

    def _rank_hint(self, layer: LayerDef | None) -> int | None:
        if layer is None or layer.submodel is not None or layer.op is not None:
            return None
        spec = lookup(layer.cls)
        if spec is None:
            return None
        if spec.input_rank is not None:
            return spec.input_rank
        return 2 if spec.name in ("Dense", "Embedding") else None

    def _run_sequential(self, sm: ShapedModel, input_override: list | None) -> None:
        m = self.model
        shape, why_symbolic = self._sequential_input(input_override)
        if self.keras_version == 3 and m.named and not m.name_unknown and self.input_error is None:
            # Keras raises making the Sequential, before any of its layers is built
            self.input_error = name_error(m.name)
        sm.input_shapes = [shape]
        if m.seq_input is not None and input_override is None:
            sm.input_shapes = [shape]
        # Keras makes the InputLayer of a Sequential given keras.Input: no row, but it takes a name.
        self._name_in_creation_order([m.seq_input, *m.layers] if m.seq_input is not None else list(m.layers))
        if self.built_by_fit or m.input_made_alone:
            self._name_built_input(m)
        current = shape
        upstream_problem: str | None = None if shape is not None else (why_symbolic or "the input shape is unknown")
        for i, ld in enumerate(m.layers):
            row = self._row(ld)
            sm.layers.append(row)
            if i == 0 and self.input_error is not None:
                # Keras raises making the input the first layer declares (or the Sequential was given)
                call = ShapedCall(weakref.ref(row), None, [], None, error=self.input_error)
                row.calls.append(call)
                row.status, row.error = "error", self.input_error
                sm.calls.append(call)
                current = None
                continue
            call = self._apply(row, ld, [current] if current is not None else None, {}, None, upstream_problem)
            sm.calls.append(call)
            current = call.output
            if current is None and upstream_problem is None:
                upstream_problem = f"`{row.name}` ({row.cls}) output is unknown"
            if isinstance(current, list):
                current = current[0] if current else None
        sm.outputs = [current]

    # -- functional ----------------------------------------------------------
    def _run_functional(self, sm: ShapedModel, input_override: list | None) -> None:
        m = self.model
        for i, t in enumerate(m.inputs):
            if input_override is not None and i < len(input_override):
                self.tensor_shapes[id(t.producer)] = input_override[i]
        self.tensor_shapes.update(m.known_outputs)
        rows: dict[int, ShapedLayer] = {}
        # Keras 3 lists the ops computing masks among model.operations; tf-keras builds them out of sight.
        ops, nodes, mask_ops = self._graph_view(m, self.keras_version == 3)
        # A keras.applications backbone makes its own InputLayer when constructed: it takes a name then.
        made_inputs = [t.producer for op in ops if isinstance(op, LayerDef) and op.submodel is not None
                       and op.submodel.application is not None for t in op.submodel.inputs
                       if isinstance(t.producer, InputDef) and t.producer not in ops]
        if not self.outputs_only:
            self._name_in_creation_order(list(ops) + made_inputs, nodes, mask_ops)
        mask_rows: list[tuple[MaskOp, ShapedLayer]] = []
        # Keras raises making the model itself (its name), after its layers were made
        model_refused = name_error(m.name) if self.keras_version == 3 and m.named and not m.name_unknown \
            and input_override is None else None
        if model_refused is not None:
            model_refused.facts["span"] = m.span
        for op in ops:
            if isinstance(op, InputDef):
                row = ShapedLayer(op, self._input_name(op), "InputLayer", op.span)
                rows[id(op)] = row
                sm.layers.append(row)
                refused = None if id(op) in self.tensor_shapes else \
                    input_shape_error(op, self.keras_version) or self._input_name_error(op) or model_refused
                model_refused = None  # the first input's row carries the model's own refusal
                if refused is not None:
                    call = ShapedCall(weakref.ref(row), None, [], None, error=refused)
                    row.calls.append(call)
                    row.status, row.error = "error", refused
                    sm.calls.append(call)
                    self.tensor_shapes[id(op)] = None
            elif isinstance(op, MaskOp):
                ld = _mask_op_layer(op)
                row = ShapedLayer(ld, self.namer(None, op.cls, key=id(op)), op.cls, ld.span)
                mask_rows.append((op, row))
                sm.layers.append(row)
            else:
                row = self._row(op)
                rows[id(op)] = row
                sm.layers.append(row)
        for node in nodes:
            row = rows[id(node.layer)]
            input_shapes: list | None = []
            problem = None
            for t in node.inputs:
                s = self._tensor_shape(t, node)
                if s is None:
                    input_shapes = None
                    problem = self._unknown_reason(t)
                    break
                if isinstance(s, list) and t.index is None:
                    input_shapes.extend(s)
                else:
                    input_shapes.append(s)
            call_kwargs: dict = {}
            unfollowed = None
            if node.call_kwargs:
                call_kwargs = {k: self._kwarg_shape(v, node) for k, v in node.call_kwargs.items()}
                unfollowed = next((k for k in sorted(node.call_kwargs) if isinstance(node.call_kwargs[k], Unfollowed)), None)
            if unfollowed is not None and problem is None:
                # A tensor argument we could not follow: Keras runs the layer on it, or fails on it.
                input_shapes, problem = None, f"`{unfollowed}={node.call_kwargs[unfollowed]}` cannot be followed"
            call = self._apply(row, node.layer, input_shapes, call_kwargs, node, problem)
            sm.calls.append(call)
            self.tensor_shapes[id(node)] = call.output
        for op, row in mask_rows:  # deepest first: an op's inputs are shaped before it
            given = [self._tensor_shape(t, None) for t in op.inputs]
            call = ShapedCall(weakref.ref(row), None, given if None not in given else [], None)
            row.calls.append(call)
            self._apply_op(row, row.source, call, None)
            self.tensor_shapes[id(op)] = call.output
            maker = rows.get(id(op.made_by.layer)) if op.made_by is not None else None
            if maker is not None and row.status == "ok":
                made_by = maker.name
                row.notes.append(f"computes the mask `{made_by}` hands on; Keras lists it because a later layer reads that mask")
        for row in sm.layers:
            if isinstance(row.source, InputDef) and row.status != "error":  # row.is_input, without the property call
                # A declared input no layer reads still has its declared shape.
                row.output = self.tensor_shapes.get(id(row.source)) or _input_shape(row.source, None)
                if row.output is None:
                    row.status = "unknown"
                    row.reason = row.source.unknown_reason or row.source.shape_reason or "input shape is not known"
        sm.outputs = [self._tensor_shape(t, None) for t in m.outputs]
        sm.input_shapes = [self.tensor_shapes.get(id(t.producer)) or (_input_shape(t.producer, None) if isinstance(t.producer, InputDef) else None)
                           for t in m.inputs]
        for row in sm.layers:
            if len(row.calls) < 2:
                continue
            # Keras' summary shows a shared layer's latest call, in the order the calls were made.
            done = [c for c in row.calls if c.node is not None and c.error is None and c.output is not None]
            if len(done) > 1:
                row.output = max(done, key=lambda c: c.node.created).output

    def _graph_view(self, m: ExtractedModel, with_masks: bool) -> tuple:
        # a probe's own model is new at each probe: only nested models are kept
        if self.memo is None or self.depth == 0:
            return graph_view(m, with_masks)
        key = (id(m), with_masks)
        kept = self.memo.views.get(key)
        if kept is None:
            kept = self.memo.views[key] = (m, graph_view(m, with_masks))
        elif NestedMemo.verify:
            NestedMemo.checked += 1
            if _view_key(kept[1]) != _view_key(graph_view(m, with_masks)):
                NestedMemo.stale.append(f"{m.path}:{m.span.line} {m.name}: graph order")
        return kept[1]

    def _called_on_unknown_reason(self) -> str:
        why, said = self.called_on_unknown, "it is called on a tensor that cannot be followed"
        if why and why.startswith(said):  # a model nested in one called so: the outer call says why
            return why
        return said + (f" ({why})" if why else "")

    def _unknown_reason(self, t: Tensor) -> str:
        p = t.producer
        if isinstance(p, InputDef):
            if input_shape_error(p, self.keras_version) is not None:
                return f"Keras refuses the input's shape at {p.span.mention()}"
            if self.called_on_unknown is not None and id(p) in self.tensor_shapes and self.tensor_shapes[id(p)] is None:
                return self._called_on_unknown_reason()
            return p.unknown_reason or p.shape_reason or "its input shape is not known"
        return f"`{p.layer.cls}` at {p.span.mention()} has an unknown output"

    def _kwarg_shape(self, v: Any, node: Node) -> Any:
        if isinstance(v, Tensor):
            return self._tensor_shape(v, node)
        if isinstance(v, (list, tuple)):
            return [self._kwarg_shape(x, node) for x in v]
        return v

    def _tensor_shape(self, t: Tensor, consumer: Node | None) -> Any:
        p = t.producer
        if isinstance(p, InputDef):
            if id(p) not in self.tensor_shapes:
                rank = self._rank_hint(consumer.layer) if consumer is not None else None
                if rank is not None and isinstance(p.shape, Expr):
                    self._note_rank_guess(consumer.layer)
                shape = _input_shape(p, rank)
                if shape is not None or consumer is not None:
                    self.tensor_shapes[id(p)] = shape
                return shape
            return self.tensor_shapes[id(p)]
        out = self.tensor_shapes.get(id(p))
        if out is None:
            return None
        if t.index is not None:
            if isinstance(out, list):
                return out[t.index] if 0 <= t.index < len(out) or -len(out) <= t.index < 0 else None
            return None  # indexing a single tensor: not a list output
        return out

    # -- one layer -------------------------------------------------------------
    def _row(self, ld: LayerDef) -> ShapedLayer:
        cls = self._row_cls(ld)
        return ShapedLayer(ld, self.namer(ld.given_name, cls, key=id(ld), base=ld.auto_name), cls, ld.span)

    def _row_cls(self, ld: LayerDef) -> str:
        if ld.custom_class is not None:
            return ld.custom_class
        if ld.submodel is not None:
            return ld.submodel.class_name or ("Sequential" if ld.submodel.api == "sequential" else "Functional")
        return class_name(ld.cls)

    def _name_in_creation_order(self, ops: list, nodes: list | tuple = (), mask_ops: dict | None = None) -> None:
        """Reserve auto names the way Keras hands them out: in construction order.

        A layer passed as an argument (the LSTM in Bidirectional(LSTM(8))) is
        constructed first and takes a name too, some layers create helper
        layers when first called (MultiHeadAttention's Softmax and Dropout),
        and calls computing a mask create ops that share the name counter.
        ``nodes`` come in creation order (graph_view's, already sorted).
        """
        made_during: dict[int, list[str]] = dict(mask_ops) if mask_ops else {}
        seen_layers: set[int] = set()
        for n in nodes:
            # a layer is built once, at its first call in any model
            if id(n.layer) not in seen_layers and self.namer.first_making(("built", id(n.layer))):
                helpers = _build_helpers(n.layer, 0)
                if helpers:
                    made_during[id(n)] = helpers + made_during.get(id(n), [])
            seen_layers.add(id(n.layer))
        calls = [n for n in nodes if id(n) in made_during]
        # mask ops are named by the call that made them
        events = [(_naming_point(op), op) for op in ops if not isinstance(op, MaskOp)] + [(n.created, n) for n in calls]
        caught = self.namer.root.caught
        for point, op in sorted(events, key=_first):
            self._catch_up(point)  # what was made before it, and (one the file made) itself
            if id(op) in caught:
                continue
            if isinstance(op, Node):
                if not self.namer.first_making(id(op)):
                    continue
                helpers = self._helper_namer(symbolic=True)  # a model's call: on Keras tensors
                for made in made_during[id(op)]:
                    if isinstance(made, MaskOp):
                        self.namer(None, made.cls, key=id(made))
                        continue
                    if isinstance(made, _BuiltInput):
                        self.namer(None, "InputLayer", key=id(made.sequential))
                        continue
                    cls, name = made if isinstance(made, tuple) else (made, None)
                    helpers(name, cls)
            elif isinstance(op, InputDef):
                self._input_name(op)
            else:
                # only layers given as arguments take names (_name_nested): most arguments are plain values
                for arg in op.args:
                    if isinstance(arg, _HOLDS_LAYERS):
                        self._name_nested(arg)
                for arg in op.kwargs.values():
                    if isinstance(arg, _HOLDS_LAYERS):
                        self._name_nested(arg)
                first = self.namer.first_making(id(op))
                if first and op.submodel is not None and op.custom_class is None:
                    # a model used as a layer was made, with its layers, before the layers made after it
                    self._name_submodel(op.submodel)
                row_cls = self._row_cls(op)
                for base in op.consumed if first else ():
                    self.namer(None, row_cls, base=base)
                self.namer(op.given_name, row_cls, key=id(op), base=op.auto_name)
                if not first or not op.made:
                    continue
                # what a custom layer's __init__ made, named after it; the layers it holds keep the
                # name given here wherever else they are listed (the subclassed model's own summary)
                held = list(op.tracked)
                for cls, name in op.made:
                    match = next((t for t in held if self._row_cls(t) == cls and t.given_name == name), None)
                    if match is None:
                        self.namer(name, cls)
                        continue
                    held.remove(match)
                    self.namer(name, cls, key=id(match), base=match.auto_name)

    def _catch_up(self, point: int) -> None:
        """Name what the file made up to ``point`` that nothing has named yet: a layer no model lists (made
        and left unused, or called on data) took its name when made, as the layers of models shaped later
        did.  One made an unknown number of times (under an undecided condition, in a loop of unknown count)
        leaves the count of its name's base unknown from then on."""
        root = self.namer.root
        pending = root.pending
        while pending and pending[0].created <= point:
            c = pending.popleft()
            key = id(c.made)
            if key in root.given or key in root.made_named:
                continue
            before = dict(root.counts) if c.uncertain is not None else None
            if isinstance(c.made, Node):
                self._name_built(c.made.layer, symbolic=not c.eager)
            elif isinstance(c.made, ExtractedModel):
                self.namer(None, "InputLayer", key=key)
            else:
                self._name_in_creation_order([c.made])
                root.caught.add(key)
            if before is not None:
                for base, n in root.counts.items():
                    if n != before.get(base, 0):
                        root.unknown.setdefault(base, c.uncertain)

    def _name_built_input(self, m: ExtractedModel) -> None:
        """The InputLayer Keras made building Sequential ``m`` (declaring no input), named where it was made
        (FileResult.constructions: its first call, fit(), ...), after what the file made before that,
        not where the Sequential itself was made."""
        made = next((c for c in self.namer.root.pending if c.made is m), None)
        if made is not None:
            self._catch_up(made.created)
        self.namer(None, "InputLayer", key=id(m))

    def _helper_namer(self, symbolic: bool) -> _Namer:
        """Where the layers a layer's build makes take their numbers: tf-keras builds a layer called on Keras
        tensors inside its Keras graph, whose name counters are its own (a Dropout the file makes after a
        MultiHeadAttention is still `dropout`); Keras 3, and tf-keras on data, use the file's counters."""
        return self.namer.root.graph if symbolic and self.keras_version == 2 else self.namer

    def _name_built(self, ld: LayerDef, symbolic: bool = True) -> None:
        """What building ``ld`` at its first call makes, named then (once, whichever model lists the call).
        ``symbolic``: that call was on Keras tensors, not data."""
        if not self.namer.first_making(("built", id(ld))):
            return
        helpers = self._helper_namer(symbolic)
        for made in _build_helpers(ld, 0):
            if isinstance(made, _BuiltInput):
                self.namer(None, "InputLayer", key=id(made.sequential))
                continue
            cls, name = made if isinstance(made, tuple) else (made, None)
            helpers(name, cls)

    def _name_submodel(self, sub: ExtractedModel) -> None:
        """The names of a nested model's layers, taken where Keras made them: before the layers made
        after that model (its own run names them again, keyed, and takes nothing twice)."""
        if self.outputs_only or self.depth >= MAX_NESTING:
            return
        if sub.api == "sequential":
            self._name_in_creation_order([sub.seq_input, *sub.layers] if sub.seq_input is not None else list(sub.layers))
            if sub.input_made_alone:  # built, its InputLayer made, before this model was
                self._name_built_input(sub)
        elif sub.api == "functional":
            ops, nodes, mask_ops = graph_view(sub, with_masks=self.keras_version == 3)
            self._name_in_creation_order(list(ops), nodes, mask_ops)

    def _input_name_error(self, inp: InputDef) -> ShapeError | None:
        """Keras 3 refuses a `/` in an input's name as in any layer's."""
        return name_error(inp.name) if self.keras_version == 3 else None

    def _input_name(self, inp: InputDef) -> str:
        if inp.unknown_reason is not None:
            # a stand-in for the input of what we cannot see into (a loaded model keeps the names its file
            # gives): its name is not known, nor whether making it used up an automatic name
            return inp.name or inp.unknown_name or "?"
        key = inp.of_sequential or id(inp)
        given = inp.name or inp.unknown_name
        if self.keras_version == 2:  # tf-keras counts its inputs from 1: input_1, input_2, ...
            return self.namer(given, "InputLayer", key=key, base="input", one_based=True)
        return self.namer(given, "InputLayer", key=key)

    def _name_nested(self, v: Any) -> None:  # v: one of _HOLDS_LAYERS, or a value holding no layer
        if isinstance(v, (list, tuple)):
            for x in v:
                self._name_nested(x)
        elif isinstance(v, LayerArg):
            for x in [*v.args, *(x for _, x in v.kwargs)]:
                self._name_nested(x)
            self.namer(given_name(dict(v.kwargs).get("name")), v.cls)

    def _apply(self, row: ShapedLayer, ld: LayerDef, inputs: list | None, call_kwargs: dict,
               node: Node | None, upstream_problem: str | None) -> ShapedCall:
        call = ShapedCall(weakref.ref(row), node, inputs or [], None)
        row.calls.append(call)
        first_call = len(row.calls) == 1
        if node is not None and node.condition is not None:
            if row.status == "ok":
                row.status, row.reason = "opaque", (
                    f"made in the loop `{node.condition}`, whose count is not known" if node.condition.startswith("for ")
                    else f"made only if `{node.condition}`, which cannot be decided")
            return call
        if ld.op_error is not None:
            call.error = row.error = ShapeError("tf-function", ld.op_error)
            row.status = "error"
            return call
        if ld.trace_error is not None:
            message, span, use = ld.trace_error
            call.error = row.error = ShapeError("trace-raises", message, span=span, use=use)
            row.status = "error"
            return call
        if not ld.known and ld.submodel is None:
            row.status, row.reason = "opaque", ld.opaque_reason
            return call
        if inputs is None:
            if row.status == "ok":
                row.status = "unknown"
                row.reason = f"input unknown: {upstream_problem}" if upstream_problem else "input unknown"
            if ld.submodel is not None and first_call:
                self._nested(row, ld, _unfollowed_input(ld), why=upstream_problem or "")
                call.submodel = row.submodel
            elif first_call and not self.outputs_only:
                self._input_free_weights(row, ld)
            return call
        if ld.op is not None:
            return self._apply_op(row, ld, call, node)
        if ld.custom_class is not None and ld.traced_inputs is not None:
            given = [tuple(s) if isinstance(s, list) else s for s in inputs]
            if given != ld.traced_inputs:
                again = ld.retraced.get(tuple(given))
                if again is not None and self._retraced(row, ld, call, again, first_call):
                    return call
                if again is None and all(isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s) for s in given):
                    call.untraced = tuple(given)
                if row.status == "ok":
                    traced = ", ".join(shape_str(s) for s in ld.traced_inputs)
                    what = "the function of this Lambda" if ld.custom_class == "Lambda" else f"custom layer `{ld.cls}`"
                    row.status, row.reason = "unknown", (f"{what} was followed on {traced}; "
                                                         f"a call on {', '.join(shape_str(s) for s in given)} is not")
                return call
        if ld.submodel is not None and ld.custom_class is None and self.keras_version == 3:
            refused = self._model_input_error(row, ld.submodel, inputs)
            if refused is not None:
                return self._failed(row, call, refused)
        if ld.submodel is not None or (ld.custom_class is not None and lookup(ld.cls) is None):
            out = self._nested(row, ld, inputs, node) if ld.submodel is not None else self._custom_built(row, ld, None)
            call.output = out
            if ld.submodel is not None:
                call.submodel = row.submodel
            row.output = out  # like Keras' summary: a shared layer shows its last call's output
            return call
        try:
            if ld.recorded is not None:
                built: Built = compute_recorded(ld.recorded, [tuple(s) for s in inputs])
            else:
                spec = lookup(ld.cls)
                assert spec is not None
                cfg = bind(spec, tuple([self._resolve(a) for a in ld.args]), {k: self._resolve(v) for k, v in ld.kwargs.items()})
                if self.keras_version == 3 and (refused := name_error(ld.explicit_name)) is not None:
                    raise refused
                cfg.values["__call__"] = call_kwargs
                if not first_call:
                    cfg.values[ALREADY_BUILT] = True
                if self.keras_version == 2:
                    cfg.values[KERAS_VERSION] = 2
                built = spec.compute(cfg, [tuple(s) if isinstance(s, (tuple, list)) else s for s in inputs])
        except (ShapeError, Unanalysable, *ARGUMENT_ERRORS) as e:
            return self._failed(row, call, e)
        problem = _weights_problem(row, built.weights, first_call, inputs)
        if problem is not None:
            call.error = problem
            if row.error is None:
                row.status, row.error = "error", problem
            return call
        call.output, call.notes, call.facts = built.output, built.notes, built.facts
        row.output = built.output  # like Keras' summary: a shared layer shows its last call's output
        if first_call:
            weights = built.weights
            if ld.kwargs.get("trainable") is False:  # Layer(trainable=False): every weight is frozen
                weights = [replace(w, trainable=False) for w in weights]
            row.weights, row.notes, row.facts = weights, built.notes, built.facts
        return call

    def _model_input_error(self, row: ShapedLayer, sub: ExtractedModel, inputs: list) -> ShapeError | None:
        """What Keras 3 raises calling a built model (functional, or a Sequential with a declared
        input) on tensors its inputs' shapes refuse."""
        if sub.api == "sequential" and not built_when_made(sub):
            if sub.built_on is None:
                return None
            # built by its first call: Keras checks every later call against the shape it was built on
            return input_spec_error([sub.built_on], [tuple(s) if isinstance(s, list) else s for s in inputs], [None], row.name)
        if not built_when_made(sub):
            return None
        if sub.api == "functional":
            producers = [t.producer for t in sub.inputs]
            if not all(isinstance(p, InputDef) for p in producers):
                return None
            declared = [_input_shape(p, None) for p in producers]
            names = [self.namer.given.get(id(p)) or p.name for p in producers]
        else:
            declared = [Engine(sub, self.depth + 1, self.keras_version, outputs_only=True)._sequential_input(None)[0]]
            names = [None]  # the InputLayer of the functional model the Sequential built, not the user's
        given = [tuple(s) if isinstance(s, list) else s for s in inputs]
        return input_spec_error(declared, given, names, row.name)

    def _retraced(self, row: ShapedLayer, ld: LayerDef, call: ShapedCall, again: ExtractedModel,
                  first_call: bool) -> bool:
        """A custom layer called on other shapes than its first call's: built as Keras built it
        then (its weights), with the output its call() computes on these.  False when that
        output is not known in full (what stops it is then not claimed)."""
        if self.depth >= MAX_NESTING:
            return False
        sub = self._retraced_run(again)
        call.retraced = sub
        outs = sub.outputs
        out = outs[0] if not again.outputs_nested and len(outs) == 1 else outs if all(o is not None for o in outs) else None
        if out is None or any(r.status != "ok" for r in sub.layers):
            return False
        if first_call:
            self._nested(row, ld, list(ld.traced_inputs or []))
        call.output = row.output = out  # like Keras' summary: a shared layer shows its last call's output
        return True

    def _retraced_run(self, again: ExtractedModel) -> ShapedModel:
        """A custom layer's call() followed on other shapes, shaped (outputs only) one deeper than
        this engine; kept in the memo, since each call of the layer on those shapes shapes it."""
        key = (id(again), self.depth + 1, self.keras_version)
        kept = self.memo.retraced_runs.get(key) if self.memo is not None else None
        if kept is not None and not NestedMemo.verify:
            _deepest[0] = max(_deepest[0], kept[2])  # as deep as running it again would reach
            return kept[1]
        outer, _deepest[0] = _deepest[0], self.depth + 1
        try:
            sub = Engine(again, self.depth + 1, self.keras_version, outputs_only=True).run()
        finally:
            reached = _deepest[0]
            _deepest[0] = max(outer, reached)
        if kept is not None:
            NestedMemo.checked += 1
            if repr(_run_seen(kept[1])) != repr(_run_seen(sub)):
                NestedMemo.stale.append(f"{again.path}:{again.span.line} {again.name}: retraced run")
        elif self.memo is not None:  # the model is held, so that the id in the key stays its own
            self.memo.retraced_runs[key] = (again, sub, reached)
        return sub

    def _apply_op(self, row: ShapedLayer, ld: LayerDef, call: ShapedCall, node: Node | None) -> ShapedCall:
        """A Keras operation: its table rule on the shapes of the tensors it reads; no weights."""
        try:
            args = substitute(self._resolve(ld.args), lambda t: self._tensor_shape(t, node))
            kwargs = substitute(self._resolve(ld.kwargs), lambda t: self._tensor_shape(t, node))
            out = apply_op(ld.op, args, kwargs)
        except LookupError:
            row.status, row.reason = "unknown", "input unknown"
            return call
        except (ShapeError, Unanalysable, *ARGUMENT_ERRORS) as e:
            return self._failed(row, call, e)
        call.output = row.output = out
        return call

    def _input_free_weights(self, row: ShapedLayer, ld: LayerDef) -> None:
        """A layer whose input is unknown still has known weights when they do not depend
        on the input: the same numbers whatever the rank and sizes it is given."""
        spec = lookup(ld.cls) if ld.custom_class is None else None  # a custom class may size weights itself
        if spec is None:
            return
        # A builder that reads x.shape reshapes the graph at each read, so one layer comes
        # here once per read; its answer is fixed unless an argument waits for a shape.
        if ld in _FREE_WEIGHTS:
            found = _FREE_WEIGHTS[ld]
        elif not _has_expr((ld.args, ld.kwargs)):
            found = _FREE_WEIGHTS[ld] = _free_weights(spec, *self._resolved_arguments(ld))
        else:
            # an argument waiting for a shape: the answer is fixed by what it resolves to here, and
            # a nested model's layers come here at every run of it (9,243 times over keras-io)
            args, kwargs = self._resolved_arguments(ld)
            key = _value_key((args, kwargs))
            tried = _FREE_WEIGHTS_RESOLVED.setdefault(ld, {}) if key is not None else {}
            if key in tried:
                found = tried[key]
            else:
                found = _free_weights(spec, args, kwargs, key)
                if key is not None:
                    tried[key] = found
        if found is not None:
            if ld.kwargs.get("trainable") is False:
                found = [replace(w, trainable=False) for w in found]
            row.weights, row.params_known = found, True

    def _resolved_arguments(self, ld: LayerDef) -> tuple[tuple, dict]:
        return tuple(self._resolve(a) for a in ld.args), {k: self._resolve(v) for k, v in ld.kwargs.items()}

    @staticmethod
    def _probe_free_weights(spec: Any, args: tuple, kwargs: dict) -> list[Weight] | None:
        """The weights a layer of ``spec`` makes on inputs of any rank, given its resolved arguments."""
        found: list[Weight] | None = None
        for rank in [spec.input_rank] if spec.input_rank else [2, 3, 4, 5]:
            probe = (None,) + tuple(Expr.symbol(f"input unknown[{i}]") for i in range(rank - 1))
            try:
                cfg = bind(spec, args, dict(kwargs))
                cfg.values["__call__"] = {}
                weights = spec.compute(cfg, [probe]).weights
            except (ShapeError, Unanalysable, *ARGUMENT_ERRORS):
                continue
            shapes = [tuple(w.shape) for w in weights]
            if any(not isinstance(d, int) for shape in shapes for d in shape):
                return None  # sized by the input
            if found is not None and shapes != [tuple(w.shape) for w in found]:
                return None
            found = weights
        return found

    def _resolve(self, v: Any) -> Any:
        """Replace x.shape[i] symbols by the now-known dims of x."""
        kind = type(v)
        if v is None or kind is int or kind is str or kind is bool or kind is float:  # most arguments
            return v
        if isinstance(v, ConstTensor) and any(isinstance(d, Expr) for d in v.shape):
            # made in a traced call() from tf.shape(x)[i] of an x not shaped then: a dim Keras
            # leaves None there is None (the batch of tf.random.uniform((tf.shape(x)[0], 1)))
            dims = tuple(self._dynamic_dim(d) for d in v.shape)
            return ConstTensor(dims, v.text, v.values) if dims != v.shape else v
        if isinstance(v, Expr):
            refs = self.model.shape_refs
            names = v.symbols() & refs.keys()
            if not names:
                return v
            values = {}
            for n in names:
                tensor, axis = refs[n]
                shape = self._tensor_shape(tensor, None)
                if isinstance(shape, tuple) and -len(shape) <= axis < len(shape):
                    if shape[axis] is not None:
                        values[n] = shape[axis]
                    elif n in self.model.dynamic_refs:
                        return None  # a tensor where Keras traces: what is computed from it is not known either
            return v.subs(values) if values else v
        if isinstance(v, tuple):
            return tuple([self._resolve(x) for x in v])
        if isinstance(v, list):
            return [self._resolve(x) for x in v]
        if isinstance(v, dict):
            return {k: self._resolve(x) for k, x in v.items()}
        return v

    def _dynamic_dim(self, d: Any) -> Any:
        """A dim read with tf.shape(x)[i]: x's dim, None included; else as it is."""
        if not isinstance(d, Expr) or len(d.symbols()) != 1:
            return d
        name = next(iter(d.symbols()))
        if name not in self.model.dynamic_refs or d != Expr.symbol(name) or name not in self.model.shape_refs:
            return self._resolve(d)
        tensor, axis = self.model.shape_refs[name]
        shape = self._tensor_shape(tensor, None)
        return shape[axis] if isinstance(shape, tuple) and -len(shape) <= axis < len(shape) else d

    def _own_graph(self, m: ExtractedModel) -> ShapedModel:
        """A model built when made, shaped on its own graph (its names are not used)."""
        return Engine(m, self.depth + 1, self.keras_version, namer=None if self.outputs_only else _Namer(),
                      outputs_only=self.outputs_only).run()

    def _own_output(self, m: ExtractedModel) -> Any:
        """The output shapes of a model built when made, as its own graph gives them."""
        outs = self._own_graph(m).outputs
        if m.api == "sequential" or m.api == "functional" and not m.outputs_nested and len(outs) == 1:
            return outs[0] if outs else None
        return outs if all(o is not None for o in outs) else None

    def _nested(self, row: ShapedLayer, ld: LayerDef, inputs: list | None, node: Node | None = None,
                why: str | None = None) -> Any:
        """``why``: given when ``ld`` is called on a tensor that cannot be followed, why that is."""
        if self.depth >= MAX_NESTING:
            row.status, row.reason = "unknown", "models nested too deeply"
            return None
        engine, sub = self._run_nested(ld, inputs, why)
        row.submodel = sub
        guess = engine.rank_guessed_from
        if ld.custom_class is not None and guess is not None and self.rank_guessed_from is None and inputs is None:
            # followed on an input of unknown rank, given the rank its first layer takes: what it
            # returns is one possibility (broadcasting can even make it look fully known), not Keras'
            self._custom_built(row, ld, engine)
            if row.status == "ok":
                row.status, row.reason = "unknown", (f"input unknown: followed on an input whose rank is guessed "
                                                     f"from `{guess.cls}`")
            return None
        if ld.custom_class is not None:
            declared = self._custom_built(row, ld, engine)
        else:
            row.weights = [w for r in sub.layers for w in r.weights]
            if any(_weights_unknown(r) for r in sub.layers) and not self.outputs_only:
                # the rows this call could follow hold only part of the weights (cait's block called on a
                # new shape showed 768 of 445,288): a model built when made has them all, whatever it is
                # called on; otherwise the count is not known, never the part shown as the whole
                own = self._own_graph(ld.submodel) if built_when_made(ld.submodel) else None
                if own is not None and not any(_weights_unknown(r) for r in own.layers):
                    row.weights, row.weights_of = [w for r in own.layers for w in r.weights], own
                else:
                    row.weights = []
            if not ld.submodel.trainable:
                row.weights = [replace(w, trainable=False) for w in row.weights]
        bad = next((r for r in sub.layers if r.status != "ok"), None)
        if bad is not None and row.status == "ok":
            # A model holding what we cannot see into is itself opaque; a traced custom layer's
            # call() is ours to follow, so what stops it leaves the layer unknown.
            opaque = bad.status == "opaque" and ld.custom_class is None
            row.status = "error" if bad.status == "error" else "opaque" if opaque else "unknown"
            row.error = bad.error
            row.reason = f"inner layer `{bad.name}`: {bad.reason or (bad.error and bad.error.message)}"
        if ld.custom_class is not None and ld.declared_output is not None:
            return declared
        outs = sub.outputs
        if ld.submodel.api == "functional" and not ld.submodel.outputs_nested and len(outs) == 1:
            return outs[0]
        if ld.submodel.api == "sequential":
            then = node.layers_then if node is not None else None
            if then is not None and 0 < then < len(sub.calls):
                # called before add() gave it more layers: this call's tensor is what its layers gave then
                # (its weights are all its layers', as Keras counts them once it rebuilds)
                out = sub.calls[then - 1].output
                return (out[0] if out else None) if isinstance(out, list) else out
            if then is not None and then > len(sub.calls) and row.status == "ok":
                row.status, row.reason = "unknown", "called before pop() removed a layer it then had"
                return None
            return outs[0] if outs else None
        return outs if all(o is not None for o in outs) else None

    def _run_nested(self, ld: LayerDef, inputs: list | None, why: str | None = None) -> tuple[Engine, ShapedModel]:
        """Shape the model ``ld`` nests on ``inputs`` (None: its own); the engine is returned for
        what is read from it after the run (the guessed rank, dims resolved on its shapes)."""
        assert ld.submodel is not None
        key = None
        if self.memo is not None and self.outputs_only and type(self.namer) is _Unnamed:
            # No depth in the key: a run shapes alike at any depth where no engine under it reaches
            # MAX_NESTING (the only use of depth), which its ``reach`` (below the nested model) tells.
            key = (id(ld.submodel), _shapes_key(inputs), id(self.rank_guessed_from), self.keras_version, why)
            kept = self.memo.runs.get(key)
            if kept is not None and not NestedMemo.verify and _same_depths(kept, self.depth + 1):
                _deepest[0] = max(_deepest[0], self.depth + 1 + kept[5])
                return kept[2], kept[3]
        # A model used as a layer keeps the names its layers took when Keras made them (one namer per
        # file); what a custom layer's call() builds is named by its own trace.
        engine = Engine(ld.submodel, self.depth + 1, self.keras_version,
                        namer=self.namer if ld.custom_class is None else None, outputs_only=self.outputs_only,
                        memo=self.memo)
        engine.rank_guessed_from = self.rank_guessed_from  # its input's shapes rest on the same guess
        engine.called_on_unknown = why
        outer, _deepest[0] = _deepest[0], engine.depth
        try:
            sub = engine.run(input_override=inputs)
        finally:
            reach = _deepest[0] - engine.depth
            _deepest[0] = max(outer, _deepest[0])
        if key is not None:
            kept = self.memo.runs.get(key)
            if kept is not None:
                if _same_depths(kept, engine.depth):
                    NestedMemo.checked += 1
                    _same_run(kept[2], kept[3], engine, sub)
            else:  # the model and the guess are held, so that the ids in the key stay theirs
                self.memo.runs[key] = (ld.submodel, self.rank_guessed_from, engine, sub, engine.depth, reach)
        return engine, sub

    def _custom_built(self, row: ShapedLayer, ld: LayerDef, engine: Engine | None) -> Any:
        """A custom layer's weights as Keras' Layer.weights lists them (its own trainable, its
        own non-trainable, then each tracked layer's in tracking order: a layer call() makes
        but no attribute holds is not tracked, one never called has none), and the output
        its compute_output_shape() declared.  Dims read from the input (``input_shape[-1]``
        on a stand-in) are resolved on the call's shapes."""
        resolve = engine._resolve if engine is not None else self._resolve
        own = [Weight(name, tuple(resolve(shape)), trainable, itemsize) for name, shape, trainable, itemsize in ld.own_weights]
        by_layer = {id(r.source): r for r in row.submodel.layers} if row.submodel is not None else {}
        called = [by_layer[id(t)] for t in ld.tracked if id(t) in by_layer]
        if any(_weights_unknown(r) for r in called):
            # a layer it holds was called on what cannot be followed: its weights, so the layer's,
            # are not known (never the part that is shown as the whole)
            row.weights = []
            return ld.declared_output
        held = _unique_weights(called)
        row.weights = [w for w in own if w.trainable] + [w for w in own if not w.trainable] + held
        if ld.kwargs.get("trainable") is False:
            row.weights = [replace(w, trainable=False) for w in row.weights]
        problem = _weights_problem(row, row.weights, True, [])
        if problem is not None and row.status == "ok":
            row.status, row.error = "error", problem
            return None
        return ld.declared_output


_first = operator.itemgetter(0)


def _same_depths(kept: tuple, depth: int) -> bool:
    """Whether a kept run (made at depth ``kept[4]``, reaching ``kept[5]`` below) shapes as a run at
    ``depth`` would: the same depth, or two where no engine under it reaches MAX_NESTING."""
    made, reach = kept[4], kept[5]
    return made == depth or (made + reach < MAX_NESTING and depth + reach < MAX_NESTING)


def _shapes_key(inputs: list | None) -> Any:
    """Input shapes as a dict key: lists (a layer's several outputs) as tuples, marked apart."""
    if inputs is None:
        return None
    return tuple(("list", _shapes_key(s)) if isinstance(s, list) else s for s in inputs)


def _view_key(view: tuple) -> tuple:
    """A graph_view as NestedMemo.verify compares it: the mask ops are made anew at each walk."""
    def one(o: Any) -> Any:
        if not isinstance(o, MaskOp):
            return id(o)
        return (o.op, repr(o.kwargs), id(o.made_by), [(one(t.producer), t.index) for t in o.inputs])
    ops, nodes, made = view
    return ([one(o) for o in ops], [id(n) for n in nodes], {k: [one(o) for o in v] for k, v in made.items()})


def _run_seen(m: ShapedModel) -> tuple:
    """What NestedMemo.verify compares of a run."""
    rows = [(r.name, r.status, r.reason, r.output, [(c.output, c.untraced, c.error and c.error.message)
                                                   for c in r.calls]) for r in m.layers]
    return m.outputs, m.input_shapes, rows, untraced_calls(m)


def _same_run(kept: Engine, kept_sub: ShapedModel, engine: Engine, sub: ShapedModel) -> None:
    """NestedMemo.verify: a kept run must be what shaping the model now gives."""
    now = (*_run_seen(sub), engine.rank_guessed_from)
    was = (*_run_seen(kept_sub), kept.rank_guessed_from)
    if repr(now) != repr(was):
        NestedMemo.stale.append(f"{sub.model.path}:{sub.model.span.line} {sub.name}: {was!r} != {now!r}")


# What an argument holding layers that take names is (Engine._name_nested): a LayerArg, or a list or tuple.
_HOLDS_LAYERS = (list, tuple, LayerArg)

# Helper layers Keras creates, with automatic names, when these layers are first called.
_BUILD_SUBLAYERS = {"MultiHeadAttention": ("Softmax", "Dropout")}

# Layers whose build pins the input rank (InputSpec(ndim=...)), refusing later calls of another rank.
_RANK_PINNED = frozenset(["EinsumDense", "BatchNormalization", "GroupNormalization", "PReLU"])

# Layers whose build pins input axes (Keras' InputSpec(axes=...)), so a later
# call on other sizes is refused; for these the weights depend on exactly those
# axes, so "this call would need other weights" is the same test.  Other layers
# (RNNs, EinsumDense, wrappers) accept such calls when the model is built.
_INPUT_AXES_CHECKED = frozenset(
    ["Dense", "BatchNormalization", "GroupNormalization"]
    + [f"{kind}{n}D{suffix}" for n in (1, 2, 3) for kind, suffix in
       (("Conv", ""), ("Conv", "Transpose"), ("DepthwiseConv", ""), ("SeparableConv", ""))]
)


def _has_none(shape: tuple) -> bool:
    for d in shape:  # a loop, not any() over a generator: asked of every weight of every call
        if d is None:
            return True
    return False


def _weights_problem(row: ShapedLayer, weights: list[Weight], first_call: bool, inputs: list) -> ShapeError | None:
    """Keras creates weights once, at the first call, and only with fully known shapes."""
    for w in weights:
        if _has_none(w.shape):
            return ShapeError("invalid", "Shapes used to initialize variables must be fully-defined (no `None` "
                              f"dimensions). Received: shape={shape_str(w.shape)} for variable {row.name}/{w.name}")
    if not first_call and row.cls in _RANK_PINNED and row.calls[0].inputs and inputs:
        built_for, given = row.calls[0].inputs[0], inputs[0]
        if isinstance(built_for, tuple) and isinstance(given, tuple) and len(built_for) != len(given):
            return ShapeError("rank", f"Input 0 of layer \"{row.name}\" is incompatible with the layer: expected "
                              f"ndim={len(built_for)}, found ndim={len(given)}. Full shape received: {shape_str(given)}")
    # PReLU pins its axes only when some are shared (Keras leaves the spec's axes empty otherwise).
    axes_checked = row.cls in _INPUT_AXES_CHECKED or (row.cls == "PReLU" and bool(row.config.get("shared_axes")))
    if not first_call and axes_checked and [w.shape for w in weights] != [w.shape for w in row.weights]:
        was = ", ".join(shape_str(w.shape) for w in row.weights)
        now = ", ".join(shape_str(w.shape) for w in weights)
        return ShapeError("invalid", f"Input 0 of layer \"{row.name}\" is incompatible with the layer: it was built "
                          f"with weights {was}, this call would need {now}")
    return None


def shape_model(model: ExtractedModel, keras_version: int = 3, names: _Namer | None = None,
                fit_input: tuple | None = None, outputs_only: bool = False, memo: NestedMemo | None = None) -> ShapedModel:
    """Shape an extracted model: the engine's public entry point.  ``keras_version`` 2 names rows as tf-keras;
    ``names`` (from ``file_names()``), shared by the models of a file, numbers their layers across it;
    ``fit_input`` is the input shape fit() built a Sequential with, when it declares none; ``outputs_only``:
    only the output shapes will be read (rows unnamed, weights no output depends on not worked out); ``memo``
    keeps what shaping nested models gives, for the next run (see NestedMemo)."""
    engine = Engine(model, keras_version=keras_version, namer=names, built_by_fit=fit_input is not None,
                    outputs_only=outputs_only, memo=memo)
    return engine.run(input_override=[fit_input] if fit_input is not None else None)


def runs_within(models: Iterable[ShapedModel | None], retraced: bool = False) -> Iterator[ShapedModel]:
    """Each of ``models`` and, at any depth, the runs their rows hold (models used as layers, custom
    layers' traced calls; with ``retraced``, also their calls followed on other shapes), once each.
    A run is yielded before the runs it holds are looked at, its calls' in order, then its row's."""
    seen: set[int] = set()
    stack: list[ShapedModel | None] = list(models)
    while stack:
        m = stack.pop()
        if m is None or id(m) in seen:
            continue
        seen.add(id(m))
        yield m
        for row in m.layers:
            for c in row.calls:
                stack.extend((c.submodel, c.retraced) if retraced else (c.submodel,))
            stack.append(row.submodel)


def untraced_calls(sm: ShapedModel) -> list[tuple[LayerDef, tuple]]:
    """The custom layers ``sm`` calls, at any depth, on input shapes their call() was not
    followed on, with those shapes."""
    return [(row.source, c.untraced) for m in runs_within([sm], retraced=True) for row in m.layers
            for c in row.calls if c.untraced is not None and isinstance(row.source, LayerDef)]


def file_names(constructions: list[Construction] | None = None) -> _Namer:
    """Automatic layer names counted across a file's models, as Keras counts them per process; the layers
    and inputs the file made (FileResult.constructions) take theirs in making order, listed by a model or not."""
    return _Namer(constructions)


def explain_params(row: ShapedLayer) -> str | None:
    """``params 100*300 + 300 = 30,300; weights (100, 300), (300,)``."""
    if not row.weights:
        return None
    parts = ["*".join(str(d) for d in w.shape) or "1" for w in row.weights]  # a scalar weight is one param
    total = row.params
    total_s = f"{total:,}" if isinstance(total, int) else str(total)
    formula = " + ".join(parts)
    line = f"params {formula} = {total_s}" if len(row.weights) > 1 or "*" in formula else f"params {total_s}"
    if row.non_trainable_params not in (0, None):
        nt = row.non_trainable_params
        line += f" ({nt:,} non-trainable)" if isinstance(nt, int) else f" ({nt} non-trainable)"
    return line + "; weights " + ", ".join(shape_str(w.shape) for w in row.weights)
