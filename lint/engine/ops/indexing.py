"""Picking parts of a tensor: ``x[...]`` (GetItem), take/gather, one_hot, top_k."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import as_shape, canonical_axis, dim_value, int_value, show, tensor_shape
from layerlint.engine.symbolic import Dim, as_int, shape_str


def _slice_length(length: Dim, s: slice) -> Dim:
    if length is None:
        return None
    n = as_int(length)
    parts = (s.start, s.stop, s.step)
    if n is None:
        if parts == (None, None, None):
            return length
        raise Unanalysable(f"the length of a slice of an axis of size {length} is not known")
    return len(range(*s.indices(n)))


@op("get_item", "GetItem", "x", "key", paths=("ops.get_item", "ops.numpy.get_item"))
def get_item(a: dict) -> tuple:
    """Keras' GetItem.compute_output_spec: ints drop an axis, slices keep it, None adds one."""
    shape = tensor_shape(a["x"])
    key = a["key"]
    if isinstance(key, int) and not isinstance(key, bool):
        rest = [key]
    elif isinstance(key, (tuple, list)):
        rest = list(key)
    elif isinstance(key, slice) or key is None or key is Ellipsis:
        raise ShapeError("invalid", f"Unsupported key type for array slice. Received: `{key}`")
    else:
        raise Unanalysable(f"index {show(key)} is not made of ints, slices, None and ...")
    for k in rest:
        if not (k is None or k is Ellipsis or isinstance(k, slice) or isinstance(k, int) and not isinstance(k, bool)):
            if as_shape(k) is not None:
                raise Unanalysable("indexing with a tensor is not followed")
            raise Unanalysable(f"index part {show(k)} is not an int, slice, None or ...")
        if isinstance(k, slice) and not all(p is None or isinstance(p, int) and not isinstance(p, bool)
                                            for p in (k.start, k.stop, k.step)):
            raise Unanalysable("a slice bound is not a known integer")
    n_ellipsis = sum(1 for k in rest if k is Ellipsis)
    if n_ellipsis > 1:
        raise ShapeError("invalid", f"Slice should only have one ellipsis. Received: `{key}`")
    if n_ellipsis == 0:
        rest.append(Ellipsis)
    remaining = list(shape)
    out: list = []
    while rest:
        k = rest.pop(0)
        if k is Ellipsis:
            needed = len(rest) - sum(1 for r in rest if r is None)
            consumed = len(remaining) - needed
            out += remaining[:consumed]
            remaining = remaining[consumed:]
            continue
        if k is None:
            out.append(1)
            continue
        if not remaining:
            raise ShapeError("invalid", f"Array has shape {shape_str(shape)} but slice has to many indices. Received: `{key}`")
        length = remaining.pop(0)
        if isinstance(k, int):
            n = as_int(length)
            if n is not None and not (-n <= k < n):
                raise ShapeError("invalid", f"Array has shape {shape_str(shape)} but out-of-bounds index {key} was requested.")
            if n is None and length is not None:
                raise Unanalysable(f"whether index {k} fits an axis of size {length} is not known")
        else:
            out.append(_slice_length(length, k))
    return tuple(out)


@op("take", "Take", "x", "indices", "axis", axis=None)
def take(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    idx = _index_shape(a["indices"])
    if a["axis"] is None:
        return idx
    axis = canonical_axis(a["axis"], len(shape))
    return tuple(shape[:axis]) + idx + tuple(shape[axis + 1:])


def _index_shape(v: Any) -> tuple:
    s = as_shape(v)
    if s is not None:
        return s
    if isinstance(v, int) and not isinstance(v, bool):
        return ()
    if isinstance(v, (list, tuple)) and all(isinstance(i, int) and not isinstance(i, bool) for i in v):
        return (len(v),)
    raise Unanalysable(f"indices {show(v)} are not known")


@op("gather", "", "x", "indices", "axis", "batch_dims", paths=(), axis=None, batch_dims=0,
    tf=(("gather", ("params=x", "indices", "axis", "batch_dims"), None),))
def gather(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    idx = _index_shape(a["indices"])
    batch = int_value(a["batch_dims"], "batch_dims")
    axis = canonical_axis(batch if a["axis"] is None else a["axis"], len(shape))
    return tuple(shape[:axis]) + idx[batch:] + tuple(shape[axis + 1:])


@op("one_hot", "OneHot", "x", "num_classes", "axis", paths=("ops.one_hot", "ops.nn.one_hot"), axis=-1,
    tf=(("one_hot", ("indices=x", "depth=num_classes", "on_value", "off_value", "axis"),
         {"on_value": None, "off_value": None}),))
def one_hot(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    depth = dim_value(a["num_classes"], "num_classes")
    axis = a["axis"] if a["axis"] is not None else -1
    axis = canonical_axis(axis, len(shape) + 1)
    shape.insert(axis, depth)
    return tuple(shape)


@op("top_k", "TopK", "x", "k", "sorted", paths=("ops.top_k", "ops.math.top_k"), k=None, sorted=True,
    tf=(("math.top_k", ("input=x", "k", "sorted"), {"k": 1}), ("nn.top_k", ("input=x", "k", "sorted"), {"k": 1})))
def top_k(a: dict) -> list:
    shape = list(tensor_shape(a["x"]))
    if not shape:
        raise ShapeError("invalid", "top_k needs a tensor of rank 1 or more")
    shape[-1] = dim_value(a["k"], "k")
    return [tuple(shape), tuple(shape)]


@op("slice", "Slice", "inputs", "start_indices", "shape", paths=("ops.slice", "ops.core.slice"),
    tf=(("slice", ("input_=inputs", "begin=start_indices", "size=shape"), None),))
def slice_op(a: dict) -> tuple:
    tensor_shape(a["inputs"], "inputs")
    size = a["shape"]
    if not isinstance(size, (list, tuple)):
        raise Unanalysable(f"shape={show(size)} is not known")
    return tuple(None if d == -1 else dim_value(d, "shape") for d in size)
