"""Layers that move, pad, crop or repeat elements without weights.

Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D-3D, Cropping1D-3D and
UpSampling1D-3D.
"""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import (
    Built,
    ComputeFn,
    Config,
    ShapeError,
    Unanalysable,
    layer,
    require_rank,
    scalar_as_expr,
    single,
    value_text,
)
from layerlint.engine.layers.ops import (
    AXIS_NAMES,
    KERAS_VERSION,
    data_format,
    join_channels,
    positive_tuple,
    split_channels,
    tf_keras,
)
from layerlint.engine.layers.size_types import numpy_padding_refusal, numpy_tuple_refusal
from layerlint.engine.symbolic import Dim, Expr, NumpyInt, as_int, dim_str, dims_equal, prod, shape_str


def _int_like(v: Any) -> bool:
    return isinstance(v, (int, Expr)) and not isinstance(v, bool)


def _shown(v: Any) -> str:
    """A value as the user wrote it, never the analyser's own objects: those show as ``?``."""
    if isinstance(v, tuple):
        return "(" + ", ".join(_shown(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(_shown(x) for x in v) + "]"
    if v is None or isinstance(v, (bool, int, float, str)):
        return repr(v)
    return str(v) if isinstance(v, Expr) else value_text(v)


def _check_non_negative(key: str, values: tuple) -> None:
    for v in values:
        if not _int_like(v):
            raise Unanalysable(f"{key}={_shown(values)} is not made of integers")
        if as_int(v) is not None and v < 0:
            raise ShapeError("invalid", f"`{key}` values must be >= 0. Received {key}={values}")


_ORDINALS = ("1st", "2nd", "3rd")


def _pair(value: Any, key: str, keras_version: int, label: str | None = None) -> tuple:
    """An int or a 2-sequence as a (before, after) pair, like standardize_tuple(value, 2); ``label``: how
    Keras names ``value`` (``1st entry of padding`` for an entry of a 2D padding)."""
    if isinstance(value, NumpyInt):  # neither a Python int nor a sequence: both Kerases refuse it
        raise ShapeError("invalid", numpy_tuple_refusal(label or key, 2, value, keras_version))
    if _int_like(value):
        pair = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        pair = tuple(value)
    elif isinstance(value, (tuple, list)):
        raise ShapeError("invalid", f"The `{key}` argument must be a tuple of 2 integers. Received {key}={value}")
    else:
        raise Unanalysable(f"{key}={value!r} is not a pair of integers")
    _check_non_negative(key, pair)
    return pair


def _edge_pairs(cfg: Config, key: str, rank: int) -> tuple:
    """(before, after) per spatial axis: a 1D layer's one pair, else one per axis."""
    if rank == 1:
        return (_pair(cfg[key], key, cfg.values.get(KERAS_VERSION, 3)),)
    return _pairs(cfg, key, rank)


def _pairs(cfg: Config, key: str, n: int) -> tuple:
    """(before, after) per spatial axis from an int, n ints or n pairs."""
    value = cfg[key]
    version = cfg.values.get(KERAS_VERSION, 3)
    if isinstance(value, NumpyInt):
        raise ShapeError("invalid", numpy_padding_refusal(key, n, value, version))
    if _int_like(value):
        _check_non_negative(key, (value,))
        return ((value, value),) * n
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ShapeError("invalid", f"`{key}` should have {n} elements. Received: {key}={value}")
        return tuple(_pair(v, key, version, f"{_ORDINALS[i]} entry of {key}" if i < 3 else None)
                     for i, v in enumerate(value))
    raise Unanalysable(f"{key}={value!r} is not a tuple of integers")


def _grow(length: Dim, before: Dim, after: Dim, sign: int) -> Dim:
    return None if length is None else length + sign * (before + after)


def _edges(cfg: Config, shape: tuple, fmt: str, pairs: tuple, sign: int) -> tuple:
    """Pad (sign=+1) or crop (sign=-1) the spatial axes; returns (shape, spatial_in, spatial_out, notes)."""
    spatial, channels = split_channels(shape, fmt)
    names = AXIS_NAMES[len(spatial)]
    out, notes = [], []
    for name, length, (a, b) in zip(names, spatial, pairs, strict=False):
        n = _grow(length, a, b, sign)
        op = "+" if sign > 0 else "-"
        formula = f"{dim_str(length)} {op} {dim_str(a)} {op} {dim_str(b)} = {dim_str(n)}"
        if length is not None:
            notes.append(f"{name} {formula}")
        if sign < 0 and as_int(n) is not None and n <= 0:
            raise ShapeError(
                "zero-or-negative",
                f"`cropping` of {cfg.cls} must be smaller than the input {name}: {formula}. "
                f"Received input shape {shape_str(shape)}, cropping={pairs}",
                input=length,
                window=a + b,
                axis=name,
                formula=formula,
                spatial_in=tuple(spatial),
            )
        out.append(n)
    return join_channels(shape[0], tuple(out), channels, fmt), tuple(spatial), tuple(out), notes


def _zero_padding(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        require_rank(shape, rank + 2, cfg.cls)
        fmt = data_format(cfg)
        pairs = _edge_pairs(cfg, "padding", rank)
        out, spatial_in, spatial_out, notes = _edges(cfg, shape, fmt, pairs, +1)
        return Built(out, [], notes, {"spatial_in": spatial_in, "spatial_out": spatial_out, "pads": pairs})

    return compute


def _cropping(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        require_rank(shape, rank + 2, cfg.cls)
        # Cropping1D has no data_format argument: it always crops axis 1.
        fmt = data_format(cfg) if rank > 1 else "channels_last"
        pairs = _edge_pairs(cfg, "cropping", rank)
        out, spatial_in, spatial_out, notes = _edges(cfg, shape, fmt, pairs, -1)
        facts = {
            "spatial_in": spatial_in,
            "spatial_out": spatial_out,
            "window": tuple(a + b for a, b in pairs),
            "strides": (1,) * rank,
            "padding": "valid",
            "strides_defaulted": False,
            "cropping": pairs,
        }
        return Built(out, [], notes, facts)

    return compute


def _up_sampling(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        require_rank(shape, rank + 2, cfg.cls)
        fmt = data_format(cfg) if rank > 1 else "channels_last"
        if rank == 1 and not _int_like(cfg["size"]):
            raise ShapeError("invalid", f"Expected an integer value for `size`, got {cfg['size']!r}.")
        size = positive_tuple(cfg, "size", rank)
        spatial, channels = split_channels(shape, fmt)
        out = tuple(None if d is None else s * d for d, s in zip(spatial, size, strict=False))
        if rank == 2 and tf_keras(cfg) and None in spatial:
            # tf-keras resizes to a size computed from the tensor's dynamic shape: one unknown side leaves both.
            out = (None, None)
        notes = [
            f"{name} {dim_str(d)} * {dim_str(s)} = {dim_str(o)}"
            for name, d, s, o in zip(AXIS_NAMES[rank], spatial, size, out, strict=False)
            if d is not None
        ]
        facts = {
            "spatial_in": spatial,
            "spatial_out": out,
            "window": (1,) * rank,
            "strides": (1,) * rank,
            "padding": "valid",
            "strides_defaulted": False,
            "size": size,
        }
        return Built(join_channels(shape[0], out, channels, fmt), [], notes, facts)

    return compute


for _r in (1, 2, 3):
    _pad_default = 1 if _r == 1 else ((1, 1),) * _r
    _pad_positional = ("padding", "data_format")
    layer(f"ZeroPadding{_r}D", *_pad_positional, input_rank=_r + 2, padding=_pad_default, data_format=None)(
        _zero_padding(_r)
    )
    _crop_default = (1, 1) if _r == 1 else ((0, 0),) * 2 if _r == 2 else ((1, 1),) * 3
    _crop_positional = ("cropping",) if _r == 1 else ("cropping", "data_format")
    layer(f"Cropping{_r}D", *_crop_positional, input_rank=_r + 2, cropping=_crop_default, data_format=None)(
        _cropping(_r)
    )
    _up_positional = {1: ("size",), 2: ("size", "data_format", "interpolation"), 3: ("size", "data_format")}[_r]
    layer(f"UpSampling{_r}D", *_up_positional, input_rank=_r + 2, size=2 if _r == 1 else (2,) * _r, data_format=None)(
        _up_sampling(_r)
    )


@layer("Flatten", "data_format", data_format=None)
def flatten(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Flatten")
    require_rank(shape, 1, "Flatten", at_least=True)
    data_format(cfg)  # only validated: channels_first changes element order, not the size
    rest = shape[1:]
    size = 1 if not rest else prod(rest)
    notes = [f"flattens {' x '.join(dim_str(d) for d in rest)} = {dim_str(size)}"] if len(rest) > 1 else []
    return Built((shape[0], size), [], notes, {"flattened": size})


def _target_shape(cfg: Config) -> tuple:
    target = cfg["target_shape"]
    if not isinstance(target, (tuple, list)):
        if _int_like(target):
            raise ShapeError("invalid", f"`target_shape` must be a tuple of integers. Received: target_shape={target}")
        raise Unanalysable("target_shape is not a known tuple")
    target = tuple(target)
    for d in target:
        if d is not None and not _int_like(d):
            raise Unanalysable(f"target_shape={_shown(target)} is not made of integers")
        if as_int(d) is not None and d < -1:
            raise ShapeError(
                "invalid", f"Each dimension in `target_shape` must be >= 0 or -1. Received: target_shape={target}."
            )
    if sum(1 for d in target if d == -1) > 1:
        raise ShapeError(
            "invalid",
            f"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={target}.",
        )
    return target


@layer("Reshape", "target_shape")
def reshape(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Reshape")
    target = _target_shape(cfg)
    rest = shape[1:]
    # An unknown input dim (or target dim) leaves -1 unresolved, as in Keras.
    if None in rest or None in target:
        return Built((shape[0],) + tuple(None if d == -1 else d for d in target), [], [], {})
    input_size = prod(rest)
    unknown = [i for i, d in enumerate(target) if d == -1]
    known = prod(d for d in target if d != -1)
    if not unknown:
        if dims_equal(input_size, known) is False:
            raise ShapeError(
                "reshape",
                f"The total size of the tensor must be unchanged: input {shape_str(rest)} has {dim_str(input_size)} "
                f"elements but target_shape={shape_str(target)} has {dim_str(known)}",
                input_size=input_size,
                target_size=known,
            )
        return Built((shape[0],) + target, [], [f"{dim_str(input_size)} elements kept"], {"input_size": input_size})
    k, n = as_int(known), as_int(input_size)
    if k is not None and n is not None and (k == 0 or n % k):
        raise ShapeError(
            "reshape",
            f"The total size of the tensor must be unchanged: input {shape_str(rest)} has {n} elements, "
            f"which cannot be split into target_shape={shape_str(target)} (known part {k})",
            input_size=n,
            target_size=k,
        )
    resolved = input_size // known
    out = list(target)
    out[unknown[0]] = resolved
    note = f"-1 = {dim_str(input_size)} / {dim_str(known)} = {dim_str(resolved)}"
    return Built((shape[0],) + tuple(out), [], [note], {"input_size": input_size})


@layer("Permute", "dims")
def permute(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Permute")
    dims = cfg["dims"]
    if not isinstance(dims, (tuple, list)) or not all(isinstance(d, int) for d in dims):
        raise Unanalysable("dims is not a known tuple of integers")
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise ShapeError(
            "invalid", f"`dims` of Permute must be a permutation of 1..{len(dims)}. Received dims={tuple(dims)}"
        )
    require_rank(shape, len(dims) + 1, "Permute")
    return Built((shape[0],) + tuple(shape[d] for d in dims))


@layer("RepeatVector", "n", input_rank=2)
def repeat_vector(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "RepeatVector")
    n = scalar_as_expr(cfg["n"])
    if isinstance(n, NumpyInt):  # both Kerases want a Python int here
        raise ShapeError("invalid", f"Expected an integer value for `n`, got <class 'numpy.{n.dtype}'>.")
    if isinstance(n, Expr) and (n.holds_tensor() or n.holds_scalar_data()):
        raise ShapeError("invalid", f"Expected an integer value for `n`, got {n}: a NumPy scalar or a tensor, not an int.")
    if not _int_like(n):
        raise ShapeError("invalid", f"Expected an integer value for `n`, got {n!r}.")
    if as_int(n) is not None and n <= 0:
        raise ShapeError("invalid", f"Argument `n` should be a positive integer. Received: n={n}")
    require_rank(shape, 2, "RepeatVector")
    return Built((shape[0], n, shape[1]))
