"""Dropout, noise and activity-regularization layers: no weights, same shape."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, layer, require_rank, single
from layerlint.engine.layers.core import check_range, passthrough
from layerlint.engine.layers.ops import KERAS_VERSION
from layerlint.engine.layers.size_types import numpy_noise_shape_refusal


def _check_noise_shape(cfg: Config, cls: str) -> None:
    noise = cfg["noise_shape"]
    refused = numpy_noise_shape_refusal(noise) if cls == "Dropout" and cfg.values.get(KERAS_VERSION, 3) != 2 else None
    if refused is not None:
        raise ShapeError("invalid", refused)
    if noise is None or not isinstance(noise, (list, tuple)):
        return
    for i, d in enumerate(noise):
        if isinstance(d, int) and not isinstance(d, bool) and d <= 0:
            raise ShapeError("invalid", f"{cls} noise_shape must hold positive integers or None; index {i} is {d}")


@layer("Dropout", "rate", "noise_shape", "seed", noise_shape=None)
def dropout(cfg: Config, inputs: list) -> Built:
    check_range(cfg, "rate", "Dropout")
    _check_noise_shape(cfg, "Dropout")
    return passthrough(cfg, inputs)


@layer("AlphaDropout", "rate", "noise_shape", "seed", noise_shape=None)
def alpha_dropout(cfg: Config, inputs: list) -> Built:
    check_range(cfg, "rate", "AlphaDropout")
    return passthrough(cfg, inputs)


@layer("GaussianDropout", "rate", "seed")
def gaussian_dropout(cfg: Config, inputs: list) -> Built:
    check_range(cfg, "rate", "GaussianDropout")
    return passthrough(cfg, inputs)


@layer("GaussianNoise", "stddev", "seed")
def gaussian_noise(cfg: Config, inputs: list) -> Built:
    check_range(cfg, "stddev", "GaussianNoise")
    return passthrough(cfg, inputs)


@layer("ActivityRegularization", "l1", "l2", l1=0.0, l2=0.0)
def activity_regularization(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


# SpatialDropoutND.__init__ takes no **kwargs, unlike every other layer.
_NOT_ACCEPTED = ("input_shape", "input_dim", "batch_input_shape", "batch_size", "trainable", "autocast", "input_length")


def _spatial_dropout(cfg: Config, inputs: list, rank: int) -> Built:
    for key in _NOT_ACCEPTED:
        if key in cfg:
            raise ShapeError("invalid", f"{cfg.cls}.__init__() got an unexpected keyword argument '{key}'")
    shape = single(inputs, cfg.cls)
    check_range(cfg, "rate", cfg.cls)
    require_rank(shape, rank, cfg.cls)
    return Built(shape, [], ["drops whole feature maps: the noise is shared along every spatial axis"])


@layer("SpatialDropout1D", "rate", "seed", input_rank=3)
def spatial_dropout_1d(cfg: Config, inputs: list) -> Built:
    return _spatial_dropout(cfg, inputs, 3)


@layer("SpatialDropout2D", "rate", "data_format", "seed", input_rank=4, data_format=None)
def spatial_dropout_2d(cfg: Config, inputs: list) -> Built:
    return _spatial_dropout(cfg, inputs, 4)


@layer("SpatialDropout3D", "rate", "data_format", "seed", input_rank=5, data_format=None)
def spatial_dropout_3d(cfg: Config, inputs: list) -> Built:
    return _spatial_dropout(cfg, inputs, 5)
