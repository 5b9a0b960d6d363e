"""Output-length arithmetic shared by the windowed layers (conv, pooling).

Our own counterparts of the helpers in ``keras.src.ops.operation_utils`` and
the old ``conv_utils`` module, under the same names, written so that every
dimension may be an ``int``, ``None`` (unknown, propagated like Keras does)
or a symbolic :class:`Expr`.  Besides the shape they return the arithmetic
as ``--explain`` notes and the structured facts the lint rules read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layerlint.engine.layers.base import Config, Shape, ShapeError, Unanalysable, value_text
from layerlint.engine.symbolic import Dim, Expr, as_int, dim_str, shape_str

AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}
# Config key set when a wrapper (TimeDistributed) builds the layer directly
# instead of calling it: Keras then never checks the layer's InputSpec.
BUILT_DIRECTLY = "__built_directly__"
# Config key set for the later calls of a shared layer: Keras does not build
# it again, it only checks the InputSpec and computes the output shape.
ALREADY_BUILT = "__already_built__"
# Set to 2 when the code is read as tf-keras 2 (keras-version = 2), whose shapes differ in places.
KERAS_VERSION = "__keras_version__"
DATA_FORMATS = ("channels_last", "channels_first")


def tf_keras(cfg: Config) -> bool:
    """Whether the layer is read as tf-keras 2 builds it (keras-version = 2)."""
    return cfg.values.get(KERAS_VERSION) == 2


@dataclass
class Spatial:
    """A computed output shape with its explanation."""

    shape: Shape
    notes: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


# -- argument standardisation ------------------------------------------------


def data_format(cfg: Config) -> str:
    """Keras' standardize_data_format: None means channels_last, anything else must be named."""
    fmt = cfg.data_format()
    if fmt not in DATA_FORMATS:
        raise ShapeError(
            "invalid",
            f"The `data_format` argument must be channels_first or channels_last. Received: data_format={fmt}",
        )
    return fmt


def padding_mode(cfg: Config, allowed: tuple[str, ...] = ("valid", "same"), lower: bool = True) -> str:
    """The ``padding`` string, checked against the modes the layer accepts."""
    raw = cfg["padding"]
    if isinstance(raw, (tuple, list)):
        raise ShapeError("invalid", f"`padding` must be one of {', '.join(allowed)}. Received: padding={raw}")
    mode = cfg.string("padding", lower=lower)
    if mode not in allowed:
        raise ShapeError("invalid", f"`padding` must be one of {', '.join(allowed)}. Received: padding={mode}")
    return mode


def positive_tuple(cfg: Config, key: str, n: int, allow_zero: bool = False) -> tuple:
    """Keras' standardize_tuple, including its "> 0" (or ">= 0") check on known ints."""
    values = cfg.int_tuple(key, n)
    for v in values:
        if not isinstance(v, (int, Expr)) or isinstance(v, bool):
            raise Unanalysable(f"{key}=({', '.join(value_text(x) for x in values)}) is not a tuple of integers")
        i = as_int(v)
        if i is not None and (i < 0 or (i == 0 and not allow_zero)):
            need = ">= 0" if allow_zero else "> 0"
            raise ShapeError(
                "invalid", f"The `{key}` argument must be a tuple of {n} integers {need}. Received {key}={values}"
            )
    return values


def positive_dim(cfg: Config, key: str) -> Dim:
    """An integer argument that must be strictly positive when known."""
    v = cfg.dim(key)
    i = as_int(v)
    if i is not None and i <= 0:
        raise ShapeError(
            "invalid", f"Invalid value for argument `{key}`. Expected a strictly positive value. Received {key}={i}."
        )
    return v


# -- layout --------------------------------------------------------------------


def split_channels(shape: Shape, fmt: str) -> tuple[tuple, Dim]:
    """(spatial dims, channel dim) of a batch-first shape."""
    if fmt == "channels_first":
        return tuple(shape[2:]), shape[1]
    return tuple(shape[1:-1]), shape[-1]


