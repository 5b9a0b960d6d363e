"""Data: arrays loaded from ``keras.datasets``, made by NumPy, reshaped, scaled and
encoded (``to_categorical``, ``pad_sequences``), and the datasets and generators that
batch them (``tf.data``, ``ImageDataGenerator``, ``image_dataset_from_directory``).

Shapes follow NumPy's and Keras' rules exactly; what those rules cannot settle from the
source (a sample count after filtering, the number of class folders on disk) is a
symbol named by the user's expression, and anything else is not data we follow.
"""

from __future__ import annotations

import math
import re
from typing import Any

import libcst as cst
from layerlint.engine.data import INT, MULTI_HOT, ONE_HOT, REAL, DataParts, DataSpec, Labels, TrainingCall
from layerlint.engine.symbolic import Expr, NumpyInt
from layerlint.extract.dataset_table import DATASETS
from layerlint.extract.keras_names import keras_path
from layerlint.extract.numpy_shapes import (
    arange_shape,
    broadcast_shape,
    choice_shape,
    eye_shape,
    literal_shape,
    reduced_shape,
    take_rows_shape,
)
from layerlint.extract.runtime import MAX_LOOP
from layerlint.extract.tfds_table import TFDS
from layerlint.extract.values import (
    ArrayVal,
    ClassVal,
    DatasetVal,
    FunctionVal,
    GeneratorVal,
    InstanceVal,
    ModelVal,
    PartialVal,
    Ref,
    ZippedDatasetVal,
)

NOT_DATA = object()  # the call is not one this module models
_LOAD_DATA = re.compile(r"^datasets\.(\w+)\.load_data$")
TRAINING_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                    "fit_generator", "evaluate_generator", "predict_generator")
# Where x and y sit in each training method's signature.
_XY = {"predict": ("x", None), "predict_on_batch": ("x", None), "predict_generator": ("generator", None),
       "fit_generator": ("generator", None), "evaluate_generator": ("generator", None)}
_SAME_SHAPE = ("astype", "copy", "clip", "round")
_DATASET_KEEPS = ("shuffle", "prefetch", "cache", "repeat", "take", "skip", "with_options", "filter")
_DATASET_RESIZES = ("repeat", "take", "skip", "filter")
_CHANNELS = {"rgb": 3, "grayscale": 1, "rgba": 4}
_FLOAT_OPS = ("Divide",)
# Reductions along axes, with the keywords that leave their shape as ``axis`` and ``keepdims`` make it;
# a mean or deviation of floats keeps their dtype (of integers NumPy gives float64, not followed here).
_MEANS = ("mean", "std", "var")
_REDUCTIONS = (*_MEANS, "sum", "prod", "max", "min")
# NumPy functions that are another function under a second name (np.amax is np.max)
_ALIASES = {"amax": "max", "amin": "min"}
_REDUCTION_KEYWORDS = {name: {"axis", "keepdims", *(("ddof",) if name in ("std", "var") else ())} for name in _REDUCTIONS}
_FLOATS = ("float16", "float32", "float64")


def concatenated(parts: Any, axis: Any) -> ArrayVal | None:
    """``np.concatenate(parts, axis)`` of arrays of one rank whose other dims agree: the first
    array with the axis' sizes summed; None where that does not hold (NumPy raises, or a dim is
    not known).  Arrays of several dtypes give one NumPy promotes to, which is not followed (the
    dtype is unknown): MNIST scaled to float32 beside np.random.random's float64 columns."""
    if not isinstance(parts, (list, tuple)) or not parts or not is_int(axis) \
            or not all(isinstance(p, ArrayVal) and p.shape and not p.sequences for p in parts):
        return None
    first = parts[0]
    rank = len(first.shape)
    if not -rank <= axis < rank or any(len(p.shape) != rank for p in parts):
        return None
    axis %= rank
    if not all(is_int(d) for p in parts for d in p.shape):
        return None
    if any(p.shape[:axis] + p.shape[axis + 1:] != first.shape[:axis] + first.shape[axis + 1:] for p in parts):
        return None
    total = sum(p.shape[axis] for p in parts)
    joined = first.with_shape(first.shape[:axis] + (total,) + first.shape[axis + 1:])
    if any(p.dtype != first.dtype for p in parts):
        joined.dtype = None
    return joined


def stacked(parts: Any, how: str) -> ArrayVal | None:
    """``np.vstack(parts)`` / ``np.hstack(parts)``: a 1-D array is one row for vstack; hstack joins
    1-D arrays end to end and others along their second axis (NumPy's rules); None as for
    concatenated()."""
    if not isinstance(parts, (list, tuple)) or not parts \
            or not all(isinstance(p, ArrayVal) and p.shape and not p.sequences for p in parts):
        return None
    if how == "vstack":
        return concatenated([p.with_shape((1, *p.shape)) if len(p.shape) == 1 else p for p in parts], 0)
    return concatenated(list(parts), 0 if len(parts[0].shape) == 1 else 1)


def numpy_linspace(args: list, kwargs: dict) -> tuple | None:
    """``np.linspace(start, stop, num)`` of plain numbers, element by element as NumPy computes it
    in float64 (``i * step + start``, the last one ``stop``); None for anything else."""
    names = ("start", "stop", "num")
    if len(args) > 3 or set(kwargs) - set(names):
        return None
    given = dict(zip(names, args)) | kwargs
    start, stop, num = given.get("start"), given.get("stop"), given.get("num", 50)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, stop)) \
            or not is_int(num) or not 0 < num <= MAX_LOOP:
        return None
    if num == 1:
        return (float(start),)
    step = (stop - start) / (num - 1)
    if step == 0:
        return tuple(float(start) for _ in range(num))
    return tuple(i * step + start for i in range(num - 1)) + (float(stop),)


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_dim(v: Any) -> bool:
    return is_int(v) or isinstance(v, Expr)


