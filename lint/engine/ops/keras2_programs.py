"""Keras 2 backend functions whose TensorFlow calls depend on their arguments and on the static shapes
of their tensors (``K.batch_dot``'s transposes, ``K.repeat_elements``' splits): each is written here as the
sequence of TensorFlow calls tf-keras 2.21's backend.py makes, in its order, against a small interface
that makes one TFOpLambda layer per call.  Where tf-keras goes through shape tensors (``tf.shape``,
``tf.unstack`` of it) layerlint does not follow, the program gives up (``Unfollowed``) and the call
stays unknown.  Whole models' rows are held to tf-keras in tests/test_keras2_functions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Unfollowed(Exception):
    """tf-keras would go where layerlint does not follow; the message says where."""


class Refused(Exception):
    """tf-keras raises on these arguments (its message)."""


class TF(Protocol):
    def __call__(self, path: str, *args: Any, **kwargs: Any) -> Any:
        """One TensorFlow call on Keras tensors (a layer); ``path`` as in layerlint's op table."""

    def operator(self, op: str, a: Any, b: Any = None) -> Any:
        """A Python operator (the interpreter's name: ``Add``, ``Minus``) on a Keras tensor."""

    def shape(self, x: Any) -> tuple:
        """The static shape of a Keras tensor (raises Unfollowed when it is not known)."""