def join_channels(batch: Dim, spatial: tuple, channels: Dim, fmt: str) -> Shape:
    if fmt == "channels_first":
        return (batch, channels) + tuple(spatial)
    return (batch,) + tuple(spatial) + (channels,)


# -- one axis ------------------------------------------------------------------


def effective_window(size: Dim, dilation: Dim = 1) -> Dim:
    """Span of a dilated kernel: d*(k - 1) + 1."""
    return size if dilation == 1 else dilation * (size - 1) + 1


def _ratio(numerator: str, stride: Dim) -> str:
    return f"{numerator}/{dim_str(stride)}" if stride == 1 else f"floor({numerator}/{dim_str(stride)})"


def conv_output_length(length: Dim, filter_size: Dim, padding: str, stride: Dim, dilation: Dim = 1) -> Dim:
    """Output length of a convolution or pooling window along one axis.

    valid: floor((L - window)/s) + 1; same and causal: floor((L - 1)/s) + 1.
    """
    if length is None:
        return None
    window = effective_window(filter_size, dilation)
    if padding == "valid":
        return (length - window) // stride + 1
    return (length - 1) // stride + 1


def _length_formula(length: Dim, window: Dim, padding: str, stride: Dim) -> str:
    if padding == "valid":
        return _ratio(f"({dim_str(length)} - {dim_str(window)})", stride) + " + 1"
    return _ratio(f"({dim_str(length)} - 1)", stride) + " + 1"


def deconv_output_length(
    length: Dim, filter_size: Dim, padding: str, output_padding: Dim = None, stride: Dim = 1, dilation: Dim = 1
) -> Dim:
    """Output length of a transposed convolution along one axis (TF's rule)."""
    if length is None:
        return None
    window = effective_window(filter_size, dilation)
    if padding == "valid":
        if output_padding is None:
            return (length - 1) * stride + _max(window, stride)
        return (length - 1) * stride + window + output_padding
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + window % 2 + output_padding


def _max(a: Dim, b: Dim) -> Dim:
    ia, ib = as_int(a), as_int(b)
    if ia is not None and ib is not None:
        return max(ia, ib)
    return Expr.opaque(f"max({dim_str(a)}, {dim_str(b)})")


# -- whole shapes ----------------------------------------------------------------


def _windowed(
    input_shape: Shape,
    spatial: tuple,
    kernel: tuple,
    strides: tuple,
    padding: str,
    dilation: tuple,
    what: str,
    prefix: str = "",
) -> tuple[tuple, list[str], dict]:
    """Per-axis lengths, notes and facts; raises when a valid window does not fit."""
    names = AXIS_NAMES.get(len(spatial), tuple(f"axis {i + 1}" for i in range(len(spatial))))
    windows = tuple(effective_window(k, d) for k, d in zip(kernel, dilation, strict=False))
    out, notes = [], []
    for name, length, k, d, w, s in zip(names, spatial, kernel, dilation, windows, strides, strict=False):
        if d != 1:
            notes.append(f"{name} effective window {dim_str(d)}*({dim_str(k)} - 1) + 1 = {dim_str(w)}")
        n = conv_output_length(length, k, padding, s, d)
        if length is not None:
            formula = f"{_length_formula(length, w, padding, s)} = {dim_str(n)}"
            label = prefix or f"{name} "
            if padding != "valid" and s == 1:
                notes.append(f"{label}{padding} padding keeps {dim_str(length)}")
            else:
                notes.append(f"{label}{formula}")
            if padding == "valid" and as_int(n) is not None and n <= 0:
                raise ShapeError(
                    "zero-or-negative",
                    f"Computed output size would be zero or negative: {name} {formula}. The {what} "
                    f"({dim_str(w)}) is bigger than the input {name} ({dim_str(length)}). "
                    f"Received input shape {shape_str(input_shape)}, strides={tuple(strides)}, padding={padding}",
                    input=length,
                    window=w,
                    stride=s,
                    axis=name,
                    formula=formula,
                    spatial_in=tuple(spatial),
                )
        out.append(n)
    facts = {
        "spatial_in": tuple(spatial),
        "spatial_out": tuple(out),
        "window": windows,
        "strides": tuple(strides),
        "padding": padding,
        "strides_defaulted": False,
    }
    return tuple(out), notes, facts


