"""TensorFlow Addons layers, declared through the third-party interface.

tensorflow-addons does not import on TensorFlow 2.16+ (Keras 3), so these rules
follow its source (``tensorflow_addons/layers/normalizations.py`` and
``wrappers.py``, release 0.23) rather than a live build: GroupNormalization and
InstanceNormalization make gamma then beta of the channel count; WeightNormalization
adds ``g`` (one per output unit) and a scalar ``initialized`` flag to the wrapped
layer's weights, and with ``data_init`` a frozen copy of that layer.  Keras 2
lists trainable weights before non-trainable ones.
"""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, LayerArg, ShapeError, Unanalysable, Weight, single
from layerlint.engine.layers.third_party import ThirdPartyLayer, register_third_party
from layerlint.engine.symbolic import as_int, shape_str

_GROUP_PARAMS = ("groups", "axis", "epsilon", "center", "scale")
_GROUP_DEFAULTS = {"groups": 32, "axis": -1, "center": True, "scale": True}


def _normalize_groups(cfg: Config, inputs: list, instance: bool) -> Built:
    shape = single(inputs, cfg.cls)
    axis = cfg["axis"]
    if not isinstance(axis, int) or isinstance(axis, bool) or not -len(shape) <= axis < len(shape):
        raise Unanalysable(f"axis={axis!r} cannot be followed")
    if axis == 0:
        raise ShapeError("invalid", "You are trying to normalize your batch axis. Do you want to use "
                                    "tf.layer.batch_normalization instead")
    dim = shape[axis]
    if dim is None:
        raise ShapeError("invalid", f"Axis {axis} of input tensor should have a defined dimension but the layer "
                                    f"received an input with shape {shape_str(shape)}.")
    groups = dim if instance or cfg["groups"] == -1 else cfg.dim("groups")
    g, d = as_int(groups), as_int(dim)
    if g is not None and d is not None:
        if d < g:
            raise ShapeError("groups", f"Number of groups ({g}) cannot be more than the number of channels ({d}).")
        if d % g:
            raise ShapeError("groups", f"Number of groups ({g}) must be a multiple of the number of channels ({d}).")
    weights = []
    if cfg.flag("scale"):
        weights.append(Weight("gamma", (dim,)))
    if cfg.flag("center"):
        weights.append(Weight("beta", (dim,)))
    return Built(shape, weights, [f"{groups} groups of the {dim} channels"])


def group_normalization(cfg: Config, inputs: list) -> Built:
    return _normalize_groups(cfg, inputs, instance=False)


def instance_normalization(cfg: Config, inputs: list) -> Built:
    return _normalize_groups(cfg, inputs, instance=True)


def weight_normalization(cfg: Config, inputs: list) -> Built:
    from layerlint.engine.layer_apply import apply_layer  # deferred: layer_apply imports this package

    inner = cfg["layer"]
    if not isinstance(inner, LayerArg):
        raise Unanalysable("the wrapped layer cannot be followed")
    if inner.cls in ("RNN", "SimpleRNN", "LSTM", "GRU"):
        raise Unanalysable("WeightNormalization of a recurrent layer is not modelled")
    built = apply_layer(inner.cls, inner.args, inner.kw, inputs)
    kernel = next((w for w in built.weights if w.name == "kernel"), None)
    if kernel is None:
        raise ShapeError("invalid", "`WeightNormalization` must wrap a layer that contains a `kernel` for weights")
    data_init = cfg["data_init"]
    if not isinstance(data_init, bool):
        raise Unanalysable("data_init cannot be decided")
    own = [Weight(w.name, w.shape, True) for w in built.weights]
    clone = [Weight(w.name, w.shape, False) for w in built.weights] if data_init else []
    weights = [Weight("g", (kernel.shape[-1],)), *own, Weight("initialized", (), False), *clone]
    return Built(built.output, weights, [f"wraps {inner.cls}" + ("; data_init keeps a frozen copy" if data_init else "")])


for _spec in (
    ThirdPartyLayer("tensorflow_addons", "GroupNormalization", _GROUP_PARAMS, group_normalization, dict(_GROUP_DEFAULTS)),
    ThirdPartyLayer("tensorflow_addons", "InstanceNormalization", (), instance_normalization, dict(_GROUP_DEFAULTS)),
    ThirdPartyLayer("tensorflow_addons", "WeightNormalization", ("layer", "data_init"), weight_normalization,
                    {"data_init": True}),
):
    register_third_party(_spec)
