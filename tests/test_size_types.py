"""A layer size given as a Python float (``Dense(28 * 28 / 2)``): Keras 3 refuses it in every layer
below, tf-keras 2 builds Dense and the convolutions with it and refuses it elsewhere. Each case is
built in live Keras 3 and live tf-keras and must match layerlint, refusal for refusal, params for
params (lint/engine/layers/size_types.py holds the table)."""

from __future__ import annotations

from types import ModuleType

import pytest
from layerlint.analyze import analyze_text

from tests.live_rows import live_params

# (layer constructor with `n` for the float size, input shape without the batch axis)
CASES = [
    ("Dense(units=n)", (5, 3)),
    ("Conv1D(n, 3)", (8, 3)),
    ("Conv2D(filters=n, kernel_size=3)", (8, 8, 3)),
    ("Conv3D(n, 3)", (6, 6, 6, 3)),
    ("Conv1DTranspose(n, 3)", (8, 3)),
    ("Conv2DTranspose(n, 3)", (8, 8, 3)),
    ("SeparableConv1D(n, 3)", (8, 3)),
    ("SeparableConv2D(n, 3)", (8, 8, 3)),
    ("DepthwiseConv2D(3, depth_multiplier=n)", (8, 8, 3)),
    ("Embedding(10, n)", (5,)),
    ("Embedding(n, 3)", (5,)),
    ("LSTM(n)", (5, 3)),
    ("GRU(n)", (5, 3)),
    ("SimpleRNN(n)", (5, 3)),
    ("RNN(layers.LSTMCell(n))", (5, 3)),
    ("RNN(layers.GRUCell(n))", (5, 3)),
    ("RNN(layers.SimpleRNNCell(n))", (5, 3)),
    ("Bidirectional(layers.LSTM(n))", (5, 3)),
    ("ConvLSTM2D(n, 3)", (2, 8, 8, 3)),
]
MHA = [("MultiHeadAttention(n, 4)", (5, 3)), ("MultiHeadAttention(2, key_dim=n)", (5, 3))]


def _program(layer: str, shape: tuple, module: str, self_attention: bool) -> str:
    call = "(inputs, inputs)" if self_attention else "(inputs)"
    return (f"import {module} as keras\nfrom {module} import layers\n\n"
            f"n = 8 * 4 / 8\ninputs = keras.Input({shape!r})\n"
            f"outputs = layers.{layer}{call}\nmodel = keras.Model(inputs, outputs)\n")




def _ours(program: str, version: int) -> tuple[int | None, str | None]:
    (sm,) = analyze_text(program, "case.py", keras_version=version).models
    row = sm.layers[1]
    if row.status == "error":
        return None, row.error.message
    assert row.status == "ok", row.reason
    return sm.total_params, None


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize(("layer", "shape", "mha"), [(c, s, False) for c, s in CASES] + [(c, s, True) for c, s in MHA])
def test_float_size_as_each_keras(keras: ModuleType, layer: str, shape: tuple, mha: bool, version: int) -> None:
    module = "keras" if version == 3 else "tf_keras"
    if version == 2:
        pytest.importorskip("tf_keras")
    program = _program(layer, shape, module, mha)
    truth = live_params(program)
    ours, message = _ours(program, version)
    assert ours == truth, message
    if truth is None:
        assert "=4.0" in message or "state_size" in message, message


def test_keras3_constructor_message_is_keras_own(keras: ModuleType) -> None:
    program = _program("Dense(units=n)", (5, 3), "keras", False).replace("8 * 4 / 8", "28 * 28 / 2")
    _, message = _ours(program, 3)
    with pytest.raises(ValueError) as raised:
        keras.layers.Dense(units=28 * 28 / 2)
    assert message == str(raised.value)


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize(("layer", "shape", "mha"), [(c, s, False) for c, s in CASES] + [(c, s, True) for c, s in MHA])
def test_tensor_size_as_each_keras(keras: ModuleType, layer: str, shape: tuple, mha: bool, version: int) -> None:
    # n is an eager scalar tensor; layerlint refuses it exactly where that Keras does, else keeps it symbolic
    module = "keras" if version == 3 else "tf_keras"
    if version == 2:
        pytest.importorskip("tf_keras")
    program = "import tensorflow as tf\n" + _program(layer, shape, module, mha).replace(
        "n = 8 * 4 / 8", "n = tf.math.reduce_prod((2, 2))")
    truth = live_params(program)
    (sm,) = analyze_text(program, "case.py", keras_version=version).models
    row = sm.layers[1]
    if truth is None:
        assert row.status == "error", (row.status, row.reason)
    else:
        assert row.status == "ok", (row.status, row.reason, row.error and row.error.message)
        assert "tf.math.reduce_prod((2, 2))" in str(sm.total_params)


def test_tensor_of_an_int_is_left_unknown(keras: ModuleType) -> None:
    # int(...) and .numpy() make numbers layerlint cannot tell from ints: they stay symbolic, no finding
    program = ("import tensorflow as tf\nimport keras\nfrom keras import layers\n\n"
               "inputs = keras.Input((3,))\nx = layers.Dense(int(tf.math.reduce_prod((2, 2))))(inputs)\n"
               "model = keras.Model(inputs, x)\n")
    (sm,) = analyze_text(program, "case.py").models
    assert sm.layers[1].status == "ok"
    assert "int(tf.math.reduce_prod((2, 2)))" in str(sm.total_params)
