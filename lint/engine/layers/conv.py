"""Convolutions: Conv1D-3D, their transposes, separable and depthwise variants."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, ComputeFn, Config, ShapeError, Weight, layer, require_rank, single
from layerlint.engine.layers.ops import (
    Spatial,
    compute_conv_output_shape,
    compute_conv_transpose_output_shape,
    data_format,
    padding_mode,
    positive_dim,
    positive_tuple,
    split_channels,
    tf_keras,
)
from layerlint.engine.symbolic import Dim, as_int, dim_str, shape_str

# Trailing constructor parameters (initializers, regularizers, constraints): they
# only matter for positional binding, never for shapes.
_KERNEL_TAIL = (
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
)
_DEPTHWISE_TAIL = (
    "depthwise_initializer",
    "bias_initializer",
    "depthwise_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "depthwise_constraint",
    "bias_constraint",
)
_SEPARABLE_TAIL = (
    "depthwise_initializer",
    "pointwise_initializer",
    "bias_initializer",
    "depthwise_regularizer",
    "pointwise_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "depthwise_constraint",
    "pointwise_constraint",
    "bias_constraint",
)
_COMMON_DEFAULTS = dict(strides=1, padding="valid", data_format=None, dilation_rate=1, activation=None, use_bias=True)


def _conv_input(cfg: Config, inputs: list, rank: int) -> tuple:
    """The input shape, data format and channel count, with Keras' rank checks."""
    shape = single(inputs, cfg.cls)
    require_rank(shape, rank + 2, cfg.cls, at_least=True)
    if len(shape) != rank + 2:
        # Keras' InputSpec only sets min_ndim, but the kernel rank check then fails.
        raise ShapeError(
            "rank",
            f"{cfg.cls} expects inputs of rank {rank + 2} (batch, {rank} spatial axes, channels) to match its "
            f"{rank + 2}-D kernel; received shape {shape_str(shape)}",
            expected=rank + 2,
            found=len(shape),
            at_least=False,
        )
    fmt = data_format(cfg)
    _, channels = split_channels(shape, fmt)
    if channels is None:
        raise ShapeError(
            "invalid",
            f"The channel dimension of the inputs to {cfg.cls} should be defined. Found None. "
            f"Full input shape received: {shape_str(shape)}",
        )
    return shape, fmt, channels


def _window_args(cfg: Config, rank: int, check_dilated_strides: bool) -> tuple:
    """kernel_size, strides and dilation_rate as rank-tuples, validated like Keras."""
    kernel = positive_tuple(cfg, "kernel_size", rank)
    strides = positive_tuple(cfg, "strides", rank)
    dilation = positive_tuple(cfg, "dilation_rate", rank)
    if check_dilated_strides:
        big_stride = any((as_int(s) or 1) > 1 for s in strides)
        big_dilation = any((as_int(d) or 1) > 1 for d in dilation)
        if big_stride and big_dilation:
            raise ShapeError(
                "invalid",
                f"`strides > 1` is not supported together with `dilation_rate > 1`. "
                f"Received: strides={strides} and dilation_rate={dilation}",
            )
    return kernel, strides, dilation


def _bias(cfg: Config, size: Dim) -> list[Weight]:
    return [Weight("bias", (size,))] if cfg.flag("use_bias") else []


def _built(out: Spatial, weights: list[Weight], extra_notes: list[str] = ()) -> Built:
    return Built(out.shape, weights, out.notes + list(extra_notes), out.facts)


def _tf_keras_leading(cfg: Config, inputs: list, rank: int) -> tuple[tuple, list]:
    """tf-keras' Conv1D-3D take inputs of higher rank than their kernel: the extra leading axes are batch axes
    that TensorFlow's convolution keeps.  Returns those axes and the input without them."""
    shape = single(inputs, cfg.cls)
    if not tf_keras(cfg) or len(shape) <= rank + 2:
        return (), inputs
    cut = len(shape) - (rank + 1)
    return tuple(shape[1:cut]), [(shape[0],) + tuple(shape[cut:])]