def _number(v: Any, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Unfollowed(f"`{name}` is not a number layerlint knows")
    return v


def relu(tf: TF, x: Any, alpha: Any = 0.0, max_value: Any = None, threshold: Any = 0.0) -> Any:
    alpha, threshold = _number(alpha, "alpha"), _number(threshold, "threshold")
    if max_value is not None:
        max_value = _number(max_value, "max_value")
    negative = None
    if alpha != 0.0:
        if max_value is None and threshold == 0:
            return tf("tf.nn.leaky_relu", x, alpha=alpha)
        minus = tf.operator("Minus", x)
        negative = tf("tf.nn.relu", tf.operator("Add", minus, threshold) if threshold != 0 else minus)
    clip_max = max_value is not None
    if threshold != 0:
        x = tf.operator("Multiply", x, tf("tf.cast", tf("tf.greater", x, threshold), "float32"))
    elif max_value == 6:
        x = tf("tf.nn.relu6", x)
        clip_max = False
    else:
        x = tf("tf.nn.relu", x)
    if clip_max:
        x = tf("tf.clip_by_value", x, 0.0, max_value)
    if negative is not None:
        x = tf.operator("Subtract", x, tf.operator("Multiply", negative, alpha))
    return x


def elu(tf: TF, x: Any, alpha: Any = 1.0) -> Any:
    alpha = _number(alpha, "alpha")
    res = tf("tf.nn.elu", x)
    if alpha == 1:
        return res
    return tf("tf.where", tf.operator("GreaterThan", x, 0), res, tf.operator("Multiply", res, alpha))


def repeat_elements(tf: TF, x: Any, rep: Any, axis: Any) -> Any:
    shape = tf.shape(x)
    if not isinstance(axis, int) or isinstance(axis, bool) or not -len(shape) <= axis < len(shape):
        raise Unfollowed("`axis` is not an axis layerlint knows")
    if not isinstance(rep, int) or isinstance(rep, bool):
        raise Unfollowed("`rep` is not a number layerlint knows")
    size = shape[axis]
    if not isinstance(size, int):
        raise Unfollowed("tf-keras repeats an axis of unknown size through tf.shape, which layerlint does not follow")
    splits = tf("tf.split", value=x, num_or_size_splits=size, axis=axis)
    return tf("tf.concat", [s for s in splits for _ in range(rep)], axis)


def batch_flatten(tf: TF, x: Any) -> Any:
    # tf-keras' backend.batch_flatten meets the Keras tensor whole (TensorFlow's dispatch): one layer,
    # whose reshape to a stacked shape tensor leaves both axes unknown.
    shape = tf.shape(x)
    if shape[0] is not None or not all(isinstance(d, int) for d in shape[1:]):
        raise Unfollowed("tf-keras flattens a tensor of unknown or fixed-batch shape through tf.shape, which "
                         "layerlint does not follow")
    return tf("tf.keras.backend.batch_flatten", x)


def dot(tf: TF, x: Any, y: Any) -> Any:
    if len(tf.shape(x)) > 2 or len(tf.shape(y)) > 2:
        raise Unfollowed("tf-keras reshapes through tf.shape and tf.unstack, which layerlint does not follow")
    return tf("tf.matmul", x, y)


def batch_dot(tf: TF, x: Any, y: Any, axes: Any = None) -> Any:
    x_shape, y_shape = tf.shape(x), tf.shape(y)
    x_ndim, y_ndim = len(x_shape), len(y_shape)
    if x_ndim < 2 or y_ndim < 2:
        raise Refused(f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes {x_shape} "
                      f"and {y_shape}.")
    if x_shape[0] is not None and y_shape[0] is not None and x_shape[0] != y_shape[0]:
        raise Refused(f"Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes "
                      f"{x_shape} and {y_shape}.")
    if isinstance(axes, int) and not isinstance(axes, bool):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if not isinstance(axes, (list, tuple)):
        raise Unfollowed("`axes` is not known")
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise Refused(f"Multiple target dimensions are not supported. Expected: None, int, (int, int), "
                      f"Provided: {axes}")
    if len(axes) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise Unfollowed("`axes` is not a pair of ints")
    a0, a1 = axes[0] + x_ndim if axes[0] < 0 else axes[0], axes[1] + y_ndim if axes[1] < 0 else axes[1]
    if 0 in (a0, a1):
        raise Refused("Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch "
                      "dimension to your inputs using K.expand_dims(x, 0)")
    if not (a0 < x_ndim and a1 < y_ndim):
        raise Refused(f"tuple index out of range (axes={[a0, a1]}, shapes {x_shape} and {y_shape})")
    d1, d2 = x_shape[a0], y_shape[a1]
    if d1 is not None and d2 is not None and d1 != d2:
        raise Refused(f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} with axes={[a0, a1]}. "
                      f"x.shape[{a0}] != y.shape[{a1}] ({d1} != {d2}).")
    orig_x_ndim, orig_y_ndim = x_ndim, y_ndim
    if x_ndim == 2:
        x, a0, x_ndim = tf("tf.expand_dims", x, 1), a0 + 1, 3
    if y_ndim == 2:
        y, y_ndim = tf("tf.expand_dims", y, 2), 3
    if x_ndim > 3 or y_ndim > 3:
        raise Unfollowed("tf-keras reshapes inputs of rank above 3 through tf.shape, which layerlint does not follow")
    if a0 != x_ndim - 1:
        pattern = list(range(x_ndim))
        pattern[a0:-1] = pattern[a0 + 1:]
        pattern[-1] = a0
        x = tf("tf.transpose", x, pattern)
    if a1 != 1:
        pattern = list(range(y_ndim))
        pattern[2:a1 + 1] = pattern[1:a1]
        pattern[1] = a1
        y = tf("tf.transpose", y, pattern)
    result = tf("tf.matmul", x, y)
    if orig_x_ndim == 2:
        return tf("tf.squeeze", result, 1)
    if orig_y_ndim == 2:
        return tf("tf.squeeze", result, -1)
    return result


PROGRAMS: dict[str, Callable[..., Any]] = {
    "backend.relu": relu,
    "activations.relu": relu,
    "backend.elu": elu,
    "activations.elu": elu,
    "backend.repeat_elements": repeat_elements,
    "backend.batch_flatten": batch_flatten,
    "backend.dot": dot,
    "backend.batch_dot": batch_dot,
}
