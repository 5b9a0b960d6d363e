"""Data shapes followed through NumPy and Keras' utilities, each compared with what NumPy or
Keras computes for the same code on small zero arrays (run here, in the test, never by layerlint)."""

from __future__ import annotations

import libcst as cst
import pytest
from layerlint.engine.symbolic import Expr
from layerlint.extract.interp import Interpreter
from layerlint.extract.values import ArrayVal

PRELUDE = """import numpy as np
import tensorflow as tf
x = np.zeros((60, 28, 28), dtype="uint8")
y = np.zeros((60,), dtype="uint8")
c = np.zeros((50, 32, 32, 3), dtype="uint8")
cy = np.zeros((50, 1), dtype="uint8")
f = np.zeros((40, 20020))
"""

# expressions: the interpreter's shape and dtype must be NumPy's
CASES = [
    "x.reshape(-1, 28, 28, 1)",
    "x.reshape(x.shape[0], 28, 28, 1)",
    "x.reshape((60, 784))",
    "x.reshape(len(x), -1)",
    "np.reshape(x, (-1, 784))",
    "np.expand_dims(x, -1)",
    "np.expand_dims(x, axis=1)",
    "np.expand_dims(y, 0)",
    "x[..., None]",
    "x[..., np.newaxis]",
    "x[..., tf.newaxis]",
    "x[:, :, :, np.newaxis]",
    "x[:, None]",
    "x[:10]",
    "x[5]",
    "x[10:-5:2]",
    "x[0, :, 3]",
    'x.astype("float32")',
    "x.astype(np.float32) / 255.0",
    "x / 255.0",
    "x / 255",
    "x * 2",
    "x - 1",
    "c[..., 0]",
    "f.reshape(f.shape[0], f.shape[1], 1)",
    "x.flatten()",
    "cy.squeeze()",
    "x.reshape(60, -1).astype('float32') / 255",
]


def run(src: str) -> Interpreter:
    interp = Interpreter(cst.parse_module(src), "t.py")
    interp.run()
    return interp


@pytest.mark.parametrize("expr", CASES)
def test_numpy_expression_matches_numpy(expr):
    got = run(PRELUDE + f"out = {expr}\n").globals.vars["out"]
    env: dict = {}
    exec(PRELUDE + f"out = {expr}\n", env)  # the test's own code, to get NumPy's answer
    real = env["out"]
    assert isinstance(got, ArrayVal), got
    assert got.shape == real.shape
    assert got.dtype == str(real.dtype)


@pytest.mark.parametrize("expr", ["x.shape[1:]", "x.shape[-1]", "len(x)", "x.ndim", "x.shape", "c.shape[1:3]",
                                  "np.prod(x.shape[1:])", "np.max([3, 9, 4])", "np.min((3, 9))", "int(np.prod(c.shape[1:]))",
                                  "x.size"])
def test_numbers_from_shapes_match_numpy(expr):
    got = run(PRELUDE + f"out = {expr}\n").globals.vars["out"]
    env: dict = {}
    exec(PRELUDE + f"out = {expr}\n", env)
    real = env["out"]
    assert got == (tuple(real) if isinstance(real, tuple) else int(real))


def test_unpacking_a_shape_gives_numbers():
    v = run(PRELUDE + "rows, cols = x.shape[1:]\n_, h, w, ch = c.shape\n").globals.vars
    assert (v["rows"], v["cols"], v["h"], v["w"], v["ch"]) == (28, 28, 32, 32, 3)


def test_mnist_classes_and_one_hot():
    v = run("""import numpy as np
from keras.datasets import mnist
from keras.utils import to_categorical
(x_train, y_train), _ = mnist.load_data()
n = len(np.unique(y_train))
top = np.max(y_train) + 1
y1 = to_categorical(y_train, n)
width = y1.shape[1]
""").globals.vars
    assert (v["n"], v["top"], v["width"]) == (10, 10, 10)
    assert v["y1"].shape == (60000, 10) and v["y1"].labels.kind == "one-hot"


