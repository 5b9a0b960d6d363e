"""tf-keras 2's LocallyConnected1D and LocallyConnected2D: a convolution whose weights are not shared
across positions.  Keras 3 has neither class, so they are shaped with ``keras-version = 2`` only.

Weight shapes follow tf-keras' three ``implementation`` modes (its build()).
"""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight, layer, require_rank, single
from layerlint.engine.layers.ops import (
    conv_output_length,
    data_format,
    padding_mode,
    positive_dim,
    positive_tuple,
    split_channels,
    tf_keras,
)
from layerlint.engine.symbolic import as_int, dim_str, prod, shape_str

_TAIL = ("activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
         "activity_regularizer", "kernel_constraint", "bias_constraint", "implementation")
_DEFAULTS = dict(strides=1, padding="valid", data_format=None, activation=None, use_bias=True, implementation=1)


def _locally_connected(rank: int):
    def compute(cfg: Config, inputs: list) -> Built:
        if not tf_keras(cfg):
            raise Unanalysable(f"Keras 3 has no {cfg.cls}: it is tf-keras 2's (keras-version = 2)")
        shape = single(inputs, cfg.cls)
        require_rank(shape, rank + 2, cfg.cls)
        filters = positive_dim(cfg, "filters")
        kernel = positive_tuple(cfg, "kernel_size", rank)
        strides = positive_tuple(cfg, "strides", rank)
        padding = padding_mode(cfg)
        fmt = data_format(cfg)
        mode = as_int(cfg.dim("implementation"))
        if mode not in (1, 2, 3):
            raise Unanalysable(f"implementation={cfg['implementation']!r} is not 1, 2 or 3")
        if padding != "valid" and mode == 1:
            raise ShapeError("invalid", f'Invalid border mode for {cfg.cls} (only "valid" is supported if '
                                        f"implementation is 1): {padding}")
        spatial, channels = split_channels(shape, fmt)
        if channels is None or None in spatial:
            raise ShapeError("invalid", f"{cfg.cls} needs every axis but the batch known; received "
                                        f"{shape_str(shape)}")
        out = tuple(conv_output_length(n, k, padding, s) for n, k, s in zip(spatial, kernel, strides, strict=True))
        for o in out:
            if as_int(o) is not None and as_int(o) <= 0:
                raise ShapeError("zero-or-negative", f"One of the dimensions in the output of {cfg.cls} is <= 0: "
                                                     f"input {shape_str(shape)}, kernel_size={kernel}, strides={strides}")
        if mode == 1:
            kernel_shape = (prod(out), prod(kernel) * channels, filters)
        elif mode == 2:
            kernel_shape = ((channels,) + spatial + (filters,) + out if fmt == "channels_first"
                            else spatial + (channels,) + out + (filters,))
        else:
            if padding != "valid":
                raise Unanalysable(f"implementation=3 with padding={padding!r}: the kernel's size depends on "
                                   "which positions the edges reach")
            kernel_shape = (prod(out) * filters * prod(kernel) * channels,)  # every position sees a whole window
        weights = [Weight("kernel", kernel_shape)]
        if cfg.flag("use_bias"):
            weights.append(Weight("bias", out + (filters,)))
        output = (shape[0], filters) + out if fmt == "channels_first" else (shape[0],) + out + (filters,)
        notes = [f"{dim_str(prod(out))} positions, each with its own {shape_str(kernel)} x {dim_str(channels)} "
                 f"-> {dim_str(filters)} kernel (implementation={mode})"]
        return Built(output, weights, notes)

    return compute


for _r in (1, 2):
    layer(f"LocallyConnected{_r}D", "filters", "kernel_size", "strides", "padding", "data_format", *_TAIL,
          input_rank=_r + 2, **_DEFAULTS)(_locally_connected(_r))
