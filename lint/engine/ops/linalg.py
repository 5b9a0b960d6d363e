"""Products of tensors: matmul (also the ``@`` operator) and tensordot."""

from __future__ import annotations

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import broadcast, scalar_shape, show
from layerlint.engine.symbolic import dims_equal, shape_str


def matmul_shape(s1: tuple, s2: tuple) -> tuple:
    """Keras' compute_matmul_output_shape: a 1-D operand is promoted and the axis removed again."""
    if not s1 or not s2:
        raise ShapeError("invalid", "matmul needs operands of rank 1 or more")
    one1, one2 = len(s1) == 1, len(s2) == 1
    a = (1, s1[0]) if one1 else tuple(s1)
    b = (s2[0], 1) if one2 else tuple(s2)
    if a[-1] is not None and b[-2] is not None and dims_equal(a[-1], b[-2]) is False:
        raise ShapeError("merge", "Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
                         f"`x1.shape={shape_str(a)}` and `x2.shape={shape_str(b)}`.")
    out = list(broadcast(a[:-2], b[:-2])) + [a[-2], b[-1]]
    if one1:
        del out[-2]
    if one2:
        del out[-1]
    return tuple(out)


@op("matmul", "Matmul", "x1", "x2")
def matmul(a: dict) -> tuple:
    return matmul_shape(scalar_shape(a["x1"]), scalar_shape(a["x2"]))


@op("tf_matmul", "", "x1", "x2", "transpose_a", "transpose_b", paths=(), transpose_a=False, transpose_b=False,
    tf=(("matmul", ("a=x1", "b=x2", "transpose_a", "transpose_b"), None),
        ("linalg.matmul", ("a=x1", "b=x2", "transpose_a", "transpose_b"), None)))
def tf_matmul(a: dict) -> tuple:
    s1, s2 = list(scalar_shape(a["x1"])), list(scalar_shape(a["x2"]))
    if len(s1) < 2 or len(s2) < 2:
        raise ShapeError("invalid", "tf.matmul needs tensors of rank 2 or more")
    if a["transpose_a"] is True:
        s1[-1], s1[-2] = s1[-2], s1[-1]
    if a["transpose_b"] is True:
        s2[-1], s2[-2] = s2[-2], s2[-1]
    return matmul_shape(tuple(s1), tuple(s2))


@op("tensordot", "Tensordot", "x1", "x2", "axes", axes=2, tf=(("tensordot", ("a=x1", "b=x2", "axes"), None),))
def tensordot(a: dict) -> tuple:
    s1, s2 = scalar_shape(a["x1"]), scalar_shape(a["x2"])
    ax = a["axes"]
    if isinstance(ax, int) and not isinstance(ax, bool):
        first, second = list(range(len(s1) - ax, len(s1))), list(range(ax))
    elif isinstance(ax, (list, tuple)) and len(ax) == 2:
        first = [ax[0]] if isinstance(ax[0], int) else list(ax[0])
        second = [ax[1]] if isinstance(ax[1], int) else list(ax[1])
    else:
        raise Unanalysable(f"axes={show(ax)} is not known")
    first = [i % len(s1) for i in first]
    second = [i % len(s2) for i in second]
    for i, j in zip(first, second):
        if dims_equal(s1[i], s2[j]) is False:
            raise ShapeError("merge", f"shape mismatch for sum: {s1[i]} and {s2[j]}")
    return tuple(d for i, d in enumerate(s1) if i not in first) + tuple(d for i, d in enumerate(s2) if i not in second)
