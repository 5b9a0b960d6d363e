"""Operations on Keras tensors between layer calls, as Keras 3 records them.

``x + y``, ``x[:, 0]``, ``-x``, ``x > 0``, ``keras.ops.mean(x)`` and
``keras.activations.swish(x)`` on a symbolic tensor each add an Operation to
the functional graph (a row of ``model.summary()`` with no weights).  A
TensorFlow function given a Keras tensor is refused by Keras 3; inside a
custom layer's traced ``call()`` the tensors are TensorFlow's own, so there
the same table shapes TensorFlow's result.
"""

from __future__ import annotations

import inspect
from typing import Any

import libcst as cst
from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.legacy_backend import tf_keras_activation
from layerlint.engine.model import LayerDef, Tensor
from layerlint.engine.op_apply import apply_op, bind_op
from layerlint.engine.ops import TABLE, keras2_function_names, lookup_op, tf_keras_names
from layerlint.engine.ops.base import ConstTensor, Unfollowed
from layerlint.engine.ops.creation import linspace_values, nested_shape
from layerlint.engine.ops.keras2_functions import IDENTITY, LOWERINGS, OUT, VARIANTS, Lowering, Param
from layerlint.engine.ops.keras2_programs import PROGRAMS, Refused
from layerlint.engine.ops.keras2_programs import Unfollowed as NotFollowed
from layerlint.engine.symbolic import Expr
from layerlint.extract.keras_names import keras_path
from layerlint.extract.runtime import MAX_LOOP, flatten, names_in
from layerlint.extract.values import ArrayVal, KerasObj, ShapeVal, TensorVal, WeightVal, is_object

# Python operators and the keras.ops function KerasTensor's dunder method calls.
OPERATORS = {
    "Add": "add", "Subtract": "subtract", "Multiply": "multiply", "Divide": "true_divide",
    "FloorDivide": "floor_divide", "Modulo": "mod", "Power": "power", "MatrixMultiply": "matmul",
    "BitAnd": "logical_and", "BitOr": "logical_or",
}
COMPARISONS = {"LessThan": "less", "LessThanEqual": "less_equal", "GreaterThan": "greater",
               "GreaterThanEqual": "greater_equal"}
UNARY = {"Minus": "negative", "BitInvert": "logical_not"}

# TensorFlow namespaces whose functions convert their arguments to TensorFlow tensors.
_TF_CONVERTING = frozenset({"", "math", "nn", "image", "linalg", "signal", "strings", "random", "sparse", "bitwise",
                            "experimental.numpy"})

# Ops returning a list of tensors: ``x[0]`` on their result indexes the list.
MULTI_OUTPUT_OPS = frozenset(path for path, spec in TABLE.items()
                             if spec.key in ("split", "tf_split", "unstack", "top_k", "moments"))

KERAS_TENSOR_REFUSED = ("Keras 3 refuses a Keras tensor as input to a TensorFlow function (ValueError); "
                        "use the keras.ops equivalent or a layer")


def _op_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) or isinstance(v, bool)


# Ops that return two tensors: values and indices, mean and variance, real and imaginary parts.
_PAIRS = ("top_k", "moments", "fft", "fft2", "ifft2", "rfft", "traced_fft", "traced_fft2", "traced_ifft2")

# Ops that make a tensor of a plain Python number they are given.
NUMBER_TO_TENSOR = frozenset({"cast", "convert_to_tensor"})


def to_refs(v: Any) -> Any:
    """An op's argument with Keras tensors as graph Tensors (kept in place)."""
    if isinstance(v, TensorVal):
        return v.tensor
    if isinstance(v, WeightVal) and isinstance(v.shape, tuple):
        return ConstTensor(v.shape, v.name)  # a custom layer's variable: data of a known shape
    if isinstance(v, ArrayVal) and known_dims(v.shape) and not v.sequences:
        return ConstTensor(v.shape, v.text)  # data beside a Keras tensor (a NumPy array, ops.arange(n))
    if isinstance(v, list):
        return [to_refs(x) for x in v]
    if isinstance(v, tuple):
        return tuple(to_refs(x) for x in v)
    if isinstance(v, slice):
        return slice(to_refs(v.start), to_refs(v.stop), to_refs(v.step))
    return v


