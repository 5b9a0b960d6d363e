"""Tensors a layer makes for itself outside add_weight: an initializer called on a
shape, and ``tf.Variable(initial_value=...)`` holding it.

Keras 3 does not track a raw ``tf.Variable`` as a weight (``layer.weights`` leaves
it out, and the summary does not count it), so it is data of its initial value's
shape, as ``ops.ones(...)`` is.  tf-keras 2 does count it: that case is left unknown.
"""

from __future__ import annotations

from typing import Any

from layerlint.engine.symbolic import Expr
from layerlint.extract.keras_names import keras_path

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