def _product(dims: tuple) -> Any:
    total: Any = 1
    for d in dims:
        total = total * d
    return total


def _float_dtype(dtype: str | None) -> str | None:
    return dtype if dtype is not None and dtype.startswith(("float", "bfloat")) else "float64"


def dtype_name(v: Any) -> str | None:
    """'float32' from "float32", np.float32, tf.float32; None when not told."""
    if isinstance(v, str):
        return v
    if isinstance(v, Ref):
        return v.qualname.rsplit(".", 1)[-1]
    return None



# NumPy's integer scalar types, by the name numpy exports, with the dtype each makes
NUMPY_INTS = {**{f"{p}int{b}": f"{p}int{b}" for p in ("", "u") for b in (8, 16, 32, 64)},
              "int_": "int64", "intp": "int64", "intc": "int32", "longlong": "int64"}


def numpy_number(v: Any, text: str) -> Any:
    """What a NumPy reduction of numbers gives: an integer is NumPy's (NumpyInt), not Python's."""
    return NumpyInt(v, text) if isinstance(v, int) and not isinstance(v, bool) else v


class Data:
    """The Interpreter's data half (a mixin: state lives on the Interpreter)."""

    # -- calls of functions ------------------------------------------------------
    def data_call(self, q: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """The value of a data-making call, or NOT_DATA when ``q`` is none of them."""
        kp = keras_path(q)
        if kp is not None:
            m = _LOAD_DATA.match(kp.replace("src.", ""))
            if m:
                return self.load_dataset(m.group(1), args, kwargs, node)
            last = kp.rsplit(".", 1)[-1]
            if last == "to_categorical":
                return self.to_categorical(args, kwargs, node)
            if last == "pad_sequences":
                return self.pad_sequences(args, kwargs, node)
            if last == "ImageDataGenerator":
                return GeneratorVal(self.text(node))
            if last == "image_dataset_from_directory":
                return self.image_dataset(args, kwargs, node)
            return NOT_DATA
        if q.startswith("numpy."):
            return self.numpy_call(q[6:], args, kwargs, node)
        if q in ("tensorflow.data.Dataset.from_tensor_slices", "tensorflow.data.Dataset.from_tensors"):
            return self.from_tensor_slices(args, node) if q.endswith("slices") else NOT_DATA
        if q == "tensorflow.data.Dataset.zip":
            return self.zip_datasets(args, kwargs, node)
        if q == "tensorflow_datasets.load":
            return self.tfds_load(args, kwargs, node)
        if q in ("sklearn.model_selection.train_test_split",):
            return self.train_test_split(args, kwargs, node)
        if q in ("tensorflow.expand_dims", "tensorflow.reshape", "tensorflow.cast") and args and isinstance(args[0], ArrayVal):
            name = {"tensorflow.expand_dims": "expand_dims", "tensorflow.reshape": "reshape", "tensorflow.cast": "astype"}[q]
            return self.array_method(args[0], name, list(args[1:]), kwargs, node)
        if q == "tensorflow.one_hot" and args and isinstance(args[0], ArrayVal):
            depth = kwargs.get("depth", args[1] if len(args) > 1 else None)
            return self.one_hot(args[0], depth, "float32", node) if is_dim(depth) else self.symbol(node)
        return NOT_DATA

    def load_dataset(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        entry = DATASETS.get(name)
        if entry is None:
            return self.symbol(node)
        text = self.text(node)

        def arg(key: str, pos: int, default: Any) -> Any:
            return kwargs.get(key, args[pos] if len(args) > pos else default)

        classes = entry["classes"]
        if "classes_by_label_mode" in entry:
            classes = entry["classes_by_label_mode"].get(arg("label_mode", 0, "fine"))
            if classes is None:
                return self.symbol(node)  # Keras raises on an unknown label_mode
        kind = entry["labels"]
        # The regression datasets' targets are prices (documented: 10 to 50 k$, 25,000 to 500,000 $).
        labels = Labels(kind, classes if kind == INT else None, text, within_unit=False if kind == REAL else None)
        if "arrays" in entry:
            a = entry["arrays"]
            shapes = {k: tuple(v) for k, v in a.items()}
            if entry.get("sequences") and arg("maxlen", 3, None) is not None:
                # Longer reviews are dropped: how many are left depends on the data.
                for part in ("train", "test"):
                    n = Expr.symbol(f"len(x_{part} of {text})")
                    shapes[f"x_{part}"] = (n,) + shapes[f"x_{part}"][1:]
                    shapes[f"y_{part}"] = (n,) + shapes[f"y_{part}"][1:]
        else:
            version = arg("version", 0, "large") if name == "california_housing" else None
            total = entry["totals"].get(version)
            split = arg("test_split", {"california_housing": 2, "reuters": 4}.get(name, 1), entry["test_split"])
            if total is None or not isinstance(split, (int, float)) or isinstance(split, bool) or not 0 <= split < 1:
                return self.symbol(node)
            if entry.get("sequences") and arg("maxlen", 3, None) is not None:
                n_train: Any = Expr.symbol(f"len(x_train of {text})")
                n_test: Any = Expr.symbol(f"len(x_test of {text})")
            else:
                n_train = int(total * (1 - split))
                n_test = total - n_train
            feat = (entry["features"],) if "features" in entry else ()
            shapes = {"x_train": (n_train, *feat), "y_train": (n_train,), "x_test": (n_test, *feat), "y_test": (n_test,)}
        seq = bool(entry.get("sequences"))
        x_dtype = "object" if seq else entry.get("x_dtype")
        y_dtype = entry.get("y_dtype")

        def arr(key: str) -> ArrayVal:
            is_y = key.startswith("y")
            return ArrayVal(shapes[key], y_dtype if is_y else x_dtype, labels if is_y else None,
                            f"{key} of {text}", sequences=seq and not is_y)

        return (arr("x_train"), arr("y_train")), (arr("x_test"), arr("y_test"))

    def tfds_load(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        """``tfds.load(name, split=..., as_supervised=True)``: a tf.data dataset of (input, target)
        examples of the builder's feature spec, its number of examples unknown (splits are only
        known once downloaded); a list of splits gives a list of them.  A dict of features
        (as_supervised=False), a versioned name, batch_size= and nested features are not followed."""
        name = kwargs.get("name", args[0] if args else None)
        split = kwargs.get("split", args[1] if len(args) > 1 else None)
        entry = TFDS.get(name) if isinstance(name, str) else None
        if entry is None or kwargs.get("as_supervised") is not True or kwargs.get("batch_size") is not None \
                or entry["supervised"] is None:
            if entry is not None and kwargs.get("with_info") is True:
                return (self.symbol(node), dataset_info(entry))  # the datasets are not followed, the info is
            return self.symbol(node)
        xkey, ykey = entry["supervised"]
        x_spec, y_spec = entry["features"].get(xkey), entry["features"].get(ykey)
        if x_spec is None or y_spec is None:
            return self.symbol(node)
        text = self.text(node)
        classes = entry["classes"].get(ykey)
        labels = Labels(INT, classes, text) if classes is not None else None

        def dataset() -> DatasetVal:
            x = ArrayVal((None, *x_spec[0]), x_spec[1], None, text)
            y = ArrayVal((None, *y_spec[0]), y_spec[1], labels, text)
            return DatasetVal(x, y, batched=False, kind="dataset", text=text)

        if isinstance(split, str):
            out: Any = dataset()
        elif isinstance(split, (list, tuple)) and split and all(isinstance(s, str) for s in split):
            out = [dataset() for _ in split]
        else:
            return self.symbol(node)
        return (out, dataset_info(entry)) if kwargs.get("with_info") is True else out

    def to_categorical(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        y = kwargs.get("x", kwargs.get("y", args[0] if args else None))
        k = kwargs.get("num_classes", args[1] if len(args) > 1 else None)
        if k is None and isinstance(y, ArrayVal) and y.labels is not None and y.labels.kind == INT:
            k = y.labels.classes
        if not is_dim(k):
            # Keras counts max(y) + 1 classes: a symbol named by the call, as `.shape[1]` reads it.
            k = Expr.symbol(f"{self.text(node)}.shape[-1]")
        labels = Labels(ONE_HOT, k, self.text(node))
        if isinstance(y, ArrayVal) and y.shape is not None:
            shape = y.shape[:-1] if len(y.shape) > 1 and y.shape[-1] == 1 else y.shape
            return ArrayVal((*shape, k), "float64", labels, self.text(node))
        return ArrayVal(None, "float64", labels, self.text(node))

    def one_hot(self, y: ArrayVal, depth: Any, dtype: str, node: cst.CSTNode) -> ArrayVal:
        shape = None if y.shape is None else (*y.shape, depth)
        return ArrayVal(shape, dtype, Labels(ONE_HOT, depth, self.text(node)), self.text(node))

    def pad_sequences(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        seqs = kwargs.get("sequences", args[0] if args else None)
        maxlen = kwargs.get("maxlen", args[1] if len(args) > 1 else None)
        dtype = dtype_name(kwargs.get("dtype", args[2] if len(args) > 2 else "int32"))
        if isinstance(seqs, ArrayVal) and seqs.shape:
            n = seqs.shape[0]
        elif isinstance(seqs, (list, tuple)):
            n = len(seqs)
        else:
            n = Expr.symbol(f"len({self.text(node.args[0].value)})") if node.args else None
        if n is None:
            return self.symbol(node)
        if maxlen is None:
            maxlen = Expr.symbol(f"longest sequence of {self.text(node.args[0].value)}")
        elif not is_dim(maxlen):
            return self.symbol(node)
        return ArrayVal((n, maxlen), dtype, None, self.text(node))

    def numpy_call(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        name = _ALIASES.get(name, name)
        first = args[0] if args else None
        # np.mean(x, axis=0) and the other reductions along an axis are x.mean(axis=0)
        along = name in _REDUCTIONS and (len(args) > 1 or "axis" in kwargs)
        if isinstance(first, ArrayVal) and (along or name in ("reshape", "expand_dims", "squeeze", "argmax", "unique",
                                                              "max", "min", "ravel", "transpose", "asarray", "array",
                                                              "float32")):
            if name in ("asarray", "array"):
                dtype = kwargs.get("dtype", args[1] if len(args) > 1 else None)
                return self.array_method(first, "astype", [dtype], {}, node) if dtype is not None else first
            return self.array_method(first, name, list(args[1:]), kwargs, node)
        if name in ("tril", "triu") and isinstance(first, ArrayVal) and first.shape is not None \
                and len(first.shape) >= 2 and set(kwargs) <= {"k"}:
            return first.derived(self.text(node), labels=None)  # the same shape, values zeroed
        if name in ("array", "asarray") and isinstance(first, (list, tuple)) and len(args) == 1 \
                and set(kwargs) <= {"dtype"}:
            written = literal_shape(first)  # toy data written out: X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
            if written is not None:
                dtype = dtype_name(kwargs["dtype"]) if "dtype" in kwargs else written[1]
                return ArrayVal(written[0], dtype, None, self.text(node))
        made = self.numpy_from_numbers(name, args, kwargs, node)
        if made is not None:
            return made
        if name == "concatenate" and args:
            joined = concatenated(args[0], kwargs.get("axis", args[1] if len(args) > 1 else 0))
            if joined is not None:
                return joined.derived(self.text(node), labels=None)
        if name in ("vstack", "hstack") and len(args) == 1 and not kwargs:
            joined = stacked(args[0], name)
            if joined is not None:
                return joined.derived(self.text(node), labels=None)
        if name == "linspace":
            values = numpy_linspace(args, kwargs)
            if values is not None:
                return ArrayVal((len(values),), "float64", None, self.text(node), values=values)
        if name in ("zeros", "ones", "empty", "full", "random.random", "random.rand", "random.randn",
                    "random.normal", "random.uniform", "random.randint", "random.random_sample",
                    "random.multivariate_normal"):
            return self.numpy_maker(name, args, kwargs, node)
        if name in ("prod", "max", "min", "sum") and first is not None and not kwargs:
            it = self.iterate(first)
            if it is not None and it and all(is_int(v) or isinstance(v, float) for v in it) and len(args) == 1:
                return numpy_number({"prod": math.prod, "max": max, "min": min, "sum": sum}[name](it), self.text(node))
            if name == "prod" and it is not None and all(is_dim(v) for v in it) and len(args) == 1:
                return numpy_number(_product(tuple(it)), self.text(node))
            if len(args) == 1 and (isinstance(first, Expr) or isinstance(first, ArrayVal) and not first.sequences):
                # a reduction of a whole array is a NumPy scalar whatever its value
                return Expr.scalar_data(self.text(node))
        if name in NUMPY_INTS and len(args) == 1 and not kwargs:
            # np.int64(n): a NumPy scalar, which Keras' constructors checking for an int refuse
            n = args[0]
            if is_int(n) or isinstance(n, float) and n.is_integer():
                return NumpyInt(int(n), self.text(node), NUMPY_INTS[name])
            if isinstance(n, Expr):
                return Expr.scalar_data(self.text(node))
        return NOT_DATA

    def numpy_from_numbers(self, name: str, args: list, kwargs: dict, node: cst.Call) -> ArrayVal | None:
        """np.eye / np.arange / np.random.choice / np.random.permutation: an array of known shape
        (values not followed)."""
        shape, dtype = None, "float64"
        if name == "eye" and set(kwargs) <= {"N", "M", "k", "dtype"} and len(args) <= 3:
            shape = eye_shape(kwargs.get("N", args[0] if args else None), kwargs.get("M", args[1] if len(args) > 1 else None))
            dtype = dtype_name(kwargs.get("dtype")) or dtype
        elif name == "arange" and not kwargs:
            shape, dtype = arange_shape(list(args)), "int64"
        elif name == "random.choice" and set(kwargs) <= {"size", "replace"} and len(args) <= 3:
            pool = args[0] if args else None
            size = kwargs.get("size", args[1] if len(args) > 1 else None)
            replace = kwargs.get("replace", args[2] if len(args) > 2 else True)
            if is_int(pool):
                shape, dtype = choice_shape(pool, size, replace), "int64"
            elif isinstance(pool, ArrayVal) and pool.shape is not None and len(pool.shape) == 1:
                shape, dtype = choice_shape(pool.shape[0], size, replace), pool.dtype
        elif name == "random.permutation" and len(args) == 1 and not kwargs:
            # `x[np.random.permutation(len(x))]`: the indices that shuffle n samples, or a shuffled
            # copy of an array (along its first axis)
            given = args[0]
            if is_int(given) and given >= 0:
                shape, dtype = (given,), "int64"
            elif isinstance(given, ArrayVal) and given.shape and not given.sequences:
                shape, dtype = given.shape, given.dtype
        return ArrayVal(shape, dtype, None, self.text(node)) if shape is not None else None

    def numpy_maker(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        if name in ("random.rand", "random.randn"):
            shape: Any = tuple(args)
        elif name == "random.randint":
            low = kwargs.get("low", args[0] if args else None)
            high = kwargs.get("high", args[1] if len(args) > 1 else None)
            shape = kwargs.get("size", args[2] if len(args) > 2 else None)
            if high is None:  # randint(k, size=n): values in [0, k)
                low, high = 0, low
            if not (is_int(low) and is_dim(high)):
                return self.symbol(node)
            classes = high - low if low == 0 else None
            shape = (shape,) if is_int(shape) else shape  # a symbol may stand for a whole shape
            if not isinstance(shape, (tuple, list)) or not all(is_dim(d) for d in shape):
                return self.symbol(node)
            labels = Labels(INT, classes, self.text(node))
            if classes == 2 and len(shape) == 2 and is_int(shape[1]) and shape[1] > 1:
                labels = Labels(MULTI_HOT, shape[1], self.text(node))  # rows of 0/1 flags: several labels per sample
            return ArrayVal(tuple(shape), "int64", labels, self.text(node))
        elif name in ("random.normal", "random.uniform"):
            shape = kwargs.get("size", args[2] if len(args) > 2 else None)
        elif name in ("random.random", "random.random_sample"):
            shape = kwargs.get("size", args[0] if args else None)
        elif name == "random.multivariate_normal":
            # one sample of the distribution's len(mean) variables per entry of `size`
            mean = kwargs.get("mean", args[0] if args else None)
            size = kwargs.get("size", args[2] if len(args) > 2 else None)
            n = len(mean) if isinstance(mean, (list, tuple)) else mean.shape[0] if isinstance(mean, ArrayVal) \
                and mean.shape is not None and len(mean.shape) == 1 else None
            if n is None or size is None or set(kwargs) - {"mean", "cov", "size"} or len(args) > 3:
                return self.symbol(node)
            samples = (size,) if is_int(size) else tuple(size) if isinstance(size, (tuple, list)) else None
            shape = (*samples, n) if samples is not None else None
        else:
            shape = kwargs.get("shape", args[0] if args else None)
        if is_int(shape):  # a symbol may stand for a whole shape: only a number is one dim
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not shape or not all(is_dim(d) for d in shape):
            return self.symbol(node)
        dtype = dtype_name(kwargs.get("dtype")) or ("int64" if name == "full" and args and len(args) > 1
                                                      and is_int(args[1]) else "float64")
        within: bool | None = name in ("random.rand", "random.random", "random.random_sample")
        if name in ("random.randn", "random.normal"):
            within = False  # unbounded
        elif name == "random.uniform":
            lo = kwargs.get("low", args[0] if args else 0.0)
            hi = kwargs.get("high", args[1] if len(args) > 1 else 1.0)
            if isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                within = 0 <= lo and hi <= 1  # uniform values fill the whole range
        labels = Labels(REAL, None, self.text(node), within_unit=within) if name.startswith("random.") else None
        return ArrayVal(tuple(shape), dtype, labels, self.text(node))

    def train_test_split(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        """scikit-learn's split: n_test = ceil(test_size * n) (0.25 by default), n_train = n - n_test."""
        if not args or not all(isinstance(a, ArrayVal) and a.shape for a in args):
            return NOT_DATA
        if set(kwargs) - {"test_size", "random_state", "shuffle", "stratify"}:
            return self.symbol(node)
        n = args[0].shape[0]
        size = kwargs.get("test_size", 0.25)
        if not is_int(n) or any(a.shape[0] != n for a in args):
            return self.symbol(node)
        if isinstance(size, float) and 0 < size < 1:
            n_test = math.ceil(size * n)
        elif is_int(size) and 0 < size < n:
            n_test = size
        else:
            return self.symbol(node)
        out: list = []
        for a in args:
            out.append(a.with_shape((n - n_test, *a.shape[1:])))
            out.append(a.with_shape((n_test, *a.shape[1:])))
        return out

    # -- arrays: attributes, methods, indexing, arithmetic -----------------------
    def array_attribute(self, a: ArrayVal, attr: str, node: cst.CSTNode) -> Any:
        if attr == "shape":
            return a.shape if a.shape is not None else self.symbol(node)
        if attr == "ndim":
            return len(a.shape) if a.shape is not None else self.symbol(node)
        if attr == "dtype":
            return a.dtype if a.dtype is not None else self.symbol(node)
        if attr == "size" and a.shape is not None:
            return _product(a.shape)
        if attr in ("reshape", "astype", "copy", "clip", "round", "squeeze", "flatten", "ravel", "argmax", "max",
                    "min", "T", "mean", "std", "var", "sum", "prod"):
            from layerlint.extract.values import BoundMethod

            return BoundMethod(a, attr) if attr != "T" else self.symbol(node)
        return self.symbol(node)

    def array_method(self, a: ArrayVal, name: str, args: list, kwargs: dict, node: cst.CSTNode) -> Any:
        text = self.text(node)
        if name in _SAME_SHAPE:
            if name == "astype":
                dt = dtype_name(args[0] if args else kwargs.get("dtype"))
                if dt is None:
                    return a.derived(text, dtype=None)
                labels = a.labels
                if labels is not None and labels.kind == INT and dt.startswith("float"):
                    labels = labels  # class ids as floats are still class ids
                return a.derived(text, dtype=dt, labels=labels)
            return a.derived(text)
        if a.shape is None:
            return self.symbol(node)
        if name == "reshape":
            shape = args[0] if len(args) == 1 else tuple(args)
            shape = kwargs.get("newshape", kwargs.get("shape", shape))
            if is_int(shape):
                shape = (shape,)
            if not isinstance(shape, (tuple, list)) or not all(is_dim(d) for d in shape):
                return self.symbol(node)
            return a.derived(text, shape=self.reshaped(a.shape, tuple(shape), text), labels=None)
        if name == "expand_dims":
            axis = kwargs.get("axis", args[0] if args else None)
            if not is_int(axis) or not -len(a.shape) - 1 <= axis <= len(a.shape):
                return self.symbol(node)
            if axis < 0:
                axis += len(a.shape) + 1
            return a.derived(text, shape=(*a.shape[:axis], 1, *a.shape[axis:]))
        if name in ("flatten", "ravel"):
            return a.derived(text, shape=(_product(a.shape),), labels=None)
        if name == "squeeze" and not args and not kwargs:
            return a.derived(text, shape=tuple(d for d in a.shape if d != 1))
        if name == "argmax" and a.labels is not None and a.labels.kind == ONE_HOT:
            axis = kwargs.get("axis", args[0] if args else None)
            if axis in (-1, len(a.shape) - 1):
                return ArrayVal(a.shape[:-1], "int64", Labels(INT, a.labels.classes, text), text)
        if name == "unique" and a.labels is not None and a.labels.kind == INT and is_int(a.labels.classes) \
                and not args and not kwargs:
            # Every class of a keras.datasets split occurs in it; arrays of our own making say so by their range.
            return ArrayVal((a.labels.classes,), a.dtype, None, text)
        if name == "max" and not args and not kwargs and a.labels is not None and a.labels.kind == INT \
                and is_int(a.labels.classes) and a.labels.origin and "load_data" in a.labels.origin:
            return NumpyInt(a.labels.classes - 1, text)  # NumPy's integer, as max() of an array gives
        if name in ("sum", "prod", "max", "min") and not args and not kwargs and not a.sequences:
            return Expr.scalar_data(text)  # a NumPy scalar whatever its value
        if name in _REDUCTIONS and len(args) <= 1 and set(kwargs) <= _REDUCTION_KEYWORDS[name] and not a.sequences:
            # `train_data.mean(axis=0)`: per-feature statistics that normalise the data fed to fit()
            shape = reduced_shape(a.shape, kwargs.get("axis", args[0] if args else None), kwargs.get("keepdims", False))
            if shape is not None:
                dtype = a.dtype if name in ("max", "min") or a.dtype in _FLOATS and name in _MEANS else None
                return ArrayVal(shape, dtype, None, text)
        return self.symbol(node)

    def reshaped(self, shape: tuple, new: tuple, text: str) -> tuple:
        """NumPy's reshape: one -1 takes what the other dims leave of the total."""
        holes = [i for i, d in enumerate(new) if d == -1]
        if not holes:
            return new
        total, rest = _product(shape), _product(tuple(d for d in new if d != -1))
        if len(holes) == 1 and is_int(total) and is_int(rest) and rest > 0 and total % rest == 0:
            fill: Any = total // rest
        else:
            fill = Expr.symbol(f"{text}.shape[{holes[0]}]")
        return tuple(fill if d == -1 else d for d in new)

    def array_subscript(self, a: ArrayVal, node: cst.Subscript, frame: Any) -> Any:
        """Basic NumPy indexing: ints, slices, ``None``/``np.newaxis`` and ``...``."""
        if a.shape is None:
            return self.symbol(node)
        evaluated: dict = {}  # each index expression is evaluated once
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            index = evaluated[0] = self.eval(node.slice[0].slice.value, frame)
            if isinstance(index, ArrayVal):  # integer-array indexing picks rows
                shape = take_rows_shape(a.shape, index.shape) \
                    if index.shape is not None and (index.dtype or "").startswith("int") else None
                return ArrayVal(shape, a.dtype, None, self.text(node)) if shape is not None else self.symbol(node)
        parts: list = []
        for i, el in enumerate(node.slice):
            sl = el.slice
            if isinstance(sl, cst.Index):
                v = evaluated[i] if i in evaluated else self.eval(sl.value, frame)
                if v is None or isinstance(v, Ref) and v.qualname in ("numpy.newaxis", "tensorflow.newaxis"):
                    parts.append(None)
                elif v is Ellipsis:
                    parts.append(Ellipsis)
                elif is_int(v):
                    parts.append(v)
                else:
                    return self.symbol(node)
            else:
                bounds = [None if p is None else self.eval(p, frame) for p in (sl.lower, sl.upper, sl.step)]
                if not all(b is None or is_int(b) for b in bounds):
                    return self.symbol(node)
                parts.append(slice(*bounds))
        if parts.count(Ellipsis) > 1:
            return self.symbol(node)
        used = sum(1 for p in parts if p is not None and p is not Ellipsis)
        if used > len(a.shape):
            return self.symbol(node)
        if Ellipsis in parts:
            i = parts.index(Ellipsis)
            parts[i:i + 1] = [slice(None)] * (len(a.shape) - used)
        else:
            parts += [slice(None)] * (len(a.shape) - used)
        out: list = []
        dims = iter(a.shape)
        for p in parts:
            if p is None:
                out.append(1)
                continue
            d = next(dims)
            if isinstance(p, int):
                continue
            if p == slice(None):
                out.append(d)
            elif is_int(d):
                out.append(len(range(*p.indices(d))))
            else:
                return self.symbol(node)
        first_kept = isinstance(parts[0], slice) if parts else True
        labels = a.labels if first_kept and tuple(out[1:]) == tuple(a.shape[1:]) else None
        return ArrayVal(tuple(out), a.dtype, labels, self.text(node), sequences=a.sequences)

    def array_binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        arr, other = (a, b) if isinstance(a, ArrayVal) else (b, a)
        text = self.text(node)
        if isinstance(other, ArrayVal):
            if arr.shape is not None and arr.shape == other.shape:
                return arr.derived(text, dtype=None, labels=None)
            shape = broadcast_shape(a.shape, b.shape) if a.shape is not None and b.shape is not None \
                and not (a.sequences or b.sequences) else None
            # `(train_data - mean) / std`: samples less the per-feature mean, by NumPy's broadcasting
            return ArrayVal(shape, None, None, text) if shape is not None else self.symbol(node)
        if not isinstance(other, (int, float)) or isinstance(other, bool):
            return self.symbol(node)
        if op not in ("Add", "Subtract", "Multiply", "Divide", "FloorDivide", "Power", "Modulo"):
            return self.symbol(node)
        float_result = op in _FLOAT_OPS or isinstance(other, float)
        dtype = _float_dtype(arr.dtype) if float_result else arr.dtype
        keep = arr.labels is not None and arr.labels.kind == INT and op in ("Add", "Subtract") and is_int(other)
        labels = Labels(INT, None, text) if keep else None
        if arr.labels is not None and arr.labels.kind == REAL:
            labels = Labels(REAL, None, text)  # still real-valued; its range moved
        return arr.derived(text, dtype=dtype, labels=labels)

    # -- datasets and generators -------------------------------------------------
    def from_tensor_slices(self, args: list, node: cst.Call) -> Any:
        if len(args) != 1:
            return self.symbol(node)
        v = args[0]
        parts = list(v) if isinstance(v, tuple) and len(v) in (1, 2) else [v]
        if not all(isinstance(p, ArrayVal) and p.shape for p in parts):
            return self.symbol(node)
        x, y = parts[0], parts[1] if len(parts) > 1 else None
        if y is not None and is_int(x.shape[0]) and is_int(y.shape[0]) and x.shape[0] != y.shape[0]:
            return self.symbol(node)  # tf raises: the slices must have one length
        return DatasetVal(x, y, batched=False, kind="dataset", text=self.text(node))

    def image_dataset(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        mode = kwargs.get("label_mode", "int")
        size = kwargs.get("image_size", (256, 256))
        color = kwargs.get("color_mode", "rgb")
        names = kwargs.get("class_names")
        batch = kwargs.get("batch_size", 32)
        if kwargs.get("labels", "inferred") != "inferred" or not isinstance(size, (tuple, list)) or len(size) != 2 \
                or color not in _CHANNELS or not all(is_int(d) for d in size):
            return self.symbol(node)
        k = len(names) if isinstance(names, (list, tuple)) else \
            Expr.symbol(f"class folders of {self.text(node.args[0].value) if node.args else 'directory'}")
        x = ArrayVal((None, size[0], size[1], _CHANNELS[color]), "float32", None, self.text(node))
        text = self.text(node)
        if mode == "int":
            y: ArrayVal | None = ArrayVal((None,), "int32", Labels(INT, k, text), text)
        elif mode == "categorical":
            y = ArrayVal((None, k), "float32", Labels(ONE_HOT, k, text), text)
        elif mode == "binary":
            y = ArrayVal((None, 1), "float32", Labels(INT, 2, text), text)
        elif mode is None:
            y = None
        else:
            return self.symbol(node)
        return DatasetVal(x, y, batched=batch is not None, kind="dataset", text=text, per_batch=True)

    def generator_method(self, g: GeneratorVal, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        text = self.text(node)
        if name == "flow_from_directory":
            size = kwargs.get("target_size", (256, 256))
            color = kwargs.get("color_mode", "rgb")
            mode = kwargs.get("class_mode", "categorical")
            classes = kwargs.get("classes")
            if not isinstance(size, (tuple, list)) or len(size) != 2 or not all(is_int(d) for d in size) \
                    or color not in _CHANNELS:
                return self.symbol(node)
            k = len(classes) if isinstance(classes, (list, tuple)) else \
                Expr.symbol(f"class folders of {self.text(node.args[0].value) if node.args else 'directory'}")
            x = ArrayVal((None, size[0], size[1], _CHANNELS[color]), "float32", None, text)
            if mode == "categorical":
                y: ArrayVal | None = ArrayVal((None, k), "float32", Labels(ONE_HOT, k, text), text)
            elif mode == "binary":
                y = ArrayVal((None,), "float32", Labels(INT, 2, text), text)
            elif mode == "sparse":
                y = ArrayVal((None,), "float32", Labels(INT, k, text), text)
            elif mode in ("input", None):
                y = x if mode == "input" else None
            else:
                return self.symbol(node)
            return DatasetVal(x, y, batched=True, kind="generator", text=text, per_batch=True)
        if name == "flow":
            x = kwargs.get("x", args[0] if args else None)
            y = kwargs.get("y", args[1] if len(args) > 1 else None)
            if not isinstance(x, ArrayVal) or not x.shape or not (y is None or isinstance(y, ArrayVal) and y.shape):
                return self.symbol(node)
            return DatasetVal(x, y, batched=True, kind="generator", text=text)
        if name == "fit":
            return None
        return self.symbol(node)

    def dataset_method(self, d: DatasetVal, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        if name == "batch":
            size = kwargs.get("batch_size", args[0] if args else None)
            drop = kwargs.get("drop_remainder", args[1] if len(args) > 1 else False)
            # batches of batches: the batch axis no longer counts samples
            return d.derived(self.text(node), batched=True, batch=(size, drop), resized=d.batched)
        if name == "map" and d.kind == "dataset":
            self.map_function(d, kwargs.get("map_func", args[0] if args else None), node)
            return self.symbol(node)
        if name == "unbatch" and d.batched and not d.per_batch:
            return d.derived(self.text(node), batched=False)
        return self.kept_element(d, name, node)

    def kept_element(self, d: DatasetVal | ZippedDatasetVal, name: str, node: cst.Call) -> Any:
        """Operations that keep each element as it is (shuffle, prefetch, cache, ...); anything else
        is unknown."""
        if name in _DATASET_KEEPS:
            return d.derived(self.text(node), resized=name in _DATASET_RESIZES)
        return self.symbol(node)

    def zip_datasets(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        """``tf.data.Dataset.zip((a, b))`` (or ``zip(a, b)``) of tf.data datasets."""
        given = kwargs.get("datasets", args[0] if len(args) == 1 else tuple(args) if args else None)
        if isinstance(given, (tuple, list)) and given and all(isinstance(d, DatasetVal) and d.kind == "dataset"
                                                              for d in given):
            return ZippedDatasetVal(tuple(given), self.text(node))
        return self.symbol(node)

    def zipped_dataset_method(self, d: ZippedDatasetVal, name: str, node: cst.Call) -> Any:
        """An operation on a zipped dataset: those that keep each element as it is."""
        return self.kept_element(d, name, node)

    def dataset_first(self, d: DatasetVal, node: cst.Call) -> Any:
        """``next(iter(ds))``: the first element, eager tensors of data.  Batched, its batch axis
        holds batch_size samples, or all of them when there are fewer."""
        parts = [d.x] if d.y is None else [d.x, d.y]
        text = self.text(node)
        if d.kind != "dataset" or not all(p.shape for p in parts):
            return self.symbol(node)
        # a size that varies from example to example (tfds images) is the first one's, not None
        parts = [p.derived(p.text, shape=(p.shape[0], *(Expr.symbol(f"{text}.shape[{i}]") if dim is None else dim
                                                        for i, dim in enumerate(p.shape[1:], start=int(d.batched)))))
                 for p in parts]
        if d.batched:
            n, size = d.x.shape[0], d.batch_size
            if d.per_batch or d.resized or not (is_int(n) and is_int(size) and size > 0):
                return self.symbol(node)
            first = [p.derived(text, shape=(min(n, size), *p.shape[1:])) for p in parts]
        else:
            first = [p.derived(text, shape=tuple(p.shape[1:])) for p in parts]
        return first[0] if d.y is None else tuple(first)

    def map_function(self, d: DatasetVal, fn: Any, node: cst.Call) -> None:
        """``ds.map(fn)``: tf.data traces ``fn`` once, when map() is called, on one element (x, or
        x and y as two arguments), so a model it calls is first called on that element's shape."""
        if not isinstance(fn, (FunctionVal, PartialVal)):
            return
        parts = [d.x] if d.y is None else [d.x, d.y]
        at = node.func.attr if isinstance(node.func, cst.Attribute) else node  # a chain's own line for map
        where = f"an element of the dataset map() at line {self.span(at).line} hands its function"
        elements = [e.derived(where) if e is not None else None for e in (d.element(p) for p in parts)]
        if all(e is not None for e in elements):
            self.call(fn, elements, {}, node)

    # -- training calls ------------------------------------------------------------
    def record_training(self, mv: ModelVal, name: str, args: list, kwargs: dict, node: cst.Call) -> None:
        span = self.span(node)
        if any(t.span == span for t in mv.model.training):
            return  # a loop or a function called again: the line is one training call
        xkey, ykey = _XY.get(name, ("x", "y"))
        x = kwargs.get(xkey, args[0] if args else None)
        y = kwargs.get(ykey, args[1] if len(args) > 1 else None) if ykey else None
        call = TrainingCall(name.replace("_generator", ""), span, compiled=mv.model.compile)
        if isinstance(x, DatasetVal):
            call.source = x.kind
            axis = x.batch_axis()
            if x.batched and axis is not None:
                call.x = x.x.batch_spec(self.arg_text(node, 0, xkey), x.per_batch, axis[0])
                call.y = x.y.batch_spec(self.arg_text(node, 0, xkey), x.per_batch, axis[0]) if x.y is not None else None
        else:
            call.x = self.fed_data(x, *self.arg_source(node, 0, xkey))
            call.y = self.fed_data(y, *self.arg_source(node, 1, ykey)) if ykey else None
            if name == "fit" and isinstance(x, ArrayVal) and x.shape:
                call.batch_axis = self.fit_batch_axis(x.shape[0], args, kwargs)
        val = kwargs.get("validation_data")
        if isinstance(val, (tuple, list)) and len(val) >= 2:
            (tx, nx), (ty, ny) = self.validation_sources(node)
            call.validation = (self.fed_data(val[0], tx, nx), self.fed_data(val[1], ty, ny), self.span(node))
        mv.model.training.append(call)

    def fit_batch_axis(self, samples: Any, args: list, kwargs: dict) -> Any:
        """The batch axis fit() on arrays builds a model on: Keras' TensorFlow data adapter gives
        its batches a fixed size when they all are full (the training samples, after
        validation_split, a multiple of batch_size), else None.  A symbol when it cannot be decided."""
        size = kwargs.get("batch_size", args[2] if len(args) > 2 else None)
        split = kwargs.get("validation_split", 0.0)
        steps = kwargs.get("steps_per_epoch")
        if is_int(samples) and isinstance(split, (int, float)) and not isinstance(split, bool) and 0 <= split < 1:
            samples = int(math.floor(samples * (1.0 - split)))
        else:
            samples = None
        if size is None:
            size = math.ceil(samples / steps) if steps is not None and is_int(steps) and steps > 0 \
                and samples is not None else 32 if steps is None else None
        if is_int(size) and size > 0 and samples is not None:
            return size if samples % size == 0 else None
        return Expr.symbol(f"{size if is_int(size) else 'batch_size'} or None")

    def validation_sources(self, node: cst.Call) -> tuple[tuple, tuple]:
        """The text (and node) of validation_data's x and y."""
        for a in node.args:
            if a.keyword is not None and a.keyword.value == "validation_data" and isinstance(a.value, (cst.Tuple, cst.List)) \
                    and len(a.value.elements) >= 2:
                x, y = (a.value.elements[i].value for i in (0, 1))
                return (self.text(x), x), (self.text(y), y)
        return ("validation_data[0]", None), ("validation_data[1]", None)

    def arg_text(self, node: cst.Call, pos: int, key: str | None) -> str:
        return self.arg_source(node, pos, key)[0]

    def arg_source(self, node: cst.Call, pos: int, key: str | None) -> tuple[str, cst.BaseExpression | None]:
        """The text of an argument as written, and its node (None when not written)."""
        for a in node.args:
            if a.keyword is not None and a.keyword.value == key:
                return self.text(a.value), a.value
        plain = [a for a in node.args if a.keyword is None and not a.star]
        return (self.text(plain[pos].value), plain[pos].value) if pos < len(plain) else (key or "", None)

    def fed_data(self, value: Any, text: str, written: cst.BaseExpression | None) -> DataSpec | DataParts | None:
        """What a training call is given as x or y: one array, or a list or dict of them (Keras'
        multi-input and multi-output form); None when not followed."""
        if isinstance(value, ArrayVal):
            return value.spec(text)
        if isinstance(value, list) and value:
            texts = [f"{text}[{i}]" for i in range(len(value))]
            if isinstance(written, cst.List) and len(written.elements) == len(value) \
                    and not any(isinstance(e, cst.StarredElement) for e in written.elements):
                texts = [self.text(e.value) for e in written.elements]
            return DataParts([v.spec(t) if isinstance(v, ArrayVal) else None for v, t in zip(value, texts)], text)
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            texts = {k: f"{text}[{k!r}]" for k in value}
            if isinstance(written, cst.Dict):
                for el in written.elements:
                    key = el.key.evaluated_value if isinstance(el, cst.DictElement) \
                        and isinstance(el.key, cst.SimpleString) else None
                    if isinstance(key, str) and key in texts:
                        texts[key] = self.text(el.value)
            return DataParts({k: v.spec(texts[k]) if isinstance(v, ArrayVal) else None for k, v in value.items()}, text)
        return None


def data_spec(a: ArrayVal, text: str) -> DataSpec:
    return DataSpec(a.shape, a.dtype, a.labels, text)


def dataset_info(entry: dict) -> InstanceVal:
    """``tfds.load(..., with_info=True)``'s info: ``info.features`` holds every feature by name,
    and a class label's ``num_classes``; anything else read from it is not known."""
    def feature(key: str) -> InstanceVal:
        n = entry["classes"].get(key)
        cls = ClassVal("ClassLabel" if n is not None else "FeatureConnector", "other")
        return InstanceVal(cls, {"num_classes": n} if n is not None else {})

    return InstanceVal(ClassVal("DatasetInfo", "other"), {"features": {k: feature(k) for k in entry["features"]}})
