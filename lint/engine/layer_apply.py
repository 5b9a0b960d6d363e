"""Apply one layer spec to input shapes: argument binding plus the compute call."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers import lookup
from layerlint.engine.layers.base import Built, Config, LayerSpec, ShapeError
from layerlint.engine.layers.ops import BUILT_DIRECTLY

# Keyword arguments every Keras layer accepts through **kwargs.
BASE_KWARGS = frozenset(
    {"name", "dtype", "trainable", "input_shape", "input_dim", "batch_input_shape", "batch_size", "autocast", "input_length"}
)
# Keras 2 accepted these on any layer; Keras 3 layers reject them (only
# keras.Input / InputLayer take a batch shape), so code ported as-is fails.
KERAS2_ONLY_KWARGS = ("batch_input_shape", "batch_size")


def bind(spec: LayerSpec, args: tuple, kwargs: dict[str, Any]) -> Config:
    """Bind constructor arguments the way Python would bind them to Keras' __init__."""
    if len(args) > len(spec.positional):
        raise ShapeError(
            "invalid",
            f"{spec.name}() takes at most {len(spec.positional)} positional arguments but {len(args)} were given",
        )
    removed = {k: kwargs[k] for k in KERAS2_ONLY_KWARGS if k in kwargs}
    if removed:
        shown = ", ".join(f"{k}={v!r}" for k, v in removed.items())
        raise ShapeError(
            "invalid",
            f"Unrecognized keyword arguments passed to {spec.name}: {shown}; Keras 3 takes a batch shape only "
            "in keras.Input(batch_shape=...) or InputLayer(batch_shape=...)",
        )
    values = dict(spec.defaults)
    for name, value in zip(spec.positional, args):
        values[name] = value
    for name, value in kwargs.items():
        if name in spec.positional[: len(args)]:
            raise ShapeError("invalid", f"{spec.name}() got multiple values for argument '{name}'")
        values[name] = value
    return Config(spec.name, values)


def apply_layer(cls: str, args: tuple, kwargs: dict[str, Any], inputs: list, call_kwargs: dict | None = None,
                built_directly: bool = False) -> Built:
    """Shapes and weights of layer ``cls`` built on ``inputs`` (list of shapes)."""
    spec = lookup(cls)
    if spec is None:
        raise KeyError(cls)
    cfg = bind(spec, args, kwargs)
    cfg.values["__call__"] = call_kwargs or {}
    if built_directly:
        cfg.values[BUILT_DIRECTLY] = True
    return spec.compute(cfg, list(inputs))