def compute_conv_output_shape(
    input_shape: Shape,
    filters: Dim,
    kernel_size: tuple,
    strides: tuple,
    padding: str = "valid",
    data_format: str = "channels_last",
    dilation_rate: tuple | None = None,
) -> Spatial:
    """Shape after a convolution producing ``filters`` channels."""
    spatial, _ = split_channels(input_shape, data_format)
    dilation = dilation_rate or (1,) * len(spatial)
    out, notes, facts = _windowed(input_shape, spatial, kernel_size, strides, padding, dilation, "kernel")
    facts["kernel_size"] = tuple(kernel_size)
    facts["dilation_rate"] = tuple(dilation)
    return Spatial(join_channels(input_shape[0], out, filters, data_format), notes, facts)


def compute_pooling_output_shape(
    input_shape: Shape,
    pool_size: tuple,
    strides: tuple | None,
    padding: str = "valid",
    data_format: str = "channels_last",
) -> Spatial:
    """Shape after max/average pooling; ``strides=None`` means strides = pool_size."""
    spatial, channels = split_channels(input_shape, data_format)
    defaulted = strides is None
    steps = tuple(pool_size) if defaulted else tuple(strides)
    if defaulted and len(spatial) == 1:
        prefix = "strides default to pool_size: "
        out, notes, facts = _windowed(
            input_shape, spatial, pool_size, steps, padding, (1,) * len(spatial), "pool_size", prefix
        )
    else:
        out, notes, facts = _windowed(input_shape, spatial, pool_size, steps, padding, (1,) * len(spatial), "pool_size")
        if defaulted:
            notes.insert(0, "strides default to pool_size")
    facts["strides_defaulted"] = defaulted
    facts["pool_size"] = tuple(pool_size)
    return Spatial(join_channels(input_shape[0], out, channels, data_format), notes, facts)


def compute_conv_transpose_output_shape(
    input_shape: Shape,
    kernel_size: tuple,
    filters: Dim,
    strides: tuple,
    padding: str,
    output_padding: tuple | None = None,
    data_format: str = "channels_last",
    dilation_rate: tuple | None = None,
) -> Spatial:
    """Shape after a transposed convolution."""
    spatial, _ = split_channels(input_shape, data_format)
    names = AXIS_NAMES.get(len(spatial), tuple(f"axis {i + 1}" for i in range(len(spatial))))
    dilation = dilation_rate or (1,) * len(spatial)
    pads: tuple = output_padding if output_padding is not None else (None,) * len(spatial)
    out, notes = [], []
    for name, length, k, s, p, d in zip(names, spatial, kernel_size, strides, pads, dilation, strict=False):
        n = deconv_output_length(length, k, padding, p, s, d)
        out.append(n)
        if length is None:
            continue
        w = effective_window(k, d)
        L, S, W = dim_str(length), dim_str(s), dim_str(w)
        if padding == "valid" and p is None:
            text = f"({L} - 1)*{S} + max({W}, {S})"
        elif padding == "valid":
            text = f"({L} - 1)*{S} + {W} + {dim_str(p)}"
        elif p is None:
            text = f"{L}*{S}"
        else:
            text = f"({L} - 1)*{S} + {W} % 2 + {dim_str(p)}"
        notes.append(f"{name} {text} = {dim_str(n)}")
    facts = {
        "spatial_in": tuple(spatial),
        "spatial_out": tuple(out),
        "window": tuple(effective_window(k, d) for k, d in zip(kernel_size, dilation, strict=False)),
        "strides": tuple(strides),
        "padding": padding,
        "strides_defaulted": False,
        "output_padding": output_padding,
        "transposed": True,
    }
    return Spatial(join_channels(input_shape[0], tuple(out), filters, data_format), notes, facts)
