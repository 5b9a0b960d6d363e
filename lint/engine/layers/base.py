"""The contract between the shape engine and the per-family layer modules.

Each supported Keras layer is a :class:`LayerSpec`: the constructor's
positional parameter order and defaults (so ``Conv1D(7, 40)`` binds like
Keras does) and one ``compute`` function that plays the part of Keras'
``compute_output_shape`` and ``build`` together: given the bound
configuration and the input shapes it returns the output shape(s) and the
weight shapes in ``get_weights()`` order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from layerlint.engine.symbolic import Dim, Expr, NumpyInt, shape_str

Shape = tuple  # tuple[Dim, ...], batch axis first


class ShapeError(Exception):
    """Keras would raise while building this layer.

    ``kind`` groups errors for the rules: ``zero-or-negative``, ``rank``,
    ``merge``, ``reshape``, ``groups``, ``invalid``.
    """

    def __init__(self, kind: str, message: str, **facts: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.facts = facts


@dataclass(frozen=True)
class LayerArg:
    """A layer passed as a constructor argument (Bidirectional(LSTM(8)), TimeDistributed(Dense(4)))."""

    cls: str
    args: tuple = ()
    kwargs: tuple = ()  # sorted (name, value) pairs, hashable

    @property
    def kw(self) -> dict:
        return dict(self.kwargs)


class Unanalysable(Exception):
    """An argument we cannot follow makes the output unknown (not an error)."""


@dataclass
class Weight:
    name: str
    shape: tuple
    trainable: bool = True
    itemsize: int = 4  # bytes per value, for the summary's sizes: float32, or int64 for Normalization's count


@dataclass
class Built:
    output: Any  # Shape, or list of Shapes for layers with several outputs
    weights: list[Weight] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # arithmetic for --explain
    facts: dict = field(default_factory=dict)  # structured facts for rules


class Config:
    """Constructor arguments bound to names, with typed accessors.

    Values come from the extractor: ints, floats, strings, bools, None,
    tuples/lists, or :class:`Expr` symbols for anything it could not follow.
    """

    def __init__(self, cls: str, values: dict[str, Any]) -> None:
        self.cls = cls
        self.values = values

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def dim(self, key: str) -> Dim:
        """An integer-valued argument; symbolic if not known."""
        v = self.values.get(key)
        if isinstance(v, bool):
            return int(v)
        if (isinstance(v, int) and not isinstance(v, NumpyInt)) or v is None:
            return v
        # A size from `/` is a float, one from tf.math.reduce_prod a tensor, one from np.prod a NumPy
        # integer: Keras 3 wants a Python int in many layers, tf-keras took either in some (size_types
        # holds which).
        from layerlint.engine.layers.ops import KERAS_VERSION
        from layerlint.engine.layers.size_types import (
            KERAS3_NUMPY_UNDECIDED,
            float_size_refusal,
            numpy_size_refusal,
            scalar_data_refusal,
            scalar_data_undecided,
            tensor_size_refusal,
        )

        version = self.values.get(KERAS_VERSION, 3)
        v = scalar_as_expr(v)
        if isinstance(v, NumpyInt):
            refused = numpy_size_refusal(self.cls, key, int(v), v.dtype, version)
            if refused is not None:  # Keras' message shows only the number: the rule says what it is
                raise ShapeError("invalid", refused, numpy_int=v.text)
            if version == 3 and (self.cls, key) in KERAS3_NUMPY_UNDECIDED:
                raise Unanalysable(f"{key}={v.text} is a NumPy integer: Keras 3 refuses it in {self.cls}'s call, "
                                   "and takes it where Bidirectional rebuilds the layer")
            return int(v)
        if isinstance(v, Expr):
            refused = tensor_size_refusal(self.cls, key, str(v), version) if v.holds_tensor() else \
                scalar_data_refusal(self.cls, key, str(v), version) if v.holds_scalar_data() else None
            if refused is not None:
                raise ShapeError("invalid", refused)
            if v.holds_scalar_data() and scalar_data_undecided(self.cls, key, version):
                raise Unanalysable(f"{key}={v} is a NumPy scalar or a tensor: Keras takes the one and refuses "
                                   f"the other as {self.cls}'s {key}")
            return v
        if isinstance(v, float):
            refused = float_size_refusal(self.cls, key, v, version)
            if refused is not None:
                raise ShapeError("invalid", refused)
            if v.is_integer():
                return int(v)
        raise Unanalysable(f"{key}={value_text(v)} is not an integer")

    def int_tuple(self, key: str, n: int) -> tuple:
        """Keras' standardize_tuple: an int becomes n copies; tuples are checked."""
        v = scalar_as_expr(self.values.get(key))
        if isinstance(v, NumpyInt) or isinstance(v, Expr) and (v.holds_tensor() or v.holds_scalar_data()):
            # not a Python int, and not a sequence: both Kerases' standardize_tuple refuse it
            from layerlint.engine.layers.ops import KERAS_VERSION
            from layerlint.engine.layers.size_types import numpy_tuple_refusal

            raise ShapeError("invalid", numpy_tuple_refusal(key, n, v, self.values.get(KERAS_VERSION, 3)))
        if isinstance(v, (int, Expr)) and not isinstance(v, bool):
            return (v,) * n
        if isinstance(v, (tuple, list)):
            if len(v) != n:
                raise ShapeError("invalid", f"The `{key}` argument must be a tuple of {n} integers. Received {key}={_py(v)}")
            return tuple(v)
        if v is None:
            raise Unanalysable(f"{key} is not given")
        raise Unanalysable(f"{key}={value_text(v)} is not a tuple of integers")

    def string(self, key: str, lower: bool = True) -> str | None:
        v = self.values.get(key)
        if v is None:
            return None
        if isinstance(v, str):
            return v.lower() if lower else v
        raise Unanalysable(f"{key} is not a known string")

    def flag(self, key: str) -> bool:
        v = self.values.get(key)
        if isinstance(v, bool) or v is None or isinstance(v, int):
            return bool(v)
        raise Unanalysable(f"{key} is not a known boolean")

    def data_format(self) -> str:
        v = self.string("data_format")
        return v or "channels_last"