def known_dims(shape: Any) -> bool:
    """A shape of ints, symbolic dims or None (unknown length): data that can stand for a tensor."""
    return isinstance(shape, tuple) and all(d is None or isinstance(d, (int, Expr)) and not isinstance(d, bool)
                                            for d in shape)


def op_path(qualname: str) -> str | None:
    """The table path of a Keras function (``ops.mean``) or a TensorFlow one (``tf.reduce_mean``)."""
    path = keras_path(qualname)
    if path is not None:
        return path
    if qualname.startswith("tensorflow."):
        return "tf." + qualname[len("tensorflow."):]
    return None


class TensorOps:
    """The Interpreter's tensor operations (a mixin: state lives on the Interpreter)."""

    def tensors_in(self, values: list) -> list[TensorVal]:
        out = []
        for v in flatten(values):
            if isinstance(v, TensorVal):
                out.append(v)
            elif isinstance(v, slice):
                out.extend(x for x in (v.start, v.stop, v.step) if isinstance(x, TensorVal))
        return out

    def make_op(self, path: str, cls: str, args: tuple, kwargs: dict, node: cst.CSTNode, error: str | None = None,
                tf_keras: tuple[str, str] | None = None, consumed: tuple[str, ...] = (), advice: str | None = None) -> Any:
        """Record one op application reading the tensors among its arguments.  ``tf_keras``: the (name,
        class) of the layer tf-keras 2 wraps it in, with ``keras-version = 2``."""
        tensors = self.tensors_in([list(args), kwargs])
        if tf_keras is not None:
            cls = tf_keras[1]
        ld = LayerDef(cls, tuple(to_refs(a) for a in args), {k: to_refs(v) for k, v in kwargs.items()}, self.span(node),
                      op=path, op_error=error, auto_name=tf_keras[0] if tf_keras is not None else None,
                      consumed=consumed, op_advice=advice)
        if error is not None and not (self.undecided or self.nested_mask_probes) and ld.span.path is None:
            # Keras raises at this line of the file, whether or not a model uses the result
            self.result.refused_tf.setdefault((ld.span.line, ld.span.col), ld)
        inputs = [t.tensor for t in tensors]
        out = self.make_node(ld, inputs, {}, node, list_input=False)
        count = self.op_output_count(path, args, kwargs)
        if count is not None:
            return [TensorVal(Tensor(out.tensor.producer, i)) for i in range(count)]
        return out

    def op_output_count(self, path: str, args: tuple, kwargs: dict) -> int | None:
        """How many tensors an op with several outputs returns, when the arguments tell."""
        spec = lookup_op(path)
        if spec is None or spec.key not in ("split", "tf_split", "unstack", *_PAIRS):
            return None
        if spec.key in _PAIRS:
            return 2
        bound = dict(spec.defaults)
        bound.update(zip(spec.params, args))
        bound.update({spec.renames.get(k, k): v for k, v in kwargs.items()})
        n = bound.get("indices_or_sections", bound.get("num_or_size_splits", bound.get("num")))
        if isinstance(n, int) and not isinstance(n, bool):
            return n
        if isinstance(n, (list, tuple)):
            return len(n) + (1 if spec.key == "split" else 0)
        if spec.key == "unstack" and isinstance(bound.get("x"), TensorVal) and isinstance(bound.get("axis"), int):
            shape = self.known_shape(bound["x"].tensor)
            if shape is not None and -len(shape) <= bound["axis"] < len(shape) and isinstance(shape[bound["axis"]], int):
                return shape[bound["axis"]]
        return None

    def call_tensor_function(self, qualname: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """A Keras op, activation or TensorFlow function called on tensors; None: not one."""
        path = op_path(qualname)
        if path is None:
            return None
        spec = lookup_op(path)
        if spec is not None and spec.key == "tile" and path.startswith("ops.") and self.keras_version == 3:
            # also of a constant, as a causal mask is: Keras' tile converts and iterates over its repeats
            repeats = kwargs.get("repeats", args[1] if len(args) > 1 else None)
            if graph_tensor(repeats):
                self.refuse_graph_tensor(repeats, "tile", node)
        if not self.tensors_in([list(args), kwargs]):
            made = self.constant_op(path, args, kwargs, node) if spec is not None else None
            if made is None and spec is not None and path.startswith("tf.") and spec.key != "shape" \
                    and not self.tracing:
                # A TensorFlow function of numbers runs eagerly: its unknown result is a tensor, which
                # a layer size must not be in Keras 3 (Dense(tf.math.reduce_prod(shape)))
                return Expr.tensor(next(iter(self.symbol(node).symbols())))
            return made
        if self.keras_version == 2 and not self.tracing and (path.startswith(("tf.", "ops.", "activations."))
                                                              or path in LOWERINGS or path in PROGRAMS):
            return self._tf_keras_call(path, spec, args, kwargs, node)
        if path.startswith("tf.") and not self.tracing:
            module = path[3:].rpartition(".")[0]
            if all(id(t.tensor.producer) in self.data_producers for t in self.tensors_in([list(args), kwargs])):
                return None  # results of layers run on data are eager tensors, which TensorFlow takes
            if module in _TF_CONVERTING:
                self.refused_tf_calls += 1
                return self.make_op(path, self.text(node.func), tuple(args), kwargs, node, error=KERAS_TENSOR_REFUSED)
            return None
        if spec is None:
            if path.startswith(("ops.", "activations.")):
                label = self.text(node.func)
                return self.opaque_call(label, f"`{label}` is not in layerlint's table of Keras ops", args, kwargs, node)
            return None
        if spec.key == "shape" and args and isinstance(args[0], TensorVal):
            return ShapeVal(args[0].tensor, self.text(node))
        if spec.key == "activations.linear":
            return args[0] if args else kwargs.get("x")
        if any(is_object(v) for v in [*args, *kwargs.values()]):
            args, kwargs = self.objects_by_text(args, kwargs, node)
        if spec.key == "reshape" and self.tracing:
            args, kwargs = self.shape_tensor_as_dims(spec, args, kwargs)
        if self.tracing and f"traced.ops.{spec.key}" in TABLE:  # Keras' checks of its own tensors do not run
            path = f"traced.ops.{spec.key}"
        return self.make_op(path, spec.cls or path, tuple(args), kwargs, node)

    def shape_tensor_as_dims(self, spec: Any, args: list, kwargs: dict) -> tuple[list, dict]:
        """``tf.reshape(y, tf.shape(x))`` in a traced call(): TensorFlow reads the shape tensor's
        known entries statically, so the result has x's shape, None where x's dim is None."""
        key = next((k for k in ("shape", "newshape") if k in kwargs), None)
        v = kwargs[key] if key is not None else (args[1] if len(args) > 1 else None)
        if not (isinstance(v, ShapeVal) and v.dynamic):
            return args, kwargs
        dims = self.known_shape(v.tensor)
        if dims is None:
            return args, kwargs
        if key is not None:
            return args, {**kwargs, key: tuple(dims)}
        return [args[0], tuple(dims), *args[2:]], kwargs

    def objects_by_text(self, args: list, kwargs: dict, node: cst.Call) -> tuple[list, dict]:
        """Arguments that are objects (no tensor, shape or data) as the user's text of them, which
        is what an unknown row then names."""
        starred = any(a.star for a in node.args)

        def text(i: int, key: str) -> Unfollowed:
            return Unfollowed(self.text(node) if starred else self.argument_text(node, i, key))

        return ([text(i, f"argument {i + 1}") if is_object(a) else a for i, a in enumerate(args)],
                {k: text(len(node.args), k) if is_object(v) else v for k, v in kwargs.items()})

    def _tf_keras_call(self, path: str, spec: Any, args: list, kwargs: dict, node: cst.Call) -> Any:
        """A function called on tf-keras 2's Keras tensors: TensorFlow's become TFOpLambda layers, and so do
        the TensorFlow calls a Keras 2 backend function or activation makes."""
        if path in IDENTITY and len(args) == 1 and not kwargs:
            return args[0]
        for key, lowering in ((path, LOWERINGS.get(path)), *VARIANTS.get(path, ())):
            made = self._lowered(key, lowering, args, kwargs, node) if lowering is not None else None
            if made is not None:
                return made
        if path in PROGRAMS:
            made = self._programmed(path, args, kwargs, node)
            if made is not None:
                return made
        if path.startswith("tf."):
            made = tf_keras_names.FUNCTIONS.get(path)
            if spec is not None and made is not None:
                return self.make_op(path, made[1], tuple(args), kwargs, node, tf_keras=made)
            if path[3:].rpartition(".")[0] not in _TF_CONVERTING:
                return None
        label = self.text(node.func)
        if path.startswith("activations.") and not tf_keras_activation(path.split(".", 1)[1]):
            return self.opaque_call(label, f"tf-keras 2 has no `{path}` (AttributeError)", args, kwargs, node)
        return self.opaque_call(label, f"`{label}` on a tf-keras tensor: layerlint does not follow the layers "
                                       "tf-keras wraps it in", args, kwargs, node)

    def _programmed(self, path: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """The TensorFlow calls tf-keras makes for ``path``, run through its program (keras2_programs.py);
        an unknown row with the reason where the program does not follow them."""
        program = PROGRAMS[path]
        try:
            bound = inspect.signature(program).bind(None, *args, **kwargs)
        except TypeError:
            return None
        label = self.text(node.func)
        try:
            return program(_Calls(self, node), *bound.args[1:], **bound.kwargs)
        except NotFollowed as exc:
            return self.opaque_call(label, f"`{label}` in tf-keras 2: {exc}", args, kwargs, node)
        except Refused as exc:
            return self.opaque_call(label, f"tf-keras 2 raises ValueError at `{label}`: {exc}", args, kwargs, node)

    def _lowered(self, path: str, lowering: Lowering, args: list, kwargs: dict, node: cst.Call) -> Any:
        """The TensorFlow calls tf-keras makes for ``path``; None when the arguments make it call others."""
        names = keras2_function_names.NAMES.get(path)
        if names is None or len(args) > len(lowering.params) or set(kwargs) - set(lowering.params[len(args):]):
            return None
        if not args:  # the tensor by keyword: TensorFlow names it otherwise
            return None
        given = dict(zip(lowering.params, args)) | kwargs
        for key, value in lowering.only.items():
            v = given.get(key, value)
            if not (type(v) in (int, float, type(None)) and v == value and (v is None) == (value is None)):
                return None
        if any(type(given.get(p)) not in (int, float) for p in lowering.numbers):
            return None
        # Handed on as written (positional while the user's are), else by TensorFlow's keyword; a default of
        # its own only where TensorFlow's differs.
        for p in lowering.listed:
            if type(given.get(p)) is int:
                given[p] = [given[p]]
        positional, keywords = [], {}
        own = lowering.own if lowering.own is not None else lowering.params
        for i, p in enumerate(p for p in own if p not in lowering.only):
            if p in given and i < len(args) and len(positional) == i:
                positional.append(given[p])
            elif p in given or p in lowering.defaults:
                keywords[lowering.keywords.get(p, p)] = given.get(p, lowering.defaults.get(p))
        handed = tuple(positional) + (lowering.extra if not keywords else ())
        if lowering.extra and keywords:
            return None

        def value(c: Any) -> Any:
            if isinstance(c, Param):
                return given.get(c.name, lowering.defaults.get(c.name))
            return [value(v) for v in c] if isinstance(c, list) else c

        out = self.make_op(lowering.tf, names[0][1], handed, keywords, node, tf_keras=names[0])
        for (tf, constants), made in zip(lowering.then, names[1:], strict=True):
            handed_on = tuple(out if c == OUT else value(c) for c in constants)
            out = self.make_op(tf, made[1], handed_on if OUT in constants else (out,) + handed_on, {}, node,
                               tf_keras=made)
        return out

    def _tf_keras_operator(self, table: dict, op: str, tensor_first: bool = True) -> tuple[str, str] | None:
        if self.keras_version != 2:
            return None
        return (table if tensor_first else tf_keras_names.REFLECTED).get(op)

    def constant_op(self, path: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """An op on numbers and data only (``ops.arange(n)``, ``ops.expand_dims`` of it): Keras
        runs it eagerly, so its result is a constant of the shape the op's rule gives, not a row.
        None: not such a call, or one whose shape cannot be followed."""
        spec = lookup_op(path)
        data = [v for v in flatten([list(args), kwargs]) if isinstance(v, (ArrayVal, WeightVal, ConstTensor))]
        if spec.key in NUMBER_TO_TENSOR:
            try:
                x = bind_op(spec, tuple(args), dict(kwargs)).get("x")
            except (ShapeError, Unanalysable):
                return None
            if isinstance(x, (list, tuple)):
                return self.converted_list(x, node)
            if not data:
                # ops.cast(0.125, "float32") of a plain number: a scalar, in eager code as in a traced call()
                return ConstTensor((), self.text(node)) if isinstance(x, (int, float)) else None
        if spec.family != "creation" and not data:
            return None
        try:
            if self.traced_unknown_dims(spec, args, kwargs, node):
                # In a traced call() TensorFlow takes a size it cannot read (ops.shape(x)[i] of an
                # unsized axis, a tensor there) as a dim of None: arange's length, ones' shape
                args, kwargs = _unsized_as_none(list(args), self.unsized_reads), \
                    _unsized_as_none(dict(kwargs), self.unsized_reads)
                out = spec.rule({**bind_op(spec, tuple(args), dict(kwargs)), "unknown_dims": True})
            else:
                out = apply_op(path, tuple(to_refs(a) for a in args), {k: to_refs(v) for k, v in kwargs.items()})
        except (ShapeError, Unanalysable):
            return None
        if spec.key == "linspace" and not self.tracing:
            values = linspace_values(bind_op(spec, tuple(args), dict(kwargs)), MAX_LOOP)
            if values is not None:
                return ConstTensor(out, self.text(node), values)
        return self.constant_of(out, spec.key, node)

    def converted_list(self, x: list | tuple, node: cst.Call) -> ConstTensor | None:
        """``tf.convert_to_tensor([0.1, 0.2])``, ``tf.cast([mask], tf.int8)``: a nested list of numbers
        and constants becomes one tensor, its shape the list's nesting as NumPy stacks it.  None:
        a ragged list, or an item (a Keras tensor, a value not followed) that is not data."""
        try:
            shape = nested_shape(to_refs(x))
        except Unanalysable:
            return None
        return ConstTensor(shape, self.text(node)) if known_dims(shape) else None

    def traced_unknown_dims(self, spec: Any, args: list, kwargs: dict, node: cst.Call) -> bool:
        """A creation op in a call() Keras 3 traces whose sizes hold a None, which there is a dim
        read from a tensor (``tf.shape(x)[0]``) and not the literal None the call would refuse."""
        if spec.family != "creation" or not self.tracing or self.keras_version == 2:
            return False
        if any(names_in(a.value, "None") for a in node.args):
            return False
        return _holds_none([*args, *kwargs.values()], self.unsized_reads)

    def constant_of(self, out: Any, key: str, node: cst.CSTNode) -> Any:
        if key == "shape":
            return out
        text = self.text(node)
        if isinstance(out, list):
            return [ConstTensor(s, text) for s in out] if all(known_dims(s) for s in out) else None
        return ConstTensor(out, text) if known_dims(out) else None

    def constant_operator(self, name: str, operands: tuple, node: cst.CSTNode) -> Any:
        """``a <op> b`` or ``a[...]`` on constants only (no Keras tensor): a constant, or a symbol."""
        spec = lookup_op(f"ops.{name}")
        if spec is not None:
            try:
                out = spec.rule(bind_op(spec, tuple(to_refs(v) for v in operands), {}))
            except (Unanalysable, ShapeError):
                out = None
            if isinstance(out, tuple):
                return ConstTensor(out, self.text(node))
        return self.symbol(node)

    def tensor_operator(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        """``a <op> b`` with a Keras tensor on either side; None: Python would not call Keras."""
        name = OPERATORS.get(op)
        if name is None:
            return None
        spec = lookup_op(f"ops.{name}")
        if spec is None:
            return None
        tf_keras = self._tf_keras_operator(tf_keras_names.BINARY, op, isinstance(a, TensorVal))
        return self.make_op(f"ops.{name}", spec.cls, (a, b), {}, node, tf_keras=tf_keras)

    def tensor_comparison(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        name = COMPARISONS.get(op)
        if name is None:
            return None
        tf_keras = self._tf_keras_operator(tf_keras_names.BINARY, op, isinstance(a, TensorVal))
        return self.make_op(f"ops.{name}", lookup_op(f"ops.{name}").cls, (a, b), {}, node, tf_keras=tf_keras)

    def tensor_unary(self, op: str, v: TensorVal, node: cst.CSTNode) -> Any:
        name = UNARY.get(op)
        if name is None:
            return None
        tf_keras = self._tf_keras_operator(tf_keras_names.UNARY, op)
        return self.make_op(f"ops.{name}", lookup_op(f"ops.{name}").cls, (v,), {}, node, tf_keras=tf_keras)

    def tensor_item(self, v: TensorVal, key: Any, node: cst.CSTNode) -> Any:
        tf_keras = tf_keras_names.GETITEM if self.keras_version == 2 else None
        return self.make_op("ops.get_item", "GetItem", (v, key), {}, node, tf_keras=tf_keras)


class _Calls:
    """keras2_programs' interface: each TensorFlow call or operator a layer tf-keras names as it does."""

    def __init__(self, ops: TensorOps, node: cst.Call) -> None:
        self.ops, self.node = ops, node

    def __call__(self, path: str, *args: Any, **kwargs: Any) -> Any:
        if path == "tf.keras.backend.batch_flatten":
            # its first try's inner calls take their names before the whole function is dispatched
            return self.ops.make_op("tf_keras.backend.batch_flatten", "TFOpLambda", args, kwargs, self.node,
                                    tf_keras=(path, "TFOpLambda"), consumed=_BATCH_FLATTEN_TRIED)
        if lookup_op(path) is None:
            raise NotFollowed(f"`{path}` is not in layerlint's op table")
        made = tf_keras_names.FUNCTIONS.get(path) or (path, "TFOpLambda")
        return self.ops.make_op(path, made[1], args, kwargs, self.node, tf_keras=made)

    def operator(self, op: str, a: Any, b: Any = None) -> Any:
        if op in UNARY:
            return self.ops.make_op(f"ops.{UNARY[op]}", "", (a,), {}, self.node, tf_keras=tf_keras_names.UNARY[op])
        name = OPERATORS.get(op) or COMPARISONS[op]
        return self.ops.make_op(f"ops.{name}", "", (a, b), {}, self.node, tf_keras=tf_keras_names.BINARY[op])

    def shape(self, x: Any) -> tuple:
        shape = self.ops.known_shape(x.tensor) if isinstance(x, TensorVal) else None
        if shape is None:
            raise NotFollowed("the shape of its tensor is not known")
        return shape

    def shape_tensor(self, x: Any) -> Any:
        return self.ops.make_op("tf_keras.backend.shape", "TFOpLambda", (x,), {}, self.node,
                                tf_keras=("tf.compat.v1.shape", "TFOpLambda"))

    def item(self, x: Any, key: Any) -> Any:
        key = (key,) if isinstance(key, slice) else key  # as the interpreter hands a slice on
        return self.ops.make_op("ops.get_item", "GetItem", (x, key), {}, self.node, tf_keras=tf_keras_names.GETITEM)

    def stated(self, path: str, shape: tuple, *args: Any, set_after: bool = False) -> Any:
        key = "tf_set_shape" if set_after else "tf_static_shape"
        return self.ops.make_op("tf_keras.stated", "TFOpLambda", args, {key: shape}, self.node,
                                tf_keras=(path, "TFOpLambda"))

    def is_bool(self, x: Any) -> bool:
        layer = getattr(x.tensor.producer, "layer", None) if isinstance(x, TensorVal) else None
        return getattr(layer, "op", None) in _BOOLEAN_OPS


# Ops whose result is boolean (comparisons and logic), by their path in the op table.
_BOOLEAN_OPS = frozenset(path for path, spec in TABLE.items() if spec.key in (
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "logical_and", "logical_or",
    "logical_not", "logical_xor", "isnan", "isinf", "isfinite"))


# backend.batch_flatten's inner calls, which fail on tf-keras' Keras tensor before TensorFlow's dispatch
# hands it the whole function: each takes an auto name (held to tf-keras in tests/keras2_function_cases.py).
_BATCH_FLATTEN_TRIED = ("tf.compat.v1.shape", "tf.__operators__.getitem", "tf.math.reduce_prod", "tf.stack")


def graph_tensor(v: Any) -> bool:
    """Whether ``v``, in a call() Keras traces, is certainly a TensorFlow tensor, not a list or tuple
    of sizes: a keras.ops result (other than ``ops.shape``, a tuple), ``tf.shape(x)``, a constant
    tensor (``ops.convert_to_tensor([1, 1])``), a tensor of the graph."""
    if isinstance(v, (TensorVal, ConstTensor)):
        return True
    if isinstance(v, ShapeVal):
        return v.graph
    if isinstance(v, Expr):
        return v.holds_tensor()
    if isinstance(v, KerasObj):
        path = op_path(v.path)
        spec = lookup_op(path) if path is not None and path.startswith("ops.") else None
        return spec is not None and spec.key != "shape" and spec.key not in _LIST_RESULTS
    return False


# keras.ops functions that return a list or tuple of tensors, not one tensor
_LIST_RESULTS = frozenset({"split", "unstack", *_PAIRS})


def _holds_none(v: Any, unsized: set[str]) -> bool:
    # a function of the module: a closure naming itself would be a cycle left to the collector
    return v is None or _unsized(v, unsized) or isinstance(v, (list, tuple)) and any(_holds_none(x, unsized) for x in v)


def _unsized(v: Any, unsized: set[str]) -> bool:
    """A size computed from a dim Keras' trace does not know (a tensor there): one of ``unsized``."""
    return isinstance(v, Expr) and bool(v.symbols() & unsized)


def _unsized_as_none(v: Any, unsized: set[str]) -> Any:
    """``v`` with every size computed from a dim Keras' trace does not know as None."""
    if _unsized(v, unsized):
        return None
    if isinstance(v, (list, tuple)):
        return type(v)(_unsized_as_none(x, unsized) for x in v)
    if isinstance(v, dict):
        return {k: _unsized_as_none(x, unsized) for k, x in v.items()}
    return v
