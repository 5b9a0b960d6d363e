"""Max/average pooling and their global variants (1D-3D)."""

from __future__ import annotations

from ..symbolic import dim_str
from .base import Built, ComputeFn, Config, ShapeError, layer, require_rank, single
from .ops import compute_pooling_output_shape, data_format, padding_mode, positive_tuple, split_channels


def _pooling(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        require_rank(shape, rank + 2, cfg.cls)
        fmt = data_format(cfg)
        if "pool_size" not in cfg:  # AveragePoolingND has no default
            raise ShapeError("invalid", f"{cfg.cls}.__init__() missing 1 required positional argument: 'pool_size'")
        pool = positive_tuple(cfg, "pool_size", rank)
        strides = None if cfg["strides"] is None else positive_tuple(cfg, "strides", rank)
        # Pooling layers keep `padding` as given, so "SAME" is rejected like any unknown mode.
        padding = padding_mode(cfg, lower=False)
        out = compute_pooling_output_shape(shape, pool, strides, padding, fmt)
        return Built(out.shape, [], out.notes, out.facts)

    return compute


def _global_pooling(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        require_rank(shape, rank + 2, cfg.cls)
        fmt = data_format(cfg)
        spatial, channels = split_channels(shape, fmt)
        kept = (1,) * rank if cfg.flag("keepdims") else ()
        out = (shape[0], channels) + kept if fmt == "channels_first" else (shape[0],) + kept + (channels,)
        note = f"reduces {' x '.join(dim_str(d) for d in spatial)} positions to one per channel"
        return Built(out, [], [note], {"spatial_in": spatial, "keepdims": bool(kept)})

    return compute


for _r in (1, 2, 3):
    _pool_default = 2 if _r == 1 else (2,) * _r
    for _kind, _short in (("Max", "Max"), ("Average", "Avg")):
        # MaxPoolingND defaults pool_size to 2s; AveragePoolingND requires it.
        _defaults = {"pool_size": _pool_default} if _kind == "Max" else {}
        layer(
            f"{_kind}Pooling{_r}D",
            "pool_size",
            "strides",
            "padding",
            "data_format",
            "name",
            input_rank=_r + 2,
            aliases=(f"{_short}Pool{_r}D",),
            strides=None,
            padding="valid",
            data_format=None,
            **_defaults,
        )(_pooling(_r))
        layer(
            f"Global{_kind}Pooling{_r}D",
            "data_format",
            "keepdims",
            input_rank=_r + 2,
            aliases=(f"Global{_short}Pool{_r}D",),
            data_format=None,
            keepdims=False,
        )(_global_pooling(_r))
