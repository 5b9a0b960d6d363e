"""Reductions over axes: mean, sum, max, ... and argmax; ``axis=None`` reduces
everything, ``keepdims`` leaves the reduced axes as 1.  Segment reductions
reduce the first axes into ``num_segments`` rows."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import axes, show, tensor_shape
from layerlint.engine.symbolic import Expr

_TF_REDUCE = ("input_tensor=x", "axis", "keepdims")


def reduce_shape(shape: tuple, axis: Any, keepdims: Any) -> tuple:
    """Keras' reduce_shape."""
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    chosen = set(axes(axis, len(shape)))
    if keepdims:
        return tuple(1 if i in chosen else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in chosen)


def _reduce(a: dict) -> tuple:
    return reduce_shape(tensor_shape(a["x"]), a["axis"], a["keepdims"] is True)


REDUCTIONS = {
    "mean": ("Mean", ("reduce_mean", "math.reduce_mean")),
    "sum": ("Sum", ("reduce_sum", "math.reduce_sum")),
    "max": ("Max", ("reduce_max", "math.reduce_max")),
    "min": ("Min", ("reduce_min", "math.reduce_min")),
    "prod": ("Prod", ("reduce_prod", "math.reduce_prod")),
    "std": ("Std", ("math.reduce_std",)),
    "var": ("Var", ("math.reduce_variance",)),
    "any": ("Any", ("reduce_any", "math.reduce_any")),
    "all": ("All", ("reduce_all", "math.reduce_all")),
    "logsumexp": ("Logsumexp", ("reduce_logsumexp", "math.reduce_logsumexp")),
}

for _name, (_cls, _tf) in REDUCTIONS.items():
    paths = (f"ops.{_name}", f"ops.numpy.{_name}") if _name != "logsumexp" else ("ops.logsumexp", "ops.math.logsumexp")
    op(_name, _cls, "x", "axis", "keepdims", paths=paths, tf=tuple((p, _TF_REDUCE, None) for p in _tf),
       axis=None, keepdims=False)(_reduce)
op("amax", "Amax", "x", "axis", "keepdims", paths=("ops.amax", "ops.numpy.amax"), axis=None, keepdims=False)(_reduce)
op("amin", "Amin", "x", "axis", "keepdims", paths=("ops.amin", "ops.numpy.amin"), axis=None, keepdims=False)(_reduce)


@op("argmax", "Argmax", "x", "axis", "keepdims", axis=None, keepdims=False,
    tf=(("argmax", ("input=x", "axis"), {"axis": 0}), ("math.argmax", ("input=x", "axis"), {"axis": 0})))
def argmax(a: dict) -> tuple:
    return reduce_shape(tensor_shape(a["x"]), a["axis"], a["keepdims"] is True)


op("argmin", "Argmin", "x", "axis", "keepdims", axis=None, keepdims=False,
   tf=(("argmin", ("input=x", "axis"), {"axis": 0}), ("math.argmin", ("input=x", "axis"), {"axis": 0})))(argmax)


@op("norm", "Norm", "x", "ord", "axis", "keepdims", paths=("ops.norm", "ops.numpy.norm", "ops.linalg.norm"),
    tf=(("norm", ("tensor=x", "ord", "axis", "keepdims"), {"ord": "euclidean"}),),
    ord=None, axis=None, keepdims=False)
def norm(a: dict) -> tuple:
    return reduce_shape(tensor_shape(a["x"]), a["axis"], a["keepdims"] is True)


@op("l2_normalize", "", "x", "axis", paths=(), tf=(("math.l2_normalize", ("x", "axis"), None),
                                                    ("nn.l2_normalize", ("x", "axis"), None)), axis=None)
def l2_normalize(a: dict) -> tuple:
    return tensor_shape(a["x"])


@op("normalize", "Normalize", "x", "axis", "order", paths=("ops.normalize", "ops.nn.normalize"), axis=-1, order=2)
def normalize(a: dict) -> tuple:
    return tensor_shape(a["x"])


@op("moments", "Moments", "x", "axes", "keepdims", paths=("ops.moments", "ops.nn.moments"),
    tf=(("nn.moments", ("x", "axes", "keepdims=keepdims"), None),), keepdims=False)
def moments(a: dict) -> list:
    out = reduce_shape(tensor_shape(a["x"]), a["axes"], a["keepdims"] is True)
    return [out, out]


def _segments(a: dict, ids_rank: int) -> tuple:
    shape = tensor_shape(a["data"], "data")
    n = a["num_segments"]
    if n is not None and not (isinstance(n, (int, Expr)) and not isinstance(n, bool)):
        raise Unanalysable(f"num_segments={show(n)} is not a known integer")
    return (n,) + tuple(shape[ids_rank:])


# Keras' SegmentReduction: (num_segments,) + data.shape[1:] (None when num_segments is not given).
for _name, _cls in (("segment_sum", "SegmentSum"), ("segment_max", "SegmentMax")):
    op(_name, _cls, "data", "segment_ids", "num_segments", "sorted", paths=(f"ops.{_name}", f"ops.math.{_name}"),
       num_segments=None, sorted=False)(lambda a: _segments(a, 1))


def _unsorted_segments(a: dict) -> tuple:
    """TensorFlow's: num_segments replaces the axes segment_ids spans."""
    ids = tensor_shape(a["segment_ids"], "segment_ids")
    if a["num_segments"] is None:
        raise Unanalysable("num_segments is required")
    return _segments(a, len(ids))


for _name in ("unsorted_segment_sum", "unsorted_segment_mean", "unsorted_segment_max", "unsorted_segment_min",
              "unsorted_segment_prod"):
    op(f"tf_math.{_name}", "", "data", "segment_ids", "num_segments", paths=(),
       tf=(f"math.{_name}",))(_unsorted_segments)
