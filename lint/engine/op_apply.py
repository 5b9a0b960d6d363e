"""Apply one op of the table to the shapes of the tensors it reads: argument
binding as Python binds them to the Keras function, then the op's rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.model import Tensor
from layerlint.engine.ops import OpSpec, lookup_op
from layerlint.engine.ops.base import TensorArg
from layerlint.engine.ops.keras_keywords import KEYWORDS

# Keywords every TensorFlow function takes that do not change a shape.
_TF_IGNORED = frozenset({"name"})


def bind_op(spec: OpSpec, args: tuple, kwargs: dict) -> dict:
    params = spec.params
    values = dict(spec.defaults)
    if params and params[-1].startswith("*"):  # einsum(subscripts, *operands): the rest is one tuple
        params = params[:-1]
        values[spec.params[-1][1:]] = tuple(args[len(params):])
        args = args[: len(params)]
    if len(args) > len(params):
        raise Unanalysable(f"{len(args)} positional arguments are more than the table's {len(params)}")
    values.update(zip(params, args))
    for key, v in kwargs.items():
        if spec.tf and key in _TF_IGNORED:
            continue
        name = spec.renames.get(key, key)
        if name not in params:
            raise Unanalysable(f"argument `{key}=` is not followed")
        if name in params[: len(args)]:
            raise ShapeError("invalid", f"got multiple values for argument '{key}'")
        values[name] = v
    missing = [p for p in params if p not in values]
    if missing:
        raise ShapeError("invalid", f"missing required argument '{missing[0]}'")
    return values


def substitute(v: Any, shape_of: Callable[[Tensor], Any]) -> Any:
    """The op's arguments with each Tensor replaced by its shape (None: not known)."""
    if isinstance(v, Tensor):
        shape = shape_of(v)
        if not isinstance(shape, tuple):
            raise LookupError
        return TensorArg(shape)
    if isinstance(v, list):
        return [substitute(x, shape_of) for x in v]
    if isinstance(v, tuple):
        return tuple(substitute(x, shape_of) for x in v)
    if isinstance(v, dict):  # keyword arguments: tf.image.extract_patches(images=x, ...)
        return {k: substitute(x, shape_of) for k, x in v.items()}
    if isinstance(v, slice):
        return slice(substitute(v.start, shape_of), substitute(v.stop, shape_of), substitute(v.step, shape_of))
    return v


def apply_op(path: str, args: tuple, kwargs: dict) -> Any:
    """The output shape (or list of shapes) of op ``path`` on already substituted arguments."""
    spec = lookup_op(path)
    if spec is None:
        raise Unanalysable(f"`{path}` is not in the op table")
    refuse_unknown_keywords(path, kwargs)
    return spec.rule(bind_op(spec, args, kwargs))


def refuse_unknown_keywords(path: str, kwargs: dict) -> None:
    """A keyword the Keras function does not take: Python raises TypeError at the call (the table
    lists only what a shape rule reads, the real signatures tell the rest)."""
    known = KEYWORDS.get(path)
    if known is None:
        return
    name, params = known
    unknown = next((k for k in kwargs if k not in params), None)
    if unknown is not None:
        raise ShapeError("invalid", f"{name}() got an unexpected keyword argument '{unknown}'")
