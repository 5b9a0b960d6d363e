"""Embedding's input_dim is its vocabulary size, never Keras 2's keyword for the input's size
(`Dense(12, input_dim=8)`, which builds a Sequential on (None, 8)).  Read as that keyword, rasbt's
Sequential([Embedding(input_dim=vocab_size, ...), ...]) showed sequences vocab_size long, and a
Flatten after it counted vocab_size * output_dim features."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text
from layerlint.engine.layers import REGISTRY
from layerlint.engine.model import OWN_INPUT_DIM


def rows(source: str) -> list[tuple]:
    (model,) = analyze_text(textwrap.dedent(source), "m.py").models
    return [(r.cls, r.output, r.params) for r in model.layers]


def test_the_layers_with_their_own_input_dim_are_the_tables() -> None:
    assert OWN_INPUT_DIM == {spec.name for spec in REGISTRY.values() if "input_dim" in spec.positional}


def test_embeddings_input_dim_gives_no_input_shape() -> None:
    got = rows("""
        import keras
        model = keras.Sequential([keras.layers.Embedding(input_dim=1000, output_dim=8), keras.layers.Flatten(),
                                  keras.layers.Dense(1)])
    """)
    # shaped on an input whose size is not given, as Embedding(1000, 8) is: never (None, 1000, 8), 8,001 params
    assert got == rows("""
        import keras
        model = keras.Sequential([keras.layers.Embedding(1000, 8), keras.layers.Flatten(), keras.layers.Dense(1)])
    """)
    assert got[0][1][1] != 1000 and not isinstance(got[2][2], int)


def test_input_dim_elsewhere_is_still_the_input_size() -> None:
    got = rows("""
        import keras
        model = keras.Sequential([keras.layers.Dense(4, input_dim=8), keras.layers.Dense(2)])
    """)
    assert got == [("Dense", (None, 4), 36), ("Dense", (None, 2), 10)]  # 8*4 + 4, 4*2 + 2
