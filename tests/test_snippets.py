"""Snippets pasted without imports are read as Keras, and say so once (LL010)."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text


def analyse(src: str):
    return analyze_text(textwrap.dedent(src), "snippet.py")


def rows(fa) -> list[tuple]:
    return [(r.cls, r.output, r.params) for m in fa.models for r in m.layers]


def test_no_imports_at_all():
    # Keras 3: Conv2D(32, 3x3) on 28x28x1 -> 26x26x32, 3*3*1*32 + 32 = 320; Dense(10) on 13*13*32 = 5408 -> 54,090
    fa = analyse("""
        model = Sequential()
        model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
        model.add(MaxPooling2D(pool_size=(2, 2)))
        model.add(Flatten())
        model.add(Dense(10, activation='softmax'))
    """)
    assert rows(fa) == [("Conv2D", (None, 26, 26, 32), 320), ("MaxPooling2D", (None, 13, 13, 32), 0),
                        ("Flatten", (None, 5408), 0), ("Dense", (None, 10), 54090)]
    message, span = fa.assumed_imports
    assert (span.line, span.col) == (2, 8)
    assert message == ("names used without an import were read as Keras': `from keras.models import Sequential`; "
                       "`from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D`")


def test_one_name_missing_among_imports():
    fa = analyse("""
        from keras.models import Sequential
        from keras.layers import Dense
        model = Sequential([Input((4,)), Dense(3), Dropout(0.5)])
    """)
    assert [r.cls for r in fa.models[0].layers] == ["Dense", "Dropout"]
    assert "`from keras.layers import Dropout, Input`" in fa.assumed_imports[0]


def test_bare_module_prefixes():
    fa = analyse("""
        model = keras.Sequential([keras.Input((4,)), tf.keras.layers.Dense(2)])
    """)
    assert rows(fa) == [("Dense", (None, 2), 10)]
    assert "`import keras`" in fa.assumed_imports[0] and "`import tensorflow as tf`" in fa.assumed_imports[0]


def test_a_name_bound_anywhere_is_never_assumed():
    fa = analyse("""
        from keras.models import Sequential
        def build(Dense):
            return Dense
        model = Sequential([Input((4,)), Dense(3)])
    """)
    assert "Dense" not in fa.assumed_imports[0]
    assert fa.models[0].layers[0].status != "ok"


def test_a_foreign_star_import_may_bind_anything():
    fa = analyse("""
        from mylib import *
        model = Sequential()
        model.add(Dense(3, input_shape=(4,)))
    """)
    assert fa.assumed_imports is None
    assert fa.models == []


def test_a_file_that_imports_everything_says_nothing():
    fa = analyse("""
        import keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    """)
    assert fa.assumed_imports is None and rows(fa) == [("Dense", (None, 3), 15)]
