"""Rebuild an extracted model in the real Keras, from layer classes and literal arguments.

This is the only module that touches Keras.  It never imports or runs the
user's file: every layer is constructed from the canonical class name and the
folded constant arguments the extractor recorded, and functional graphs are
re-wired from the extracted nodes.  What it records is what Keras built: the
layer object behind every LayerDef/InputDef, each call's outputs, and where
Keras refused (the first layer whose construction or call raised).
"""

from __future__ import annotations

import contextlib
import operator
import os
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from layerlint.confirm.offline import FileArgument, guarded, named_strings, offline_kwargs
from layerlint.engine.graph import model_nodes
from layerlint.engine.layers.base import LayerArg
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Tensor
from layerlint.engine.symbolic import Expr, NumpyInt
from layerlint.extract.keras_names import keras_path
from layerlint.extract.values import KerasObj, Ref
from layerlint.sources.notebook import plain_line_ref

_KERAS: dict[int, Any] = {}  # Keras major version -> the imported package (tf_keras for 2)

# tf.nn / tf.math functions passed as `activation=` map to Keras' activation of the same name.
_TF_FUNCTION_ROOTS = ("tensorflow.nn.", "tensorflow.math.", "tensorflow.keras.backend.", "keras.ops.")


# --confirm calls what it rebuilds, so only Keras namespaces whose objects are
# pure configuration may be named by the user's file: never keras.utils
# (get_file downloads), keras.saving or a deserialize()/get() that can revive a
# marshalled Lambda.
_SAFE_NAMESPACES = frozenset({"layers", "initializers", "regularizers", "constraints", "activations", "losses",
                              "metrics", "optimizers"})
_UNSAFE_NAMES = frozenset({"deserialize", "get", "serialize", "from_config", "TFSMLayer", "Lambda"})


def is_safe_keras_path(path: str | None) -> bool:
    """Whether --confirm may construct or call the Keras object at ``path`` (``layers.Dense``)."""
    parts = (path or "").split(".")
    return (parts[0] in _SAFE_NAMESPACES and len(parts) >= 2
            and not any(p.startswith("_") or p in _UNSAFE_NAMES for p in parts))


# The keras.ops names layerlint records Python's operators under (lint/extract/tensor_ops.py), as operators.
_TF_KERAS_OPERATORS = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul, "true_divide": operator.truediv,
    "floor_divide": operator.floordiv, "mod": operator.mod, "power": operator.pow, "matmul": operator.matmul,
    "logical_and": operator.and_, "logical_or": operator.or_, "less": operator.lt, "less_equal": operator.le,
    "greater": operator.gt, "greater_equal": operator.ge, "negative": operator.neg, "logical_not": operator.invert,
    "get_item": operator.getitem,
}


def _stand_in(x: Any) -> Any:
    return x


class KerasUnavailable(Exception):
    """Neither TensorFlow nor a Keras backend can be imported."""


class NotConfirmable(Exception):
    """Something in the model cannot be rebuilt faithfully from literals."""


def load_keras(version: int = 3) -> Any:
    """Import Keras 3 (and its backend), or with ``version`` 2 the tf-keras package, once per process."""
    if version not in _KERAS:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        # Only shapes are computed, never numbers, so oneDNN's startup notice is noise.
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if version == 2:
                    import tf_keras as module
                else:
                    import keras as module
        except ImportError as e:
            raise KerasUnavailable(str(e)) from e
        _KERAS[version] = module
    return _KERAS[version]


def is_tf_keras(keras: Any) -> bool:
    return getattr(keras, "__name__", "") == "tf_keras"


@dataclass
class KerasFailure:
    layer: LayerDef | InputDef | None  # None: the model itself (e.g. keras.Model(...)) was refused
    message: str


@dataclass
class KerasBuild:
    """What Keras made of one extracted model."""

    layer_of: dict[int, Any] = field(default_factory=dict)  # id(LayerDef|InputDef) -> Keras layer
    node_outputs: dict[int, Any] = field(default_factory=dict)  # id(Node) -> that call's outputs
    failure: KerasFailure | None = None
    model: Any = None


