"""Per-family shape and weight rules; importing this package fills the registry."""

import importlib
import pkgutil

from layerlint.engine.layers.base import ALIASES, REGISTRY, LayerSpec

for _info in pkgutil.iter_modules(__path__):
    if _info.name not in ("base", "ops"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["ALIASES", "REGISTRY", "LayerSpec", "lookup"]


def lookup(name: str) -> LayerSpec | None:
    """The spec for a Keras class name or alias (``MaxPool2D`` -> ``MaxPooling2D``)."""
    return REGISTRY.get(ALIASES.get(name, name))
