"""Shapes of the NumPy arrays real model code makes from numbers: ``np.array`` of a
nested list written out, ``np.eye``, ``np.arange``, ``np.random.choice``, what integer-array indexing returns, reductions
along axes (``x.mean(axis=0)``) and arithmetic between arrays (broadcasting).

Only shapes are followed (values, random or not, stay unknown).  Each function
returns None where NumPy's result is not certain: an argument we do not know,
one NumPy would refuse, or a case not handled here.
"""

from __future__ import annotations

import math
from typing import Any

from layerlint.engine.symbolic import Expr


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _dim(v: Any) -> bool:
    return _int(v) and v >= 0 or isinstance(v, Expr)


def literal_shape(v: Any) -> tuple[tuple, str] | None:
    """``np.array(v)`` of nested lists or tuples of plain numbers: (shape, dtype) as NumPy makes them,
    bool below int64 below float64 (int64 is NumPy 2's default integer on every platform); None for
    ragged nesting (which NumPy refuses), a value we do not know, or anything but numbers."""
    kinds: set[type] = set()
    shape = _nested(v, kinds, 0)
    if shape is None:
        return None
    dtype = "float64" if float in kinds or not kinds else "int64" if int in kinds else "bool"
    return shape, dtype


def _nested(v: Any, kinds: set, depth: int) -> tuple | None:
    if type(v) in (bool, int, float):  # exactly: a NumpyInt or a symbol's number is not a literal
        kinds.add(type(v))
        return ()
    if not isinstance(v, (list, tuple)) or depth > 32:
        return None
    inner: tuple | None = None
    for x in v:
        got = _nested(x, kinds, depth + 1)
        if got is None or inner is not None and got != inner:
            return None
        inner = got
    return (len(v), *(inner or ()))


def eye_shape(n: Any, m: Any) -> tuple | None:
    """``np.eye(N, M=None)``: N rows, M (default N) columns."""
    m = n if m is None else m
    return (n, m) if _dim(n) and _dim(m) else None


def arange_shape(args: list) -> tuple | None:
    """``np.arange([start,] stop[, step])`` of ints: ceil((stop - start) / step) elements."""
    if not 1 <= len(args) <= 3 or not all(_int(a) for a in args):
        return None
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (args[0], args[1], args[2] if len(args) == 3 else 1)
    if step == 0:
        return None  # NumPy raises
    return (max(0, math.ceil((stop - start) / step)),)


def choice_shape(pool_size: Any, size: Any, replace: Any) -> tuple | None:
    """``np.random.choice(a, size, replace)`` from a pool of ``pool_size`` items: ``size`` as a shape.
    Without replacement NumPy refuses more items than the pool holds."""
    shape = (size,) if _int(size) else tuple(size) if isinstance(size, (tuple, list)) else None
    if shape is None or not all(_dim(d) for d in shape) or not isinstance(replace, bool):
        return None
    if not replace:
        if not (_int(pool_size) and all(_int(d) for d in shape)) or math.prod(shape) > pool_size:
            return None
    return shape


def take_rows_shape(shape: tuple, index_shape: tuple) -> tuple | None:
    """``a[idx]`` with one integer array ``idx``: its shape, then ``a``'s remaining axes.  Indices
    out of range would raise, so this holds only where NumPy accepts them; an empty axis takes none."""
    if not shape or shape[0] == 0:
        return None
    return tuple(index_shape) + tuple(shape[1:])


def reduced_shape(shape: tuple, axis: Any, keepdims: Any) -> tuple | None:
    """``a.mean(axis=...)`` and the other reductions: the axes named (an int or a tuple of distinct
    ints, negative ones counting from the end) are removed, or kept as 1 with ``keepdims``.
    ``axis=None`` (a scalar) and an axis NumPy would refuse are not handled."""
    if not isinstance(keepdims, bool):
        return None
    axes = (axis,) if _int(axis) else tuple(axis) if isinstance(axis, tuple) and axis else None
    if axes is None or not all(_int(a) and -len(shape) <= a < len(shape) for a in axes):
        return None
    picked = {a % len(shape) for a in axes}
    if len(picked) != len(axes):
        return None  # NumPy refuses a repeated axis
    if keepdims:
        return tuple(1 if i in picked else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in picked)


def broadcast_shape(a: tuple, b: tuple) -> tuple | None:
    """NumPy's broadcasting of two array shapes: aligned from the last axis, each pair of sizes
    equal or one of them 1.  None where that is not certain (a size not known on one side, other
    than 1 on the other) or NumPy would refuse the pair."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1 or (x is not None and x == y):
            out.append(x)
        else:
            return None
    return tuple(out)
