"""A slice of a model's several outputs is a slice of Python's list of them (tensorflow/docs'
segmentation tutorial: `skips = down_stack(inputs)`, then `reversed(skips[:-1])` zipped with the
upsampling blocks).  It was read as Keras' get_item on one tensor, so the loop over it had an unknown
count and the U-Net's skip connections were one pass of opaque rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live_rows import rows_as_keras

PROGRAM = """
import keras
from keras import layers
inp = keras.Input((8,))
three = keras.Model(inp, [layers.Dense(4)(inp), layers.Dense(3)(inp), layers.Dense(2)(inp)])
x = keras.Input((8,))
outs = three(x)
merged = x
for skip in reversed(outs[:-1]):
    merged = layers.Concatenate()([merged, skip])
model = keras.Model(x, [merged, outs[-1]])
"""


def test_a_slice_of_a_models_outputs_is_a_list_as_in_keras(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = rows_as_keras(tmp_path, monkeypatch, PROGRAM)
    assert [r["name"] for r in rows][-2:] == ["concatenate", "concatenate_1"]
    assert rows[-1]["output_shape"] == [None, 15]  # 8 + 3 + 4
