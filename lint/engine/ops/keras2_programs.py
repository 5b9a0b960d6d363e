"""Keras 2 backend functions whose TensorFlow calls depend on their arguments and on the static shapes
of their tensors (``K.batch_dot``'s transposes, ``K.repeat_elements``' splits): each is written here as the
sequence of TensorFlow calls tf-keras 2.21's backend.py makes, in its order, against a small interface
that makes one TFOpLambda layer per call.  Where tf-keras goes through shape tensors (``tf.shape``,
``tf.unstack`` of it), each of those calls is a row too; a reshape to such a tensor gets the shape
TensorFlow's static inference reads from it (known entries where the value is known, None elsewhere),
which the program works out from the static shapes it started from.  Where that is not plain, the
program gives up (``Unfollowed``) and the call stays unknown.  Whole models' rows are held to tf-keras in
tests/test_keras2_functions.py.
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

    def shape_tensor(self, x: Any) -> Any:
        """``tf.shape(x)`` on a Keras tensor: a layer whose output is a vector of x's rank."""

    def item(self, x: Any, key: Any) -> Any:
        """``x[key]`` on a Keras tensor (a SlicingOpLambda layer)."""

    def stated(self, path: str, shape: tuple, *args: Any, set_after: bool = False) -> Any:
        """A TensorFlow call whose output shape TensorFlow infers from a shape tensor's value: the
        program gives that shape (``shape``), worked out as TensorFlow's static inference does, or
        (``set_after``) the one tf-keras sets on the result itself (``set_shape``)."""

    def is_bool(self, x: Any) -> bool:
        """Whether a Keras tensor is known to be boolean (a comparison's result)."""


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


def _plain(tf: TF, x: Any) -> tuple:
    """x's static shape when each dim is a number or None (the only dims TensorFlow's inference has)."""
    shape = tf.shape(x)
    if not all(d is None or isinstance(d, int) and not isinstance(d, bool) for d in shape):
        raise Unfollowed("its tensor's shape holds a size layerlint knows only by name")
    return shape


def repeat_elements(tf: TF, x: Any, rep: Any, axis: Any) -> Any:
    shape = tf.shape(x)
    if not isinstance(axis, int) or isinstance(axis, bool) or not -len(shape) <= axis < len(shape):
        raise Unfollowed("`axis` is not an axis layerlint knows")
    if not isinstance(rep, int) or isinstance(rep, bool):
        raise Unfollowed("`rep` is not a number layerlint knows")
    size = shape[axis]
    if isinstance(size, int):
        splits = tf("tf.split", value=x, num_or_size_splits=size, axis=axis)
        return tf("tf.concat", [s for s in splits for _ in range(rep)], axis)
    if size is not None:
        raise Unfollowed("the size of the repeated axis is known only by name")
    shape = _plain(tf, x)
    x_shape = tf.shape_tensor(x)
    # tf-keras' auxiliary axis is axis + 1 and its reps are indexed numpy's way, negative axes included
    tiled = tf("tf.expand_dims", x, axis=axis + 1)
    reps = [1] * (len(shape) + 1)
    reps[axis + 1] = rep
    tiled = tf("tf.tile", tiled, reps)
    # x_shape *= reps (a constant tensor): a multiply layer; the reshape's static shape is then set to x's own
    # (tf-keras calls set_shape), which is right since the repeated axis is unknown either way.
    del reps[axis + 1]
    reps[axis] = rep
    x_shape = tf.operator("Multiply", x_shape, reps)
    return tf.stated("tf.reshape", shape, tiled, x_shape, set_after=True)


