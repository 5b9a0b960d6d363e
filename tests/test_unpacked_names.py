"""Unpacking what cannot be followed names each part by the user's expression.

``N, D = Xtrain.shape`` with Xtrain read from a file (lazyprogrammer's machine_learning_examples:
keras_examples/ann.py, ann_class2/keras_functional.py) named D `N, D[1]`: `Input((D,))` printed
`(None, N, D[1])`, which reads as three dims, and `rows, cols = X.shape[1:]` made
`(None, rows, cols[0], rows, cols[1])` for a 3-dim input.  Now D is `Xtrain.shape[1]`, rows and cols
`X.shape[1]` and `X.shape[2]`, as the model would print them had the code indexed the shape."""

from __future__ import annotations

import textwrap

from tests.live_rows import our_rows


def shapes(source: str) -> list:
    return [r["output_shape"] for r in our_rows(textwrap.dedent(source))]


def test_a_shape_unpacked_names_its_axes() -> None:
    assert shapes("""\
        import numpy as np
        import keras
        Xtrain = np.load("train.npy")
        N, D = Xtrain.shape
        i = keras.Input(shape=(D,))
        model = keras.Model(i, keras.layers.Dense(10)(i))
    """) == [[None, "Xtrain.shape[1]"], [None, 10]]


def test_a_slice_of_a_shape_unpacked() -> None:
    assert shapes("""\
        import numpy as np
        import keras
        X = np.load("x.npy")
        rows, cols = X.shape[1:]
        i = keras.Input((rows, cols))
        model = keras.Model(i, keras.layers.Dense(2)(i))
    """) == [[None, "X.shape[1]", "X.shape[2]"], [None, "X.shape[1]", 2]]


def test_a_pair_from_a_call_we_cannot_follow() -> None:
    assert shapes("""\
        import keras
        from mylib import sizes
        h, w = sizes()
        i = keras.Input((h, w, 3))
        model = keras.Model(i, keras.layers.Conv2D(4, 3)(i))
    """)[0] == [None, "sizes()[0]", "sizes()[1]", 3]


def test_known_shapes_unpack_to_numbers() -> None:
    assert shapes("""\
        import numpy as np
        import keras
        X = np.zeros((100, 28, 28))
        n, rows, cols = X.shape
        i = keras.Input((rows, cols))
        model = keras.Model(i, keras.layers.Flatten()(i))
    """) == [[None, 28, 28], [None, 784]]
