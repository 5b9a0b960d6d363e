"""Toy data made by stacking samples: ``np.random.multivariate_normal`` clouds joined with
``np.vstack`` (Deep Learning with Python's linear classifier, chapter 3) or ``np.hstack``, or
columns of another dtype joined with ``np.concatenate`` (its chapter 5: MNIST beside random noise),
or samples shuffled by ``x[np.random.permutation(len(x))]`` (chapter 3 again), fed to fit() of a
Sequential with no Input.  Its Dense was left with a symbolic parameter count."""

from __future__ import annotations

import pytest
from layerlint.extract.data import stacked
from layerlint.extract.values import ArrayVal

from tests.live_rows import our_rows, rows_as_keras

CLOUDS = """
import numpy as np
import keras

n = 500
neg = np.random.multivariate_normal(mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=n)
pos = np.random.multivariate_normal([3, 0], [[1, 0.5], [0.5, 1]], n)
inputs = np.vstack((neg, pos)).astype(np.float32)
targets = np.vstack((np.zeros((n, 1), dtype="float32"), np.ones((n, 1), dtype="float32")))
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(optimizer="rmsprop", loss="mean_squared_error")
model.fit(inputs, targets, epochs=1, batch_size=100, verbose=0)
"""

FED = """
import numpy as np
import keras

a = np.random.rand(40, 3).astype("float32")
b = np.random.rand(40, 5).astype("float32")
r = np.random.rand(7).astype("float32")
data = {data}
model = keras.Sequential([keras.layers.Dense(2)])
model.compile(optimizer="rmsprop", loss="mse")
model.fit(data, np.zeros((len(data), 2)), epochs=1, batch_size=4, verbose=0)
"""


def test_stacked_gaussian_clouds_build_the_model_as_keras_does(keras, tmp_path, monkeypatch) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, CLOUDS)
    assert ours[0]["params"] == 2 + 1


@pytest.mark.parametrize("data", [
    "np.hstack([a, b])",
    "np.vstack([a, a, a])",
    "np.vstack([r, r, r, r])",
    "np.random.multivariate_normal([0.0, 1.0, 2.0], np.eye(3), size=(8,))",
    "np.concatenate([a, np.random.random((40, 4))], axis=1)",  # float32 and float64 columns
    "a[np.random.permutation(len(a))][12:]",  # shuffled, then split off a validation part
    "np.random.permutation(b)",
])
def test_stacked_data_builds_the_model_as_keras_does(keras, tmp_path, monkeypatch, data: str) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, FED.format(data=data))
    assert isinstance(ours[0]["params"], int)


@pytest.mark.parametrize("data", [
    "np.vstack([a, b])",  # 3 and 5 columns: NumPy refuses
    "np.hstack([a, r])",  # ranks differ
    "np.random.multivariate_normal([0.0, 1.0], np.eye(2))",  # one sample: a 1-D array
    "a[np.random.permutation(-1)]",  # NumPy refuses a negative size
])
def test_what_numpy_refuses_or_we_do_not_follow_leaves_the_model_unknown(data: str) -> None:
    assert not isinstance(our_rows(FED.format(data=data))[0]["params"], int)


def test_stacked() -> None:
    rows, row = ArrayVal((4, 3), "float32"), ArrayVal((3,), "float32")
    assert stacked([rows, rows], "vstack").shape == (8, 3)
    assert stacked([row, row], "vstack").shape == (2, 3)
    assert stacked([row, row], "hstack").shape == (6,)
    assert stacked([rows, ArrayVal((4, 2), "float32")], "hstack").shape == (4, 5)
    upcast = stacked([rows, ArrayVal((4, 3), "float64")], "vstack")
    assert (upcast.shape, upcast.dtype) == ((8, 3), None)  # NumPy promotes the dtype: not followed
