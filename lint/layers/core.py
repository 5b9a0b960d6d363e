"""Dense, EinsumDense, Activation-like layers, Embedding, Identity, Lambda-free core layers."""

from __future__ import annotations

from ..symbolic import shape_str
from .base import Built, Config, ShapeError, Weight, layer, require_rank, single


@layer("Dense", "units", "activation", "use_bias", activation=None, use_bias=True)
def dense(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Dense")
    require_rank(shape, 2, "Dense", at_least=True)
    units = cfg.dim("units")
    features = shape[-1]
    if features is None:
        raise ShapeError(
            "invalid",
            "The last dimension of the inputs to a Dense layer should be defined. Found None. "
            f"Full input shape received: {shape_str(shape)}",
        )
    weights = [Weight("kernel", (features, units))]
    if cfg.flag("use_bias"):
        weights.append(Weight("bias", (units,)))
    positions = shape[1:-1]
    notes = []
    if positions:
        notes.append(
            f"acts on the last axis at each of {' x '.join(str(p) for p in positions)} positions"
        )
    return Built(shape[:-1] + (units,), weights, notes)
