"""Ops that rearrange a tensor: reshape, expand_dims, squeeze, transpose,
concatenate, stack, tile, repeat, split, broadcast_to, pad, flip."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import (
    as_shape,
    axes,
    broadcast,
    canonical_axis,
    dim_value,
    int_tuple,
    int_value,
    show,
    tensor_shape,
)
from layerlint.engine.symbolic import Dim, as_int, dims_equal, prod, shape_str


@op("reshape", "Reshape", "x", "newshape", tf=(("reshape", ("tensor=x", "shape=newshape"), None),))
def reshape(a: dict) -> tuple:
    shape = tensor_shape(a["x"])
    new = a["newshape"]
    if isinstance(new, int) and not isinstance(new, bool):
        new = (new,)
    target = int_tuple(new, "newshape")
    if sum(1 for d in target if d == -1) > 1:
        raise ShapeError("reshape", f"There must be at most one unknown dimension (-1) in newshape. Received: newshape={target}")
    if None in shape or None in target:
        return tuple(None if d == -1 else d for d in target)
    size = prod(shape)
    known = prod(d for d in target if d != -1)
    if -1 not in target:
        if dims_equal(size, known) is False:
            raise ShapeError("reshape", f"The total size of the tensor must be unchanged. Received: input_shape="
                             f"{shape_str(shape)}, newshape={shape_str(target)}", input_size=size, target_size=known)
        return target
    k, n = as_int(known), as_int(size)
    if k is None or n is None:
        raise Unanalysable(f"the size of the -1 axis in newshape={shape_str(target)} is not known")
    if k == 0 or n % k:
        raise ShapeError("reshape", f"The total size of the tensor must be unchanged, however, the input size cannot "
                         f"by divided by the specified dimensions in newshape. Received: input_shape={shape_str(shape)}, "
                         f"newshape={shape_str(target)}", input_size=n, target_size=k)
    return tuple(n // k if d == -1 else d for d in target)


@op("expand_dims", "ExpandDims", "x", "axis", tf=(("expand_dims", ("input=x", "axis"), None),))
def expand_dims(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    chosen = a["axis"] if isinstance(a["axis"], (list, tuple)) else [a["axis"]]
    rank = len(shape) + len(chosen)
    where = set(axes(list(chosen), rank))
    it = iter(shape)
    return tuple(1 if i in where else next(it) for i in range(rank))


@op("squeeze", "Squeeze", "x", "axis", axis=None, tf=(("squeeze", ("input=x", "axis"), None),))
def squeeze(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    if a["axis"] is None:
        if any(d is not None and as_int(d) is None for d in shape):
            raise Unanalysable("which axes have size 1 is not known")
        return tuple(d for d in shape if d != 1)
    chosen = axes(a["axis"], len(shape))
    for i in chosen:
        if shape[i] != 1:
            raise ShapeError("invalid", f"Cannot squeeze axis {i}, because the dimension is not 1.")
    return tuple(d for i, d in enumerate(shape) if i not in chosen)


@op("transpose", "Transpose", "x", "axes", axes=None, tf=(("transpose", ("a=x", "perm=axes"), None),))
def transpose(a: dict) -> tuple:
    shape = tensor_shape(a["x"])
    if a["axes"] is None:
        return tuple(reversed(shape))
    perm = a["axes"]
    if not isinstance(perm, (list, tuple)):
        raise Unanalysable(f"axes={show(perm)} is not a known permutation")
    if len(perm) != len(shape):
        raise ShapeError("invalid", "axis must be a list of the same length as the input shape, expected "
                         f"{len(shape)}, but received {len(perm)}.")
    return tuple(shape[i] for i in axes(list(perm), len(shape)))


def _tensor_list(v: Any, what: str) -> list[tuple]:
    if not isinstance(v, (list, tuple)) or not v:
        raise Unanalysable(f"`{what}` is not a list of tensors we can follow")
    return [tensor_shape(x, what) for x in v]


@op("concatenate", "Concatenate", "xs", "axis", axis=0, tf=(("concat", ("values=xs", "axis"), None),))
def concatenate(a: dict) -> tuple:
    shapes = _tensor_list(a["xs"], "xs")
    first = list(shapes[0])
    axis = canonical_axis(a["axis"], len(first))
    total: Dim = 0
    for s in shapes:
        same_rank = len(s) == len(first)
        if not same_rank or any(dims_equal(d, e) is False for i, (d, e) in enumerate(zip(s, first)) if i != axis):
            raise ShapeError("merge", "Every value in `xs` must have the same shape except on the `axis` dim. But found "
                             f"element of shape {shape_str(s)}, which is different from the first element's shape "
                             f"{shape_str(tuple(first))}.")
        total = None if total is None or s[axis] is None else total + s[axis]
    first[axis] = total
    return tuple(first)


@op("stack", "Stack", "x", "axis", axis=0, tf=(("stack", ("values=x", "axis"), None),))
def stack(a: dict) -> tuple:
    shapes = _tensor_list(a["x"], "x")
    first = list(shapes[0])
    axis = canonical_axis(a["axis"], len(first) + 1)
    for s in shapes:
        if len(s) != len(first) or any(dims_equal(d, e) is False for d, e in zip(s, first)):
            raise ShapeError("merge", f"Every value in `x` must have the same shape. But found element of shape "
                             f"{shape_str(s)},  which is different from the first element's shape {shape_str(tuple(first))}.")
    first.insert(axis, len(shapes))
    return tuple(first)


@op("tile", "Tile", "x", "repeats", tf=(("tile", ("input=x", "multiples=repeats"), None),))
def tile(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    reps = list(int_tuple(a["repeats"], "repeats"))
    if len(shape) > len(reps):
        reps = [1] * (len(shape) - len(reps)) + reps
    else:
        shape = [1] * (len(reps) - len(shape)) + shape
    return tuple(None if d is None or r is None else d * r for d, r in zip(shape, reps))


@op("repeat", "Repeat", "x", "repeats", "axis", axis=None, tf=(("repeat", ("input=x", "repeats", "axis"), None),))
def repeat(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    reps = list(int_tuple(a["repeats"], "repeats"))
    if a["axis"] is None:
        if None in shape:
            return (None,)
        size = prod(shape)
        return (size * reps[0],) if len(reps) == 1 else (sum(reps),)
    axis = canonical_axis(a["axis"], len(shape))
    if shape[axis] is None:
        return tuple(shape)
    shape[axis] = shape[axis] * reps[0] if len(reps) == 1 else sum(reps)
    return tuple(shape)


@op("split", "Split", "x", "indices_or_sections", "axis", axis=0)
def split(a: dict) -> list:
    shape = list(tensor_shape(a["x"]))
    axis = canonical_axis(a["axis"], len(shape))
    size = shape[axis]
    sections = a["indices_or_sections"]
    if isinstance(sections, int) and not isinstance(sections, bool):
        if size is not None:
            n = as_int(size)
            if n is None:
                raise Unanalysable("the split axis size is not known")
            if n % sections:
                raise ShapeError("invalid", "`x` size on given `axis` must be divisible by `indices_or_sections` when "
                                 f"`indices_or_sections` is an int. But received {n} and {sections}.")
            size = n // sections
        return [tuple(shape[:axis] + [size] + shape[axis + 1:]) for _ in range(sections)]
    bounds = [0, *int_tuple(sections, "indices_or_sections"), size]
    return [tuple(shape[:axis] + [None if s is None or e is None else e - s] + shape[axis + 1:])
            for s, e in zip(bounds, bounds[1:])]


@op("tf_split", "", "x", "num_or_size_splits", "axis", paths=(), axis=0,
    tf=(("split", ("value=x", "num_or_size_splits", "axis"), None),))
def tf_split(a: dict) -> list:
    shape = list(tensor_shape(a["x"]))
    axis = canonical_axis(a["axis"], len(shape))
    n = a["num_or_size_splits"]
    if isinstance(n, int) and not isinstance(n, bool):
        size = shape[axis]
        if size is not None and as_int(size) is not None and size % n:
            raise ShapeError("invalid", f"Dimension {axis} of size {size} cannot be split into {n} parts")
        part = None if size is None else size // n
        return [tuple(shape[:axis] + [part] + shape[axis + 1:]) for _ in range(n)]
    sizes = int_tuple(n, "num_or_size_splits")
    return [tuple(shape[:axis] + [s] + shape[axis + 1:]) for s in sizes]


@op("unstack", "Unstack", "x", "num", "axis", num=None, axis=0, tf=(("unstack", ("value=x", "num", "axis"), None),))
def unstack(a: dict) -> list:
    shape = list(tensor_shape(a["x"]))
    axis = canonical_axis(a["axis"], len(shape))
    n = a["num"] if a["num"] is not None else shape[axis]
    count = int_value(n, "num")
    return [tuple(shape[:axis] + shape[axis + 1:]) for _ in range(count)]


@op("broadcast_to", "BroadcastTo", "x", "shape", tf=(("broadcast_to", ("input=x", "shape"), None),))
def broadcast_to(a: dict) -> tuple:
    target = a["shape"]
    target = (target,) if isinstance(target, int) and not isinstance(target, bool) else int_tuple(target, "shape")
    broadcast(tensor_shape(a["x"]), target)
    return tuple(target)


# Mirror padding repeats the edge value (symmetric) or not (reflect): TensorFlow takes at most the
# axis' size (less one for reflect) per side.
_MIRROR_LIMIT = {"reflect": 1, "symmetric": 0}


def _mirror_fits(d: Any, pads: Any, limit: int | None) -> bool:
    """Whether a mirror pad of an axis of size ``d`` is known to be one TensorFlow accepts."""
    before, after = pads
    if before == 0 and after == 0:
        return True
    return limit is not None and all(isinstance(v, int) and not isinstance(v, bool) for v in (d, before, after)) \
        and 0 <= min(before, after) and max(before, after) <= d - limit


@op("pad", "Pad", "x", "pad_width", "mode", "constant_values", mode="constant", constant_values=None,
    tf=(("pad", ("tensor=x", "paddings=pad_width", "mode=tf_mode", "constant_values"),
         {"tf_mode": "CONSTANT", "constant_values": 0}),))
def pad(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    width = a["pad_width"]
    if not isinstance(width, (list, tuple)) or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in width):
        raise Unanalysable(f"pad_width={show(width)} is not a list of (before, after) pairs")
    if len(width) == 1:
        width = [width[0]] * len(shape)
    elif len(width) != len(shape):
        raise ShapeError("invalid", f"`pad_width` must have the same length as `x.shape`. Received: pad_width={width} "
                         f"(of length {len(width)}) and x.shape={shape_str(tuple(shape))} (of length {len(shape)})")
    # TensorFlow reads its mode in any case; Keras takes its own names, in lower case
    given = a.get("tf_mode", a["mode"])
    if not isinstance(given, str):
        raise Unanalysable(f"mode={show(given)} is not followed")
    mode = given.lower() if "tf_mode" in a else given
    if mode != "constant" and not all(_mirror_fits(d, p, _MIRROR_LIMIT.get(mode)) for d, p in zip(shape, width)):
        raise Unanalysable(f"mode={show(given)} with these paddings is not followed")
    return tuple(None if d is None else d + dim_value(p[0], "pad_width") + dim_value(p[1], "pad_width")
                 for d, p in zip(shape, width))


def _same(a: dict) -> tuple:
    return tensor_shape(a["x"])


op("flip", "Flip", "x", "axis", axis=None, tf=(("reverse", ("tensor=x", "axis"), None),))(_same)
op("roll", "Roll", "x", "shift", "axis", axis=None, tf=(("roll", ("input=x", "shift", "axis"), None),))(_same)


@op("cumsum", "Cumsum", "x", "axis", axis=None, tf=(("cumsum", ("x", "axis"), {"axis": 0}),
                                                     ("math.cumsum", ("x", "axis"), {"axis": 0})))
def cumsum(a: dict) -> tuple:
    shape = tensor_shape(a["x"])
    if a["axis"] is None:
        return (None if None in shape else prod(shape),)
    return shape


@op("swapaxes", "Swapaxes", "x", "axis1", "axis2")
def swapaxes(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    i, j = canonical_axis(a["axis1"], len(shape)), canonical_axis(a["axis2"], len(shape))
    shape[i], shape[j] = shape[j], shape[i]
    return tuple(shape)


@op("moveaxis", "Moveaxis", "x", "source", "destination")
def moveaxis(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    src, dst = axes(a["source"], len(shape)), axes(a["destination"], len(shape))
    if len(src) != len(dst):
        raise ShapeError("invalid", "`source` and `destination` arguments must have the same number of elements")
    rest = [i for i in range(len(shape)) if i not in src]
    order: list = [None] * len(shape)
    for s, d in zip(src, dst):
        order[d] = s
    it = iter(rest)
    return tuple(shape[o if o is not None else next(it)] for o in order)


@op("shape", "", "x", paths=("ops.shape", "ops.core.shape"))
def shape_of(a: dict) -> Any:
    return as_shape(a["x"])


# tf-keras 2's backend.batch_flatten met whole by TensorFlow's dispatch (keras-version = 2 only; a path no
# user spelling resolves to): its reshape to a stacked shape tensor leaves both axes unknown.
@op("tf_keras_batch_flatten", "", "x", paths=("tf_keras.backend.batch_flatten",))
def tf_keras_batch_flatten(a: dict) -> tuple:
    return (None, None)


# tf-keras 2's backend.shape (tf.shape) of a Keras tensor: a vector of its rank (keras-version = 2 only).
@op("tf_keras_shape", "", "x", paths=("tf_keras.backend.shape",))
def tf_keras_shape(a: dict) -> tuple:
    return (len(tensor_shape(a["x"])),)


# A TensorFlow call in a tf-keras 2 backend function whose static shape TensorFlow reads from a shape
# tensor's value (a reshape to it): keras2_programs works that shape out and states it (``tf_static_shape``,
# or ``tf_set_shape`` where tf-keras sets it on the result itself; summaries do not show either: the call's
# own arguments are the others) (keras-version = 2 only; no user spelling resolves to it).
@op("tf_keras_stated", "", "x", "y", "z", "tf_static_shape", "tf_set_shape", paths=("tf_keras.stated",), y=None,
    z=None, tf_static_shape=None, tf_set_shape=None)
def tf_keras_stated(a: dict) -> tuple:
    return tuple(a["tf_static_shape"] if a["tf_set_shape"] is None else a["tf_set_shape"])
