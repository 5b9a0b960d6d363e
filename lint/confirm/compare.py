"""``--confirm``: hold layerlint's numbers against the installed Keras.

For each shaped model whose configuration is fully known (after binding any
``--assume NAME=VALUE`` symbols), rebuild it in Keras from the extracted
layer classes and literal arguments (lint/confirm/rebuild.py; the user's file is
never imported) and compare layer by layer: output shapes, weight shapes and
parameter counts, and where each side refuses the model.  Models with a layer
over ``max_layer_weights`` weights are rebuilt without allocating any weight.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from layerlint.confirm.rebuild import KerasBuild, KerasUnavailable, NotConfirmable, is_tf_keras, load_keras, rebuild
from layerlint.engine.graph import ordered_operations
from layerlint.engine.layers.base import LayerArg
from layerlint.engine.layers.third_party import is_third_party
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Span, Tensor
from layerlint.engine.shapes import ShapedLayer, ShapedModel, shape_model
from layerlint.engine.symbolic import Expr, prod, shape_str
from layerlint.sources.notebook import json_place, line_namer, line_teller, plain_line_ref

if TYPE_CHECKING:
    from layerlint.sources.notebook import NotebookSource

__all__ = ["ConfirmResult", "Difference", "KerasUnavailable", "confirm_file", "confirm_models", "parse_assume",
           "require_keras", "TF_HINT"]

DEFAULT_MAX_LAYER_WEIGHTS = 2**28
TF_HINT = '--confirm needs TensorFlow: pip install "layerlint[tf]"'


@dataclass
class Difference:
    """One place where layerlint and Keras disagree."""

    span: Span
    layer: str  # our row name, or the model's name for model-level differences
    what: str  # output shape | weights | params | rejected | accepted | layer order | model
    ours: str
    keras: str

    @property
    def message(self) -> str:
        if self.what == "rejected":
            return f"Keras rejects `{self.layer}` ({self.keras}) but layerlint computed {self.ours}"
        if self.what == "accepted":
            return f"layerlint reports an error at `{self.layer}` ({self.ours}) but Keras builds it: {self.keras}"
        return f"`{self.layer}` {self.what}: layerlint {self.ours}, Keras {self.keras}"


@dataclass
class ConfirmResult:
    shaped: ShapedModel  # the model compared (symbols bound), or the original when not confirmable
    status: str  # confirmed | disagrees | nothing-to-compare | not-confirmable | not-confirmed
    reason: str | None = None
    differences: list[Difference] = field(default_factory=list)
    keras_version: str = ""
    layers_compared: int = 0
    allocated: bool = True  # False: rebuilt without allocating weights (oversized model)
    seconds: float = 0.0

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    def headline(self) -> str:
        how = "" if self.allocated else ", without allocating weights"
        if self.status == "confirmed":
            return f"confirmed by Keras {self.keras_version} ({self.layers_compared} layer{'' if self.layers_compared == 1 else 's'}{how})"
        if self.status == "disagrees":
            n = len(self.differences)
            return f"Keras {self.keras_version} disagrees ({n} difference{'s' if n != 1 else ''}{how}):"
        if self.status == "nothing-to-compare":
            return f"nothing to compare: {self.reason}"
        if self.status == "not-confirmable":
            return f"not confirmable: {self.reason}"
        return f"not confirmed: {self.reason}"

    def render(self) -> str:
        lines = [self.headline()]
        lines += [f"    {d.message}" for d in self.differences]
        return "\n".join(lines)

    def to_json(self, notebook: NotebookSource | None = None) -> dict:
        return {
            "status": self.status,
            "reason": self.reason,
            "keras_version": self.keras_version,
            "layers_compared": self.layers_compared,
            "weights_allocated": self.allocated,
            "seconds": round(self.seconds, 4),
            "differences": [{**json_place(notebook, d.span.line), "col": d.span.col, "layer": d.layer, "what": d.what,
                             "layerlint": d.ours, "keras": d.keras} for d in self.differences],
        }


def require_keras() -> str:
    """Import Keras now (once per run); raises KerasUnavailable. Returns its version."""
    return getattr(load_keras(), "__version__", "?")


# -- --assume ----------------------------------------------------------------------


def parse_assume(items: list[str] | None) -> dict[str, Any]:
    """``["nClasses=10", "input_shape=(256, 256, 3)"]`` -> values; ValueError on bad items."""
    values: dict[str, Any] = {}
    for item in items or []:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"--assume expects NAME=VALUE, got {item!r}")
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError) as e:
            raise ValueError(f"--assume {name}: {text.strip()!r} is not a Python literal") from e
        if isinstance(value, list):
            value = tuple(value)
        if not _is_dim_value(value):
            raise ValueError(f"--assume {name}: expected an integer or a tuple of integers, got {text.strip()!r}")
        values[name] = value
    return values


def _is_dim_value(v: Any) -> bool:
    if isinstance(v, tuple):
        return all(_is_dim_value(x) for x in v)
    return v is None or isinstance(v, (int, str, float)) and not isinstance(v, bool)


def _numeric_bindings(values: dict[str, Any]) -> dict[str, Any]:
    """Tuples also bind their items: ``input_shape=(256, 256, 3)`` gives ``input_shape[0]`` = 256."""
    out: dict[str, Any] = {}
    for name, v in values.items():
        if isinstance(v, tuple):
            for i, x in enumerate(v):
                out[f"{name}[{i}]"] = x
                out[f"{name}[{i - len(v)}]"] = x
        else:
            out[name] = v
    return out


# Every symbol a run's models were found to depend on, so --assume names that match none can be named.
SYMBOLS_SEEN: set[str] = set()


def unmatched_assumptions(values: dict[str, Any]) -> list[str]:
    """--assume names that no model of this run refers to (``input_shape`` matches ``input_shape[0]``)."""
    return [name for name in values
            if name not in SYMBOLS_SEEN and not any(s.startswith(f"{name}[") for s in SYMBOLS_SEEN)]


class _Binder:
    """A copy of an extracted model with ``--assume`` values in place of symbols."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.whole = values
        self.numeric = _numeric_bindings(values)
        self.memo: dict[int, Any] = {}

    def value(self, v: Any) -> Any:
        if isinstance(v, Expr):
            SYMBOLS_SEEN.update(v.symbols())
            for name, whole in self.whole.items():
                if v == Expr.symbol(name):
                    return whole
            return v.subs(self.numeric)
        if isinstance(v, tuple):
            return tuple(self.value(x) for x in v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {k: self.value(x) for k, x in v.items()}
        if isinstance(v, LayerArg):
            return LayerArg(v.cls, self.value(v.args), tuple((k, self.value(x)) for k, x in v.kwargs))
        if isinstance(v, Tensor):
            return self.tensor(v)
        return v

    def _once(self, obj: Any, make: Any) -> Any:
        if id(obj) not in self.memo:
            self.memo[id(obj)] = make()
        return self.memo[id(obj)]

    def layer(self, ld: LayerDef) -> LayerDef:
        return self._once(ld, lambda: LayerDef(
            ld.cls, self.value(ld.args), self.value(ld.kwargs), ld.span, ld.known, ld.opaque_reason,
            self.model(ld.submodel) if ld.submodel is not None else None, recorded=ld.recorded, op=ld.op, op_error=ld.op_error))

    def input(self, inp: InputDef) -> InputDef:
        return self._once(inp, lambda: InputDef(self.value(inp.shape), inp.span, self.value(inp.batch_size), inp.name, inp.dtype))

    def node(self, n: Node) -> Node:
        def make() -> Node:
            copy = Node(self.layer(n.layer), [], {}, n.span, n.list_input)
            self.memo[id(n)] = copy  # before the inputs, in case of cycles
            copy.inputs = [self.tensor(t) for t in n.inputs]
            copy.call_kwargs = {k: self.value(v) for k, v in n.call_kwargs.items()}
            return copy
        return self._once(n, make)

    def tensor(self, t: Tensor) -> Tensor:
        p = t.producer
        return Tensor(self.input(p) if isinstance(p, InputDef) else self.node(p), t.index)

    def model(self, m: ExtractedModel) -> ExtractedModel:
        def make() -> ExtractedModel:
            copy = ExtractedModel(m.path, m.span, m.api, m.name, compile=m.compile, compile_span=m.compile_span,
                                  notes=m.notes, context=m.context, outputs_nested=m.outputs_nested,
                                  trainable=m.trainable)
            self.memo[id(m)] = copy
            copy.layers = [self.layer(ld) for ld in m.layers]
            copy.seq_input = self.input(m.seq_input) if m.seq_input is not None else None
            copy.inputs = [self.tensor(t) for t in m.inputs]
            copy.outputs = [self.tensor(t) for t in m.outputs]
            copy.shape_refs = {k: (self.tensor(t), axis) for k, (t, axis) in m.shape_refs.items()}
            return copy
        return self._once(m, make)


# -- what can be confirmed ------------------------------------------------------------


def _unbound_symbols(m: ExtractedModel) -> set[str]:
    """Free symbols in constructor arguments and input shapes; x.shape[i] symbols are resolved later."""
    found: set[str] = set()
    refs: set[str] = set()
    seen: set[int] = set()

    def scan(v: Any) -> None:
        if isinstance(v, Expr):
            found.update(v.symbols())
        elif isinstance(v, (tuple, list)):
            for x in v:
                scan(x)
        elif isinstance(v, dict):
            for x in v.values():
                scan(x)
        elif isinstance(v, LayerArg):
            scan(v.args)
            scan([x for _, x in v.kwargs])

    def visit(model: ExtractedModel) -> None:
        if id(model) in seen:
            return
        seen.add(id(model))
        refs.update(model.shape_refs)
        layers, inputs = _definitions(model)
        for ld in layers:
            scan(ld.args)
            scan(ld.kwargs)
            if ld.submodel is not None:
                visit(ld.submodel)
        for inp in inputs:
            scan(inp.shape)
            scan(inp.batch_size)

    visit(m)
    return found - refs


def _definitions(m: ExtractedModel) -> tuple[list[LayerDef], list[InputDef]]:
    """The model's layer and input definitions."""
    if m.api == "sequential":
        return list(m.layers), [m.seq_input] if m.seq_input is not None else []
    ops = ordered_operations(m)
    inputs = [op for op in ops if isinstance(op, InputDef)]
    inputs += [t.producer for t in m.inputs if isinstance(t.producer, InputDef) and t.producer not in inputs]
    return [op for op in ops if isinstance(op, LayerDef)], inputs


def _why_not_confirmable(sm: ShapedModel, line_ref: Callable[[int], str] = plain_line_ref) -> str | None:
    m = sm.model
    if m.api not in ("sequential", "functional"):
        return f"{m.api} models are not rebuilt"
    if m.api == "functional" and (not m.inputs or not m.outputs):
        return "its inputs or outputs cannot be followed (a model loaded from a file, say)"
    for row in _all_rows(sm):  # before symbols: a custom layer's stand-in inputs are symbols of ours
        if isinstance(row.source, LayerDef) and row.source.custom_class == "Lambda":
            return f"`{row.name}` (Lambda) at {line_ref(row.span.line)} runs a function of the file: it is not rebuilt"
        if isinstance(row.source, LayerDef) and row.source.custom_class is not None:
            return f"`{row.name}` ({row.cls}) at {line_ref(row.span.line)} is a custom layer: its code is not rebuilt"
        if isinstance(row.source, LayerDef) and is_third_party(row.source.cls):
            return (f"`{row.name}` ({row.cls}) at {line_ref(row.span.line)} is a third-party layer "
                    f"({row.source.cls.rsplit('.', 1)[0]}): it is not rebuilt")
    for row in _all_rows(sm):  # also before symbols: what we cannot see into stands in with symbols
        if row.status == "opaque":
            return f"`{row.name}` ({row.cls}) at {line_ref(row.span.line)} is not analysed: {row.reason}"
    symbols = _unbound_symbols(m)
    if symbols:
        return _depends_on(symbols)
    for row in _all_rows(sm):
        if row.status == "unknown" and not (row.reason or "").startswith("input unknown"):
            return f"`{row.name}` ({row.cls}) at {line_ref(row.span.line)}: {row.reason}"
    for row in _all_rows(sm):
        if row.status == "ok" and _symbolic(row.output):
            return f"`{row.name}` ({row.cls}) at {line_ref(row.span.line)} has a symbolic output {_shapes_text(_flat_shapes(row.output))}"
    for shape in sm.input_shapes:
        if shape is None or any(not (d is None or isinstance(d, int)) for d in shape):
            return "the model's input shape is not known"
    return None


_FREE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_ITEM = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\[-?\d+\]")


def _depends_on(symbols: set[str]) -> str:
    """Why symbols stop confirmation.  --assume can bind a free name (``nClasses``,
    ``config.units``, a tuple ``input_shape`` for ``input_shape[0]``), never a
    computation (``len(vocab)``, ``hp.Int(...)``), so only names are offered to it."""
    names: set[str] = set()
    computed: set[str] = set()
    for s in symbols:
        item = _ITEM.fullmatch(s)
        if item is not None:
            names.add(item.group(1))
        elif _FREE_NAME.fullmatch(s):
            names.add(s)
        else:
            computed.add(s)
    if computed:
        shown = ", ".join(f"`{s}`" for s in sorted(computed)[:4])
        return f"depends on {shown}, which layerlint cannot compute"
    shown = ", ".join(f"`{s}`" for s in sorted(names)[:4])
    return f"depends on {shown} (pass --assume NAME=VALUE)"


def _symbolic(out: Any) -> bool:
    if isinstance(out, list):
        return any(_symbolic(o) for o in out)
    return isinstance(out, tuple) and any(isinstance(d, Expr) for d in out)


def _all_rows(sm: ShapedModel) -> list[ShapedLayer]:
    rows = []
    for row in sm.layers:
        rows.append(row)
        if row.submodel is not None:
            rows.extend(_all_rows(row.submodel))
    return rows


def _largest_weight(sm: ShapedModel) -> int:
    sizes = [prod(w.shape) for row in sm.layers for w in row.weights]
    return max([s for s in sizes if isinstance(s, int)], default=0)


# -- comparison ---------------------------------------------------------------------


def _flat_shapes(out: Any) -> list | None:
    if out is None:
        return None
    if isinstance(out, list):
        return [tuple(s) for s in out]
    return [tuple(out)]


def _keras_shapes(keras: Any, out: Any) -> list:
    if is_tf_keras(keras):
        import tensorflow as tf

        flat = tf.nest.flatten(out)
    else:
        flat = keras.tree.flatten(out)
    return [tuple(None if d is None else int(d) for d in t.shape) for t in flat]


def _shapes_text(shapes: list | None) -> str:
    if shapes is None:
        return "?"
    if len(shapes) == 1:
        return shape_str(shapes[0])
    return "[" + ", ".join(shape_str(s) for s in shapes) + "]"


def _count_text(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


class _Comparer:
    def __init__(self, keras: Any, sm: ShapedModel, kb: KerasBuild) -> None:
        self.keras = keras
        self.sm = sm
        self.kb = kb
        self.diffs: list[Difference] = []
        self.compared = 0
        self._paired: dict[int, Any] | None = None  # mask-op rows to Keras' ops, made on first need

    def diff(self, row: ShapedLayer, what: str, ours: str, theirs: str) -> None:
        self.diffs.append(Difference(row.span, row.name, what, ours, theirs))

    def run(self) -> None:
        failure = self.kb.failure
        failed_at = failure.layer if failure is not None else None
        rows_by_source = {id(r.source): r for r in self.sm.layers}
        if failure is not None and (failed_at is None or id(failed_at) not in rows_by_source):
            self.diffs.append(Difference(self.sm.model.span, self.sm.name, "model", "builds the model", f"refuses it: {failure.message}"))
        ours_first_error = self._first_error()
        for row in self.sm.layers:
            if failed_at is not None and row.source is failed_at:
                self.compared += 1
                if row.status != "error":
                    self.diff(row, "rejected", _shapes_text(_flat_shapes(row.output)), failure.message)
                continue
            if row is ours_first_error and failure is None:
                self.compared += 1
                self.diff(row, "accepted", row.error.message if row.error else "error", self._keras_output_text(row))
                continue
            if row.status == "ok" and self._keras_built(row):
                self.compared += 1
                self._compare_row(row)
        if failure is not None and ours_first_error is not None and ours_first_error.source is not failed_at:
            if id(ours_first_error.source) in rows_by_source and self._keras_built(ours_first_error):
                self.diff(ours_first_error, "accepted", ours_first_error.error.message, self._keras_output_text(ours_first_error))
        if failure is None and self.sm.model.api == "functional" and self.kb.model is not None:
            self._compare_order()

    def _first_error(self) -> ShapedLayer | None:
        for call in self.sm.calls:
            if call.error is not None:
                return call.row
        return None

    def _keras_layer(self, row: ShapedLayer) -> Any:
        found = self.kb.layer_of.get(id(row.source))
        if found is None and _made_by_keras(row):
            found = self._mask_ops().get(id(row))
        return found

    def _mask_ops(self) -> dict[int, Any]:
        """Our mask-op rows paired with the ops Keras made computing masks while rebuilding.

        Keras names those from its own counter, so they are paired by class, in the order
        model.operations lists them; the order comparison then shows any that do not line up.
        """
        if self._paired is None:
            mapped = {id(v) for v in self.kb.layer_of.values()}
            free = [op for op in getattr(self.kb.model, "operations", ())
                    if id(op) not in mapped and not isinstance(op, self.keras.layers.Layer)]
            self._paired = {}
            for row in self.sm.layers:
                if _made_by_keras(row):
                    match = next((op for op in free if type(op).__name__ == row.cls), None)
                    if match is not None:
                        free.remove(match)
                        self._paired[id(row)] = match
        return self._paired

    def _keras_built(self, row: ShapedLayer) -> bool:
        if row.is_input:
            return self._keras_layer(row) is not None
        return bool(self._keras_outputs(row))

    def _keras_outputs(self, row: ShapedLayer) -> list:
        """Per call, Keras' output shapes; for the summary row Keras prints the last."""
        if self.sm.model.api == "functional" and any(c.node is not None for c in row.calls):
            # In the order the source made the calls: Keras' summary shows the latest.
            calls = sorted((c for c in row.calls if c.node is not None and id(c.node) in self.kb.node_outputs),
                           key=lambda c: c.node.created)
            return [_keras_shapes(self.keras, self.kb.node_outputs[id(c.node)]) for c in calls]
        layer = self._keras_layer(row)
        nodes = getattr(layer, "_inbound_nodes", None) or []
        return [_keras_shapes(self.keras, nodes[-1].outputs)] if nodes else []

    def _keras_output_text(self, row: ShapedLayer) -> str:
        outs = self._keras_outputs(row)
        return f"output {_shapes_text(outs[-1])}" if outs else "it builds"

    def _compare_row(self, row: ShapedLayer) -> None:
        layer = self._keras_layer(row)
        if row.is_input:
            theirs = [tuple(layer.batch_shape if hasattr(layer, "batch_shape") else layer._batch_input_shape)]
            if _flat_shapes(row.output) != theirs:
                self.diff(row, "output shape", _shapes_text(_flat_shapes(row.output)), _shapes_text(theirs))
            return
        outs = self._keras_outputs(row)
        if isinstance(row.source, LayerDef) and row.source.op is not None:
            # An operation: its output, and no weights on either side.
            if outs and _flat_shapes(row.output) != outs[-1]:
                self.diff(row, "output shape", _shapes_text(_flat_shapes(row.output)), _shapes_text(outs[-1]))
            return
        if self.sm.model.api == "functional" and len(row.calls) > 1:
            # A shared layer: every call Keras made, matched by node.
            calls = sorted((c for c in row.calls if c.node is not None), key=lambda c: c.node.created)
            for i, c in enumerate(calls):
                theirs = self.kb.node_outputs.get(id(c.node))
                if theirs is not None and c.error is None and _flat_shapes(c.output) != _keras_shapes(self.keras, theirs):
                    self.diff(row, f"output shape of call {i + 1}", _shapes_text(_flat_shapes(c.output)),
                              _shapes_text(_keras_shapes(self.keras, theirs)))
            rebuilt_all = all(id(c.node) in self.kb.node_outputs for c in calls)
        else:
            rebuilt_all = True
        if outs and rebuilt_all and _flat_shapes(row.output) != outs[-1]:
            self.diff(row, "output shape", _shapes_text(_flat_shapes(row.output)), _shapes_text(outs[-1]))
        ours_w = [tuple(w.shape) for w in row.weights]
        # An op between layers (TrueDivide, GetItem) is an Operation: no weights at all.
        theirs_w = [tuple(int(d) for d in w.shape) for w in getattr(layer, "weights", ())]
        if ours_w != theirs_w:
            self.diff(row, "weights", ", ".join(shape_str(s) for s in ours_w) or "none",
                      ", ".join(shape_str(s) for s in theirs_w) or "none")
        trainable = sum(_size(w.shape) for w in getattr(layer, "trainable_weights", ()))
        frozen = sum(_size(w.shape) for w in getattr(layer, "non_trainable_weights", ()))
        if (row.trainable_params, row.non_trainable_params) != (trainable, frozen):
            self.diff(row, "params", f"{_count_text(row.params)} ({_count_text(row.non_trainable_params)} non-trainable)",
                      f"{trainable + frozen:,} ({frozen:,} non-trainable)")

    def _compare_order(self) -> None:
        by_layer = {id(self._keras_layer(r)): r for r in self.sm.layers if self._keras_layer(r) is not None}
        # Keras' summary lists model.operations: the layers and the ops between them, those
        # computing masks included (lint/engine/masks.py).
        ops = getattr(self.kb.model, "operations", self.kb.model.layers)
        theirs = [by_layer.get(id(kl)) for kl in ops]
        if [r.name if r else "?" for r in theirs] != [r.name for r in self.sm.layers]:
            self.diffs.append(Difference(self.sm.model.span, self.sm.name, "layer order",
                                         ", ".join(r.name for r in self.sm.layers),
                                         ", ".join(r.name if r else "?" for r in theirs)))


def _made_by_keras(row: ShapedLayer) -> bool:
    """An op row no source call made: Keras makes it computing a mask (lint/engine/masks.py)."""
    return getattr(row.source, "op", None) is not None and bool(row.calls) and all(c.node is None for c in row.calls)


def _size(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


# -- entry point ----------------------------------------------------------------------


def confirm_models(models: list[ShapedModel], assume: dict[str, Any] | None = None,
                   max_layer_weights: int = DEFAULT_MAX_LAYER_WEIGHTS,
                   line_ref: Callable[[int], str] = plain_line_ref, keras_version: int = 3) -> list[ConfirmResult]:
    """Rebuild each model in Keras (tf-keras for ``keras_version`` 2) and compare; raises KerasUnavailable
    without it.  ``line_ref`` names a line in messages (a notebook's names the cell)."""
    keras = load_keras(keras_version)
    version = getattr(keras, "__version__", "?") + (" (tf-keras)" if keras_version == 2 else "")
    results = []
    for sm in models:
        start = time.perf_counter()
        result = _confirm_one(keras, sm, assume or {}, max_layer_weights, line_ref, keras_version)
        result.keras_version = version
        result.seconds = time.perf_counter() - start
        results.append(result)
    return results


def confirm_file(analysis: Any, assume: dict[str, Any] | None = None) -> list[ConfirmResult]:
    """Confirm every model of a FileAnalysis; the results also go to ``analysis.confirmations`` for LL950."""
    version = getattr(analysis, "keras_version", 3)
    notebook = getattr(analysis, "notebook", None)
    line_ref = line_namer(notebook)
    try:
        results = confirm_models(analysis.models, assume, line_ref=line_ref, keras_version=version)
    except KerasUnavailable:
        if version != 2:
            raise
        # Keras 2 code is rebuilt in tf-keras, an install of its own beside TensorFlow.
        results = [ConfirmResult(sm, "not-confirmable", "keras-version = 2: tf-keras is not installed "
                                 "(pip install tf-keras)") for sm in analysis.models]
    tell = line_teller(notebook)  # a reason quoting the engine's (`... at line 68`) names the cell
    for result in results:
        if result.reason:
            result.reason = tell(result.reason)
    analysis.confirmations = results
    return results


def _first_build_shape(sm: ShapedModel) -> tuple | None:
    """The input shape of a Sequential that declares none, where layerlint found the call Keras
    builds it at: the rebuilt Sequential is built on it, as that call builds the user's."""
    m = sm.model
    if m.api != "sequential" or m.seq_input is not None or not sm.input_shapes:
        return None
    shape = sm.input_shapes[0]
    if not isinstance(shape, tuple) or not all(d is None or type(d) is int for d in shape):
        return None
    return shape


def _confirm_one(keras: Any, sm: ShapedModel, assume: dict[str, Any], max_layer_weights: int,
                 line_ref: Callable[[int], str], keras_version: int = 3) -> ConfirmResult:
    if assume:
        sm = shape_model(_Binder(assume).model(sm.model), keras_version)
    why = _why_not_confirmable(sm, line_ref)
    if why:
        return ConfirmResult(sm, "not-confirmable", why)
    allocate = _largest_weight(sm) <= max_layer_weights
    try:
        kb = rebuild(sm.model, allocate=allocate, line_ref=line_ref, keras_version=keras_version,
                     build_shape=_first_build_shape(sm))
        comparer = _Comparer(keras, sm, kb)
        comparer.run()
    except NotConfirmable as e:
        return ConfirmResult(sm, "not-confirmable", str(e), allocated=allocate)
    except Exception as e:  # Keras internals we could not drive: say so rather than guess
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        return ConfirmResult(sm, "not-confirmed", f"Keras could not rebuild it: {type(e).__name__}: {msg}"[:300],
                             allocated=allocate)
    finally:
        if is_tf_keras(keras):
            keras.backend.clear_session()
        else:
            keras.backend.clear_session(free_memory=False)
    if not comparer.diffs and not comparer.compared:  # a pass over nothing is no pass
        return ConfirmResult(sm, "nothing-to-compare", "Keras built no layer of it that layerlint could compare",
                             allocated=allocate)
    status = "disagrees" if comparer.diffs else "confirmed"
    return ConfirmResult(sm, status, None, comparer.diffs, layers_compared=comparer.compared, allocated=allocate)
