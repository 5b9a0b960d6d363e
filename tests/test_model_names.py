"""Keras names a model from a per-process counter too (`functional`, `functional_1`, ... in Keras 3;
`model`, `model_1`, ... in tf-keras), and in Keras 3 each Sequential built makes a Functional that
takes one of those names.  Each program's model ``m`` is compared, its name and its rows' names, with
the model real Keras (and tf-keras, with --keras-version 2) builds from it."""

from __future__ import annotations

import os

import pytest
from layerlint.analyze import analyze_text

HEAD = "import numpy as np\nimport keras\nfrom keras import layers\n"

# Keras 3 only: `keras.Variable` is not in tf-keras
KERAS3_PROGRAMS = {
    # Our trace of Block's first call stops in build() (the keras.Variable's dtype is its value's), but
    # Keras runs the call, building the Sequential it holds: its Functional takes `functional` (as the
    # second SwinTransformer of keras-io's swin_transformers.py does)
    "a_sequential_held_by_a_layer_whose_call_is_not_followed": """
class Block(layers.Layer):
    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        self.mlp = keras.Sequential([layers.Dense(dim * 2), layers.Dense(dim)])

    def build(self, input_shape):
        self.mask = keras.Variable(np.ones((int(np.sqrt(float(input_shape[-1]))) + 1, 2)), trainable=False)

    def call(self, x):
        return x + self.mlp(x)


inp = layers.Input(shape=(16, 8))
x = Block(8)(inp)
x = Block(8)(x)
m = keras.Model(inp, layers.Dense(3)(x))
""",
}

PROGRAMS: dict[str, str] = {}


def live_model(source: str, tf_keras: bool) -> tuple[str, list[str]]:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras" if tf_keras else "keras")
    if tf_keras:
        import tf_keras as k

        source = source.replace("import keras\nfrom keras import layers", "import tf_keras as keras\nfrom tf_keras import layers")
    else:
        import keras as k
    k.backend.clear_session()  # Keras numbers names per process: each program starts from none
    namespace: dict = {"__name__": "__model_names__"}
    exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    m = namespace["m"]
    return m.name, [layer.name for layer in m.layers]


def our_model(source: str, keras_version: int) -> tuple[str, list[str]]:
    fa = analyze_text(source, "t.py", keras_version=keras_version)
    sm = next(sm for sm in fa.models if sm.model.variable == "m")
    return sm.model.name, [row.name for row in sm.layers]


@pytest.mark.parametrize("case", sorted({**PROGRAMS, **KERAS3_PROGRAMS}))
def test_model_names_as_in_keras(keras, case: str) -> None:
    source = HEAD + {**PROGRAMS, **KERAS3_PROGRAMS}[case]
    assert our_model(source, 3) == live_model(source, tf_keras=False)


@pytest.mark.parametrize("case", sorted(PROGRAMS))
def test_model_names_as_in_tf_keras(keras, case: str) -> None:
    source = HEAD + PROGRAMS[case]
    assert our_model(source, 2) == live_model(source, tf_keras=True)
