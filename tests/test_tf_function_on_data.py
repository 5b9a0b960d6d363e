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
