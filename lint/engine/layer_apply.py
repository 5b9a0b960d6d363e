"""Apply one layer spec to input shapes: argument binding plus the compute call."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers import lookup
from layerlint.engine.layers.base import Built, Config, LayerSpec, ShapeError
from layerlint.engine.layers.ops import BUILT_DIRECTLY, KERAS_VERSION

# Keyword arguments every Keras layer accepts through **kwargs.
BASE_KWARGS = frozenset(
    {"name", "dtype", "trainable", "input_shape", "input_dim", "batch_input_shape", "batch_size", "autocast", "input_length"}
)


def bind(spec: LayerSpec, args: tuple, kwargs: dict[str, Any]) -> Config:
    """Bind constructor arguments the way Python would bind them to Keras' __init__."""
    if len(args) > len(spec.positional):
        raise ShapeError(
            "invalid",
            f"{spec.name}() takes at most {len(spec.positional)} positional arguments but {len(args)} were given",
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
                built_directly: bool = False, keras_version: int = 3) -> Built:
    """Shapes and weights of layer ``cls`` built on ``inputs`` (list of shapes), as Keras 3 builds it or, with
    ``keras_version`` 2, as tf-keras 2 does."""
    spec = lookup(cls)
    if spec is None:
        raise KeyError(cls)
    cfg = bind(spec, args, kwargs)
    if keras_version == 3 and (refused := name_error(kwargs.get("name"))) is not None:
        raise refused
    cfg.values["__call__"] = call_kwargs or {}
    if built_directly:
        cfg.values[BUILT_DIRECTLY] = True
    if keras_version == 2:
        cfg.values[KERAS_VERSION] = 2
    return spec.compute(cfg, list(inputs))


def name_error(name: Any) -> ShapeError | None:
    """What Keras 3 raises for a layer or model name with a `/` (Operation.__init__); tf-keras took it."""
    if isinstance(name, str) and "/" in name:
        return ShapeError("invalid", f"Argument `name` must be a string and cannot contain character `/`. "
                                     f"Received: name={name} (of type {type(name)})")
    return None
