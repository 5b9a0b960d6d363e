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
import re
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


def _summary_output(layer: Any) -> Any:
    """A subclassed model's rows: Keras' summary shows the inbound node's output, else the output
    for the shapes the layer was built on, else "?"."""
    if getattr(layer, "_inbound_nodes", None):
        return _outputs(layer)
    shapes = getattr(layer, "_build_shapes_dict", None)
    if not shapes:
        return None
    try:
        # as keras/src/utils/summary_utils.py: a model (built when made) knows its output_shape
        out = layer.output_shape if hasattr(layer, "output_shape") else layer.compute_output_shape(**shapes)
    except NotImplementedError:
        return None
    if out and all(isinstance(o, (tuple, list)) for o in out):
        return [_shape(o) for o in out]  # a model of several outputs
    return _shape(out)


def _layer_record(layer: Any, subclassed: bool = False) -> dict:
    weights = [_shape(w.shape) for w in getattr(layer, "weights", [])]  # an op has none
    return {
        "name": layer.name,
        "class": type(layer).__name__,
        "output_shape": _summary_output(layer) if subclassed else _outputs(layer),
        "params": int(sum(math.prod(w) for w in weights)),
        "trainable_params": int(sum(math.prod(_shape(w.shape)) for w in getattr(layer, "trainable_weights", []))),
        "non_trainable_params": int(sum(math.prod(_shape(w.shape)) for w in getattr(layer, "non_trainable_weights", []))),
        "weights": weights,
    }


@contextlib.contextmanager
def offline_datasets(samples: int | None = None) -> Any:
    """keras.datasets loaders that return arrays of the real shapes and dtypes instead of
    downloading (there is no network here): zeros for the features, every class in turn
    for the labels.  The shapes are the table tests/test_datasets.py holds to Keras'
    loaders; ``samples`` cuts every split to that many samples (to fit quickly)."""
    import importlib

    import numpy as np
    from layerlint.extract.dataset_table import DATASETS

    def cut(shape: tuple) -> tuple:
        return (min(shape[0], samples), *shape[1:]) if samples else tuple(shape)

    def labels(shape: tuple, entry: dict) -> Any:
        # every class occurs, as in the real splits (code may count them with np.unique)
        shape = cut(shape)
        if entry["labels"] == "real":
            return np.full(shape, 20.0)
        n = math.prod(shape)
        return (np.arange(n) % entry["classes"]).astype(entry.get("y_dtype") or "int64").reshape(shape)

    def features(shape: tuple, entry: dict) -> Any:
        shape = cut(shape)
        if entry.get("sequences"):
            out = np.empty(shape[0], dtype=object)
            for i in range(shape[0]):
                out[i] = [1, 2, 3]
            return out
        return np.zeros(shape, entry.get("x_dtype") or "float64")

    def loader(entry: dict) -> Any:
        def load_data(*args: Any, **kwargs: Any) -> tuple:
            if "arrays" in entry:
                a = entry["arrays"]
            else:
                version = kwargs.get("version", "large") if None not in entry["totals"] else None
                total = entry["totals"][version]
                n_train = int(total * (1 - kwargs.get("test_split", entry["test_split"])))
                feat = (entry["features"],) if "features" in entry else ()
                a = {"x_train": (n_train, *feat), "y_train": (n_train,),
                     "x_test": (total - n_train, *feat), "y_test": (total - n_train,)}
            return ((features(a["x_train"], entry), labels(a["y_train"], entry)),
                    (features(a["x_test"], entry), labels(a["y_test"], entry)))
        return load_data

    patched = []
    for name, entry in DATASETS.items():
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


@contextlib.contextmanager
def offline_tfds(examples: int = 64) -> Any:
    """A stand-in ``tensorflow_datasets`` module whose ``load`` gives tf.data datasets of the
    element spec in layerlint's tfds table (held to the installed tfds by tests/test_tfds.py):
    zeros, ``examples`` of them, with the table's static shapes (None where the images vary in
    size).  Nothing is downloaded and tensorflow_datasets need not be installed."""
    import types

    import numpy as np
    import tensorflow as tf
    from layerlint.extract.tfds_table import TFDS

    def split_of(name: str, supervised: bool) -> Any:
        entry = TFDS[name]
        keys = entry["supervised"] if supervised else tuple(k for k, v in entry["features"].items() if v is not None)
        specs = {k: tf.TensorSpec(entry["features"][k][0], entry["features"][k][1]) for k in keys}

        def example(k: str) -> Any:
            shape, dtype = entry["features"][k]
            if dtype == "string":
                return b""
            return np.zeros(tuple(8 if d is None else d for d in shape), dtype)

        def gen() -> Any:
            for _ in range(examples):
                yield tuple(example(k) for k in keys) if supervised else {k: example(k) for k in keys}

        signature = tuple(specs.values()) if supervised else specs
        return tf.data.Dataset.from_generator(gen, output_signature=signature)

    def load(name: str, split: Any = None, as_supervised: bool = False, with_info: bool = False,
             **kwargs: Any) -> Any:
        out = [split_of(name, as_supervised) for _ in split] if isinstance(split, (list, tuple)) \
            else split_of(name, as_supervised)
        return (out, None) if with_info else out

    module = types.ModuleType("tensorflow_datasets")
    module.load = load
    saved = sys.modules.get("tensorflow_datasets")
    sys.modules["tensorflow_datasets"] = module
    try:
        yield
    finally:
        if saved is None:
            del sys.modules["tensorflow_datasets"]
        else:
            sys.modules["tensorflow_datasets"] = saved


