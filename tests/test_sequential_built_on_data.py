"""A Sequential declaring no input that Keras builds at a first call on data (an array of known
shape): its own summary shows the data's batch axis in every row, also when a model calls it on a
Keras tensor afterwards (that model's row for it has the batch free, as the call's tensor has).
Built first by a model's call, a later call on data changes nothing: the batch stays None.  Each
program is run in the installed Keras (CI always runs it) and every row compared with ours."""

from __future__ import annotations

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import model_json

PROGRAMS = {
    "data-then-model": """
import keras
import numpy as np
from keras import layers

aug = keras.Sequential([layers.RandomFlip("horizontal"), layers.Dense(5)])
y = aug(np.zeros((4, 16, 16, 3), "float32"))
inp = keras.Input(shape=(16, 16, 3))
model = keras.Model(inp, layers.Dense(2)(aug(inp)))
""",
    "data-then-two-models": """
import keras
import numpy as np
from keras import layers

head = keras.Sequential([layers.Dense(3), layers.Dense(2)])
head(np.ones((7, 8)))
a = keras.Input((8,))
first = keras.Model(a, head(a))
b = keras.Input((8,))
second = keras.Model(b, layers.Dense(1)(head(b)))
""",
    "model-then-data": """
import keras
import numpy as np
from keras import layers

head = keras.Sequential([layers.Dense(5), layers.Dense(3)])
x = keras.Input((7,))
model = keras.Model(x, head(x))
head(np.zeros((4, 7), "float32"))
""",
}


def keras_rows(keras, tmp_path, source: str) -> list[tuple]:
    """(model name, row name, output shape, params) of every summary row of every model the program makes."""
    from tests.keras_fixtures import record_models

    path = tmp_path / "prog.py"
    path.write_text(source)
    return [(rec["name"], layer["name"], layer["output_shape"], layer["params"])
            for rec in record_models(str(path)) for layer in rec["layers"]]


def our_rows(source: str) -> list[tuple]:
    rows = []
    for sm in analyze_text(source, "prog.py").models:
        doc = model_json(sm, "prog.py")
        rows += [(doc["name"], r["name"], r["output_shape"], r["params"]) for r in doc["layers"]]
    return rows


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_every_row_is_keras_own(keras, tmp_path, monkeypatch, name: str) -> None:
    monkeypatch.chdir(tmp_path)
    source = PROGRAMS[name]
    assert our_rows(source) == keras_rows(keras, tmp_path, source)


def test_the_data_batch_is_what_the_test_sees(keras, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = keras_rows(keras, tmp_path, PROGRAMS["data-then-model"])
    assert ("sequential", "dense", [4, 16, 16, 5], 20) in rows
    assert ("functional_1", "sequential", [None, 16, 16, 5], 20) in rows


def test_a_batch_we_cannot_number_is_the_data_own_not_the_model_call() -> None:
    # Keras shows the length of sys.argv; ours names it rather than taking the later call's None
    source = """
import sys
import keras
import numpy as np
from keras import layers

aug = keras.Sequential([layers.RandomFlip("horizontal"), layers.Dense(5)])
aug(np.zeros((len(sys.argv), 16, 16, 3), "float32"))
inp = keras.Input(shape=(16, 16, 3))
model = keras.Model(inp, aug(inp))
"""
    rows = our_rows(source)
    assert [(m, r, str(shape[0])) for m, r, shape, _ in rows if m == "sequential"] == [
        ("sequential", "random_flip", "len(sys.argv)"), ("sequential", "dense", "len(sys.argv)")]
    assert ("functional_1", "sequential", [None, 16, 16, 5], 20) in rows
