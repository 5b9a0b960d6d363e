"""Keras 1 and Keras 2 spellings (LL501, LL502), shaped as their Keras read them.

The truth for the old meaning is tf-keras (Keras 2), given the same layer in
Keras 2's spelling, written by hand beside each case; Keras 3's own reading of
a call it accepts is checked against Keras 3.
"""

from __future__ import annotations

import os
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

# (Keras 1/2 source of one Sequential, the same model in Keras 2 spelling for tf-keras)
CASES = {
    "conv2d_keras1": (
        """
        model = Sequential()
        model.add(Convolution2D(32, 3, 3, border_mode='same', input_shape=(28, 28, 1)))
        model.add(Convolution2D(32, 3, 3, subsample=(2, 2), init='he_normal', activation='relu'))
        model.add(AveragePooling2D())
        model.add(Flatten())
        model.add(Dense(output_dim=128, activation='relu'))
        model.add(Dropout(p=0.5))
        model.add(Dense(10, activation='softmax'))
        """,
        """
        model = Sequential()
        model.add(Conv2D(32, (3, 3), padding='same', input_shape=(28, 28, 1)))
        model.add(Conv2D(32, (3, 3), strides=(2, 2), kernel_initializer='he_normal', activation='relu'))
        model.add(AveragePooling2D())
        model.add(Flatten())
        model.add(Dense(128, activation='relu'))
        model.add(Dropout(0.5))
        model.add(Dense(10, activation='softmax'))
        """),
    "conv1d_rnn_keras1": (
        """
        model = Sequential()
        model.add(Convolution1D(nb_filter=8, filter_length=5, border_mode='valid', subsample_length=2,
                                input_shape=(100, 4)))
        model.add(MaxPooling1D(pool_length=2, stride=2))
        model.add(LSTM(output_dim=16, dropout_W=0.2, dropout_U=0.1, inner_activation='hard_sigmoid'))
        model.add(Dense(1, init='uniform', W_regularizer=None))
        """,
        """
        model = Sequential()
        model.add(Conv1D(8, 5, padding='valid', strides=2, input_shape=(100, 4)))
        model.add(MaxPooling1D(pool_size=2, strides=2))
        model.add(LSTM(16, dropout=0.2, recurrent_dropout=0.1, recurrent_activation='hard_sigmoid'))
        model.add(Dense(1, kernel_initializer='uniform'))
        """),
    "keras1_only_classes": (
        """
        model = Sequential()
        model.add(AtrousConvolution2D(8, 3, 3, atrous_rate=(2, 2), input_shape=(32, 32, 3)))
        model.add(Deconvolution2D(16, 3, 3, output_shape=(None, 30, 30, 16), border_mode='valid'))
        model.add(Convolution2D(4, 1, 1, dim_ordering='tf', bias=False))
        """,
        """
        model = Sequential()
        model.add(Conv2D(8, (3, 3), dilation_rate=(2, 2), input_shape=(32, 32, 3)))
        model.add(Conv2DTranspose(16, (3, 3), padding='valid'))
        model.add(Conv2D(4, (1, 1), data_format='channels_last', use_bias=False))
        """),
    "channels_first_keras1": (
        """
        model = Sequential()
        model.add(Convolution2D(8, 3, 3, dim_ordering='th', input_shape=(3, 32, 32)))
        model.add(Flatten())
        """,
        """
        model = Sequential()
        model.add(Conv2D(8, (3, 3), data_format='channels_first', input_shape=(3, 32, 32)))
        model.add(Flatten())
        """),
    "batch_input_shape_keras2": (
        """
        model = Sequential()
        model.add(LSTM(32, batch_input_shape=(16, 24, 2), stateful=True))
        model.add(Dense(1))
        """,
        """
        model = Sequential()
        model.add(LSTM(32, batch_input_shape=(16, 24, 2), stateful=True))
        model.add(Dense(1))
        """),
}
KERAS1_NAMES = ("Convolution1D", "Convolution2D", "AtrousConvolution2D", "Deconvolution2D", "Conv1D", "Conv2D",
                "Conv2DTranspose", "MaxPooling1D", "AveragePooling2D", "Flatten", "Dense", "Dropout", "LSTM")


def analyse(src: str):
    header = "from keras.models import Sequential\nfrom keras.layers import *\n"
    return analyze_text(header + textwrap.dedent(src), "legacy.py")


def ours(src: str) -> list[tuple]:
    (model,) = analyse(src).models
    return [(tuple(r.output), r.params, [tuple(w.shape) for w in r.weights]) for r in model.layers]