@contextlib.contextmanager
def image_data_generator() -> Any:
    """Keras 3 dropped ImageDataGenerator; fixtures written in its style run on tf-keras' one (it
    needs scipy and Pillow, in the test extra).  Its flows yield the batches tf-keras makes, as a
    one-pass Python generator: tf-keras' iterator classes are not a data type Keras 3's fit reads."""
    import keras
    import tf_keras

    class ImageDataGenerator(tf_keras.preprocessing.image.ImageDataGenerator):
        def flow(self, *args: Any, **kwargs: Any) -> Any:
            return _batches(super().flow(*args, **kwargs))

        def flow_from_directory(self, *args: Any, **kwargs: Any) -> Any:
            return _batches(super().flow_from_directory(*args, **kwargs))

    module = keras.preprocessing.image
    had = getattr(module, "ImageDataGenerator", None)
    module.ImageDataGenerator = ImageDataGenerator
    try:
        yield
    finally:
        if had is None:
            del module.ImageDataGenerator
        else:
            module.ImageDataGenerator = had


def _batches(flow: Any) -> Any:
    return (flow[i] for i in range(len(flow)))


def fit_outcomes(path: str, workdir: str) -> dict[str, dict]:
    """Run every ok_*/bad_* function of a rule fixture under real Keras, on small arrays
    of the fixture's shapes, and record whether Keras trains or raises."""
    import numpy as np
    import tensorflow as tf

    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        for cls in ("bird", "cat", "dog"):  # the fixtures' images/train/<class>/ directory, tiny RGB images
            d = Path("images/train") / cls
            d.mkdir(parents=True, exist_ok=True)
            for i in range(4):
                (d / f"{i}.png").write_bytes(tf.io.encode_png(np.zeros((20, 20, 3), "uint8")).numpy())
        out: dict[str, dict] = {}
        with contextlib.redirect_stdout(io.StringIO()), offline_datasets(samples=64), image_data_generator(), \
                offline_tfds():
            namespace = runpy.run_path(str(Path(cwd) / path), run_name="__fixture__")
            for name, fn in namespace.items():
                if not (name.startswith(("ok_", "bad_")) and callable(fn)):
                    continue
                try:
                    fn()
                    out[name] = {"keras": "trains"}
                except Exception as exc:  # Keras raises many types; the record keeps type and first line
                    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))  # Keras bolds parts of its messages
                    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
                    # Keras wraps layer errors in "Exception encountered when calling ...": keep the cause
                    first = next((line for line in lines if "shape" in line), lines[0] if lines else "")
                    out[name] = {"keras": "raises", "error": type(exc).__name__, "message": first[:160]}
        return out
    finally:
        os.chdir(cwd)


def summary_rows(model: Any) -> list:
    """The rows of Keras' summary: a functional model's operations, the layers and the ops
    between them, including the ops computing masks (lint/engine/masks.py)."""
    import keras

    if isinstance(model, keras.Sequential):
        return model.layers
    return model.operations