def _conv(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        leading, inputs = _tf_keras_leading(cfg, inputs, rank)
        shape, fmt, channels = _conv_input(cfg, inputs, rank)
        filters = positive_dim(cfg, "filters")
        groups = positive_dim(cfg, "groups")
        g, f, c = as_int(groups), as_int(filters), as_int(channels)
        if g is not None and f is not None and f % g:
            raise ShapeError(
                "groups",
                f"The number of filters must be evenly divisible by the number of groups. Received: groups={g}, filters={f}.",
                groups=g,
                filters=f,
            )
        kernel, strides, dilation = _window_args(cfg, rank, check_dilated_strides=True)
        padding = padding_mode(cfg, ("valid", "same", "causal") if rank == 1 else ("valid", "same"))
        if g is not None and c is not None and c % g:
            raise ShapeError(
                "groups",
                f"The number of input channels must be evenly divisible by the number of groups. Received "
                f"groups={g}, but the input has {c} channels (full input shape is {shape_str(shape)}).",
                groups=g,
                channels=c,
            )
        out = compute_conv_output_shape(shape, filters, kernel, strides, padding, fmt, dilation)
        # Grouped convolutions see only channels/groups inputs per filter.
        kernel_shape = kernel + (channels // groups, filters)
        weights = [Weight("kernel", kernel_shape)] + _bias(cfg, filters)
        notes = (
            [f"groups={dim_str(groups)}: each filter sees {dim_str(channels)}/{dim_str(groups)} channels"]
            if groups != 1
            else []
        )
        lora = as_int(cfg.dim("lora_rank")) if "lora_rank" in cfg else None
        if lora:
            # LoRA freezes the kernel and learns a low-rank delta on top of it.
            weights[0].trainable = False
            weights += [Weight("lora_kernel_a", kernel_shape[:-1] + (lora,)), Weight("lora_kernel_b", (lora, filters))]
        if leading:
            out.shape = out.shape[:1] + leading + tuple(out.shape[1:])
            notes.append(f"tf-keras keeps the leading axes {shape_str(leading)} as batch axes")
        return _built(out, weights, notes)

    return compute


def _conv_transpose(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape, fmt, channels = _conv_input(cfg, inputs, rank)
        filters = positive_dim(cfg, "filters")
        kernel, strides, dilation = _window_args(cfg, rank, check_dilated_strides=True)
        padding = padding_mode(cfg)
        output_padding = None
        if cfg["output_padding"] is not None:
            output_padding = positive_tuple(cfg, "output_padding", rank, allow_zero=True)
            for i, (p, s) in enumerate(zip(output_padding, strides, strict=False)):
                if as_int(p) is not None and as_int(s) is not None and p >= s:
                    raise ShapeError(
                        "invalid",
                        f"`output_padding` must be strictly less than `strides`: at index {i} output_padding is {p} "
                        f"and strides is {s}. Received output_padding={output_padding}, strides={strides}.",
                    )
        out = compute_conv_transpose_output_shape(
            shape, kernel, filters, strides, padding, output_padding, fmt, dilation
        )
        # A transposed kernel stores (..., out channels, in channels): the reverse of Conv.
        weights = [Weight("kernel", kernel + (filters, channels))] + _bias(cfg, filters)
        return _built(out, weights)

    return compute


def _depthwise(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape, fmt, channels = _conv_input(cfg, inputs, rank)
        multiplier = positive_dim(cfg, "depth_multiplier")
        kernel, strides, dilation = _window_args(cfg, rank, check_dilated_strides=False)
        padding = padding_mode(cfg)
        out_channels = multiplier * channels
        out = compute_conv_output_shape(shape, out_channels, kernel, strides, padding, fmt, dilation)
        weights = [Weight("kernel", kernel + (channels, multiplier))] + _bias(cfg, out_channels)
        notes = [f"channels {dim_str(channels)} * depth_multiplier {dim_str(multiplier)} = {dim_str(out_channels)}"]
        return _built(out, weights, notes)

    return compute


def _separable(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape, fmt, channels = _conv_input(cfg, inputs, rank)
        multiplier = positive_dim(cfg, "depth_multiplier")
        filters = positive_dim(cfg, "filters")
        kernel, strides, dilation = _window_args(cfg, rank, check_dilated_strides=False)
        padding = padding_mode(cfg)
        out = compute_conv_output_shape(shape, filters, kernel, strides, padding, fmt, dilation)
        # Depthwise pass per channel, then a 1x1 pointwise mix to `filters`.
        weights = [
            Weight("depthwise_kernel", kernel + (channels, multiplier)),
            Weight("pointwise_kernel", (1,) * rank + (multiplier * channels, filters)),
        ] + _bias(cfg, filters)
        return _built(out, weights)

    return compute


_CONV_POSITIONAL = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "groups",
    "activation",
    "use_bias",
) + _KERNEL_TAIL
_TRANSPOSE_POSITIONAL = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "output_padding",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
) + _KERNEL_TAIL
# Conv3DTranspose's signature puts data_format before output_padding.
_TRANSPOSE3D_POSITIONAL = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "output_padding",
    "dilation_rate",
    "activation",
    "use_bias",
) + _KERNEL_TAIL
_DEPTHWISE_POSITIONAL = (
    "kernel_size",
    "strides",
    "padding",
    "depth_multiplier",
    "data_format",
    "dilation_rate",
    "activation",
    "use_bias",
) + _DEPTHWISE_TAIL
_SEPARABLE_POSITIONAL = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "depth_multiplier",
    "activation",
    "use_bias",
) + _SEPARABLE_TAIL

for _r in (1, 2, 3):
    layer(
        f"Conv{_r}D", *_CONV_POSITIONAL, input_rank=_r + 2, aliases=(f"Convolution{_r}D",), groups=1, **_COMMON_DEFAULTS
    )(_conv(_r))
    layer(
        f"Conv{_r}DTranspose",
        *(_TRANSPOSE3D_POSITIONAL if _r == 3 else _TRANSPOSE_POSITIONAL),
        input_rank=_r + 2,
        aliases=(f"Convolution{_r}DTranspose",),
        output_padding=None,
        **_COMMON_DEFAULTS,
    )(_conv_transpose(_r))
for _r in (1, 2):
    layer(f"DepthwiseConv{_r}D", *_DEPTHWISE_POSITIONAL, input_rank=_r + 2, depth_multiplier=1, **_COMMON_DEFAULTS)(
        _depthwise(_r)
    )
    layer(
        f"SeparableConv{_r}D",
        *_SEPARABLE_POSITIONAL,
        input_rank=_r + 2,
        aliases=(f"SeparableConvolution{_r}D",),
        depth_multiplier=1,
        **_COMMON_DEFAULTS,
    )(_separable(_r))
