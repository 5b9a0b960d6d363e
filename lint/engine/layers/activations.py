"""Activation layers: all keep the input shape; only PReLU owns weights."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight, layer, single
from layerlint.engine.layers.core import check_range, defined, passthrough
from layerlint.engine.layers.ops import tf_keras


@layer("Activation", "activation")
def activation(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


@layer("ReLU", "max_value", "negative_slope", "threshold", max_value=None, negative_slope=0.0, threshold=0.0)
def relu(cfg: Config, inputs: list) -> Built:
    for key in ("max_value", "negative_slope", "threshold"):
        check_range(cfg, key, "ReLU", high=None)
    for key in ("negative_slope", "threshold"):
        if key in cfg.values and cfg[key] is None:
            raise ShapeError("invalid", f"{key} of a ReLU layer cannot be None")
    return passthrough(cfg, inputs)


@layer("LeakyReLU", "negative_slope", negative_slope=0.3)
def leaky_relu(cfg: Config, inputs: list) -> Built:
    if cfg["negative_slope"] is None:
        raise ShapeError("invalid", "The negative_slope of a LeakyReLU layer cannot be None")
    check_range(cfg, "negative_slope", "LeakyReLU", high=None)
    return passthrough(cfg, inputs)


@layer("PReLU", "alpha_initializer", "alpha_regularizer", "alpha_constraint", "shared_axes", shared_axes=None)
def prelu(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "PReLU")
    shared = cfg["shared_axes"]
    if shared is None:
        shared = []
    elif not isinstance(shared, (list, tuple)):
        shared = [shared]
    # One alpha per non-batch position, collapsed to 1 along the shared axes.
    alpha = list(shape[1:])
    for axis in shared:
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise Unanalysable(f"PReLU shared_axes={shared!r} is not known")
        if not -len(alpha) <= axis - 1 < len(alpha):
            raise ShapeError(
                "invalid", f"PReLU shared axis {axis} is out of range for input shape of rank {len(shape)}"
            )
        alpha[axis - 1] = 1
    for d in alpha:
        defined(d, "PReLU", "size on every non-shared axis", shape)
    notes = [f"one learned slope per position: alpha shape ({', '.join(str(d) for d in alpha)})"]
    return Built(shape, [Weight("alpha", tuple(alpha))], notes)


@layer("ELU", "alpha", alpha=1.0)
def elu(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


@layer("Softmax", "axis", axis=-1)
def softmax(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


@layer("ThresholdedReLU", "theta", theta=1.0)
def thresholded_relu(cfg: Config, inputs: list) -> Built:
    """tf-keras 2's: x where x > theta, else 0.  Keras 3 has no such class."""
    if not tf_keras(cfg):
        raise Unanalysable("Keras 3 has no ThresholdedReLU: it is tf-keras 2's (keras-version = 2)")
    if cfg["theta"] is None:
        raise ShapeError("invalid", "Theta of a Thresholded ReLU layer cannot be None, expecting a float. Received: None")
    check_range(cfg, "theta", "ThresholdedReLU", high=None)
    return passthrough(cfg, inputs)
