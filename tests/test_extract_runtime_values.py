"""Values user code reads back from Keras while building: ``x.shape``, ``layer.name``,
``.trainable``, ``model.inputs``, ``layer.output``, ``get_layer``.

Every expected number was recorded by running the same source under Keras 3.15
(tensorflow backend) and reading ``model.layers``, ``layer.output.shape`` and
the trainable / non-trainable weight counts.
"""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import Expr


def models(src: str) -> dict:
    fa = analyze_text(textwrap.dedent(src).lstrip("\n"), "t.py")
    assert not fa.problems, fa.problems
    return {sm.model.span.line: sm for sm in fa.models}


def rows(sm) -> list[tuple]:
    return [(r.cls, r.output, r.trainable_params, r.non_trainable_params) for r in sm.layers]


def test_branch_on_tensor_shape_follows_keras() -> None:
    # The projection exists only where the channel count changes (second block).
    ms = models("""
        import keras
        from keras import layers

        def block(x, filters):
            y = layers.Conv2D(filters, 3, padding="same")(x)
            if x.shape[-1] != filters:
                x = layers.Conv2D(filters, 1)(x)
            return layers.Add()([x, y])

        inp = keras.Input((8, 8, 4))
        h = block(inp, 4)
        h = block(h, 6)
        model = keras.Model(inp, h)
    """)
    sm = ms[13]
    assert [r.cls for r in sm.layers] == ["InputLayer", "Conv2D", "Add", "Conv2D", "Conv2D", "Add"]
    assert sm.total_params == 400
    assert not sm.model.notes


def test_helper_reading_shape_twice_keeps_each_call_apart() -> None:
    ms = models("""
        import keras
        from keras import layers

        def excite(x):
            c = x.shape[-1]
            s = layers.GlobalAveragePooling2D()(x)
            s = layers.Dense(c, activation="sigmoid")(s)
            return layers.Multiply()([x, layers.Reshape((1, 1, c))(s)])

        inp = keras.Input((8, 8, 4))
        h = excite(layers.Conv2D(6, 3)(excite(inp)))
        model = keras.Model(inp, h)
    """)
    sm = ms[12]
    dense = [r for r in sm.layers if r.cls == "Dense"]
    assert [(r.output, r.params) for r in dense] == [((None, 4), 20), ((None, 6), 42)]
    assert [r.output for r in sm.layers if r.cls == "Reshape"] == [(None, 1, 1, 4), (None, 1, 1, 6)]
    assert sm.total_params == 284


def test_unpacking_and_slicing_a_shape() -> None:
    ms = models("""
        import keras
        from keras import layers

        inp = keras.Input((8, 6, 4))
        _, h, w, c = inp.shape
        flat = layers.Reshape((h * w, c))(inp)
        out = layers.Dense(inp.shape[1:][-1] * 2)(flat)
        model = keras.Model(inp, out)
    """)
    assert [r.output for r in ms[8].layers] == [(None, 8, 6, 4), (None, 48, 4), (None, 48, 8)]


def test_list_of_a_shape_gives_its_dims() -> None:
    # keras-io's mirnet sizes its layers from list(x.shape)[-1]; Keras: conv 4*3*3*4 + 4 = 148,
    # dense 4*8 + 8 = 40 params on (None, 5, 5, 4); len() of the list is the rank.
    ms = models("""
        import keras
        from keras import layers

        inp = keras.Input((5, 5, 4))
        channels = list(inp.shape)[-1]
        x = layers.Conv2D(channels, 3, padding="same")(inp)
        x = layers.Dense(2 * list(x.shape)[-1] * (len(tuple(x.shape)) - 3))(x)
        model = keras.Model(inp, x)
    """)
    assert [(r.output, r.params) for r in ms[8].layers] == [((None, 5, 5, 4), 0), ((None, 5, 5, 4), 148),
                                                            ((None, 5, 5, 8), 40)]


