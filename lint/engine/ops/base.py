"""The contract between the shape engine and the op families.

Keras 3 records every ``keras.ops`` call (and every operator: ``x + y`` is
``ops.add``) on a symbolic tensor as an Operation in the functional graph, a
summary row with no weights.  Each op we follow is an :class:`OpSpec`: its
Keras Operation class (the row's type), its parameters in Keras' order with
their defaults, and a rule that plays the part of ``compute_output_spec``.
A rule receives the bound arguments, with every tensor replaced by a
:class:`TensorArg` holding its shape, and returns the output shape (or a list
of shapes for ops with several outputs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.symbolic import Dim, Expr, as_int, dim_str, dims_equal, shape_str


@dataclass(frozen=True)
class TensorArg:
    """A tensor argument as a rule sees it: only its shape (batch axis included)."""

    shape: tuple


@dataclass(frozen=True)
class ConstTensor:
    """A tensor that is data, not part of the graph: ``ops.ones((6,))``, a numpy array.

    It broadcasts like any tensor but never becomes a row or an edge.  ``values``: its
    elements in order, where every one is known (``tf.linspace`` of numbers), else None."""

    shape: tuple
    text: str = ""
    values: tuple | None = None


@dataclass(frozen=True)
class Unfollowed:
    """An operand the interpreter could not follow, named by its source text."""

    text: str

    def __str__(self) -> str:
        return self.text


Rule = Callable[[dict], Any]


@dataclass
class OpSpec:
    key: str  # Keras' function name (``mean``); table ids use it
    cls: str  # Keras' Operation class, the summary row's type (``Mean``); "" when no op is recorded
    params: tuple[str, ...]
    defaults: dict[str, Any]
    rule: Rule
    family: str = ""
    # Keyword names this path calls its parameters (tf.reduce_mean's input_tensor is x).
    renames: dict[str, str] = field(default_factory=dict)
    tf: bool = False  # a TensorFlow function: refuses Keras tensors, shapes TensorFlow's tensors


def show(v: Any) -> str:
    """A value as a message may print it: source text for what was not followed, never an internal repr."""
    if isinstance(v, (Expr, Unfollowed)):
        return str(v)
    if v is None or isinstance(v, (bool, int, float, str)):
        return repr(v)
    if isinstance(v, (list, tuple)):
        inner = ", ".join(show(x) for x in v)
        return f"[{inner}]" if isinstance(v, list) else f"({inner}{',' if len(v) == 1 else ''})"
    if isinstance(v, (TensorArg, ConstTensor)):
        return f"a tensor of shape {shape_str(v.shape)}"
    return "a value layerlint cannot follow"


def as_shape(v: Any) -> tuple | None:
    if isinstance(v, (TensorArg, ConstTensor)):
        return v.shape
    return None


def scalar_shape(v: Any) -> tuple:
    """The shape of an operand: a tensor's, or () for a Python number."""
    s = as_shape(v)
    if s is not None:
        return s
    if isinstance(v, (bool, int, float)):
        return ()
    if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
        return (len(v),)
    raise Unanalysable(f"operand `{v}` is not a tensor or number we can follow")


def tensor_shape(v: Any, what: str = "x") -> tuple:
    s = as_shape(v)
    if s is None:
        if isinstance(v, (bool, int, float)):
            return ()
        raise Unanalysable(f"`{v if isinstance(v, (Unfollowed, Expr)) else what}` is not a tensor we can follow")
    return s


def broadcast(a: tuple, b: tuple) -> tuple:
    """Keras' broadcast_shapes: numpy's rule, where None takes the other side's size."""
    a, b = list(a), list(b)
    if len(a) > len(b):
        b = [1] * (len(a) - len(b)) + b
    if len(b) > len(a):
        a = [1] * (len(b) - len(a)) + a
    out: list[Dim] = []
    for i, j in zip(a, b, strict=True):
        if i == 1:
            out.append(j)
        elif i is None:
            out.append(None if j == 1 else j)
        elif j == 1 or j is None or dims_equal(i, j):
            out.append(i)
        elif dims_equal(i, j) is False:
            raise ShapeError("merge", f"Cannot broadcast shape, the failure dim has value {dim_str(i)}, which cannot "
                             f"be broadcasted to {dim_str(j)}. Input shapes are: {shape_str(tuple(a))} and "
                             f"{shape_str(tuple(b))}")
        else:
            raise Unanalysable(f"whether {dim_str(i)} and {dim_str(j)} broadcast is not known")
    return tuple(out)


def canonical_axis(axis: Any, rank: int) -> int:
    """Keras' canonicalize_axis: a negative axis counts from the end; out of range is an error."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise Unanalysable(f"axis={show(axis)} is not a known integer")
    if not -rank <= axis < rank:
        raise ShapeError("invalid", f"axis {axis} is out of bounds for an array of dimension {rank}")
    return axis % rank if rank else 0


def axes(v: Any, rank: int) -> list[int]:
    """An int or a list/tuple of ints as canonical axes."""
    if isinstance(v, (list, tuple)):
        return [canonical_axis(a, rank) for a in v]
    return [canonical_axis(v, rank)]


def int_value(v: Any, what: str) -> int:
    i = as_int(v)
    if i is None:
        raise Unanalysable(f"`{what}`={show(v)} is not a known integer")
    return i


def dim_value(v: Any, what: str) -> Dim:
    """An integer argument that becomes a dimension: an int or a symbolic Expr."""
    if isinstance(v, (int, Expr)) and not isinstance(v, bool):
        return v
    raise Unanalysable(f"`{what}`={show(v)} is not an integer")


def int_tuple(v: Any, what: str) -> tuple:
    if isinstance(v, (list, tuple)) and all(isinstance(d, (int, Expr)) and not isinstance(d, bool) or d is None
                                            for d in v):
        return tuple(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return (v,)
    raise Unanalysable(f"`{what}`={show(v)} is not a tuple of integers")
