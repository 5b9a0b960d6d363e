"""Ops that make a tensor from numbers alone: arange, ones, zeros, full, eye, empty,
identity, linspace, random tensors and TensorFlow's constant.

With no tensor among their arguments Keras runs them eagerly: the result is
data (a constant in the graph of whatever reads it), never a summary row.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import ConstTensor, TensorArg, dim_value, show
from layerlint.engine.symbolic import Expr, as_int


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _NotGiven:
    """No stop given: ``arange(n)`` counts from 0 to n.  A stop given as None is something else,
    a dim Keras does not know (``tf.shape(x)[1]`` in a traced call(): a tensor there)."""


_NOT_GIVEN = _NotGiven()


@op("arange", "Arange", "start", "stop", "step", "dtype", stop=_NOT_GIVEN, step=None, dtype=None,
    tf=(("range", ("start", "limit=stop", "delta=step", "dtype"), {"tf_range": True}),))
def arange(a: dict) -> tuple:
    start, stop, step = a["start"], a["stop"], a["step"]
    if stop is _NOT_GIVEN:
        start, stop = 0, start
    if stop is None or start is None:
        # TensorFlow's range to a tensor it cannot read has (None,); Keras' arange of None is not followed
        if (a.get("tf_range") or a.get("unknown_dims")) and (step is None or _number(step)) and step != 0:
            return (None,)
        raise Unanalysable(f"the length of arange({show(start)}, {show(stop)}, {show(step)}) is not known")
    if step is None:
        step = 1
    if _number(start) and _number(stop) and _number(step):
        if step == 0:
            raise ShapeError("invalid", "arange: `step` is 0 (division by zero)")
        return (max(0, math.ceil((stop - start) / step)),)
    # A symbolic bound counts as a length only for unit steps from an integer start.
    if step == 1 and isinstance(start, int) and not isinstance(start, bool) and isinstance(stop, Expr):
        return (stop - start,)
    raise Unanalysable(f"the length of arange({show(start)}, {show(stop)}, {show(step)}) is not known")


def _shape_arg(v: Any, what: str, unknown: bool = False) -> tuple:
    """``unknown``: a None in the shape stands for a dim the traced call() reads from a tensor."""
    if isinstance(v, (int, Expr)) and not isinstance(v, bool):
        return (v,)
    if isinstance(v, (list, tuple)):
        dims = tuple(None if d is None and unknown else dim_value(d, what) for d in v)
        for d in dims:
            n = as_int(d)
            if n is not None and n < 0:
                raise ShapeError("invalid", f"`{what}`={show(v)} has a negative dimension")
        return dims
    raise Unanalysable(f"`{what}`={show(v)} is not a shape")


@op("ones", "", "shape", "dtype", dtype=None, tf=(("ones", ("shape", "dtype"), None),))
def ones(a: dict) -> tuple:
    return _shape_arg(a["shape"], "shape", a.get("unknown_dims", False))


@op("zeros", "", "shape", "dtype", dtype=None, tf=(("zeros", ("shape", "dtype"), None),))
def zeros(a: dict) -> tuple:
    return _shape_arg(a["shape"], "shape", a.get("unknown_dims", False))


@op("full", "Full", "shape", "fill_value", "dtype", dtype=None, tf=(("fill", ("dims=shape", "value=fill_value"), None),))
def full(a: dict) -> tuple:
    return _shape_arg(a["shape"], "shape", a.get("unknown_dims", False))


@op("eye", "", "N", "M", "k", "dtype", M=None, k=0, dtype=None,
    tf=(("eye", ("num_rows=N", "num_columns=M", "batch_shape", "dtype"), {"batch_shape": None}),))
def eye(a: dict) -> tuple:
    rows = dim_value(a["N"], "N")
    cols = rows if a["M"] is None else dim_value(a["M"], "M")
    if a.get("batch_shape") is not None:
        return (*_shape_arg(a["batch_shape"], "batch_shape", a.get("unknown_dims", False)), rows, cols)
    return (rows, cols)


@op("empty", "", "shape", "dtype", dtype=None)
def empty(a: dict) -> tuple:
    return _shape_arg(a["shape"], "shape", a.get("unknown_dims", False))


# The bounds or moments only fill the tensor (TensorFlow broadcasts tensors of them to ``shape``).
for _name, _params in (("normal", ("mean", "stddev")), ("uniform", ("minval", "maxval")),
                       ("truncated_normal", ("mean", "stddev"))):
    op(f"random_{_name}", "", "shape", *_params, "dtype", "seed", paths=(f"random.{_name}",),
       tf=((f"random.{_name}", ("shape", *_params, "dtype", "seed"), None),),
       **dict.fromkeys((*_params, "dtype", "seed"))
       )(lambda a: _shape_arg(a["shape"], "shape", a.get("unknown_dims", False)))


@op("identity", "", "n", "dtype", dtype=None)
def identity(a: dict) -> tuple:
    return (dim_value(a["n"], "n"),) * 2


@op("linspace", "", "start", "stop", "num", "endpoint", "retstep", "dtype", "axis",
    num=50, endpoint=True, retstep=False, dtype=None, axis=0, tf=(("linspace", ("start", "stop", "num"), None),))
def linspace(a: dict) -> tuple:
    if not (_number(a["start"]) and _number(a["stop"])) or a["retstep"] is not False or a["axis"] != 0:
        raise Unanalysable("linspace between tensors, with retstep or an axis is not followed")
    return (dim_value(a["num"], "num"),)


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def linspace_values(a: dict, limit: int) -> tuple | None:
    """The elements of a float32 ``linspace`` between two Python floats, as TensorFlow computes
    them (float32 step, both ends exact); None where that is not this case or over ``limit``."""
    start, stop, num = a["start"], a["stop"], a["num"]
    if not (isinstance(start, float) and isinstance(stop, float) and isinstance(num, int)) or isinstance(num, bool):
        return None
    if a["dtype"] is not None or a["endpoint"] is not True or not 0 < num <= limit:
        return None
    first, last = _f32(start), _f32(stop)
    if num == 1:
        return (first,)
    step = _f32(_f32(last - first) / (num - 1))
    return (first, *(_f32(first + _f32(i * step)) for i in range(1, num - 1)), last)


def nested_shape(v: Any) -> tuple:
    """The shape of a nested list of numbers, as NumPy would give it (ragged: not followed)."""
    if _number(v) or isinstance(v, bool):
        return ()
    if isinstance(v, (TensorArg, ConstTensor)):
        return v.shape
    if isinstance(v, (list, tuple)) and v:
        inner = [nested_shape(x) for x in v]
        if any(s != inner[0] for s in inner):
            raise Unanalysable("a ragged list is not followed")
        return (len(v),) + inner[0]
    if isinstance(v, (list, tuple)):
        return (0,)
    raise Unanalysable(f"value {show(v)} is not a list of numbers we can follow")


@op("constant", "", "value", "dtype", "shape", paths=(), dtype=None, shape=None, tf=("constant",))
def constant(a: dict) -> tuple:
    if a["shape"] is not None:
        return _shape_arg(a["shape"], "shape")
    return nested_shape(a["value"])