def test_unknown_data_stays_symbolic():
    v = run("""import numpy as np
import pandas as pd
from keras.utils import to_categorical
df = pd.read_csv("train.csv")
y = df["label"].values
k = len(np.unique(y))
y1 = to_categorical(y)
w = y1.shape[1]
""").globals.vars
    assert isinstance(v["k"], Expr) and str(v["k"]) == "len(np.unique(y))"
    assert isinstance(v["w"], Expr)
    assert v["y1"].labels.kind == "one-hot"


@pytest.mark.parametrize("src", [
    "y = np.zeros((60,), dtype='int64')\nout = to_categorical(y, 10)",
    "y = np.zeros((50, 1), dtype='uint8')\nout = to_categorical(y, 10)",
    "y = np.zeros((5, 7), dtype='int64')\nout = to_categorical(y, 3)",
])
def test_to_categorical_matches_keras(src):
    keras = pytest.importorskip("keras")
    head = "import numpy as np\nfrom keras.utils import to_categorical\n"
    got = run(head + src + "\n").globals.vars["out"]
    env: dict = {}
    exec(head + src + "\n", env)
    assert got.shape == env["out"].shape
    assert keras is not None


@pytest.mark.parametrize("src", [
    "seqs = [[1, 2], [3], [4, 5, 6]]\nout = pad_sequences(seqs, maxlen=5)",
    "seqs = [[1, 2], [3], [4, 5, 6]]\nout = pad_sequences(seqs, 4)",
])
def test_pad_sequences_matches_keras(src):
    pytest.importorskip("keras")
    head = "from keras.utils import pad_sequences\n"
    got = run(head + src + "\n").globals.vars["out"]
    env: dict = {}
    exec(head + src + "\n", env)
    assert got.shape == env["out"].shape
    assert got.dtype == str(env["out"].dtype)


def test_pad_sequences_without_maxlen_is_symbolic():
    v = run("from keras.utils import pad_sequences\nout = pad_sequences(seqs)\n").globals.vars
    assert isinstance(v["out"].shape[1], Expr)


def test_dataset_shaped_model_is_numeric():
    from layerlint.analyze import analyze_text

    fa = analyze_text("""import numpy as np
from tensorflow import keras
(x_train, y_train), _ = keras.datasets.cifar10.load_data()
rows, cols, ch = x_train.shape[1:]
model = keras.Sequential([keras.Input(shape=(rows, cols, ch)), keras.layers.Flatten(),
                          keras.layers.Dense(len(np.unique(y_train)))])
""", "t.py")
    assert fa.models[0].layers[-1].output == (None, 10)
    assert fa.models[0].input_shapes[0] == (None, 32, 32, 3)


@pytest.mark.parametrize("src", ["out = np.zeros(shape=(4,) + model_input_shape[1:])", "out = np.zeros(shape)",
                                 "out = x.reshape(new_shape)", "out = np.random.randint(0, 3, size=dims)"])
def test_a_symbol_as_a_shape_is_not_one_dim(src):
    """keras-io's pixelcnn: np.zeros(shape=(batch,) + (model.input_shape)[1:]) is not a rank-1 array."""
    got = run(PRELUDE + src + "\n").globals.vars["out"]
    assert not isinstance(got, ArrayVal)


def test_a_fit_in_a_loop_is_one_training_call():
    from layerlint.analyze import analyze_text

    fa = analyze_text("""import numpy as np
from keras import Sequential, Input, layers
x = np.zeros((64, 4))
y = np.zeros((64,))
model = Sequential([Input((4,)), layers.Dense(1)])
for epoch in range(5):
    model.train_on_batch(x, y)
model.fit(x, y)
""", "t.py")
    calls = fa.models[0].model.training
    assert [(c.method, c.x.shape, c.y.shape) for c in calls] == [("train_on_batch", (64, 4), (64,)), ("fit", (64, 4), (64,))]
