"""Shapes and weights of the recorded layers: a backbone's, and preprocess_input's operations."""

from __future__ import annotations

from layerlint.engine.applications.predict import layer_output
from layerlint.engine.applications.spatial import SpatialError
from layerlint.engine.layers.base import Built, Unanalysable, Weight
from layerlint.engine.model import RecordedLayer
from layerlint.engine.symbolic import Expr, shape_str


def _op_output(cls: str, inputs: list[tuple]) -> tuple:
    # preprocess_input's operations: x[..., i] drops the channel axis, stack puts it back.
    if cls == "GetItem":
        return inputs[0][:-1]
    if cls == "Stack":
        return (*inputs[0], len(inputs))
    return inputs[0]


def compute_recorded(rec: RecordedLayer, inputs: list[tuple]) -> Built:
    if rec.error is not None:
        raise rec.error
    if rec.application is None:
        return Built(_op_output(rec.row[0], inputs))
    if any(isinstance(d, Expr) for s in inputs for d in s):
        raise Unanalysable(f"input shape {shape_str(inputs[0])} is symbolic: the applications table needs numbers")
    try:
        out = layer_output(rec.row, inputs)
    except SpatialError as e:
        raise Unanalysable(f"Keras cannot build {rec.application.ctor} at this input size: {e.message}") from e
    flat = inputs[0][-1] if inputs else None
    # Normalization's scalar weight is its adapt() count, which Keras makes int64: 8 bytes in the sizes.
    wide = rec.row[1] == "Normalization"
    weights = [Weight(f"weight_{i}", tuple(flat if d == "flat" else d for d in w[:-1]), bool(w[-1]),
                      itemsize=8 if wide and len(w) == 1 else 4)
               for i, w in enumerate(rec.weights)]
    return Built(out, weights)
