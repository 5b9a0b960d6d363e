"""Conditions the interpreter cannot decide, and Keras' per-process layer names.

The expected names are Keras 3's (checked by recording the same programs in
fixtures/ with real Keras: tests/test_fixtures.py compares every layer name)."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text


def _models(src: str):
    fa = analyze_text(textwrap.dedent(src).lstrip("\n"), "m.py", follow_imports=False)
    return fa, {sm.model.variable: sm for sm in fa.models}


def test_guard_raise_is_followed_as_false() -> None:
    fa, found = _models("""
        import keras
        from keras import layers

        def head(x, n):
            if n is None:
                raise ValueError("n")
            return layers.Dense(n)(x)

        inp = keras.Input((4,))
        model = keras.Model(inp, head(inp, width))
    """)
    assert [r.cls for r in found["model"].layers] == ["InputLayer", "Dense"]
    assert any("runs only where it is false" in n.message for n in fa.notes)


def test_guard_in_else_is_followed_as_true() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        inp = keras.Input((4,))
        if deep:
            x = layers.Dense(3)(inp)
        else:
            raise SystemExit("shallow is not supported")
        model = keras.Model(inp, x)
    """)
    assert [r.cls for r in found["model"].layers] == ["InputLayer", "Dense"]


def test_sequential_add_under_an_undecided_condition_is_opaque() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        model = keras.Sequential([keras.Input((4,))])
        if use_hidden:
            model.add(layers.Dense(3))
        model.add(layers.Dense(2))
    """)
    hidden, out = found["model"].layers
    assert hidden.status == "opaque" and "use_hidden" in (hidden.reason or "")
    assert out.status == "unknown" and not out.params_known  # shown as ?, never a guessed count


def test_layer_names_count_across_the_file() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        first = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(1)])
        second = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(1)])
        inp = keras.Input((2,))
        third = keras.Model(inp, layers.Dense(1)(inp))
    """)
    assert [r.name for r in found["first"].layers] == ["dense", "dense_1"]
    assert [r.name for r in found["second"].layers] == ["dense_2", "dense_3"]
    # the Sequentials' keras.Input took input_layer and input_layer_1
    assert [r.name for r in found["third"].layers] == ["input_layer_2", "dense_4"]


def test_clear_session_restarts_the_names() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        first = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
        keras.backend.clear_session()
        second = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    """)
    assert [r.name for r in found["second"].layers] == ["dense"]


def test_an_uncalled_builder_takes_no_names() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        def unused(n):
            return keras.Sequential([keras.Input((4,)), layers.Dense(n)])

        model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
    """)
    assert [r.name for r in found["model"].layers] == ["dense"]


def test_a_subclassed_model_with_no_layers_we_list_is_never_an_empty_complete_model() -> None:
    # keras-io's tensorflow_numpy_models: weights made by add_weight in build(), no sublayers
    _, found = _models("""
        import keras

        class Net(keras.Model):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[1], 1))

            def call(self, x):
                return x @ self.w

        model = Net()
        model.compile(optimizer="adam", loss="mse")
    """)
    (row,) = found["model"].layers
    assert row.status == "opaque" and "not counted" in (row.reason or "")


def test_layers_made_under_an_undecided_condition_are_opaque_and_what_follows_unknown() -> None:
    # the SE-ResNet shortcut: Keras makes the 1x1 convolution only when the widths differ
    _, found = _models("""
        import keras
        from keras import layers

        def block(x, filters):
            shortcut = x
            if keras.backend.int_shape(x)[-1] != filters:
                shortcut = layers.Conv2D(filters, 1)(x)
            x = layers.Conv2D(filters, 3, padding="same")(x)
            return layers.add([x, shortcut])

        inp = keras.Input((None, None, channels))
        model = keras.Model(inp, block(inp, 8))
    """)
    rows = {r.cls + str(r.span.line): r for r in found["model"].layers}
    assert rows["Conv2D7"].status == "opaque" and "int_shape" in rows["Conv2D7"].reason
    assert rows["Conv2D8"].status == "ok"  # made whatever the condition
    assert rows["Add9"].status == "unknown" and rows["Add9"].output is None


