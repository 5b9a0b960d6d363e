"""Merge layers: a list of input shapes in, one shape out, no weights."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, layer
from layerlint.engine.layers.ops import KERAS_VERSION
from layerlint.engine.symbolic import Dim, dim_str, dims_equal, shape_str


def _merge_error(cls: str, shapes: list, why: str) -> ShapeError:
    listed = "[" + ", ".join(shape_str(tuple(s)) for s in shapes) + "]"
    return ShapeError("merge", f"{cls} cannot merge inputs with shapes {listed}: {why}", shapes=list(shapes))


def _inputs(cfg: Config, inputs: list) -> list:
    if not inputs:
        raise ShapeError("merge", f"A {cfg.cls} layer should be called on a list of at least 1 input")
    return [tuple(s) for s in inputs]


def _unknown_against(known: Dim, keras2: bool) -> Dim:
    """An unknown size against ``known``: Keras 3 keeps it unknown; tf-keras 2 shapes the merge by running
    TensorFlow's op on the tensors, whose broadcast takes a known size other than 1."""
    return known if keras2 and isinstance(known, int) and known != 1 else None


def _broadcast_pair(cls: str, a: tuple, b: tuple, shapes: list, keras2: bool = False) -> tuple:
    """Element-wise result of two shapes without batch, aligned from the right like Keras' Merge."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b, strict=True):
        if i is None or j is None:
            out.append(_unknown_against(j if i is None else i, keras2))
        elif i == 1:
            out.append(j)
        elif j == 1:
            out.append(i)
        else:
            same = dims_equal(i, j)
            if same is False:
                raise _merge_error(cls, shapes, f"{dim_str(i)} and {dim_str(j)} do not match or broadcast")
            # Undecidable symbols: prefer the concrete size, which the runtime check must meet.
            out.append(i if same or not isinstance(j, int) else j)
    return tuple(out)


def _elementwise(cfg: Config, inputs: list) -> Built:
    shapes = _inputs(cfg, inputs)
    batches = {s[0] for s in shapes if s and s[0] is not None}
    if len(batches) > 1:
        raise _merge_error(cfg.cls, shapes, "the batch sizes differ")
    out = shapes[0][1:]
    for s in shapes[1:]:
        out = _broadcast_pair(cfg.cls, out, s[1:], shapes, cfg.values.get(KERAS_VERSION) == 2)
    batch: Dim = batches.pop() if len(batches) == 1 else None
    notes = []
    if len({len(s) for s in shapes}) > 1:
        notes.append("inputs of different rank are broadcast from the last axis")
    return Built((batch,) + out, [], notes)


for _name in ("Add", "Multiply", "Average", "Maximum", "Minimum"):
    layer(_name, multi_input=True)(_elementwise)


@layer("Subtract", multi_input=True)
def subtract(cfg: Config, inputs: list) -> Built:
    if len(inputs) != 2:
        raise ShapeError("merge", f"A Subtract layer should be called on exactly 2 inputs, not {len(inputs)}")
    return _elementwise(cfg, inputs)


@layer("Concatenate", "axis", multi_input=True, axis=-1)
def concatenate(cfg: Config, inputs: list) -> Built:
    shapes = _inputs(cfg, inputs)
    axis = cfg["axis"]
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise Unanalysable(f"Concatenate axis={axis!r} is not a known integer")
    # Compare every input with the concatenation axis removed; Keras only drops it
    # when the axis exists (a positive axis past the rank is left to fail later).
    rests = []
    for s in shapes:
        rest = list(s)
        if axis < -len(rest):
            raise _merge_error("Concatenate", shapes, f"axis {axis} is out of range for rank {len(rest)}")
        if len(rest) > axis:
            del rest[axis]
        rests.append(rest)
    if len({len(r) for r in rests}) > 1:
        raise _merge_error("Concatenate", shapes, "inputs have different ranks")
    for position in zip(*rests, strict=True):
        known = [d for d in position if d is not None]
        if any(dims_equal(known[0], d) is False for d in known[1:]):
            sizes = ", ".join(dim_str(d) for d in position)
            raise _merge_error("Concatenate", shapes, f"shapes must match except on axis {axis}; found sizes {sizes}")
    for s in shapes:
        if not -len(s) <= axis < len(s):
            raise _merge_error("Concatenate", shapes, f"axis {axis} is out of range for rank {len(s)}")
    out = list(shapes[0])
    if cfg.values.get(KERAS_VERSION) == 2:  # tf-keras: TensorFlow's concat takes each other axis' known size
        out = [next((d for d in position if d is not None), None) for position in zip(*shapes, strict=True)]
    total: Dim = out[axis]
    for s in shapes[1:]:
        if total is None or s[axis] is None:
            total = None
            break
        total = total + s[axis]
    out[axis] = total
    parts = " + ".join(dim_str(s[axis]) for s in shapes)
    return Built(tuple(out), [], [f"axis {axis}: {parts} = {dim_str(total)}"])


@layer("Dot", "axes", "normalize", multi_input=True, normalize=False)
def dot(cfg: Config, inputs: list) -> Built:
    if len(inputs) != 2:
        raise ShapeError("merge", f"A Dot layer should be called on a list of 2 inputs, not {len(inputs)}")
    a, b = (list(s) for s in inputs)
    axes = cfg["axes"]
    if isinstance(axes, int) and not isinstance(axes, bool):
        pair = [axes % len(a), axes % len(b)] if axes < 0 else [axes, axes]
    elif isinstance(axes, (list, tuple)) and len(axes) == 2 and all(isinstance(x, int) for x in axes):
        pair = list(axes)
    elif isinstance(axes, (list, tuple)) and len(axes) != 2:
        raise ShapeError("invalid", f"Dot axes must be an int or a pair of ints. Received: axes={axes!r}")
    else:
        raise Unanalysable(f"Dot axes={axes!r} is not known")
    for shape, ax in ((a, pair[0]), (b, pair[1])):
        if not -len(shape) <= ax < len(shape):
            raise _merge_error("Dot", [a, b], f"axis {ax} is out of range for rank {len(shape)}")
    x, y = a[pair[0]], b[pair[1]]
    # Keras compares the two reduced sizes literally, so None only matches None.
    if (x is None) != (y is None) or dims_equal(x, y) is False:
        raise _merge_error(
            "Dot", [tuple(a), tuple(b)], f"axis sizes {dim_str(x)} (axis {pair[0]}) != {dim_str(y)} (axis {pair[1]})"
        )
    del a[pair[0]]
    del b[pair[1]]
    out = a + b[1:]
    if len(out) == 1:
        out.append(1)
    return Built(tuple(out), [], [f"sums over {dim_str(x)} products per pair of positions"])
