"""Keras 3 refuses a layer or Sequential name with a `/` (ValueError from Operation.__init__, its
message checked against Keras 3.15); tf-keras 2 took such names (keras-io's masked language model
names its layers `encoder_0/ffn`, ...)."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text

MESSAGE = "Argument `name` must be a string and cannot contain character `/`. Received: name="

LAYER = """
import keras
from keras import layers
inputs = keras.Input((4,))
x = layers.Dense(8, name="encoder_0/dense")(inputs)
model = keras.Model(inputs, layers.Dense(1)(x))
"""

SEQUENTIAL = """
import keras
from keras import layers
ffn = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(4)], name="encoder_0/ffn")
"""


def rows(src: str, keras_version: int = 3) -> list:
    return analyze_text(textwrap.dedent(src), "t.py", keras_version=keras_version).models[-1].layers


def test_a_layer_named_with_a_slash_is_refused() -> None:
    _, dense, after = rows(LAYER)
    assert dense.status == "error" and dense.error.message == MESSAGE + "encoder_0/dense"
    assert after.output is None


def test_a_sequential_named_with_a_slash_is_refused_before_its_layers() -> None:
    first, second = rows(SEQUENTIAL)
    assert first.status == "error" and MESSAGE + "encoder_0/ffn" in first.error.message
    assert second.output is None


def test_tf_keras_takes_such_names() -> None:
    assert [r.status for r in rows(LAYER, keras_version=2)] == ["ok", "ok", "ok"]
    assert [r.params for r in rows(SEQUENTIAL, keras_version=2)] == [40, 36]