def test_values_either_branch_assigns_are_unknown_after_it() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        width = 16
        if wide:
            width = 64
        else:
            extra = 1
        inp = keras.Input((4,))
        x = inp
        if deep:
            pass
        else:
            x = layers.Dense(3)(x)
        model = keras.Model(inp, layers.Dense(width)(x))
    """)
    dense = [r for r in found["model"].layers if r.cls == "Dense"]
    assert dense[0].status == "opaque"  # made only in the else branch
    assert not dense[1].params_known  # Dense(width): 16 or 64, never one of them


def test_an_undecided_conditional_expression_makes_no_input_and_leaves_its_value_unknown() -> None:
    # `y = Layer()(x) if flag else x`: before, the value was a symbol, which the next layer took
    # for a new InputLayer (a row Keras never has) and the layers before it vanished.
    _, found = _models("""
        import keras
        from keras import layers

        def block(x, rate):
            y = layers.Dense(8)(x)
            y = layers.GaussianNoise(rate)(y) if rate else y
            return layers.Add()([y, x])

        inp = keras.Input((5, 8))
        model = keras.Model(inp, block(inp, noise))
    """)
    rows = found["model"].layers
    assert [r.cls for r in rows] == ["InputLayer", "Dense", "GaussianNoise", "Add"]
    assert rows[1].status == "ok"
    assert rows[2].status == "opaque" and "`rate`" in rows[2].reason
    assert rows[3].status == "unknown" and rows[3].output is None


def test_an_undecided_choice_between_two_tensors_is_one_opaque_row_naming_the_condition() -> None:
    _, found = _models("""
        import keras
        from keras import layers

        a = keras.Input((4,))
        b = keras.Input((4,))
        x = a if first else b
        model = keras.Model([a, b], layers.Dense(2)(x))
    """)
    rows = found["model"].layers
    assert [r.cls for r in rows].count("InputLayer") == 2
    (choice,) = [r for r in rows if r.status == "opaque"]
    assert "`first`" in choice.reason
    assert rows[-1].cls == "Dense" and rows[-1].output is None


def test_linspace_of_numbers_decides_conditions_as_tensorflow_does() -> None:
    # bool() of an eager scalar tensor is its value's: tf.linspace(0.0, r, n)[0] is False
    fa, _ = _models("""
        import keras
        import tensorflow as tf
        from keras import layers

        def block(rate, name):
            inp = keras.Input((5, 8))
            y = layers.GaussianNoise(0.1)(inp) if rate else inp
            return keras.Model(inp, layers.Dense(8)(y), name=name)

        rates = [r for r in tf.linspace(0.0, 0.2, 3)]
        blocks = [block(rates[i], f"b{i}") for i in range(3)]
    """)
    got = {sm.model.name: [r.cls for r in sm.layers] for sm in fa.models}
    assert got == {"b0": ["InputLayer", "Dense"], "b1": ["InputLayer", "GaussianNoise", "Dense"],
                   "b2": ["InputLayer", "GaussianNoise", "Dense"]}


def test_an_undecided_or_and_not_are_named_by_their_source_as_values() -> None:
    # `a or b` (or `not a`) whose left side cannot be decided is an unknown value, shown as the
    # user's expression: never an interpreter placeholder in a shape, a count or a note
    fa, found = _models("""
        import keras
        from keras import layers

        def head(x, n, m):
            units = n or m
            gate = not n
            return layers.Dense(units)(layers.Dense(gate)(x))

        inp = keras.Input((4,))
        model = keras.Model(inp, head(inp, width, 8))
    """)
    dense, outer = found["model"].layers[1:3]
    assert str(dense.output[-1]) == "(not n)"
    assert str(outer.output[-1]) == "(n or m)"
    assert str(outer.params) == "(n or m)*(not n) + (n or m)"
    texts = [str(r.output) + str(r.params) + str(r.reason) for r in found["model"].layers] + [n.message for n in fa.notes]
    assert not any("object at" in t for t in texts)
