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
    # TensorFlow and Keras tensors made eagerly are data as NumPy arrays are: the batch is theirs
    "eager-tensors": """
import numpy as np
import tensorflow as tf
import keras
from keras import layers

a = keras.Sequential([layers.Dense(5)])
a(tf.zeros((2, 9)))
b = keras.Sequential([layers.Dense(5), layers.Dense(1)])
b(tf.random.normal((4, 9)))
c = keras.Sequential([layers.Dense(3)])
c(tf.constant(np.zeros((6, 9))))
d = keras.Sequential([layers.Dense(3)])
d(tf.convert_to_tensor(np.ones((7, 2))))
e = keras.Sequential([layers.Dense(3)])
e(keras.ops.zeros((8, 4)))
f = keras.Sequential([layers.Dense(3)])
f(keras.random.normal((3, 4)))
g = keras.Sequential([layers.Dense(3)])
g(tf.ones(shape=[5, 2], dtype=tf.int32))
""",
    # a Sequential first built on data, then the first layer of another: Keras builds that one when
    # made, on the first one's input, the data's batch included, and a later call does not rebuild it
    "data-built-first-layer": """
import numpy as np
import keras
from keras import layers

aug = keras.Sequential([layers.RandomFlip("horizontal"), layers.Dense(3)])
aug(np.zeros((4, 16, 16, 3)))
m = keras.Sequential([aug, layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(2)])
m(np.zeros((5, 16, 16, 3)))
n = keras.Sequential([m])
n.add(layers.Dense(1))
""",
    "tensor-built-first-layer": """
import keras
from keras import layers

aug = keras.Sequential([layers.RandomFlip("horizontal"), layers.Dense(3)])
inp = keras.Input((16, 16, 3), batch_size=6)
f = keras.Model(inp, aug(inp))
m = keras.Sequential([aug, layers.Conv2D(8, 3)])
""",
    # made before its first layer was built: its own first call (or fit) builds it, on its own input
    "first-layer-built-later": """
import numpy as np
import keras
from keras import layers

aug = keras.Sequential([layers.RandomFlip("horizontal"), layers.Dense(3)])
m = keras.Sequential([aug, layers.Conv2D(8, 3)])
aug(np.zeros((4, 16, 16, 3)))
m(np.zeros((5, 16, 16, 3)))
aug2 = keras.Sequential([layers.Dense(3)])
m2 = keras.Sequential([aug2, layers.Dense(2)])
aug2(np.zeros((4, 7)))
m2.compile("adam", "mse")
m2.fit(np.zeros((10, 7)), np.zeros((10, 2)), epochs=1, verbose=0)
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
