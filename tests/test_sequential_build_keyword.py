"""``model.build(input_shape=(None, 3))``: Keras' Sequential.build takes its shape by keyword as
well as by position (Deep Learning with Python, chapter 7, writes the keyword).  The keyword was
dropped, leaving the model unbuilt and its first Dense's parameters symbolic."""

from __future__ import annotations

import pytest

from tests.live_rows import rows_as_keras

BUILT = """
import keras
from keras import layers

model = keras.Sequential()
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))
model.weights
model.build({how})
"""


@pytest.mark.parametrize("how", ["input_shape=(None, 3)", "input_shape=[None, 3]", "(None, 3)"])
def test_sequential_build_by_keyword_or_position(keras, tmp_path, monkeypatch, how: str) -> None:
    ours = rows_as_keras(tmp_path, monkeypatch, BUILT.format(how=how))
    assert [r["params"] for r in ours] == [3 * 64 + 64, 64 * 10 + 10]
