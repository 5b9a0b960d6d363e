"""A TensorFlow function given data (an array, or what a layer or model returned for data, run
eagerly) is TensorFlow's business and Keras 3 runs it: no LL106, and the shapes it gives are
followed into the model made afterwards.  The same function on a Keras tensor is what Keras
refuses (LL106).  Each program is also run in the installed Keras (CI always runs it)."""

from __future__ import annotations

import os

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

EAGER = """
import keras
import numpy as np
import tensorflow as tf
from keras import layers

data = np.zeros((4, 8), "float32")
dense = layers.Dense(16)
features = dense(data)
pooled = tf.reduce_mean(features, axis=1)
scaled = tf.nn.relu(tf.concat([features, features], -1))

inp = keras.Input((8,))
body = keras.Model(inp, dense(inp))
out = body(data)
mean = tf.reduce_mean(out, axis=0)
head_in = keras.Input((4,))
model = keras.Model(head_in, layers.Dense(3)(head_in))
sized = keras.Model(head_in, layers.Dense(scaled.shape[-1] + mean.shape[0])(head_in))
"""

SYMBOLIC = EAGER.replace("model = keras.Model(head_in, layers.Dense(3)(head_in))",
                         "model = keras.Model(head_in, tf.reduce_mean(layers.Dense(3)(head_in), axis=1))")


def keras_run(source: str):
    """The weight counts of `model` and `sized` in real Keras, or the name of the exception raised."""
    if not os.environ.get("CI"):
        pytest.importorskip("keras")
    namespace: dict = {"__name__": "__tf_on_data__"}
    try:
        exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    except Exception as e:  # noqa: BLE001 - which error Keras raised is the result
        return type(e).__name__
    return namespace["model"].count_params(), namespace["sized"].count_params()


def ours(source: str) -> tuple:
    fa = analyze_text(source, "t.py")
    return {sm.model.variable: sm for sm in fa.models}, [d.code for d in check_analysis(fa, CheckSettings())]


def test_a_tensorflow_function_on_data_is_not_refused() -> None:
    truth = keras_run(EAGER)
    models, codes = ours(EAGER)
    assert "LL106" not in codes
    assert models["model"].complete and models["model"].total_params == truth[0] == 4 * 3 + 3
    # what the eager calls give is followed, or left unknown: never other numbers than Keras'
    sized = models["sized"]
    assert not sized.complete or sized.total_params == truth[1] == 4 * 48 + 48


def test_the_same_function_on_a_keras_tensor_is_refused() -> None:
    assert keras_run(SYMBOLIC) == "ValueError"
    _, codes = ours(SYMBOLIC)
    assert "LL106" in codes


# A TensorFlow function on a Keras tensor raises at its own line, whether or not a model uses what
# it returns: each statement below stops the program in Keras 3, and each is one LL106 at its line.
UNUSED = {
    "statement": "tf.reduce_mean(x)",
    "never-read": "unused = tf.nn.relu(x)",
    "read-outside-models": "print(tf.concat([x, x], -1).shape)",
    "backend": "from tensorflow.keras import backend as K\nK.sum(x, axis=1)",
}


@pytest.mark.parametrize("name", list(UNUSED))
def test_a_refused_call_whose_result_no_model_holds(name: str) -> None:
    source = ("import keras\nimport tensorflow as tf\nfrom keras import layers\nx = keras.Input((8,))\n"
              f"{UNUSED[name]}\nmodel = keras.Model(x, layers.Dense(2)(x))\n")
    assert keras_run(source) == "ValueError"
    fa = analyze_text(source, "t.py")
    found = [(d.code, d.line) for d in check_analysis(fa, CheckSettings()) if d.code == "LL106"]
    assert found == [("LL106", len(source.splitlines()) - 1)]


def test_a_refused_call_a_model_holds_is_reported_once() -> None:
    source = ("import keras\nimport tensorflow as tf\nfrom keras import layers\nx = keras.Input((8,))\n"
              "y = tf.nn.relu(x)\nmodel = keras.Model(x, layers.Dense(2)(y))\nother = keras.Model(x, y)\n")
    assert keras_run(source) == "ValueError"
    fa = analyze_text(source, "t.py")
    assert [(d.code, d.line) for d in check_analysis(fa, CheckSettings()) if d.code == "LL106"] == [("LL106", 5)]


MASKED = """
import keras
import tensorflow as tf
from keras import layers


class Masked(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Embedding(100, 8)

    def call(self, inputs):
        return self.embed(inputs)

    def compute_mask(self, inputs, mask=None):
        return tf.math.not_equal(inputs, 0)


class Outer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = Masked()

    def call(self, inputs):
        return self.inner(inputs)


inp = keras.Input(shape=(5,), dtype="int32")
model = keras.Model(inp, layers.Dense(2)(CALLED(inp)))
sized = model
"""


def test_a_compute_mask_keras_calls_on_keras_tensors_is_refused_there() -> None:
    # called on keras.Input, Keras hands compute_mask() the Keras tensor: it raises at line 16,
    # and no model row holds the mask
    source = MASKED.replace("CALLED", "Masked()")
    assert keras_run(source) == "ValueError"
    fa = analyze_text(source, "t.py")
    assert [(d.code, d.line) for d in check_analysis(fa, CheckSettings()) if d.code == "LL106"] == [("LL106", 16)]


def test_a_compute_mask_inside_a_traced_call_is_given_tensorflow_tensors() -> None:
    # inside another layer's call(), traced by Keras on TensorFlow's tensors: the same mask is fine
    source = MASKED.replace("CALLED", "Outer()")
    assert isinstance(keras_run(source), tuple)  # built: no exception
    fa = analyze_text(source, "t.py")
    assert "LL106" not in [d.code for d in check_analysis(fa, CheckSettings())]
