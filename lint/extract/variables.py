"""Tensors a layer makes for itself outside add_weight: an initializer called on a
shape, ``tf.Variable(initial_value=...)`` holding it, and ``keras.Variable``.

Keras 3 does not track a raw ``tf.Variable`` as a weight (``layer.weights`` leaves
it out, and the summary does not count it), so it is data of its initial value's
shape, as ``ops.ones(...)`` is.  tf-keras 2 does count it: that case is left unknown.

A ``keras.Variable`` is a Keras variable: a layer attribute holding it makes it one of
the layer's weights (Keras' attribute tracker), as ``add_weight`` does.
"""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import Unanalysable
from layerlint.engine.ops.base import ConstTensor
from layerlint.engine.ops.creation import nested_shape
from layerlint.engine.symbolic import Expr
from layerlint.extract.keras_names import keras_path
from layerlint.extract.runtime import flatten
from layerlint.extract.values import ArrayVal, FunctionVal, KerasObj, Ref, WeightVal

# TensorFlow's initializer classes (tf.*_initializer), called on a shape like Keras' own.
TF_INITIALIZERS = frozenset(f"tensorflow.{name}_initializer" for name in (
    "random_uniform", "random_normal", "zeros", "ones", "constant", "glorot_uniform", "glorot_normal"))


def is_initializer(path: str) -> bool:
    kp = keras_path(path)
    return path in TF_INITIALIZERS or kp is not None and kp.startswith("initializers.")


def initializer_shape(args: list, kwargs: dict) -> tuple | None:
    """The shape an initializer is called on (``init(shape, dtype=None)``), when it is all dims."""
    shape = kwargs.get("shape", args[0] if args else None)
    if isinstance(shape, (tuple, list)) and all(isinstance(d, (int, Expr)) and not isinstance(d, bool) for d in shape):
        return tuple(shape)
    return None


def variable_initial(args: list, kwargs: dict) -> Any:
    """``tf.Variable``'s initial value, as passed (first positional or ``initial_value=``)."""
    return kwargs.get("initial_value", args[0] if args else None)


# keras.Variable's leading parameters, in order (Keras 3.15: initializer, shape, dtype, trainable, ...).
_VARIABLE_PARAMS = ("initializer", "shape", "dtype", "trainable", "autocast", "aggregation", "synchronization", "name")


def is_keras_variable(path: str) -> bool:
    return keras_path(path) in ("Variable", "backend.Variable")


def keras_variable(args: list, kwargs: dict) -> WeightVal:
    """``keras.Variable(initializer, shape=None, dtype=None, trainable=True, ...)``.  Keras calls an
    initializer (a name, an initializer object, a function) on ``shape``; any other initializer
    is the value, whose own shape the variable takes (``shape=`` is then not read).  A shape or
    trainable flag that cannot be followed leaves the shape None, a dtype the itemsize None: a layer
    holding it is unknown."""
    bound = dict(zip(_VARIABLE_PARAMS, args))
    bound.update(kwargs)
    init, trainable = bound.get("initializer"), bound.get("trainable", True)
    name = bound.get("name") if isinstance(bound.get("name"), str) else "variable"
    calls = _calls_initializer(init)
    shape = _initializer_call_shape(bound.get("shape")) if calls else _value_shape(init)
    # Keras' dtype: the one given; else floatx for an initializer, else the value's (not followed)
    dtype = bound.get("dtype")
    itemsize = dtype_itemsize(dtype) if dtype is not None else 4 if calls else None
    if not isinstance(trainable, bool):
        shape = None
    return WeightVal(name, shape, trainable if isinstance(trainable, bool) else True, loose=True, itemsize=itemsize)


# Bytes per value of the dtypes Keras' standardize_dtype gives ("int" is int64, "float" float32).
_ITEMSIZES = {"float": 4, "int": 8, "bool": 1, "float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "int8": 1,
              "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "int64": 8, "uint64": 8}


def dtype_itemsize(dtype: object) -> int | None:
    """The size of a dtype written as a name (``"int"``) or a TensorFlow or NumPy one (``tf.int32``)."""
    if isinstance(dtype, Ref) and dtype.qualname.startswith(("tensorflow.", "numpy.")):
        dtype = dtype.qualname.rsplit(".", 1)[-1]
    return _ITEMSIZES.get(dtype) if isinstance(dtype, str) else None


def _calls_initializer(init: object) -> bool:
    return isinstance(init, (str, FunctionVal)) or isinstance(init, KerasObj) and is_initializer(init.path)


def _initializer_call_shape(shape: object) -> tuple | None:
    if isinstance(shape, (tuple, list)) and all(isinstance(d, (int, Expr)) and not isinstance(d, bool) for d in shape):
        return tuple(shape)
    return None


def _value_shape(init: object) -> tuple | None:
    """The shape of an initial value: a constant, a NumPy array, a number or a list of them."""
    if isinstance(init, ArrayVal):
        return init.shape if isinstance(init.shape, tuple) and not init.sequences \
            and all(isinstance(d, int) for d in init.shape) else None
    if isinstance(init, WeightVal):
        return init.shape
    if isinstance(init, (ConstTensor, int, float, list, tuple)):
        try:
            shape = nested_shape(init)
        except Unanalysable:
            return None
        return shape if all(isinstance(d, int) for d in shape) else None
    return None


def loose_variables(value: object) -> list[WeightVal]:
    """The keras.Variables no layer holds yet, in a value being stored."""
    return [v for v in flatten([value]) if isinstance(v, WeightVal) and v.loose]
