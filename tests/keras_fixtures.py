"""Keras' own view of a fixture file: execute it under real Keras and record
every model it constructs, layer by layer.

Fixtures are this project's own files, written to be runnable, so executing
them here is how we get an independent truth to hold the static engine to.
(layerlint itself never executes what it analyses.)
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import runpy
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _shape(s: Any) -> list:
    return [None if d is None else int(d) for d in s]


def _outputs(layer: Any) -> Any:
    """What Keras' summary prints: the last inbound node's outputs."""
    import keras

    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return None
    outs = nodes[-1].output_tensors
    flat = keras.tree.flatten(outs)
    if len(flat) == 1 and not isinstance(outs, (list, tuple)) or (isinstance(outs, (list, tuple)) and len(flat) == 1 and len(outs) == 1 and not isinstance(outs, list)):
        return _shape(flat[0].shape)
    if len(flat) == 1:
        return _shape(flat[0].shape)
    return [_shape(t.shape) for t in flat]


def _layer_record(layer: Any) -> dict:
    weights = [_shape(w.shape) for w in layer.weights]
    return {
        "class": type(layer).__name__,
        "output_shape": _outputs(layer),
        "params": int(sum(math.prod(w) for w in weights)),
        "trainable_params": int(sum(math.prod(_shape(w.shape)) for w in layer.trainable_weights)),
        "non_trainable_params": int(sum(math.prod(_shape(w.shape)) for w in layer.non_trainable_weights)),
        "weights": weights,
    }


@contextlib.contextmanager
def offline_datasets() -> Any:
    """keras.datasets loaders that return zeros of the real shapes and dtypes instead of
    downloading (there is no network here); the shapes are the table tests/test_datasets.py
    holds to Keras' loaders."""
    import importlib

    import numpy as np
    from layerlint.extract.dataset_table import DATASETS

    def labels(shape: tuple, entry: dict) -> Any:
        # every class occurs, as in the real splits (code may count them with np.unique)
        n = math.prod(shape)
        return (np.arange(n) % entry["classes"]).astype(entry["y_dtype"]).reshape(shape)

    def loader(entry: dict) -> Any:
        def load_data(*args: Any, **kwargs: Any) -> tuple:
            a = entry["arrays"]
            return ((np.zeros(a["x_train"], entry["x_dtype"]), labels(a["y_train"], entry)),
                    (np.zeros(a["x_test"], entry["x_dtype"]), labels(a["y_test"], entry)))
        return load_data

    patched = []
    for name, entry in DATASETS.items():
        if "arrays" in entry and entry.get("x_dtype"):
            module = importlib.import_module(f"keras.src.datasets.{name}")
            public = importlib.import_module(f"keras.datasets.{name}")
            for mod in (module, public):
                patched.append((mod, mod.load_data))
                mod.load_data = loader(entry)
    try:
        yield
    finally:
        for mod, original in patched:
            mod.load_data = original


def record_models(path: str) -> list[dict]:
    """Run the fixture and return one record per model it constructed, in order."""
    import keras
    from keras.src.models.functional import Functional
    from keras.src.models.sequential import Sequential

    target = str(Path(path).resolve())
    seen: list[tuple[int, Any]] = []
    originals = {Sequential: Sequential.__init__, Functional: Functional.__init__}

    def wrap(cls: type) -> Any:
        original = originals[cls]

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            caller = sys._getframe(1)
            # Only models the fixture itself constructs; Keras builds inner
            # Functionals for Sequentials, which we do not count, and a model a
            # custom layer makes for itself is one of its layers, not a model.
            holder = caller.f_locals.get("self") if caller.f_code.co_name in ("__init__", "call") else None
            inside_layer = isinstance(holder, keras.layers.Layer) and not isinstance(holder, keras.Model)
            if (type(self) in (Sequential, Functional) and not inside_layer
                    and str(Path(caller.f_code.co_filename).resolve()) == target):
                seen.append((caller.f_lineno, self))
            original(self, *args, **kwargs)

        return init

    try:
        Sequential.__init__ = wrap(Sequential)
        Functional.__init__ = wrap(Functional)
        with contextlib.redirect_stdout(io.StringIO()), offline_datasets():
            runpy.run_path(path, run_name="__fixture__")
    finally:
        Sequential.__init__, Functional.__init__ = originals[Sequential], originals[Functional]
    records = []
    for line, model in seen:
        rec: dict = {"line": line, "api": "sequential" if isinstance(model, Sequential) else "functional"}
        if not model.built:
            rec["unbuilt"] = True
            rec["layers"] = []
        else:
            rec["layers"] = [_layer_record(layer) for layer in model.layers]
            rec["total_params"] = int(model.count_params())
        records.append(rec)
    return records
