"""Normalization layers: same output shape; weights sized by the normalized axes."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight, layer, single
from layerlint.engine.layers.core import axis_list, defined, norm_axis


def _axis_sizes(cfg: Config, shape: tuple, axes: list[int]) -> tuple:
    """The sizes along ``axes`` (sorted as Keras sorts them), each of which must be known."""
    sizes = []
    for a in sorted(axes):
        norm_axis(a, len(shape), cfg.cls)
        sizes.append(defined(shape[a], cfg.cls, f"axis {a}", shape))
    return tuple(sizes)


def _affine(cfg: Config, size: tuple, scale: bool, center: bool) -> list[Weight]:
    weights = []
    if scale:
        weights.append(Weight("gamma", size))
    if center:
        weights.append(Weight("beta", size))
    return weights


@layer(
    "BatchNormalization",
    "axis",
    "momentum",
    "epsilon",
    "center",
    "scale",
    "beta_initializer",
    "gamma_initializer",
    "moving_mean_initializer",
    "moving_variance_initializer",
    "beta_regularizer",
    "gamma_regularizer",
    "beta_constraint",
    "gamma_constraint",
    "renorm",
    "renorm_clipping",
    "renorm_momentum",
    "synchronized",
    axis=-1,
    center=True,
    scale=True,
    renorm=False,
)
def batch_normalization(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "BatchNormalization")
    axis = cfg["axis"]
    if isinstance(axis, (list, tuple)):
        raise ShapeError("invalid", f"BatchNormalization takes a single integer axis. Received: axis={axis!r}")
    size = _axis_sizes(cfg, shape, axis_list(axis, "BatchNormalization"))
    weights = _affine(cfg, size, cfg.flag("scale"), cfg.flag("center"))
    # The running statistics are updated by training, not by gradients.
    stats = ["moving_mean", "moving_variance"]
    if cfg.flag("renorm"):
        stats += ["moving_stddev", "renorm_mean", "renorm_stddev"]
    weights += [Weight(name, size, trainable=False) for name in stats]
    notes = [f"{len(stats)} non-trainable running statistics of size {size[0]} (channel axis {axis})"]
    return Built(shape, weights, notes)


@layer(
    "LayerNormalization",
    "axis",
    "epsilon",
    "center",
    "scale",
    axis=-1,
    center=True,
    scale=True,
    rms_scaling=False,
)
def layer_normalization(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "LayerNormalization")
    size = _axis_sizes(cfg, shape, axis_list(cfg["axis"], "LayerNormalization"))
    rms = cfg.flag("rms_scaling")
    # rms_scaling keeps gamma but drops beta.
    weights = _affine(cfg, size, cfg.flag("scale") or rms, cfg.flag("center") and not rms)
    return Built(shape, weights)


@layer("RMSNormalization", "axis", "epsilon", axis=-1)
def rms_normalization(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "RMSNormalization")
    size = _axis_sizes(cfg, shape, axis_list(cfg["axis"], "RMSNormalization"))
    return Built(shape, [Weight("scale", size)])


@layer(
    "GroupNormalization",
    "groups",
    "axis",
    "epsilon",
    "center",
    "scale",
    groups=32,
    axis=-1,
    center=True,
    scale=True,
)
def group_normalization(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "GroupNormalization")
    groups = cfg.dim("groups")
    if isinstance(groups, int) and groups <= 0 and groups != -1:
        raise ShapeError(
            "invalid", f"GroupNormalization groups must be a positive integer or -1. Received: groups={groups}"
        )
    axis = cfg["axis"]
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise Unanalysable(f"GroupNormalization axis={axis!r} is not a known integer")
    (channels,) = _axis_sizes(cfg, shape, [axis])
    if groups == -1:
        groups = channels
    notes = []
    if isinstance(channels, int) and isinstance(groups, int):
        if channels < groups:
            raise ShapeError(
                "groups",
                f"Number of groups ({groups}) cannot be more than the number of channels ({channels})",
                groups=groups,
                channels=channels,
            )
        if channels % groups:
            raise ShapeError(
                "groups",
                f"The number of channels ({channels}) must be a multiple of the number of groups ({groups})",
                groups=groups,
                channels=channels,
            )
        notes.append(f"{channels} channels in {groups} groups of {channels // groups}")
    weights = _affine(cfg, (channels,), cfg.flag("scale"), cfg.flag("center"))
    return Built(shape, weights, notes)


@layer("UnitNormalization", "axis", axis=-1)
def unit_normalization(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "UnitNormalization")
    for a in axis_list(cfg["axis"], "UnitNormalization"):
        norm_axis(a, len(shape), "UnitNormalization")
    return Built(shape)
