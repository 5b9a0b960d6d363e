"""Tensors a layer makes outside the graph, held to the installed Keras (CI always runs it):
``keras.Variable`` stored on a layer attribute is one of its weights (Keras' attribute tracker),
in the order and with the byte size Keras gives it; a nested list of numbers and constants
converted to a tensor (``tf.cast([mask], tf.int8)``, keras-io's vit_small_ds attention mask)
is a constant of the list's shape."""

from __future__ import annotations

import math

import pytest

from tests.live_rows import keras_rows, our_models, our_rows

VARIABLES = """
import keras
import numpy as np
from keras import layers, ops


class Pool(layers.Layer):
    def __init__(self, dims):
        super().__init__()
        self.cls = keras.Variable(ops.zeros((1, 1, 3)), dtype="float32")
        self.index = keras.Variable(initializer=np.zeros((4, 4)), shape=(4, 4), dtype="int", trainable=False)
        self.kernel = keras.Variable("glorot_uniform", shape=(dims, 3))
        scale = keras.Variable(2.0)  # a local: no attribute holds it, Keras does not track it
        self.dense = layers.Dense(5)

    def build(self, input_shape):
        self.shift = keras.Variable(initializer=ops.ones((input_shape[-1],)), trainable=False, dtype="float16")

    def call(self, x):
        return self.dense(ops.matmul(x + self.shift, self.kernel) + self.cls)


inp = keras.Input((6, 8))
model = keras.Model(inp, Pool(8)(inp))
"""

MASKS = {
    # keras-io vision/vit_small_ds.py: a list around a constant, cast
    "cast-of-list": "mask = tf.cast([1 - tf.eye(16)], dtype=tf.int8)",
    "convert-nested-list": "mask = tf.convert_to_tensor([[1.0] * 16] * 16)",
    "ops-convert-of-list": "mask = keras.ops.convert_to_tensor([[[1, 0] * 8] * 16])",
}

MASK_PROGRAM = """
import keras
import tensorflow as tf
from keras import layers

{mask}
inputs = keras.Input((16, 32))
x = layers.MultiHeadAttention(num_heads=2, key_dim=8)(inputs, inputs, attention_mask=mask)
model = keras.Model(inputs, layers.Dense(3)(x))
"""


def test_keras_variables_held_by_attributes_are_the_layer_weights(keras, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert our_rows(VARIABLES) == keras_rows(tmp_path, VARIABLES)


def test_keras_variable_sizes_are_their_dtype(keras, tmp_path, monkeypatch) -> None:
    # Keras' summary sizes each weight by its dtype: the int64 index and the float16 shift
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(VARIABLES, "prog.py", "exec"), scope)  # the test's own program, not a linted file
    keras_bytes = sum(math.prod(w.shape) * _itemsize(w.dtype) for w in scope["model"].weights)
    (sm,) = our_models(VARIABLES)
    assert sm.total_params * 4 + sm.wide_bytes == keras_bytes == 332


def _itemsize(dtype: str) -> int:
    import numpy as np

    return 2 if dtype == "bfloat16" else np.dtype(dtype).itemsize


@pytest.mark.parametrize("change, reason", [
    # Keras gives the variable its value's dtype, which is not followed: the size is not known
    ('ops.zeros((1, 1, 3)), dtype="float32")', "ops.zeros((1, 1, 3)))"),
    # a list attribute is tracked too, but not followed
    ('self.cls = keras.Variable(ops.zeros((1, 1, 3)), dtype="float32")',
     'self.cls = [keras.Variable(ops.zeros((1, 1, 3)), dtype="float32")]'),
])
def test_a_keras_variable_not_followed_leaves_its_layer_unknown(change: str, reason: str) -> None:
    (_, pool) = our_rows(VARIABLES.replace(change, reason))
    assert pool["params"] is None and pool["output_shape"] is None


@pytest.mark.parametrize("name", list(MASKS))
def test_a_list_converted_to_a_tensor_is_a_constant_of_its_shape(keras, tmp_path, monkeypatch, name: str) -> None:
    monkeypatch.chdir(tmp_path)
    source = MASK_PROGRAM.format(mask=MASKS[name])
    ours = our_rows(source)
    assert all(r["params"] is not None for r in ours)
    assert ours == keras_rows(tmp_path, source)


def test_a_ragged_list_is_not_converted() -> None:
    # NumPy and TensorFlow refuse a ragged list: the mask, and the attention, stay unknown
    rows = our_rows(MASK_PROGRAM.format(mask="mask = tf.cast([[1, 0], [1]], tf.int8)"))
    assert rows[1]["output_shape"] is None


def test_tf_keras_has_no_keras_variable() -> None:
    # tf-keras 2 exports no Variable (AttributeError): a layer holding one is not counted as built
    from layerlint.analyze import analyze_text

    (sm,) = analyze_text(VARIABLES, "prog.py", keras_version=2).models
    pool = sm.layers[1]
    assert pool.status != "ok" and "tf-keras has none" in pool.reason