def test_trainable_flags_by_model_name_and_class() -> None:
    ms = models("""
        import keras
        from keras import layers

        base = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization(),
                                 layers.Dense(4, name="top")])
        base.trainable = False
        base.trainable = True
        for layer in base.layers:
            if isinstance(layer, layers.BatchNormalization) or layer.name == "top":
                layer.trainable = False
    """)
    assert [(r[2], r[3]) for r in rows(ms[4])] == [(36, 0), (0, 16), (0, 20)]


def test_frozen_model_used_as_a_layer() -> None:
    ms = models("""
        import keras
        from keras import layers

        base = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
        base.trainable = False
        inp = keras.Input((8,))
        model = keras.Model(inp, layers.Dense(2)(base(inp)))
    """)
    outer = ms[7]
    assert (outer.trainable_params, outer.non_trainable_params) == (10, 36)


def test_feature_models_from_inputs_and_layer_outputs() -> None:
    ms = models("""
        import keras
        from keras import layers

        seq = keras.Sequential()
        seq.add(layers.Dense(12, input_dim=8))
        seq.add(layers.Dense(8))
        seq.add(layers.Dense(1))
        features = keras.Model(inputs=seq.inputs, outputs=seq.layers[1].output)

        inp = keras.Input((10,))
        out = layers.Dense(2)(layers.Dense(6, name="hidden")(inp))
        net = keras.Model(inp, out)
        probe = keras.Model(net.input, net.get_layer("hidden").output)
    """)
    assert [(r.cls, r.output, r.params) for r in ms[8].layers] == [
        ("InputLayer", (None, 8), 0), ("Dense", (None, 12), 108), ("Dense", (None, 8), 104)]
    assert [(r.cls, r.output, r.params) for r in ms[13].layers] == [
        ("InputLayer", (None, 10), 0), ("Dense", (None, 6), 66)]


def test_functional_layers_list_starts_with_its_input() -> None:
    # Keras' model.layers[0] of a functional model is the InputLayer.
    ms = models("""
        import keras
        from keras import layers

        inp = keras.Input((4,))
        net = keras.Model(inp, layers.Dense(2)(layers.Dense(3)(inp)))
        cut = keras.Model(inp, net.layers[1].output)
    """)
    assert [(r.cls, r.output) for r in ms[6].layers] == [("InputLayer", (None, 4)), ("Dense", (None, 3))]


def test_dict_outputs_are_ordered_by_key() -> None:
    ms = models("""
        import keras
        from keras import layers

        inp = keras.Input((5,))
        h = layers.Dense(3)(inp)
        model = keras.Model(inp, {"zeta": layers.Dense(1)(h), "alpha": layers.Dense(4)(h)})
    """)
    assert [r.output for r in ms[6].layers] == [(None, 5), (None, 3), (None, 4), (None, 1)]


def test_sequential_without_input_takes_the_shapes_of_its_call() -> None:
    ms = models("""
        import keras
        from keras import layers

        head = keras.Sequential([layers.Dense(7), layers.Dense(2)])
        trunk_in = keras.Input((9,))
        outer = keras.Model(trunk_in, head(trunk_in))
    """)
    assert [(r.output, r.params) for r in ms[4].layers] == [((None, 7), 70), ((None, 2), 16)]
    assert ms[6].total_params == 86


def test_sequential_first_called_where_the_rest_is_not_followed_takes_that_call() -> None:
    # The model's call on data with training=False is not followed past the RandomCrop, but the
    # Sequential it calls first is built there all the same: Keras 3.15 lists (16, 40, 40, 3),
    # (16, 36, 36, 3), (16, 36, 36, 3) for it.
    ms = models("""
        import numpy as np
        import keras
        from keras import layers

        augment = keras.Sequential([layers.Resizing(40, 40), layers.RandomCrop(36, 36), layers.Rescaling(1 / 255)])

        class Classifier(keras.Model):
            def __init__(self, augment):
                super().__init__()
                self.augment = augment
                self.stem = layers.Conv2D(8, 3, strides=2)
                self.head = layers.Dense(10)

            def call(self, images):
                return self.head(self.stem(self.augment(images)))

        model = Classifier(augment)
        model(np.zeros((16, 32, 32, 3), "uint8"), training=False)
    """)
    assert [r.output for r in ms[5].layers] == [(16, 40, 40, 3), (16, 36, 36, 3), (16, 36, 36, 3)]
    assert [n.message for n in ms[5].model.notes] == [
        "Keras builds this Sequential at its first call, on `images`: input (16, 32, 32, 3)"]
    assert ms[17].layers[0].output is None  # what the Sequential's call gives the model is not followed