def tf_keras_truth(twin: str) -> list[tuple]:
    tf_keras = pytest.importorskip("tf_keras") if not os.environ.get("CI") else __import__("tf_keras")
    namespace: dict = {"Sequential": tf_keras.models.Sequential}
    namespace.update({n: getattr(tf_keras.layers, n) for n in KERAS1_NAMES if hasattr(tf_keras.layers, n)})
    exec(textwrap.dedent(twin), namespace)  # our own hand-written twin, never a linted file
    model = namespace["model"]
    return [(tuple(layer.output_shape), layer.count_params(), [tuple(w.shape) for w in layer.get_weights()])
            for layer in model.layers]


@pytest.mark.parametrize("name", sorted(CASES))
def test_old_spelling_is_shaped_as_its_keras_read_it(name: str) -> None:
    old, twin = CASES[name]
    assert ours(old) == tf_keras_truth(twin)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_old_layer_is_reported(name: str) -> None:
    fa = analyse(CASES[name][0])
    findings = check_analysis(fa, CheckSettings(select=["LL501"]))
    legacy_rows = [r for r in fa.models[0].layers if r.source.legacy]
    assert legacy_rows and len(findings) == len(legacy_rows)
    assert all("in Keras 3 write" in d.message for d in findings)


def test_keras3_reading_of_a_keras1_positional_call_stands() -> None:
    # Keras 3 accepts Conv2D(32, 3, 3): a 3x3 kernel with strides 3.  Its summary is what Keras 3 builds,
    # and LL502 shows the Keras 1 meaning beside it.
    keras = pytest.importorskip("keras") if not os.environ.get("CI") else __import__("keras")
    src = "model = Sequential([Input((28, 28, 1)), Conv2D(32, 3, 3)])\n"
    truth = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, 3)])
    assert ours(src) == [(truth.layers[0].output.shape, truth.layers[0].count_params(),
                          [tuple(w.shape) for w in truth.layers[0].get_weights()])]
    meant = tf_keras_truth("model = Sequential([Conv2D(32, (3, 3), input_shape=(28, 28, 1))])\n")[0][0]
    (finding,) = check_analysis(analyse(src), CheckSettings(select=["LL502"]))
    assert f"Keras builds {truth.layers[0].output.shape}" in finding.message
    assert f"the Keras 1 meaning gives {meant}" in finding.message
    assert finding.message.endswith("for a kernel write `Conv2D(32, (3, 3))`")


def test_keras3_calls_are_left_alone() -> None:
    fa = analyse("model = Sequential([Input((8,)), Dense(4, kernel_initializer='he_normal'), Dropout(rate=0.1)])\n")
    assert all(not r.source.legacy for r in fa.models[0].layers)
    assert check_analysis(fa, CheckSettings(select=["LL501", "LL502"])) == []


def test_embedding_output_dim_is_not_keras1() -> None:
    # output_dim is Keras 1's Dense keyword but still Embedding's own in Keras 3.
    fa = analyse("model = Sequential([Input((10,)), Embedding(1000, output_dim=64)])\n")
    assert fa.models[0].layers[0].source.legacy == () and fa.models[0].layers[0].params == 64000


def test_legacy_models_are_not_confirmable() -> None:
    from layerlint.confirm.rebuild import NotConfirmable, rebuild

    if not os.environ.get("CI"):
        pytest.importorskip("keras")
    fa = analyse(CASES["conv2d_keras1"][0])
    with pytest.raises(NotConfirmable, match="Keras 1 API that Keras 3 rejects .ValueError: Unrecognized keyword"):
        rebuild(fa.models[0].model)


def test_input_length_fix_is_the_layer_after_an_input_not_an_input_shape_keyword() -> None:
    """trekhleb's text-generation notebooks: Embedding(..., input_length=8).  The rename says Keras 3's
    spelling (keras.Input before the layer); the written-out call must agree, not pass input_shape=,
    which Keras 3 only tolerates with a warning to use an Input instead."""
    fa = analyse("""
import keras
model = keras.Sequential()
model.add(keras.layers.Embedding(input_dim=10, output_dim=5, input_length=8))
""")
    [finding] = check_analysis(fa, CheckSettings(select=["LL501"]))
    assert "`input_length` -> `keras.Input(shape=(8,)) before the layer`" in finding.message
    assert finding.message.endswith("in Keras 3 write `Embedding(input_dim=10, output_dim=5)`")
    assert fa.models[0].layers[0].output == (None, 8, 5)  # still shaped as Keras 2 read it
