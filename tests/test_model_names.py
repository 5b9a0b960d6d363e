"""Keras names a model from a per-process counter too (`functional`, `functional_1`, ... in Keras 3;
`model`, `model_1`, ... in tf-keras), and in Keras 3 each Sequential built makes a Functional that
takes one of those names.  Each program's model ``m`` is compared, its name and its rows' names, with
the model real Keras (and tf-keras, with --keras-version 2) builds from it."""

from __future__ import annotations

import pytest
from layerlint.analyze import analyze_text

from tests.live_rows import run_live

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

def live_model(source: str, tf_keras: bool) -> tuple[str, list[str]]:
    m = run_live(source, tf_keras, "__model_names__")["m"]
    return m.name, [layer.name for layer in m.layers]


def our_model(source: str, keras_version: int) -> tuple[str, list[str]]:
    fa = analyze_text(source, "t.py", keras_version=keras_version)
    sm = next(sm for sm in fa.models if sm.model.variable == "m")
    return sm.model.name, [row.name for row in sm.layers]


@pytest.mark.parametrize("case", sorted(KERAS3_PROGRAMS))
def test_model_names_as_in_keras(keras, case: str) -> None:
    source = HEAD + KERAS3_PROGRAMS[case]
    assert our_model(source, 3) == live_model(source, tf_keras=False)


# Models made an unknown number of times: run live with the environment's PASSES at 0 and 2, the model's
# name and each row's must be Keras' own, or the unknown `<base>_?` of it; 2 passes change some name
UNKNOWN_COUNTS = {
    "sequentials_with_an_input_made_in_a_loop": """
import os
for _ in range(int(os.environ["PASSES"])):
    seq = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
inp = keras.Input((8,))
first = keras.Model(inp, layers.Dense(1)(inp))
m = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
""",
    "sequentials_built_on_data_in_the_loop_that_made_them": """
import os
for _ in range(int(os.environ["PASSES"])):
    seq = keras.Sequential([layers.Dense(3)])
    seq(np.zeros((2, 4)))
inp = keras.Input((8,))
m = keras.Model(inp, layers.Dense(1)(inp))
""",
    # each add() to a Sequential with an input builds it again, making a Functional: once per pass
    "layers_added_in_a_loop_to_a_sequential_made_before_it": """
import os
seq = keras.Sequential([keras.Input((4,))])
for _ in range(int(os.environ["PASSES"])):
    seq.add(layers.Dense(4))
inp = keras.Input((8,))
m = keras.Model(inp, layers.Dense(1)(inp))
""",
    "functional_models_made_in_a_while_loop": """
import os
n = int(os.environ["PASSES"])
while n > 0:
    a = keras.Input((8,))
    part = keras.Model(a, layers.Dense(2)(a))
    n -= 1
inp = keras.Input((8,))
m = keras.Model(inp, layers.Dense(1)(inp))
""",
}


def _name_covers(ours: str, live: str) -> bool:
    """Whether our name is Keras' own or the unknown-numbered name of it (`functional_?` of `functional_2`)."""
    if ours == live:
        return True
    base = ours[:-2] if ours.endswith("_?") else None
    return base is not None and (live == base or live.rsplit("_", 1)[0] == base and live.rsplit("_", 1)[1].isdigit())


@pytest.mark.parametrize("tf_keras", [False, True])
@pytest.mark.parametrize("case", sorted(UNKNOWN_COUNTS))
def test_models_made_an_unknown_number_of_times_cover_keras(keras, monkeypatch, case: str, tf_keras: bool) -> None:
    source = HEAD + UNKNOWN_COUNTS[case]
    name, rows = our_model(source, 2 if tf_keras else 3)
    runs = []
    for passes in (0, 2):
        monkeypatch.setenv("PASSES", str(passes))
        runs.append(live_model(source, tf_keras=tf_keras))
        live_name, live_rows = runs[-1]
        assert len(rows) == len(live_rows) and all(map(_name_covers, [name, *rows], [live_name, *live_rows])), \
            (passes, (name, rows), runs[-1])
    assert runs[0] != runs[1]
