"""One constructor call as Keras would build it: its input checks, name, layers and weights.

Keras' ``obtain_input_shape`` (and MobileNetV3's own check) decide the input
shape and refuse sizes below the minimum, non-RGB inputs with ImageNet
weights and a non-default size with the ImageNet top; those refusals are
:class:`ShapeError` s here, reported as findings.  ``weights`` is only read
for these checks and the name: nothing is ever loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable

# Sizes with published weights: MobileNet and MobileNetV2 name themselves by the
# input rows, falling back to 224 with ImageNet weights for any other size.
IMAGENET_ROWS = {"MobileNet": (128, 160, 192, 224), "MobileNetV2": (96, 128, 160, 192, 224)}


@dataclass
class Configured:
    name: str
    input_shape: tuple  # (height, width, channels)
    layers: list  # [name, class, inbound, spatial op, recorded shape, weight count]
    weights: list  # [dims..., trainable], "flat" for a classifier's input after Flatten


def _fmt(v: Any) -> str:
    """A value as the user wrote it (an unknown name by its source text)."""
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return str(v)


def _input_shape(entry: dict, kw: dict, include_top: bool, imagenet: bool, tensor: tuple | None) -> tuple:
    shape = kw.get("input_shape")
    if shape is not None and not isinstance(shape, (tuple, list)):
        raise Unanalysable(f"input_shape={_fmt(shape)} is not a tuple")
    shape = None if shape is None else tuple(shape)
    if shape is not None and not all(d is None or isinstance(d, int) and not isinstance(d, bool) for d in shape):
        raise Unanalysable(f"input_shape={_fmt(shape)} is not known")
    minimum = entry["min_size"]
    if entry["input_check"] == "own":  # MobileNetV3
        if shape is None:
            shape = (None, None, 3)
        rows, cols = shape[0], shape[1]
        if rows and cols and (rows < minimum or cols < minimum):
            raise ShapeError("invalid", f"Input size must be at least {minimum}x{minimum}; Received `input_shape={_fmt(shape)}`")
        return shape
    default = entry["default_size"]
    rows_choice = IMAGENET_ROWS.get(entry["ctor"])
    if rows_choice is not None:
        # The size is taken from input_tensor when input_shape is not given.
        rows = shape or tensor
        default = rows[0] if rows and rows[0] == rows[1] and rows[0] in rows_choice else 224
    if not imagenet and shape and len(shape) == 3:
        default_shape = (default, default, shape[-1])
    else:
        default_shape = (default, default, 3)
    if imagenet and include_top:
        if shape is not None and shape != default_shape:
            raise ShapeError("invalid", "When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {_fmt(default_shape)}.  Received: input_shape={_fmt(shape)}")
        return default_shape
    if shape:
        if len(shape) != 3:
            raise ShapeError("invalid", "`input_shape` must be a tuple of three integers.")
        if shape[-1] != 3 and imagenet:
            raise ShapeError("invalid", f"The input must have 3 channels; Received `input_shape={_fmt(shape)}`")
        if (shape[0] is not None and shape[0] < minimum) or (shape[1] is not None and shape[1] < minimum):
            raise ShapeError("invalid", f"Input size must be at least {minimum}x{minimum}; Received: input_shape={_fmt(shape)}")
    elif include_top:
        shape = default_shape
    else:
        shape = (*entry["notop_input"], 3) if entry.get("notop_input") else (None, None, 3)
    if include_top and None in shape:
        raise ShapeError("invalid", "If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={_fmt(shape)}")
    return shape


def _classes(v: Any, classes: int) -> Any:
    if v == "classes":
        return classes
    if isinstance(v, list):
        return [_classes(x, classes) for x in v]
    return v


def configure(entry: dict, kw: dict, tensor: tuple | None = None) -> Configured:
    """The backbone a call builds; ``kw`` holds plain values, ``tensor`` the shape of input_tensor
    (without the batch axis), which Keras builds on while checking and naming by input_shape."""
    weights = kw.get("weights", "imagenet")
    include_top = kw.get("include_top", True)
    classes = kw.get("classes", 1000)
    if not isinstance(include_top, bool):
        raise Unanalysable("include_top is not a known boolean")
    if not isinstance(weights, str) and weights is not None:
        raise Unanalysable("weights is not a known value")
    imagenet = weights == "imagenet"
    if include_top and (not isinstance(classes, int) or isinstance(classes, bool)):
        raise Unanalysable("classes is not a known integer")
    if imagenet and include_top and classes != 1000:
        raise ShapeError("invalid", 'If using `weights="imagenet"` with `include_top=True`, `classes` should be '
                         f"1000. Received classes={classes}")
    shape = _input_shape(entry, kw, include_top, imagenet, tensor)
    if tensor is not None:
        shape_for_name, shape = shape, tuple(tensor)
    else:
        shape_for_name = shape
    if len(shape) != 3:
        raise Unanalysable(f"an input of shape {_fmt(shape)} is not an image batch")
    default = entry["default_size"]
    if entry.get("default_size_only") and shape[:2] != (default, default):
        raise Unanalysable(f"{entry['ctor']} builds other layers for other input sizes; the applications table "
                           f"holds it at {default}x{default} only")
    if shape[-1] != 3:
        raise Unanalysable(f"the applications table holds 3-channel backbones; this one has {shape[-1]} channels")
    layers, wts = entry["layers"], entry["weights"]
    change = entry["top"] if include_top else entry.get(kw.get("pooling")) if kw.get("pooling") in ("avg", "max") else None
    if change is not None:
        keep = change["keep"]
        layers = layers[:keep] + _classes(change["layers"], classes)
        wts = wts[:sum(r[5] for r in entry["layers"][:keep])] + _classes(change["weights"], classes)
    return Configured(_name(entry, kw, shape_for_name, include_top, imagenet), shape, layers, wts)


def _name(entry: dict, kw: dict, shape: tuple, include_top: bool, imagenet: bool) -> str:
    given = kw.get("name")
    if isinstance(given, str):
        return given
    template = entry["top_name" if include_top else "name"]
    if "{rows}" not in template:
        return template
    rows, cols = shape[0], shape[1]
    if imagenet and (rows != cols or rows not in IMAGENET_ROWS.get(entry["ctor"], ())):
        rows = 224
    return template.format(alpha=float(kw.get("alpha", 1.0)), rows=rows)
