"""keras.datasets: the table against Keras' loader source and against Keras' own loaders,
run on stand-in files of the documented sizes (nothing is downloaded)."""

from __future__ import annotations

import importlib

import libcst as cst
import numpy as np
import pytest
from layerlint.extract.dataset_table import DATASETS
from layerlint.extract.interp import Interpreter

from fixtures import regen_datasets


def loaded(call: str) -> dict:
    src = f"import keras\n(x_train, y_train), (x_test, y_test) = {call}\n"
    interp = Interpreter(cst.parse_module(src), "t.py")
    interp.run()
    return {k: interp.globals.vars[k] for k in ("x_train", "y_train", "x_test", "y_test")}


def test_table_is_what_the_generator_reads_from_keras():
    pytest.importorskip("keras")
    assert regen_datasets.TABLE.read_text() == regen_datasets.render()


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist", "cifar10", "cifar100"])
def test_image_datasets_follow_the_table(name):
    got = loaded(f"keras.datasets.{name}.load_data()")
    for key, shape in DATASETS[name]["arrays"].items():
        assert got[key].shape == shape
        assert got[key].dtype == "uint8"
    assert got["y_train"].labels.classes == DATASETS[name]["classes"]


def test_cifar100_coarse_labels_have_20_classes():
    assert loaded('keras.datasets.cifar100.load_data(label_mode="coarse")')["y_test"].labels.classes == 20


def _fake_npz(tmp_path, name: str, arrays: dict) -> str:
    path = tmp_path / f"{name}.npz"
    np.savez(path, **arrays)
    return str(path)


def _ragged(n: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [1, 2, 3]
    return out


STAND_INS = {
    # (load_data call, the dataset's documented total arrays)
    "boston_housing": ("keras.datasets.boston_housing.load_data()",
                       lambda: {"x": np.zeros((506, 13)), "y": np.zeros(506)}),
    "boston_housing_split": ("keras.datasets.boston_housing.load_data(test_split=0.3)",
                             lambda: {"x": np.zeros((506, 13)), "y": np.zeros(506)}),
    "california_housing": ("keras.datasets.california_housing.load_data()",
                           lambda: {"x": np.zeros((20640, 8)), "y": np.zeros(20640)}),
    "california_housing_small": ('keras.datasets.california_housing.load_data(version="small")',
                                 lambda: {"x": np.zeros((20640, 8)), "y": np.zeros(20640)}),
    "reuters": ("keras.datasets.reuters.load_data(num_words=1000)",
                lambda: {"x": _ragged(11228), "y": np.zeros(11228, dtype="int64")}),
    "imdb": ("keras.datasets.imdb.load_data(num_words=1000)",
             lambda: {"x_train": _ragged(25000), "y_train": np.zeros(25000, dtype="int64"),
                      "x_test": _ragged(25000), "y_test": np.zeros(25000, dtype="int64")}),
}


@pytest.mark.parametrize("case", sorted(STAND_INS))
def test_split_datasets_match_keras_loaders(case, tmp_path, monkeypatch):
    pytest.importorskip("keras")
    call, arrays = STAND_INS[case]
    name = call.split(".")[2]
    module = importlib.import_module(f"keras.src.datasets.{name}")
    path = _fake_npz(tmp_path, name, arrays())
    monkeypatch.setattr(module, "get_file", lambda *a, **k: path)
    kwargs = eval("dict(" + call.split("load_data(")[1])  # the test's own literal arguments
    (xtr, ytr), (xte, yte) = module.load_data(**kwargs)
    got = loaded(call)
    for key, real in (("x_train", xtr), ("y_train", ytr), ("x_test", xte), ("y_test", yte)):
        assert got[key].shape == np.asarray(real, dtype=object).shape[:len(got[key].shape)], key
    if DATASETS[name]["labels"] == "real":
        assert got["y_train"].labels.kind == "real"


def test_maxlen_leaves_the_sample_count_symbolic():
    got = loaded("keras.datasets.imdb.load_data(num_words=10000, maxlen=200)")
    assert str(got["x_train"].shape[0]).startswith("len(")


@pytest.mark.parametrize("reduce", ["np.amax", "np.max", "numpy.amax"])
def test_amax_of_a_datasets_labels_is_a_numpy_integer_as_max_is(reduce):
    """Advanced Deep Learning with Keras, classifier-autoencoder-mnist-3.3.1.py: `num_labels = np.amax(y_train) + 1`
    then Dense(num_labels).  np.amax is NumPy's other name for np.max: mnist's labels are uint8 0..9, so it is
    np.uint8(10), which Keras 3.15.1's Dense refuses ("Received an invalid value for `units`"); int() of it is 10."""
    from layerlint.analyze import analyze_text

    source = f"""
import numpy
import numpy as np
import keras
(x_train, y_train), _ = keras.datasets.mnist.load_data()
num_labels = {reduce}(y_train) + 1
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(num_labels)])
fixed = keras.Sequential([keras.Input((784,)), keras.layers.Dense(int({reduce}(y_train)) + 1)])
"""
    fa = analyze_text(source, "m.py")
    refused, fixed = fa.models
    assert refused.layers[0].status == "error" and "units=10" in str(refused.layers[0].error)
    assert (fixed.layers[0].output, fixed.layers[0].params) == ((None, 10), 7850)