def test_int_of_a_value_that_may_be_a_fraction_is_named_by_the_whole_call() -> None:
    # Keras sizes the layer by the int() of the square root: the reason must say so,
    # not name the fraction alone.
    fa = analyze_text(textwrap.dedent("""
        import math
        import keras
        from keras import layers
        vocabulary = sorted(set(open("words.txt").read().split()))
        inp = keras.Input((4,))
        x = layers.Dense(int(math.sqrt(len(vocabulary))))(inp)
        y = layers.Dense(int(x.shape[-1] * 2))(x)
        z = layers.Dense(abs(len(vocabulary) - 10))(inp)
        model = keras.Model(inp, [y, z])
    """), "t.py")
    _, dense, dense_1, dense_2 = fa.models[0].layers
    assert str(dense.output[1]) == "int(math.sqrt(len(vocabulary)))"
    # a product of whole numbers stays arithmetic on the symbol
    assert str(dense_1.output[1]) == "2*int(math.sqrt(len(vocabulary)))"
    # abs() of a difference may flip its sign: never the difference itself
    assert str(dense_2.output[1]) == "abs(len(vocabulary) - 10)"


def test_a_list_parsed_from_a_string_literal_has_its_length() -> None:
    # keras-io's molecule generation writes its charset as a string and parses it
    fa = analyze_text(textwrap.dedent("""
        import ast
        import keras
        from keras import layers
        CHARSET = '["C", "B", "F", "Cl", "Br"]'
        CHARSET = ast.literal_eval(CHARSET)
        BAD = ast.literal_eval("__import__('os').getcwd()")
        inp = keras.Input((10, len(CHARSET)))
        x = layers.Dense(len(BAD))(inp)
        model = keras.Model(inp, x)
    """), "t.py")
    inp, dense = fa.models[0].layers
    assert inp.output == (None, 10, 5)
    assert dense.output[:2] == (None, 10) and not isinstance(dense.output[2], int)


def test_an_input_of_unknown_shape_names_the_expression() -> None:
    fa = analyze_text(textwrap.dedent("""
        import keras
        import numpy as np
        def readucr(filename):
            data = np.loadtxt(filename, delimiter="\\t")
            return data[:, 1:], data[:, 0].astype(int)
        x_train, y_train = readucr("FordA_TRAIN.tsv")
        x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
        def build(input_shape):
            inputs = keras.Input(shape=input_shape)
            return keras.Model(inputs, keras.layers.LayerNormalization(epsilon=1e-6)(inputs))
        model = build(x_train.shape[1:])
    """), "t.py")
    row = fa.models[0].layers[0]
    assert row.output is None
    assert row.reason == "its shape `input_shape` (`x_train.shape[1:]`) is not known"


def test_lookup_vocabulary_size_is_unknown_once_another_vocabulary_is_set() -> None:
    # adapt() / set_vocabulary() replace the constructor's vocabulary: its size is the data's.
    ms = models("""
        import keras
        from keras import layers

        chars = layers.StringLookup(vocabulary=list("abc"))
        chars.adapt(["abcd", "xyz"])
        ids = layers.IntegerLookup(vocabulary=[3, 5])
        ids.set_vocabulary([3, 5, 7, 9])
        kept = layers.StringLookup(vocabulary=list("abc"), num_oov_indices=2)
        x = keras.Input((4,))
        y = layers.Dense(chars.vocabulary_size())(x)
        z = layers.Dense(ids.vocabulary_size())(x)
        w = layers.Dense(kept.vocabulary_size())(x)
        model = keras.Model(x, [y, z, w])
    """)
    dense = [r.output for r in ms[13].layers if r.cls == "Dense"]
    assert all(isinstance(o[-1], Expr) for o in dense[:2]), dense
    assert dense[2] == (None, 5)  # Keras 3.15: 2 OOV indices + 3 tokens
