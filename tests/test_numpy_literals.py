"""Toy data written out: ``X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])`` (the XOR network of every
tutorial), ``X = asarray([[1, 2, 3], ...]).reshape(...)`` (python_for_microscopists' UpSampling2D vs
Conv2DTranspose, 218_difference_between_Upsampling_and_Conv2DTranspose.py).  A model sized from
``X.shape`` had symbolic rows; NumPy's shape and dtype of a nested list of numbers are now followed,
and anything NumPy would refuse (ragged nesting) or we do not know stays unknown."""

from __future__ import annotations

import numpy as np
import pytest
from layerlint.extract.numpy_shapes import literal_shape

from tests.live_rows import our_rows, rows_as_keras

LITERALS = [
    [[0, 0], [0, 1], [1, 0], [1, 1]],
    [0, 1, 1, 0],
    [[1.5, 2], [3, 4]],
    [True, False, True],
    [[True, 2], [0, 1]],
    [[True, 2.0]],
    [],
    [[], []],
    ((1, 2), (3, 4)),
    [[1, 2], (3, 4)],
    [[[1], [2]], [[3], [4]], [[5], [6]]],
    [[0.0] * 5] * 3,
]
RAGGED = [
    [[1, 2], [3]],
    [1, [2]],
    [[[1, 2]], [[3]]],
]


@pytest.mark.parametrize("value", LITERALS, ids=repr)
def test_shape_and_dtype_are_numpys(value: list) -> None:
    made = np.array(value)
    assert literal_shape(value) == (made.shape, str(made.dtype))


@pytest.mark.parametrize("value", RAGGED, ids=repr)
def test_ragged_nesting_is_not_an_array(value: list) -> None:
    with pytest.raises(ValueError):
        np.array(value)
    assert literal_shape(value) is None


UPSAMPLING = """
from numpy import asarray
import keras
from keras.layers import UpSampling2D, Conv2DTranspose, Input

X = asarray([[1, 2, 3],
             [4, 5, 6],
             [7, 8, 9]])
X = X.reshape((1, X.shape[0], X.shape[1], 1))
model = keras.Sequential()
model.add(Input(shape=(X.shape[1], X.shape[2], 1)))
model.add(UpSampling2D(size=(2, 2)))
model1 = keras.Sequential()
model1.add(Input(shape=(X.shape[1], X.shape[2], 1)))
model1.add(Conv2DTranspose(1, (2, 2), strides=(2, 2)))
"""

XOR = """
import numpy as np
import keras

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y = np.array([0, 1, 1, 0])
model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, y, epochs=1, verbose=0)
"""


def test_a_model_sized_from_written_data(keras, tmp_path, monkeypatch) -> None:
    rows = rows_as_keras(tmp_path, monkeypatch, UPSAMPLING)
    assert [r["output_shape"] for r in rows] == [[None, 6, 6, 1], [None, 6, 6, 1]]
    assert rows[1]["params"] == 5  # 2*2*1*1 + 1


def test_a_sequential_built_on_written_data(keras, tmp_path, monkeypatch) -> None:
    rows = rows_as_keras(tmp_path, monkeypatch, XOR)
    assert [r["params"] for r in rows] == [24, 9]  # 2*8 + 8, 8*1 + 1


@pytest.mark.parametrize("written", ["np.array([[0, n], [1, 1]])", "np.array([[0, 1], [1, 1]], ndmin=3)",
                                     "np.array([[0, 1], [1]])", "np.array([['a', 'b'], ['c', 'd']])"])
def test_what_is_not_followed_stays_unknown(written: str) -> None:
    source = (f"import numpy as np\nimport keras\nn = int(input())\nX = {written}\n"
              "model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(2)])\n")
    (row,) = our_rows(source)
    assert not isinstance(row["params"], int), row
