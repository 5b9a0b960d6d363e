"""Output shapes of a configured backbone's layers at its input size."""

from __future__ import annotations

from typing import Any

from layerlint.engine.applications.configure import configure
from layerlint.engine.applications.spatial import _step


def layer_output(row: list, inputs: list[tuple]) -> tuple:
    """A recorded layer's output shape (batch first) on the given input shapes."""
    name, _cls, _inbound, op, recorded = row[:5]
    if op is not None and op[0] == "flat":
        size = 1
        for d in inputs[0][1:]:
            size = None if size is None or d is None else size * d
        return (None, size)
    if len(recorded) != 4:
        return (None, *recorded[1:])
    hw = _step(name, op, [tuple(s[1:3]) if len(s) == 4 else () for s in inputs]) if inputs else recorded[1:3]
    return (None, *hw, recorded[3])


def resolve_weights(weights: list, flat: Any) -> list[list]:
    """Weight shapes with a classifier's Flatten input filled in; the last item is the trainable flag."""
    return [[flat if d == "flat" else d for d in w[:-1]] + [w[-1]] for w in weights]


def predict(entry: dict, kw: dict) -> dict:
    """What Keras builds for these constructor arguments: name, output, weights and layers."""
    conf = configure(entry, kw)
    shapes: list[tuple] = []
    flat = None
    for row in conf.layers:
        if not row[2]:
            shapes.append((None, *conf.input_shape))
            continue
        ins = [shapes[i] for i in row[2]]
        shapes.append(layer_output(row, ins))
        if row[3] is not None and row[3][0] == "flat":
            flat = shapes[-1][1]
    return {
        "name": conf.name,
        "output": list(shapes[-1]),
        "weights": resolve_weights(conf.weights, flat),
        "layers": [[r[0], r[1], list(s)] for r, s in zip(conf.layers, shapes)],
    }
