"""Storing into what a model of several outputs returned: Keras hands back a Python list when
the outputs were given as a list, so ``y[-1] = block(y[-1])`` changes what follows; anything
else stored into a call's result leaves it unknown, never the outputs as they were. The numbers
of a whole model are held to real Keras by fixtures/models/multi_output_items_replaced.py."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text

HEAD = """
    import keras
    from keras import layers
    i = keras.Input((8,))
"""


def last_model(src: str):
    return analyze_text(textwrap.dedent(HEAD + src), "t.py").models[-1]


def test_a_replaced_item_of_a_list_result_feeds_what_follows() -> None:
    m = last_model("""
    two = keras.Model(i, [layers.Dense(3)(i), layers.Dense(5)(i)])
    x = keras.Input((8,))
    y = two(x)
    y[-1] = layers.Dense(7)(y[-1])
    a, b = y
    m = keras.Model(x, layers.Dense(2)(b))
    """)
    assert [(r.cls, r.output, r.params) for r in m.layers[2:]] == [
        ("Dense", (None, 7), 5 * 7 + 7), ("Dense", (None, 2), 7 * 2 + 2)]


def test_a_store_into_a_tuple_result_is_not_the_old_outputs() -> None:
    # Python refuses item assignment on the tuple Keras returns: nothing after it is known
    m = last_model("""
    two = keras.Model(i, (layers.Dense(3)(i), layers.Dense(5)(i)))
    x = keras.Input((8,))
    y = two(x)
    y[1] = layers.Dense(7)(y[1])
    a, b = y
    m = keras.Model(x, layers.Dense(2)(b))
    """)
    assert not m.complete or all(r.params != 5 * 2 + 2 for r in m.layers)


def test_an_index_past_the_end_leaves_the_result_unknown() -> None:
    m = last_model("""
    two = keras.Model(i, [layers.Dense(3)(i), layers.Dense(5)(i)])
    x = keras.Input((8,))
    y = two(x)
    y[2] = layers.Dense(7)(y[1])
    m = keras.Model(x, layers.Dense(2)(y[1]))
    """)
    assert not m.complete


def test_a_name_bound_to_the_same_list_sees_the_replaced_item() -> None:
    # Python: `z = y` binds the same list, so the store through `y` is seen through `z`
    # (Keras truth of these numbers: fixtures/models/multi_output_items_replaced.py's pattern;
    # Dense(7) on (None, 5) has 42 params, Dense(2) on its (None, 7) has 16)
    m = last_model("""
    two = keras.Model(i, [layers.Dense(3)(i), layers.Dense(5)(i)])
    x = keras.Input((8,))
    y = two(x)
    z = y
    y[-1] = layers.Dense(7)(y[-1])
    m = keras.Model(x, layers.Dense(2)(z[-1]))
    """)
    assert [(r.cls, r.output, r.params) for r in m.layers[2:]] == [
        ("Dense", (None, 7), 5 * 7 + 7), ("Dense", (None, 2), 7 * 2 + 2)]