class _Refused(Exception):
    """Keras raised while constructing or calling ``layer``."""

    def __init__(self, layer: LayerDef | InputDef | None, error: BaseException | str) -> None:
        self.message = error if isinstance(error, str) else error_text(error)
        super().__init__(self.message)
        self.layer = layer


def error_text(e: BaseException) -> str:
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    return f"{type(e).__name__}: {text}"[:300]


class Rebuilder:
    """Rebuilds one top-level model (and the models nested in it) in Keras."""

    def __init__(self, keras: Any, line_ref: Callable[[int], str] = plain_line_ref) -> None:
        self.keras = keras
        self.line_ref = line_ref  # how messages name a line (by cell in a notebook)
        self.build = KerasBuild()
        self.tensors: dict[int, Any] = {}  # id(InputDef) -> Keras input tensor
        self.models: dict[int, Any] = {}  # id(ExtractedModel) -> Keras model
        self.refs: dict[str, tuple] = {}  # x.shape[i] symbols -> (Tensor, axis)
        self.pending: set[int] = set()  # nodes being rebuilt, to refuse cycles through x.shape[i]
        self.op_outputs: dict[int, Any] = {}  # id(LayerDef of a preprocess_input op) -> its Keras output
        self.named: set[str] = set()  # strings among the arguments: no file by these names is opened
        # Sequentials called before add() gave them more layers: id(model) -> (the model, how many
        # of its layers the Keras object holds so far, the Keras object)
        self.staged: dict[int, tuple] = {}
        self.limit: dict[int, int] = {}  # id(model) -> the layers it had at the call being rebuilt

    def run(self, model: ExtractedModel, build_shape: tuple | None = None) -> KerasBuild:
        """``build_shape``: the input shape Keras builds a Sequential declaring none on (its first
        call's or training call's, batch axis included), which Sequential.build() is given."""
        try:
            self.build.model = self._model(model)
            for m, _, _ in list(self.staged.values()):
                self._grow(m, len(m.layers))  # the layers added after its calls, as the source ends
            if build_shape is not None and model.api == "sequential" and model.seq_input is None:
                try:
                    self.build.model.build(build_shape)
                except Exception as e:
                    raise _Refused(None, e) from e
        except _Refused as r:
            self.build.failure = KerasFailure(r.layer, r.message)
        return self.build

    # -- models ----------------------------------------------------------------
    def _model(self, m: ExtractedModel) -> Any:
        if id(m) in self.models:
            return self.models[id(m)]
        self.refs.update(m.shape_refs)
        if m.application is not None:
            km = self._application(m)
        else:
            km = self._sequential(m) if m.api == "sequential" else self._functional(m)
        if not m.trainable:
            # The user's `model.trainable = False` froze each layer then (their constructor
            # arguments carry it); the model's own flag is set alone so later per-layer
            # changes the source made are kept.
            km._trainable = False
        self.models[id(m)] = km
        return km

    def _sequential(self, m: ExtractedModel) -> Any:
        k = self.keras
        model = k.Sequential()
        if m.seq_input is not None:
            try:
                model.add(self._input(m.seq_input))
            except _Refused as r:
                # layerlint shows a Sequential's refused input at its first layer, which has a row
                raise _Refused(m.layers[0] if m.layers else None, r.message) from r
        upto = self.limit.get(id(m), len(m.layers))
        self.staged[id(m)] = (m, 0, model)
        self._grow(m, upto)
        return model

    def _grow(self, m: ExtractedModel, upto: int) -> None:
        """Add the Sequential's layers up to the first ``upto``, where the source had added them."""
        _, added, model = self.staged[id(m)]
        for ld in m.layers[added:upto]:
            layer = self._layer(ld)
            # Sequential.add rebuilds the model once its input is known, so a
            # layer Keras cannot build fails right here, as in the user's code.
            try:
                model.add(layer)
            except Exception as e:
                raise _Refused(ld, e) from e
        self.staged[id(m)] = (m, max(added, upto), model)

    def _functional(self, m: ExtractedModel) -> Any:
        k = self.keras
        for node in model_nodes(m):
            self._call(node)
        inputs = [self._tensor(t) for t in m.inputs]
        outputs = [self._tensor(t) for t in m.outputs]
        try:
            return k.Model(
                inputs=inputs[0] if len(inputs) == 1 else inputs,
                outputs=outputs if m.outputs_nested or len(outputs) != 1 else outputs[0],
            )
        except Exception as e:
            raise _Refused(None, e) from e

    def _application(self, m: ExtractedModel) -> Any:
        """The backbone from its constructor, always with weights=None: nothing is downloaded."""
        from layerlint.engine.applications.table import find_entry

        app = m.application
        assert app is not None
        entry, _ = find_entry(app.ctor, app.kwargs)
        if entry is None:
            raise NotConfirmable(f"`{app.ctor}` is not in the applications table")
        kwargs = {k: self._value(v) for k, v in app.kwargs.items()}
        if "name" in entry["params"]:
            kwargs["name"] = m.name  # as named with the weights the file asks for
        if app.input_tensor is not None:
            kwargs["input_tensor"] = self._tensor(app.input_tensor)
        try:
            km = getattr(self.keras.applications, app.ctor)(weights=None, **kwargs)
        except Exception as e:
            raise _Refused(_refusing_layer(m), e) from e
        by_name = {op.name: op for op in km.operations}
        for node in model_nodes(m):
            op = by_name.get(node.layer.kwargs.get("name")) if node.layer.recorded is not None else None
            if op is not None and id(node) not in self.build.node_outputs:
                if node.layer.kwargs.get("trainable") is False:  # base.trainable = False in the file
                    op.trainable = False
                self.build.layer_of[id(node.layer)] = op
                self.build.node_outputs[id(node)] = op.output
        for t, kt in zip(m.inputs, km.inputs):
            if isinstance(t.producer, InputDef) and id(t.producer) not in self.tensors:
                self.tensors[id(t.producer)] = kt
                self.build.layer_of[id(t.producer)] = kt._keras_history[0]
        return km

    def _preprocess(self, node: Node) -> None:
        """preprocess_input's operations, recorded by calling it once on the rebuilt input."""
        rec = node.layer.recorded
        assert rec is not None and rec.preprocess is not None
        module, source, group = rec.preprocess
        if module not in _preprocess_modules():
            raise NotConfirmable(f"`{module}.preprocess_input` is not in the applications table")
        try:
            out = getattr(self.keras.applications, module).preprocess_input(self._tensor(source))
        except Exception as e:
            raise _Refused(node.layer, e) from e
        ops: list = []
        seen: set[int] = set()

        def visit(t: Any) -> None:
            op = t._keras_history.operation
            if id(op) in seen or t is self._tensor(source):
                return
            seen.add(id(op))
            for parent in op._inbound_nodes[0].input_tensors:
                visit(parent)
            ops.append(op)

        visit(out)
        if [type(op).__name__ for op in ops] != [ld.cls for ld in group]:
            raise NotConfirmable(f"`{module}.preprocess_input` records other operations in this Keras")
        for ld, op in zip(group, ops):
            self.build.layer_of[id(ld)] = op
            self.op_outputs[id(ld)] = op.output

    def _call(self, node: Node) -> None:
        if id(node) in self.build.node_outputs:
            return
        rec = node.layer.recorded
        if rec is not None and rec.preprocess is not None:
            if id(node.layer) not in self.op_outputs:
                self._preprocess(node)
            self.build.node_outputs[id(node)] = self.op_outputs[id(node.layer)]
            return
        if rec is not None and rec.application is not None and rec.application.model is not None:
            self._model(rec.application.model)  # its layers in the user's model: the backbone's own
            if id(node) in self.build.node_outputs:
                return
            raise NotConfirmable(f"`{node.layer.kwargs.get('name')}` was not found in the rebuilt {rec.application.ctor}")
        if id(node) in self.pending:
            raise NotConfirmable(f"`{node.layer.cls}` at {self.line_ref(node.span.line)} depends on its own output")
        self.pending.add(id(node))
        if node.layer.op is not None:
            self.build.node_outputs[id(node)] = self._op(node.layer)
            return
        sub = node.layer.submodel
        if node.layers_then is not None and sub is not None:
            # called when it had only these layers: the call's tensor is theirs
            self.limit[id(sub)] = node.layers_then
        layer = self._layer(node.layer)
        if node.layers_then is not None and sub is not None and id(sub) in self.staged:
            self._grow(sub, node.layers_then)
        args = [self._tensor(t) for t in node.inputs]
        kwargs = {k: self._call_value(v) for k, v in node.call_kwargs.items()}
        try:
            out = layer(args, **kwargs) if node.list_input else layer(*args, **kwargs)
        except Exception as e:
            raise _Refused(node.layer, e) from e
        self.build.node_outputs[id(node)] = out

    def _op(self, ld: LayerDef) -> Any:
        """A Keras operation, called as the user's code called it, on the rebuilt tensors."""
        fn = self._op_function(ld)
        args = [self._op_value(a) for a in ld.args]
        # (tf_static_shape: what keras2_programs worked out, not an argument of the call)
        kwargs = {k: self._op_value(v) for k, v in ld.kwargs.items() if k != "tf_static_shape"}
        try:
            out = fn(*args, **kwargs)
        except Exception as e:
            raise _Refused(ld, e) from e
        history = getattr(out if not isinstance(out, (list, tuple)) else out[0], "_keras_history", None)
        if history is not None:
            self.build.layer_of[id(ld)] = history[0]
        return out

    def _op_function(self, ld: LayerDef) -> Any:
        """The function behind an op row: a keras.ops / keras.activations function from the op
        table, or for a TensorFlow call the TensorFlow function of the table (which Keras 3 refuses)."""
        from layerlint.engine.ops import lookup_op

        path = ld.op or ""
        if path == "tf_keras.stated":
            # a call whose shape keras2_programs worked out from a shape tensor's value: the call itself, by the
            # name tf-keras gives its layer (`tf.reshape`, or the whole `tf.keras.backend.switch`)
            name = ld.auto_name or ""
            if "tf_set_shape" in ld.kwargs:
                raise NotConfirmable(f"tf-keras sets the shape of `{name}`'s result itself (set_shape), which a "
                                     "rebuild of the call alone does not")
            if name == "tf.keras.backend.switch" and is_tf_keras(self.keras):
                return self.keras.backend.switch
            path = name
        elif lookup_op(path) is None and not path.startswith("ops.get_item"):
            raise NotConfirmable(f"`{path}` is not in layerlint's op table")
        if is_tf_keras(self.keras) and path.startswith("ops."):
            # tf-keras' rows for Python operators: the operator itself on the rebuilt tensors.
            fn = _TF_KERAS_OPERATORS.get(path[4:])
            if fn is None:
                raise NotConfirmable(f"`{path}` is a Keras 3 function: tf-keras has none")
            return fn
        if path.startswith("tf."):
            try:
                import tensorflow as tf
            except ImportError as e:
                raise NotConfirmable("TensorFlow is not installed") from e
            obj = tf
            parts = path[3:].split(".")
        elif path.startswith("tf_keras."):  # a tf-keras function met whole by TensorFlow's dispatch
            obj = self.keras
            parts = path[len("tf_keras."):].split(".")
        else:
            obj = self.keras
            parts = path.split(".")
        for part in parts:
            obj = getattr(obj, part, None)
            if obj is None:
                raise NotConfirmable(f"this Keras has no `{path}`")
        return obj

    def _op_value(self, v: Any) -> Any:
        if isinstance(v, Tensor):
            return self._tensor(v)
        if isinstance(v, slice):
            return slice(self._op_value(v.start), self._op_value(v.stop), self._op_value(v.step))
        if v is Ellipsis:
            return v
        if isinstance(v, list):
            return [self._op_value(x) for x in v]
        if isinstance(v, tuple):
            return tuple(self._op_value(x) for x in v)
        if isinstance(v, dict):
            return {k: self._op_value(x) for k, x in v.items()}
        if isinstance(v, Ref) and v.qualname.startswith("tensorflow.") and v.qualname.count(".") == 1:
            import tensorflow as tf  # a dtype such as tf.int32

            dtype = getattr(tf, v.qualname.split(".")[1], None)
            if isinstance(dtype, tf.DType):
                return dtype
        return self._value(v)

    def _tensor(self, t: Tensor) -> Any:
        p = t.producer
        if isinstance(p, InputDef):
            return self._input(p)
        if id(p) not in self.build.node_outputs:
            self._call(p)
        out = self.build.node_outputs[id(p)]
        if t.index is not None:
            if not isinstance(out, (list, tuple)):
                raise _Refused(p.layer, TypeError(f"output of `{p.layer.cls}` is a single tensor, not indexable"))
            return out[t.index]
        return out

    def _input(self, inp: InputDef) -> Any:
        if id(inp) in self.tensors:
            return self.tensors[id(inp)]
        shape = inp.shape
        if not isinstance(shape, tuple):
            raise NotConfirmable("an input shape is not known")
        shape = tuple(self._value(d) for d in shape)
        # one number as the user wrote it (`shape=(n)`): which Keras reads as a shape or refuses
        kwargs: dict[str, Any] = {"shape": shape[0] if inp.scalar_shape is not None and len(shape) == 1 else shape}
        batch = self._value(inp.batch_size)
        if batch is not None:
            kwargs["batch_size"] = batch
        if inp.name:
            kwargs["name"] = inp.name
        if inp.dtype:
            kwargs["dtype"] = inp.dtype
        try:
            tensor = self.keras.Input(**kwargs)
        except Exception as e:
            raise _Refused(inp, e) from e
        self.tensors[id(inp)] = tensor
        self.build.layer_of[id(inp)] = tensor._keras_history[0]
        return tensor

    # -- layers ------------------------------------------------------------------
    def _layer(self, ld: LayerDef) -> Any:
        if id(ld) in self.build.layer_of:
            return self.build.layer_of[id(ld)]
        rec = ld.recorded
        if rec is not None and rec.application is not None and rec.application.model is not None:
            # a backbone's own layer the file reuses (`for layer in vgg.layers: model.add(layer)`): the
            # rebuilt backbone's, as the file adds the loaded one's; its row holds no arguments to make it from
            self._model(rec.application.model)
            if id(ld) in self.build.layer_of:
                return self.build.layer_of[id(ld)]
            raise NotConfirmable(f"`{ld.kwargs.get('name')}` was not found in the rebuilt {rec.application.ctor}")
        if rec is not None:
            raise NotConfirmable(f"`{ld.cls}` at {self.line_ref(ld.span.line)} is recorded from Keras, not written: "
                                 "it is not rebuilt alone")
        if ld.submodel is not None:
            try:
                layer = self._model(ld.submodel)
            except _Refused as r:
                # The outer model's row for this submodel is where the refusal shows.
                inner = f"inner layer `{r.layer.cls}` at {self.line_ref(r.layer.span.line)}: " if r.layer is not None else ""
                raise _Refused(ld, inner + r.message) from r
        else:
            if not ld.known:
                raise NotConfirmable(f"`{ld.cls}` at {self.line_ref(ld.span.line)} is not analysed: {ld.opaque_reason}")
            cls_name, given_args, given_kwargs = ld.cls, ld.args, ld.kwargs
            if ld.as_written is not None:
                self._check_rejected(ld)
                if is_tf_keras(self.keras):
                    cls_name, given_args, given_kwargs = ld.as_written
            try:
                if ld.cls == "Lambda":
                    layer = self._lambda(ld)
                else:
                    cls = self._layer_class(cls_name)
                    named_strings([given_args, given_kwargs], self.named)
                    try:
                        offline = offline_kwargs(cls_name, given_kwargs)
                    except FileArgument as e:
                        raise NotConfirmable(f"`{ld.cls}` at {self.line_ref(ld.span.line)}: {e}") from e
                    args = [self._value(a) for a in given_args]
                    kwargs = {k: self._value(v) for k, v in offline.items()}
                    layer = cls(*args, **kwargs)
            except NotConfirmable:
                raise
            except _Refused as r:
                raise _Refused(ld, r.message) from r
            except Exception as e:
                raise _Refused(ld, e) from e
        self.build.layer_of[id(ld)] = layer
        return layer

    def _check_rejected(self, ld: LayerDef) -> None:
        """A layer in Keras 1/2 spelling is shaped with the old meaning (LL501) because Keras 3 rejects the
        spelling or reads it otherwise; check which, then stop: there is no Keras 3 model to compare with."""
        name, args, kwargs = ld.as_written
        if is_tf_keras(self.keras):
            if all(u.keras2_accepts for u in ld.legacy):
                return  # tf-keras takes the spelling: the layer is rebuilt as written
            written = ", ".join(u.written for u in ld.legacy if not u.keras2_accepts)
            raise NotConfirmable(f"`{name}` at {self.line_ref(ld.span.line)} is Keras 1 API ({written}) that "
                                 "tf-keras rejects; shaped with the Keras 1 meaning")
        version = min(u.version for u in ld.legacy)
        rejects = any(u.keras3_rejects for u in ld.legacy)
        where = f"`{name}` at {self.line_ref(ld.span.line)}"
        cls = getattr(self.keras.layers, name, None) if is_safe_keras_path(f"layers.{name}") else None
        if cls is None:
            raise NotConfirmable(f"{where} is Keras {version} API: this Keras has no such class; shaped with the "
                                 f"Keras {version} meaning")
        try:
            cls(*[self._value(a) for a in args], **{k: self._value(v) for k, v in kwargs.items()})
        except NotConfirmable:
            raise
        except Exception as e:  # the rejection LL501 reports
            raise NotConfirmable(f"{where} is Keras {version} API that Keras 3 rejects "
                                 f"({type(e).__name__}: {str(e).splitlines()[0][:120]}); shaped with the "
                                 f"Keras {version} meaning") from e
        if rejects:
            raise NotConfirmable(f"layerlint reads {where} as Keras {version} API that Keras 3 rejects, but "
                                 "this Keras accepts it (please report this)")
        written = ", ".join(u.written for u in ld.legacy)
        raise NotConfirmable(f"{where} uses Keras {version} API ({written}) that Keras 3 accepts but reads "
                             f"differently; shaped with the Keras {version} meaning")

    def _lambda(self, ld: LayerDef) -> Any:
        """A Lambda whose output shape is declared, around a stand-in function: the user's
        function is never called, and Keras shapes the layer from the declaration alone."""
        from layerlint.engine.layers.core import declared_output_shape

        rest = {k: self._value(v) for k, v in ld.kwargs.items() if k not in ("function", "output_shape", "mask", "arguments")}
        return self.keras.layers.Lambda(_stand_in, output_shape=self._value(declared_output_shape(ld.args, ld.kwargs)),
                                        **rest)

    def _layer_class(self, name: str) -> Any:
        cls = getattr(self.keras.layers, name, None) if is_safe_keras_path(f"layers.{name}") else None
        if cls is None:
            raise NotConfirmable(f"this Keras has no layer class `{name}`")
        return cls

    # -- argument values -----------------------------------------------------------
    def _value(self, v: Any) -> Any:
        if isinstance(v, NumpyInt):  # np.prod(shape) is a NumPy integer, which Keras 3's Dense(units) refuses
            import numpy as np

            return np.dtype(v.dtype).type(int(v))
        if v is None or isinstance(v, (bool, int, float, str)):
            return v
        if isinstance(v, tuple):
            return tuple(self._value(x) for x in v)
        if isinstance(v, list):
            return [self._value(x) for x in v]
        if isinstance(v, dict):
            return {k: self._value(x) for k, x in v.items()}
        if isinstance(v, Expr):
            return self._dim(v)
        if isinstance(v, LayerArg):
            cls = self._layer_class(v.cls)
            named_strings(v, self.named)
            try:
                offline = offline_kwargs(v.cls, dict(v.kwargs))
            except FileArgument as e:
                raise NotConfirmable(str(e)) from e
            args = [self._value(a) for a in v.args]
            kwargs = {k: self._value(x) for k, x in offline.items()}
            try:
                return cls(*args, **kwargs)
            except Exception as e:
                raise _Refused(None, e) from e
        if isinstance(v, Ref):
            return self._resolve(v.qualname)
        if isinstance(v, KerasObj):
            target = self._resolve(v.path)
            args = [self._value(a) for a in v.args]
            kwargs = {k: self._value(x) for k, x in v.kwargs.items()}
            try:
                return target(*args, **kwargs)
            except Exception as e:
                raise NotConfirmable(f"`{v.path}(...)` could not be rebuilt: {error_text(e)}") from e
        raise NotConfirmable(f"an argument ({type(v).__name__}) cannot be rebuilt from literals")

    def _call_value(self, v: Any) -> Any:
        if isinstance(v, Tensor):
            return self._tensor(v)
        if isinstance(v, (list, tuple)):
            return type(v)(self._call_value(x) for x in v)
        return self._value(v)

    def _dim(self, e: Expr) -> int:
        """A symbol standing for ``x.shape[i]`` takes the dim Keras gave ``x``."""
        values = {}
        for name in e.symbols() & self.refs.keys():
            tensor, axis = self.refs[name]
            try:
                values[name] = self._tensor(tensor).shape[axis]
            except (IndexError, TypeError) as err:
                raise NotConfirmable(f"`{name}` cannot be evaluated") from err
        v = e.subs(values) if values else e
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        raise NotConfirmable(f"`{e}` is not known (pass --assume NAME=VALUE)")

    def _resolve(self, qualname: str) -> Any:
        """A Keras object named by its import path; nothing outside Keras is imported."""
        path = keras_path(qualname)
        if path is None:
            for root in _TF_FUNCTION_ROOTS:
                name = qualname[len(root):]
                if qualname.startswith(root) and is_safe_keras_path(f"activations.{name}"):
                    fn = getattr(self.keras.activations, name, None)
                    if fn is not None:
                        return fn
            raise NotConfirmable(f"`{qualname}` is not a Keras object")
        if not is_safe_keras_path(path):
            raise NotConfirmable(f"`{qualname}` is not rebuilt: only layers, initializers, regularizers, "
                                 "constraints, activations, losses, metrics and optimizers are")
        obj = self.keras
        for part in path.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                raise NotConfirmable(f"this Keras has no `{qualname}`")
        return obj


