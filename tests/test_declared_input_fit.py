"""A Sequential that declares its input is built when made, whatever fit() feeds it later: its batch
axis is None.  With a declared size we cannot follow (``keras.Input((maxlen, len(chars)))``, keras-io's
lstm_character_level_text_generation.py), layerlint rebuilt it on fit()'s batches as if it declared
none, and showed the batch axis as `128 or None`."""

from __future__ import annotations

import os
from types import ModuleType

from layerlint.analyze import analyze_text

PROGRAM = """\
import os
import numpy as np
import keras
from keras import layers

maxlen = 40
n_chars = int(os.environ.get("N_CHARS", "7"))
n = int(os.environ.get("N_SAMPLES", "300"))
x = np.zeros((n, maxlen, n_chars), dtype="bool")
y = np.zeros((n, n_chars), dtype="bool")
model = keras.Sequential([keras.Input(shape=(maxlen, n_chars)), layers.LSTM(128),
                          layers.Dense(n_chars, activation="softmax")])
model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
model.fit(x, y, batch_size=128, epochs=1, verbose=0)
"""


def test_the_batch_axis_stays_none(keras: ModuleType, monkeypatch) -> None:
    monkeypatch.setitem(os.environ, "N_CHARS", "7")
    monkeypatch.setitem(os.environ, "N_SAMPLES", "300")
    scope: dict = {}
    exec(compile(PROGRAM, "case.py", "exec"), scope)  # our own test program, not linted code
    live = [tuple(layer.output.shape) for layer in scope["model"].layers]
    assert live == [(None, 128), (None, 7)]

    (sm,) = analyze_text(PROGRAM, "case.py").models
    ours = [row.output for row in sm.layers]
    assert [o[0] for o in ours] == [None, None]
    assert ours[0] == (None, 128)
    assert not any("first `fit()`" in n.message for n in sm.model.notes)