def record_models(path: str) -> list[dict]:
    """Run the fixture and return one record per model it constructed, in order."""
    import keras
    from keras.src.models.functional import Functional
    from keras.src.models.sequential import Sequential

    # Fresh layer-name counters: an error naming `conv2d_3` must not depend on which fixtures ran before.
    keras.utils.clear_session()
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

    keras.backend.clear_session()  # Keras numbers automatic names per process; layerlint per file
    model_init = keras.Model.__init__

    def subclass_init(self: Any, *args: Any, **kwargs: Any) -> None:
        # A subclass the fixture defines, recorded at the line of the fixture that made it.
        if type(self).__module__ == "__fixture__" and not any(s is self for _, s in seen):
            frame = sys._getframe(1)
            while frame is not None and not (frame.f_code.co_name == "<module>"
                                              and str(Path(frame.f_code.co_filename).resolve()) == target):
                frame = frame.f_back
            if frame is not None:
                seen.append((frame.f_lineno, self))
        model_init(self, *args, **kwargs)

    try:
        Sequential.__init__ = wrap(Sequential)
        Functional.__init__ = wrap(Functional)
        keras.Model.__init__ = subclass_init
        with contextlib.redirect_stdout(io.StringIO()), offline_datasets(), offline_tfds():
            runpy.run_path(path, run_name="__fixture__")
    finally:
        Sequential.__init__, Functional.__init__ = originals[Sequential], originals[Functional]
        keras.Model.__init__ = model_init
    records = []
    # By line, as layerlint lists them: a subclassed model is seen before the models its __init__ builds.
    for line, model in sorted(seen, key=lambda e: e[0]):
        if not isinstance(model, (Sequential, Functional)):
            trainable = int(sum(math.prod(_shape(w.shape)) for w in model.trainable_weights))
            frozen = int(sum(math.prod(_shape(w.shape)) for w in model.non_trainable_weights))
            # The summary's total adds up the weights there are: an unbuilt model holding built
            # models counts theirs (count_params() refuses an unbuilt model).
            rec = {"line": line, "api": "subclassed", "name": model.name,
                   "layers": [_layer_record(layer, subclassed=True) for layer in model.layers],
                   "total_params": trainable + frozen, "trainable_params": trainable, "non_trainable_params": frozen}
            records.append(rec)
            continue
        rec: dict = {"line": line, "api": "sequential" if isinstance(model, Sequential) else "functional",
                     "name": model.name}
        if not model.built:
            rec["unbuilt"] = True
            rec["layers"] = []
        else:
            rec["layers"] = [_layer_record(layer) for layer in summary_rows(model)]
            rec["total_params"] = int(model.count_params())
            # What the summary's last lines count: a frozen model has no trainable weights at all.
            rec["trainable_params"] = int(sum(math.prod(_shape(w.shape)) for w in model.trainable_weights))
            rec["non_trainable_params"] = int(sum(math.prod(_shape(w.shape)) for w in model.non_trainable_weights))
        records.append(rec)
    return records


# -- tf-keras (Keras 2): fixtures/keras2, read with keras-version = 2 ------------------------------------------

TF_KERAS_MODULES = ("", ".models", ".layers", ".backend", ".optimizers", ".losses", ".activations", ".utils",
                    ".regularizers", ".initializers")


def _tf_keras_layer_record(layer: Any) -> dict:
    weights = [_shape(w.shape) for w in layer.weights]
    return {
        "name": layer.name,
        "class": type(layer).__name__,
        "output_shape": str(layer.output_shape),  # as tf-keras' summary prints it: [(None, 28, 28)] for an input
        "params": int(layer.count_params()),
        "weights": weights,
    }


def record_tf_keras_models(path: str) -> list[dict]:
    """Run a Keras 2 fixture under tf-keras (its ``keras`` imports are tf-keras') and record every model
    it constructs with the names tf-keras gives, in a fresh session (as a new process would)."""
    import tf_keras
    from tf_keras.src.engine.functional import Functional
    from tf_keras.src.engine.sequential import Sequential

    tf_keras.backend.clear_session()  # names are numbered per process: the fixture starts from none
    target = str(Path(path).resolve())
    seen: list[tuple[int, Any]] = []
    originals = {Sequential: Sequential.__init__, Functional: Functional.__init__}

    def wrap(cls: type) -> Any:
        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            caller = sys._getframe(1)
            if str(Path(caller.f_code.co_filename).resolve()) == target:  # a model the fixture constructs
                seen.append((caller.f_lineno, self))
            originals[cls](self, *args, **kwargs)

        return init

    aliases = {f"keras{m}": importlib_module(f"tf_keras{m}") for m in TF_KERAS_MODULES}
    saved = {name: sys.modules.get(name) for name in aliases}
    try:
        Sequential.__init__, Functional.__init__ = wrap(Sequential), wrap(Functional)
        sys.modules.update(aliases)
        with contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(path, run_name="__fixture__")
    finally:
        Sequential.__init__, Functional.__init__ = originals[Sequential], originals[Functional]
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return [{"line": line, "name": model.name, "api": "sequential" if isinstance(model, tf_keras.Sequential)
             else "functional", "total_params": int(model.count_params()),
             "layers": [_tf_keras_layer_record(layer) for layer in model.layers]}
            for line, model in seen]


def importlib_module(name: str) -> Any:
    import importlib

    return importlib.import_module(name)