def _tf_broadcast(a: tuple, b: tuple) -> tuple:
    """TensorFlow's static broadcast of two shapes: an unknown dim takes a known side above 1."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out: list = []
    for i, j in zip(a, b):
        if i is None:
            out.append(j if j is not None and j > 1 else None)
        elif j is None:
            out.append(i if i > 1 else None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            raise Unfollowed(f"tf-keras cannot broadcast {a} and {b}")
    return tuple(out)


def switch(tf: TF, condition: Any, then_expression: Any, else_expression: Any) -> Any:
    if not tf.is_bool(condition):
        raise Unfollowed("whether its condition is boolean (else tf-keras casts it first) is not known")
    if callable(then_expression) or callable(else_expression):
        raise Unfollowed("a callable branch is not followed")
    cond = _plain(tf, condition)
    if not cond:
        # tf.compat.v1.cond refuses the Keras tensor, and TensorFlow's dispatch then takes the whole function
        # as one layer; its shape is the branches' common shape
        if not _tensor_like(tf, then_expression) or not _tensor_like(tf, else_expression) \
                or _plain(tf, then_expression) != _plain(tf, else_expression):
            raise Unfollowed("its branches are not two tensors of one shape")
        return tf.stated("tf.keras.backend.switch", _plain(tf, then_expression), condition, then_expression,
                         else_expression)
    if not _tensor_like(tf, then_expression):
        raise Unfollowed("its first branch is not a Keras tensor")
    expr = _plain(tf, then_expression)
    if len(cond) > len(expr):
        raise Refused(f"Rank of `condition` should be less than or equal to rank of `then_expression` and "
                      f"`else_expression`. ndim(condition)={len(cond)}, ndim(then_expression)={len(expr)}")
    other = _plain(tf, else_expression) if _tensor_like(tf, else_expression) else ()
    if not _tensor_like(tf, else_expression) and not isinstance(else_expression, (int, float)):
        raise Unfollowed("its second branch is neither a Keras tensor nor a number")
    if len(cond) > 1:
        diff = len(expr) - len(cond)
        # a shape tensor and a list of ones: a vector of the branch's rank
        cond_shape = tf.stated("tf.concat", (len(expr),), [tf.shape_tensor(condition), [1] * diff], 0)
        condition = tf.stated("tf.reshape", cond + (1,) * diff, condition, cond_shape)
        expr_shape = tf.shape_tensor(then_expression)
        shape_diff = tf.operator("Subtract", expr_shape, cond_shape)
        tile_shape = tf("tf.where", tf.operator("GreaterThan", shape_diff, 0), expr_shape, tf("tf.ones_like", expr_shape))
        # the multiples are a tf.where's result, whose value TensorFlow's inference does not read
        condition = tf.stated("tf.tile", (None,) * len(expr), condition, tile_shape)
        cond = (None,) * len(expr)
    out = _tf_broadcast(cond, _tf_broadcast(expr, other))
    return tf.stated("tf.where", out, condition, then_expression, else_expression)


def _tensor_like(tf: TF, v: Any) -> bool:
    try:
        tf.shape(v)
    except Unfollowed:
        return False
    return True


def batch_flatten(tf: TF, x: Any) -> Any:
    # tf-keras' backend.batch_flatten meets the Keras tensor whole (TensorFlow's dispatch): one layer,
    # whose reshape to a stacked shape tensor leaves both axes unknown.
    shape = tf.shape(x)
    if shape[0] is not None or not all(isinstance(d, int) for d in shape[1:]):
        raise Unfollowed("tf-keras flattens a tensor of unknown or fixed-batch shape through tf.shape, which "
                         "layerlint does not follow")
    return tf("tf.keras.backend.batch_flatten", x)


def dot(tf: TF, x: Any, y: Any) -> Any:
    if len(tf.shape(x)) <= 2 and len(tf.shape(y)) <= 2:
        return tf("tf.matmul", x, y)
    xs, ys = _plain(tf, x), _plain(tf, y)
    if len(xs) < 2 or len(ys) < 2:
        raise Unfollowed("an operand of rank below 2 is not followed")
    if xs[-1] is not None and ys[-2] is not None and xs[-1] != ys[-2]:
        raise Refused(f"Dimensions must be equal, but are {xs[-1]} and {ys[-2]}")
    # each operand's shape: its static dims, and an unstacked tf.shape entry where a dim is unknown
    x_shape = [d if d is not None else s for d, s in zip(xs, tf("tf.unstack", tf.shape_tensor(x)))]
    y_shape = [d if d is not None else s for d, s in zip(ys, tf("tf.unstack", tf.shape_tensor(y)))]
    perm = list(range(len(ys)))
    perm = [perm.pop(-2), *perm]
    xt = tf.stated("tf.reshape", _reshaped(xs, [-1, xs[-1]]), x, [-1, x_shape[-1]])
    yt_in = tf("tf.transpose", y, perm=perm)
    yt = tf.stated("tf.reshape", _reshaped(tuple(ys[i] for i in perm), [ys[-2], -1]), yt_in, [y_shape[-2], -1])
    out = tf("tf.matmul", xt, yt)
    # the final shape is a packed list: its numbers are known to TensorFlow, its tensors (unknown dims) not
    return tf.stated("tf.reshape", xs[:-1] + ys[:-2] + ys[-1:], out, x_shape[:-1] + y_shape[:-2] + y_shape[-1:])


def _reshaped(shape: tuple, target: list) -> tuple:
    """TensorFlow's static reshape to a target of numbers, -1 and unknowns (None): -1 is solved only when
    every size is known."""
    if -1 not in target:
        return tuple(target)
    known = [d for d in target if d != -1]
    if all(d is not None for d in shape) and all(d is not None for d in known):
        total, rest = 1, 1
        for d in shape:
            total *= d
        for d in known:
            rest *= d
        if rest and total % rest == 0:
            return tuple(total // rest if d == -1 else d for d in target)
    return tuple(None if d == -1 else d for d in target)


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
    x_mid = y_trail = None
    if x_ndim > 3:
        # squash x's middle axes: a stacked shape tensor of (batch, -1, last)
        xs = _plain(tf, x)
        x_shape = tf.shape_tensor(x)
        x_mid = tf.item(x_shape, slice(1, -1)), xs[1:-1]
        stacked = tf("tf.stack", [tf.item(x_shape, 0), -1, tf.item(x_shape, -1)])
        x = tf.stated("tf.reshape", _reshaped(xs, [xs[0], -1, xs[-1]]), x, stacked)
    if y_ndim > 3:
        # squash y's trailing axes: (batch, axis 1, -1)
        ys = _plain(tf, y)
        y_shape = tf.shape_tensor(y)
        y_trail = tf.item(y_shape, slice(2, None)), ys[2:]
        stacked = tf("tf.stack", [tf.item(y_shape, 0), tf.item(y_shape, 1), -1])
        y = tf.stated("tf.reshape", _reshaped(ys, [ys[0], ys[1], -1]), y, stacked)
    result = tf("tf.matmul", x, y)
    # tf-keras takes the result's shape tensor whether it reshapes or not (a row only when it does)
    output_shape = tf.shape_tensor(result)
    if x_mid is not None or y_trail is not None:
        value = _plain(tf, result)
        if x_mid is not None:
            output_shape = tf("tf.concat", [tf.item(output_shape, slice(None, 1)), x_mid[0],
                                            tf.item(output_shape, slice(-1, None))], 0)
            value = value[:1] + x_mid[1] + value[-1:]
        if y_trail is not None:
            output_shape = tf("tf.concat", [tf.item(output_shape, slice(None, -1)), y_trail[0]], 0)
            value = value[:-1] + y_trail[1]
        result = tf.stated("tf.reshape", value, result, output_shape)
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
    "backend.switch": switch,
}