def _refusing_layer(m: ExtractedModel) -> LayerDef | None:
    """The row that carries a refusal we predicted for a constructor call."""
    return next((n.layer for n in model_nodes(m) if n.layer.recorded is not None and n.layer.recorded.error is not None),
                None)


def _preprocess_modules() -> set[str]:
    from layerlint.engine.applications.table import _table

    return set(_table()["preprocess"])


@contextlib.contextmanager
def no_allocation(keras: Any) -> Iterator[None]:
    """Build layers without allocating weights: variables keep only their shapes.

    Keras defers a variable's initializer inside a StatelessScope; with
    initialize_variables=False the scope never runs them, so a 15-billion-
    weight kernel costs nothing.  The deferred variables are then dropped from
    Keras' pending list, or the next scope would try to initialise them.
    """
    from keras.src.backend.common import global_state
    from keras.src.backend.common.stateless_scope import StatelessScope

    before = list(global_state.get_global_attribute("uninitialized_variables", []) or [])
    try:
        with StatelessScope(initialize_variables=False):
            yield
    finally:
        keep = {id(v) for v in before}
        pending = global_state.get_global_attribute("uninitialized_variables", []) or []
        global_state.set_global_attribute("uninitialized_variables", [v for v in pending if id(v) in keep])


def rebuild(model: ExtractedModel, allocate: bool = True, line_ref: Callable[[int], str] = plain_line_ref,
            keras_version: int = 3, build_shape: tuple | None = None) -> KerasBuild:
    """Rebuild ``model`` in Keras (tf-keras for ``keras_version`` 2); raises NotConfirmable before touching
    Keras' state when possible."""
    keras = load_keras(keras_version)
    if not allocate and is_tf_keras(keras):
        raise NotConfirmable("a layer is too large to build in tf-keras, which allocates every weight")
    rebuilder = Rebuilder(keras, line_ref)
    with warnings.catch_warnings(), guarded(rebuilder.named) as refused:
        warnings.simplefilter("ignore")
        if allocate:
            build = rebuilder.run(model, build_shape)
        else:
            with no_allocation(keras):
                build = rebuilder.run(model, build_shape)
    if refused:  # Keras asked for a file the code names, or the network: not its answer about shapes
        raise NotConfirmable(f"rebuilding would open `{refused[0]}`: --confirm opens no file the code names "
                             "and reaches no network")
    return build
