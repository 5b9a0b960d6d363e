"""Keras 3's ``tf.keras.backend`` functions on a functional model's Keras tensors (LL106): which raise is
generated from TensorFlow and Keras (lint/engine/tf_backend_on_keras_tensors.json); the finding names the
call and its Keras 3 spelling."""

from __future__ import annotations

import os

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.tf_backend import raises_on_keras_tensor
from layerlint.runner.check import CheckSettings, check_analysis

HEAD = "import keras\nfrom tensorflow.keras import backend as K\ninp = keras.Input((4, 8))\nx = keras.layers.Dense(6)(inp)\n"


def ll106(body: str, version: int = 3) -> list[str]:
    fa = analyze_text(HEAD + body, "m.py", keras_version=version)
    return [f"{f.line}: {f.message}" for f in check_analysis(fa, CheckSettings(select=["LL106"]))]


def test_the_table_is_live_tensorflow_and_keras() -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tensorflow")
    from fixtures import regen_tf_backend_on_keras_tensors as regen

    assert regen.TABLE.read_text(encoding="utf-8") == regen.render()


def test_the_table_says_what_raises() -> None:
    assert raises_on_keras_tensor("sum") == "ValueError: A KerasTensor cannot be used as input to a TensorFlow function"
    assert raises_on_keras_tensor("concatenate").startswith("AttributeError: ")
    assert raises_on_keras_tensor("int_shape") is None  # it returns the shape
    assert raises_on_keras_tensor("floatx") is None  # no tensor: not in the table


def test_a_call_on_a_keras_tensor_names_the_keras3_spelling() -> None:
    assert ll106("y = K.sum(x, axis=1)\nmodel = keras.Model(inp, y)\n") == [
        "5: `K.sum(x, axis=1)`: Keras 3's `tf.keras.backend.sum` runs TensorFlow on a Keras tensor (ValueError: A "
        "KerasTensor cannot be used as input to a TensorFlow function) when the model is built; write "
        "`keras.ops.sum(x, axis=1)`"]


def test_the_tf_spelling_and_a_function_without_keras3_spelling() -> None:
    (found,) = ll106("import tensorflow as tf\ny = tf.keras.backend.batch_dot(x, x, axes=(2, 2))\n"
                     "model = keras.Model(inp, y)\n")
    assert found.startswith("6: `tf.keras.backend.batch_dot(x, x, axes=(2, 2))`: Keras 3's `tf.keras.backend."
                            "batch_dot` runs TensorFlow on a Keras tensor (ValueError")
    assert found.endswith("call it inside a custom layer's call(), where the tensors are TensorFlow's")


@pytest.mark.parametrize("body", [
    "n = K.int_shape(x)[-1]\nmodel = keras.Model(inp, x)\n",  # returns the shape
    "y = K.sum(K.constant([1.0, 2.0]))\nmodel = keras.Model(inp, x)\n",  # no Keras tensor
    "y = keras.layers.Lambda(lambda t: K.sum(t, axis=1))(x)\nmodel = keras.Model(inp, x)\n",  # TensorFlow's tensors in a Lambda
    "class L(keras.layers.Layer):\n    def call(self, t):\n        return K.sum(t, axis=1)\nmodel = keras.Model(inp, L()(x))\n",
])
def test_no_finding_where_keras3_runs_it(body: str) -> None:
    assert ll106(body) == []


def test_keras2_mode_reads_them_as_tf_keras() -> None:
    assert ll106("y = K.sum(x, axis=1)\nmodel = keras.Model(inp, y)\n", version=2) == []


def test_the_row_is_an_error_and_the_model_not_complete() -> None:
    (sm,) = analyze_text(HEAD + "y = K.sum(x, axis=1)\nmodel = keras.Model(inp, y)\n", "m.py").models
    assert [r.status for r in sm.layers] == ["ok", "ok", "error"]
