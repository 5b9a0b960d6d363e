"""Model subclasses that hand ``super().__init__`` an input and output graph are functional
models of that class in Keras 3; the numbers of whole models are held to real Keras by
fixtures/models/functional_subclass_models.py."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text

HEAD = """
    import keras
    from keras import layers
"""

SCORER = HEAD + """
    class Scorer(keras.Model):
        def __init__(self, **kwargs):
            inputs = keras.Input(shape=(3,))
            outputs = layers.Dense(4)(inputs)
            super().__init__(inputs=inputs, outputs=outputs, **kwargs)
"""


def models(src: str) -> list:
    return analyze_text(textwrap.dedent(src), "t.py").models


def test_the_instance_is_a_functional_model_named_after_its_class() -> None:
    first, second, named = models(SCORER + """
    a = Scorer()
    b = Scorer()
    c = Scorer(name="judge")
    """)
    assert (first.name, second.name, named.name) == ("scorer", "scorer_1", "judge")
    assert first.model.api == "functional"
    assert [(r.name, r.output, r.params) for r in first.layers] == [
        ("input_layer", (None, 3), 0), ("dense", (None, 4), 3 * 4 + 4)]
    assert [r.name for r in second.layers] == ["input_layer_1", "dense_1"]


def test_as_a_layer_its_row_shows_the_class() -> None:
    (outer,) = (m for m in models(SCORER + """
    x = keras.Input(shape=(3,))
    outer = keras.Model(x, Scorer()(x))
    """) if m.name == "functional")
    assert [(r.cls, r.output, r.params) for r in outer.layers[1:]] == [("Scorer", (None, 4), 16)]


def test_a_subclass_with_its_own_call_stays_a_subclassed_model() -> None:
    ms = models(HEAD + """
    class Twice(keras.Model):
        def __init__(self):
            inputs = keras.Input(shape=(3,))
            super().__init__(inputs, layers.Dense(4)(inputs))
        def call(self, x):
            return x * 2
    m = Twice()
    """)
    assert [m.model.api for m in ms] == ["subclassed"]
