"""Data normalised before fit(): reductions along axes (``x.mean(axis=0)``) and arithmetic between
arrays of different shapes (NumPy's broadcasting) keep the shape a Sequential with no Input is built
on.  Deep Learning with Python's California-housing regression (chapter 4) normalises its features
so and builds each fold's model at fit(): layerlint left the first Dense's parameters symbolic."""

from __future__ import annotations

import pytest
from layerlint.extract.numpy_shapes import broadcast_shape, reduced_shape

from tests.live_rows import our_rows, rows_as_keras

FOLDS = """
import numpy as np
import keras
from keras import layers

train_data = np.random.rand(480, 8).astype("float32")
train_targets = np.random.rand(480).astype("float32")
mean = train_data.mean(axis=0)
std = train_data.std(axis=0)
x_train = (train_data - mean) / std
y_train = train_targets / 100000
k = 4
num_val_samples = len(x_train) // k
i = 1
fold_x_train = np.concatenate([x_train[: i * num_val_samples], x_train[(i + 1) * num_val_samples :]], axis=0)
fold_y_train = np.concatenate([y_train[: i * num_val_samples], y_train[(i + 1) * num_val_samples :]], axis=0)
model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(fold_x_train, fold_y_train, epochs=1, batch_size=16, verbose=0)
"""

# Other reductions and broadcasts, each fed to fit() as the data a Sequential is built on.
FED = """
import numpy as np
import keras
from keras import layers

x = np.random.rand(64, 6, 5).astype("float32")
data = {data}
model = keras.Sequential([layers.Flatten(), layers.Dense(3)])
model.compile(optimizer="adam", loss="mse")
model.fit(data, np.zeros((len(data), 3)), epochs=1, batch_size=8, verbose=0)
"""


def test_a_fold_of_normalised_features_builds_the_model_as_keras_does(keras, tmp_path, monkeypatch) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, FOLDS)
    assert ours[0]["params"] == 8 * 64 + 64


@pytest.mark.parametrize("data", [
    "x - x.mean(axis=0)",
    "x / x.std(axis=(0, 1), keepdims=True)",
    "x * x.max(axis=-1)[..., None]",
    "x - x.var(axis=2, ddof=1, keepdims=True)",
    "x + x.sum(axis=0)",
    "x.min(axis=1)",
    "x.mean(axis=2)[:, None, :] * np.ones((1, 4, 1))",
    "(x - np.mean(x, axis=0)) / np.std(x, 0)",
    "x * np.sum(x, axis=(1, 2), keepdims=True)",
])
def test_reduced_and_broadcast_data_builds_the_model_as_keras_does(keras, tmp_path, monkeypatch, data: str) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, FED.format(data=data))
    assert all(isinstance(r["params"], int) for r in ours)


@pytest.mark.parametrize("data", [
    "x - x.mean(axis=3)",  # NumPy refuses the axis
    "x - x.mean(axis=(0, 0))",  # a repeated axis
    "x - x.mean()",  # a scalar of unknown value: not an array we follow
    "x - np.ones((64, 4, 5))",  # sizes 6 and 4 do not broadcast
])
def test_what_numpy_refuses_or_we_do_not_follow_leaves_the_model_unknown(data: str) -> None:
    ours = our_rows(FED.format(data=data))
    assert not isinstance(ours[1]["params"], int)


def test_reduced_shape() -> None:
    assert reduced_shape((480, 8), 0, False) == (8,)
    assert reduced_shape((4, 5, 6), -1, True) == (4, 5, 1)
    assert reduced_shape((4, 5, 6), (0, 2), False) == (5,)
    assert reduced_shape((4, 5, 6), None, False) is None
    assert reduced_shape((4, 5, 6), 3, False) is None
    assert reduced_shape((4, 5, 6), 0, "yes") is None


def test_broadcast_shape() -> None:
    assert broadcast_shape((480, 8), (8,)) == (480, 8)
    assert broadcast_shape((4, 1), (1, 5)) == (4, 5)
    assert broadcast_shape((3,), (4,)) is None
    assert broadcast_shape((None, 8), (8,)) == (None, 8)
    assert broadcast_shape((None, 8), (5, 8)) is None  # None might be 1, 5 or refused
