"""Max/average pooling and their global variants (1D-3D)."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, ComputeFn, Config, ShapeError, layer, require_rank, single
from layerlint.engine.layers.ops import (
    BUILT_DIRECTLY,
    compute_pooling_output_shape,
    data_format,
    join_channels,
    padding_mode,
    positive_tuple,
    split_channels,
)
from layerlint.engine.symbolic import as_int, dim_str, shape_str


def _pooling(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        other_rank = cfg[BUILT_DIRECTLY] and len(shape) != rank + 2
        if not other_rank:
            require_rank(shape, rank + 2, cfg.cls)
        fmt = data_format(cfg)
        if "pool_size" not in cfg:  # AveragePoolingND has no default
            raise ShapeError("invalid", f"{cfg.cls}.__init__() missing 1 required positional argument: 'pool_size'")
        pool = positive_tuple(cfg, "pool_size", rank)
        strides = None if cfg["strides"] is None else positive_tuple(cfg, "strides", rank)
        # Pooling layers keep `padding` as given, so "SAME" is rejected like any unknown mode.
        padding = padding_mode(cfg, lower=False)
        if other_rank:
            return _pooling_other_rank(cfg.cls, shape, pool, strides or pool, padding, fmt)
        out = compute_pooling_output_shape(shape, pool, strides, padding, fmt)
        return Built(out.shape, [], out.notes, out.facts)

    return compute


def _broadcast(*tuples: tuple) -> list[tuple]:
    """Line tuples up element by element as numpy broadcasting does (length 1 stretches)."""
    lengths = {len(t) for t in tuples} - {1}
    if len(lengths) > 1:
        raise ValueError("not broadcastable")
    n = lengths.pop() if lengths else 1
    return [tuple(t[i] if len(t) == n else t[0] for t in tuples) for i in range(n)]


def _pooling_other_rank(cls: str, shape: tuple, pool: tuple, strides: tuple, padding: str, fmt: str) -> Built:
    """A pooling layer built on a tensor of another rank (inside TimeDistributed).

    Keras' shape arithmetic then runs on numpy arrays of different lengths: the
    pool size is broadcast against however many axes lie between batch and
    channels, and Keras accepts whatever comes out if it is positive.
    """
    spatial, channels = split_channels(shape, fmt)
    unknown = [i for i, d in enumerate(spatial) if d is None]
    known = tuple(-1 if d is None else d for d in spatial)  # Keras computes with -1 for unknown axes
    try:
        if padding == "valid":
            out = [(s - p) // st + 1 for s, p, st in _broadcast(known, pool, strides)]
        else:
            out = [(s - 1) // st + 1 for s, st in _broadcast(known, strides)]
    except ValueError:
        raise ShapeError("rank", f"{cls} cannot pool {shape_str(shape)}: its pool size {pool} does not line up "
                         f"with the {len(spatial)} axes between batch and channels") from None
    for i, d in enumerate(out):
        n = as_int(d)
        if padding == "valid" and i not in unknown and n is not None and n <= 0:
            raise ShapeError("zero-or-negative", f"Computed output size would be zero or negative. Received: "
                             f"`inputs.shape={shape_str(shape)}`, `pool_size={pool}`, `strides={strides}`")
    dims = tuple(None if i in unknown else d for i, d in enumerate(out))
    note = f"built by a wrapper on rank {len(shape)} (not {len(pool) + 2}): pool size {pool} lined up with {shape_str(spatial)}"
    return Built(join_channels(shape[0], dims, channels, fmt), [], [note], {})


def _global_pooling(rank: int) -> ComputeFn:
    def compute(cfg: Config, inputs: list) -> Built:
        shape = single(inputs, cfg.cls)
        if not cfg[BUILT_DIRECTLY]:
            require_rank(shape, rank + 2, cfg.cls)
        fmt = data_format(cfg)
        spatial, channels = split_channels(shape, fmt)
        # Keras keeps one axis per axis between batch and channels (its own rank, unless built by a wrapper).
        kept = (1,) * len(spatial) if cfg.flag("keepdims") else ()
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