def value_text(v: Any) -> str:
    """A value that is no number, for a reason: plain values as Python writes them; an object of the
    interpreter's by what it was made with (never its repr, which says nothing to the user)."""
    path = getattr(v, "path", None)
    if isinstance(path, str):
        return f"{path}(...)"
    text = getattr(v, "text", None)
    if isinstance(text, str) and text:
        return text
    if isinstance(v, (int, float, str, tuple, list, type(None))):
        return _py(v)
    return _IN_WORDS.get(type(v).__name__, "a value layerlint cannot follow")


# The interpreter's objects, as the user knows what they stand for (their class names are ours)
_IN_WORDS = {"TensorVal": "a tensor", "ConstTensor": "a tensor", "ArrayVal": "an array", "LayerObj": "a layer",
             "ModelVal": "a model", "OpaqueModelVal": "a model", "FunctionVal": "a function", "ClassVal": "a class",
             "InstanceVal": "an object", "BoundMethod": "a method", "Ref": "a name", "DatasetVal": "a dataset",
             "ShapeVal": "a shape", "WeightVal": "a weight", "dict": "a dict", "set": "a set"}


_PLAIN = frozenset({int, str, bool, float, tuple, list, type(None)})


def scalar_as_expr(v: Any) -> Any:
    """A scalar tensor given as a size, as the number it stands for: a keras.ops call's result (an
    object of the interpreter's with its ``path``) is a tensor; a scalar constant (``tf.reduce_prod`` of
    a constant, a 0-d array) a tensor or a NumPy scalar.  Named by the user's expression."""
    if type(v) in _PLAIN:  # nearly every size: no import, no attribute lookups
        return v
    from layerlint.engine.ops.base import ConstTensor

    if isinstance(v, ConstTensor) and v.shape == ():
        return Expr.scalar_data(v.text or "a scalar constant")
    path = getattr(v, "path", None)
    if isinstance(path, str) and path.startswith(("keras.ops.", "keras.src.ops.")):
        return Expr.tensor(f"{path}(...)")
    return v


def _py(v: Any) -> str:
    if isinstance(v, tuple):
        return "(" + ", ".join(_py(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_py(x) for x in v) + "]"
    return str(v)


ComputeFn = Callable[[Config, list], Built]


@dataclass
class LayerSpec:
    name: str
    positional: tuple[str, ...]
    defaults: dict[str, Any]
    compute: ComputeFn
    # Rank Keras requires of the (first) input, batch included; lets a symbolic
    # input_shape become (None, input_shape[0], ...).
    input_rank: int | None = None
    multi_input: bool = False  # merge layers take a list of tensors
    call_args: tuple[str, ...] = ()  # extra positional tensors in call(), e.g. MHA value
    family: str = ""
    aliases: tuple[str, ...] = ()


REGISTRY: dict[str, LayerSpec] = {}
ALIASES: dict[str, str] = {}


def layer(
    name: str,
    *positional: str,
    input_rank: int | None = None,
    multi_input: bool = False,
    call_args: Sequence[str] = (),
    aliases: Sequence[str] = (),
    **defaults: Any,
) -> Callable[[ComputeFn], ComputeFn]:
    """Register ``compute`` as the shape and weight rule of Keras layer ``name``.

    ``positional`` lists the constructor's parameters in Keras' order;
    ``defaults`` gives the default of every parameter the compute reads.
    """

    def register(fn: ComputeFn) -> ComputeFn:
        spec = LayerSpec(
            name=name,
            positional=tuple(positional),
            defaults=dict(defaults),
            compute=fn,
            input_rank=input_rank,
            multi_input=multi_input,
            call_args=tuple(call_args),
            family=fn.__module__.rsplit(".", 1)[-1],
            aliases=tuple(aliases),
        )
        REGISTRY[name] = spec
        for alias in aliases:
            ALIASES[alias] = name
        return fn

    return register


def single(inputs: list, cls: str) -> Shape:
    """The one input shape of a single-input layer."""
    if len(inputs) != 1:
        raise ShapeError("invalid", f"Layer {cls} expects 1 input, but it received {len(inputs)} input tensors")
    return inputs[0]


def require_rank(shape: Shape, rank: int, cls: str, name: str = "", at_least: bool = False) -> None:
    """Keras' InputSpec(ndim=...) / (min_ndim=...) check."""
    ok = len(shape) >= rank if at_least else len(shape) == rank
    if not ok:
        want = f"min_ndim={rank}" if at_least else f"ndim={rank}"
        raise ShapeError(
            "rank",
            f"Input 0 of layer \"{name or cls}\" is incompatible with the layer: expected {want}, "
            f"found ndim={len(shape)}. Full shape received: {shape_str(shape)}",
            expected=rank,
            found=len(shape),
            at_least=at_least,
        )
