"""Classify fully qualified names (as resolved through imports) as Keras things.

``tensorflow.keras.layers.core.Dense``, ``keras.layers.Dense`` and
``tf_keras.layers.Dense`` are all Keras' ``Dense``; the import path decides,
never the local spelling.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from layerlint.engine.layers import lookup

KERAS_ROOTS = (
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tensorflow.python.keras",
    "tensorflow.keras",
    "tf_keras",
    "keras",
)

MERGE_FUNCTIONS = {
    "concatenate": "Concatenate",
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "dot": "Dot",
}

KERAS_OBJECT_MODULES = {"losses", "optimizers", "metrics", "activations", "initializers", "regularizers", "constraints"}

BASE_CLASSES = {"Layer", "Model", "Functional", "Sequential"}


@dataclass(frozen=True)
class KerasName:
    kind: str  # layer | opaque-layer | application | preprocess | sequential | model | input | input-layer | merge-fn | backend-fn | module | object | base
    name: str  # canonical class or function name


@functools.lru_cache(maxsize=8192)  # asked for every name and attribute the interpreter evaluates
def keras_path(qualname: str) -> str | None:
    """The part after the Keras root (``layers.Dense``), or None if not Keras."""
    for root in KERAS_ROOTS:
        if qualname == root:
            return ""
        if qualname.startswith(root + "."):
            return qualname[len(root) + 1 :]
    return None


def _application(parts: list[str]) -> KerasName | None:
    """``applications.ResNet50``, ``applications.resnet50.ResNet50``, ``applications.vgg19.preprocess_input``."""
    from layerlint.engine.applications.table import is_constructor

    if not parts:
        return None
    if is_constructor(parts[-1]) and len(parts) <= 2:
        return KerasName("application", parts[-1])
    if parts[-1] == "preprocess_input" and len(parts) == 2:
        return KerasName("preprocess", parts[0])
    return None


def classify(qualname: str) -> KerasName | None:
    path = keras_path(qualname)
    if path is None:
        return None
    if path == "":
        return KerasName("module", "keras")
    parts = path.split(".")
    last = parts[-1]
    if "applications" in parts[:-1]:
        app = _application(parts[parts.index("applications") + 1:])
        if app is not None:
            return app
    if last == "Sequential":
        return KerasName("sequential", last)
    if last in ("Model", "Functional") and len(parts) <= 3:
        return KerasName("model", "Model")
    if last == "Input":
        return KerasName("input", last)
    if last == "InputLayer":
        return KerasName("input-layer", last)
    if last in MERGE_FUNCTIONS and (len(parts) == 1 or "layers" in parts[:-1]):
        return KerasName("merge-fn", MERGE_FUNCTIONS[last])
    if parts[0] == "backend" or (parts[0] == "config" and len(parts) == 2):
        return KerasName("backend-fn", last)
    if last == "Layer":
        return KerasName("base", last)
    spec = lookup(last)
    # A Lambda is modelled only when it declares its output shape; the interpreter decides per call.
    if spec is not None and spec.name != "Lambda" and ("layers" in parts[:-1] or len(parts) == 1):
        return KerasName("layer", spec.name)
    if last[:1].isupper() and parts[0] in KERAS_OBJECT_MODULES:
        # Loss, optimizer, ... classes: kept as KerasObj so rules can read e.g. from_logits=True.
        return KerasName("object", last)
    if last[:1].isupper():
        if parts[0] in ("layers", "src") or "layers" in parts:
            return KerasName("opaque-layer", last)
        if parts[0] == "applications":
            return KerasName("opaque-layer", last)
    return KerasName("module", last) if last[:1].islower() else None


def is_loss_base(qualname: str) -> bool:
    """``keras.losses.Loss`` under any Keras root (Keras 3 also exports it as ``keras.Loss``): Keras
    calls a subclass's ``call()`` as the loss."""
    return keras_path(qualname) in ("Loss", "losses.Loss", "losses.loss.Loss")
