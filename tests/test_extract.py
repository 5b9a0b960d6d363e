"""Extraction: every import spelling and construction style resolves to the same model."""

from __future__ import annotations

import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import Expr


def shaped(src: str):
    fa = analyze_text(textwrap.dedent(src), "t.py")
    assert not fa.problems, fa.problems
    return fa.models


def one(src: str):
    ms = shaped(src)
    assert len(ms) == 1, [m.name for m in ms]
    return ms[0]


SPELLINGS = {
    "from keras import layers": "from keras import layers, Sequential\nm = Sequential([layers.Input((8,)), layers.Dense(4)])",
    "from tensorflow.keras import layers": "from tensorflow.keras import layers, models\nm = models.Sequential([layers.Input((8,)), layers.Dense(4)])",
    "import tensorflow as tf": "import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.Input((8,)), tf.keras.layers.Dense(4)])",
    "import keras": "import keras\nm = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])",
    "from tensorflow import keras": "from tensorflow import keras\nm = keras.models.Sequential([keras.layers.Input(shape=(8,)), keras.layers.Dense(4)])",
    "alias D": "from keras.layers import Dense as D, Input\nfrom keras.models import Sequential as S\nm = S([Input((8,)), D(4)])",
    "import keras.layers as L": "import keras.layers as L\nimport keras.models as M\nm = M.Sequential([L.Input((8,)), L.Dense(4)])",
    "star import": "from keras.layers import *\nfrom keras.models import *\nm = Sequential([Input((8,)), Dense(4)])",
    "tf.keras.layers.core path": "import tensorflow as tf\nm = tf.keras.Sequential([tf.keras.layers.InputLayer(input_shape=(8,)), tf.keras.layers.Dense(4)])",
    "tf_keras": "import tf_keras as keras\nm = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])",
}


@pytest.mark.parametrize("name", SPELLINGS)
def test_import_spellings_resolve(name: str) -> None:
    m = one(SPELLINGS[name])
    assert [(r.cls, r.output, r.params) for r in m.layers] == [("Dense", (None, 4), 36)]


def test_shadowed_name_is_not_keras() -> None:
    # A local class named Dense is not Keras' Dense: resolution follows bindings, not spelling.
    m = one("""
        from keras.models import Sequential
        from keras.layers import Input
        class Dense:
            pass
        m = Sequential([Input((8,)), Dense()])
    """)
    assert m.layers[0].status == "opaque"


def test_input_variants() -> None:
    ms = shaped("""
        from keras import Sequential
        from keras.layers import Dense, InputLayer
        a = Sequential([Dense(4, input_shape=(8,))])
        b = Sequential([Dense(4, input_dim=8)])
        c = Sequential([Dense(4, batch_input_shape=(32, 8))])
        d = Sequential([InputLayer(shape=(8,)), Dense(4)])
        e = Sequential()
        e.add(Dense(4))
    """)
    outs = [m.layers[0].output for m in ms]
    # Keras 3 rejects batch_input_shape on a layer (Keras 2 code ported as-is); it is shaped as
    # Keras 2 read it, with the batch size (tf-keras: (32, 4)), and LL501 reports the spelling.
    assert outs[:4] == [(None, 4), (None, 4), (32, 4), (None, 4)]
    assert [u.written for u in ms[2].layers[0].source.legacy] == ["batch_input_shape"]
    assert ms[4].layers[0].params == Expr.symbol("input_shape[0]") * 4 + 4


def test_sequential_keywords_and_mixed_add() -> None:
    m = one("""
        import keras
        m = keras.Sequential(layers=[keras.Input((10,)), keras.layers.Dense(5)], name="mlp")
        m.add(keras.layers.Dense(1))
    """)
    assert m.name == "mlp"
    assert [r.output for r in m.layers] == [(None, 5), (None, 1)]


def test_functional_shared_multi_io_and_merge_functions() -> None:
    m = one("""
        from keras import Input, Model, layers
        a = Input(shape=(16,), name="a")
        b = Input(shape=(16,), name="b")
        shared = layers.Dense(8)
        x = layers.concatenate([shared(a), shared(b)])
        y = layers.add([shared(a), shared(b)])
        out1 = layers.Dense(1, activation="sigmoid")(x)
        out2 = layers.Dense(3, activation="softmax")(y)
        model = Model(inputs=[a, b], outputs=[out1, out2])
    """)
    rows = {r.name: r for r in m.layers}
    assert rows["dense"].params == 16 * 8 + 8  # shared: counted once
    assert rows["concatenate"].output == (None, 16)
    assert m.total_params == 136 + 17 + 27


def test_builder_called_with_arguments_and_uncalled_builder() -> None:
    ms = shaped("""
        from keras import layers, models
        def build(input_shape, n_classes, width=32):
            inp = layers.Input(shape=input_shape)
            x = layers.Conv2D(width, 3)(inp)
            x = layers.Flatten()(x)
            return models.Model(inp, layers.Dense(n_classes)(x))
        def unused(n):
            return models.Sequential([layers.Input((4,)), layers.Dense(n)])
        m = build((28, 28, 1), 10)
        m2 = build((8, 8, 3), 2, width=4)
    """)
    called = [m for m in ms if "as symbols" not in (m.model.context or "")]
    assert [m.total_params for m in called] == [320 + 21632 * 10 + 10, 112 + 144 * 2 + 2]
    (sym,) = [m for m in ms if "as symbols" in (m.model.context or "")]
    assert str(sym.layers[0].params) == "5*n"


def test_helper_block_loops_comprehensions_and_constants() -> None:
    m = one("""
        from keras import layers, Model, Input
        FILTERS = [16, 32]
        def block(x, f):
            x = layers.Conv2D(f, 3, padding="same")(x)
            return layers.MaxPooling2D()(x)
        inp = Input((32, 32, 3))
        x = inp
        for f in FILTERS:
            x = block(x, f)
        if len(FILTERS) > 1:
            x = layers.GlobalAveragePooling2D()(x)
        heads = [layers.Dense(2 ** i) for i in range(1, 3)]
        for h in heads:
            x = h(x)
        model = Model(inp, x)
    """)
    assert m.outputs == [(None, 4)]
    assert [r.output for r in m.layers if r.cls == "MaxPooling2D"] == [(None, 16, 16, 16), (None, 8, 8, 32)]


def test_unknown_values_become_named_symbols() -> None:
    m = one("""
        import keras
        vocab = load_vocab()
        model = keras.Sequential([keras.Input((None,)), keras.layers.Embedding(len(vocab), 64), keras.layers.LSTM(hp.Int("u", 8, 64))])
    """)
    emb, lstm = m.layers
    assert str(emb.params) == "64*len(vocab)"
    assert lstm.output == (None, Expr.symbol('hp.Int("u", 8, 64)'))


def test_tensor_shape_reference_resolves() -> None:
    m = one("""
        from keras import layers, Model, Input
        inp = Input((10, 6))
        x = layers.Dense(inp.shape[-1] * 2)(inp)
        model = Model(inp, x)
    """)
    assert m.layers[-1].output == (None, 10, 12)


def test_opaque_and_subclassed() -> None:
    fa = analyze_text(textwrap.dedent("""
        import keras
        from keras import layers
        from featlib import features
        class Block(layers.Layer):
            def call(self, x):
                return x
        class Net(keras.Model):
            def call(self, x):
                return x
        inp = keras.Input((4,))
        x = layers.Lambda(features)(inp)
        x = Block()(x)
        x = layers.Dense(3)(x)
        m = keras.Model(inp, x)
    """), "t.py")
    (m,) = [sm for sm in fa.models if sm.model.api != "subclassed"]
    statuses = [(r.cls, r.status) for r in m.layers]
    # Block is traced (its call() is followed) but its input comes from the opaque Lambda.
    assert statuses == [("InputLayer", "ok"), ("Lambda", "opaque"), ("Block", "unknown"), ("Dense", "unknown")]
    assert any("Net" in n.message and "not analysed" in n.message for n in fa.notes)


def test_nested_models() -> None:
    m = shaped("""
        import keras
        from keras import layers
        enc = keras.Sequential([layers.Input((8,)), layers.Dense(4)], name="enc")
        inp = keras.Input((8,))
        out = layers.Dense(2)(enc(inp))
        model = keras.Model(inp, out)
    """)[-1]
    assert [(r.cls, r.output, r.params) for r in m.layers] == [
        ("InputLayer", (None, 8), 0), ("Sequential", (None, 4), 36), ("Dense", (None, 2), 10)]


def test_a_shape_with_an_unknown_starred_part_has_unknown_length() -> None:
    # keras-io's conv_lstm example: `*x_train.shape[2:]` has a length we cannot know, so the
    # shape's rank is unknown too, and no layer may call it wrong (it was read as rank 2).
    m = one("""
        import keras
        from keras import layers
        inp = layers.Input(shape=(None, *x_train.shape[2:]))
        x = layers.ConvLSTM2D(filters=8, kernel_size=(3, 3), padding="same", return_sequences=True)(inp)
        model = keras.Model(inp, x)
    """)
    assert [row.status for row in m.layers] == ["ok", "ok"]
    assert len(m.layers[1].output) == 5


def test_a_starred_known_part_is_spread() -> None:
    m = one("""
        import keras
        from keras import layers
        dims = (4, 6)
        model = keras.Sequential([keras.Input((*dims, 3)), layers.Flatten()])
    """)
    assert m.layers[-1].output == (None, 72)


def test_after_a_loop_analysed_once_its_counts_are_unknown() -> None:
    # keras-io's pretrained_word_embeddings: one pass over os.listdir() made class_names one
    # long, so Dense(len(class_names), activation="softmax") looked like Dense(1) (a false LL404).
    m = one("""
        import os
        import keras
        from keras import layers
        class_names = []
        class_index = 0
        for dirname in sorted(os.listdir(data_dir)):
            class_names.append(dirname)
            class_index += 1
        inputs = keras.Input((16,))
        x = inputs
        for units in hidden_sizes:
            x = layers.Dense(8)(x)
        model = keras.Model(inputs, layers.Dense(len(class_names), activation="softmax")(x))
    """)
    head = m.layers[-1]
    assert str(head.source.args[0]) == "len(class_names)"
    # The layer chain of a loop analysed once keeps its one pass, shown as made an unknown number of
    # times (so what follows it has an unknown input).
    assert [row.cls for row in m.layers] == ["InputLayer", "Dense", "Dense"]
    assert m.layers[1].reason == "made in the loop `for units in hidden_sizes`, whose count is not known"
    assert head.status == "unknown"


def test_inputs_collected_in_a_dict_by_key() -> None:
    # keras-io's bayesian_neural_networks: `inputs[name] = layers.Input(...)` was not stored, so
    # concatenate(sorted(inputs.items()) values) looked like a call on no tensors (a false LL103).
    m = one("""
        import keras
        from keras import layers
        NAMES = ["b", "a", "c"]
        def make_inputs():
            inputs = {}
            for name in NAMES:
                inputs[name] = layers.Input(name=name, shape=(1,))
            return inputs
        inputs = make_inputs()
        features = layers.concatenate([v for _, v in sorted(inputs.items())])
        model = keras.Model(inputs=inputs, outputs=layers.Dense(2)(features))
    """)
    assert [row.name for row in m.layers] == ["a", "b", "c", "concatenate", "dense"]
    assert m.layers[3].output == (None, 3)


def test_a_store_with_an_unknown_key_leaves_the_container_unknown() -> None:
    m = one("""
        import keras
        from keras import layers
        sizes = [4, 4]
        sizes[i] = 16
        widths = [2, 3]
        widths[1] = 5
        model = keras.Sequential([keras.Input((sum(widths),)), layers.Dense(len(sizes))])
    """)
    assert m.layers[-1].weights[0].shape == (7, Expr.symbol("len(sizes)"))


def test_a_layer_we_cannot_follow_is_named_by_its_class() -> None:
    m = one("""
        import keras
        import tensorflow_probability as tfp
        model = keras.Sequential([keras.Input((4,)), tfp.layers.DistributionLambda(lambda t: t)])
    """)
    row = m.layers[-1]
    assert (row.name, row.cls, row.status) == ("distribution_lambda", "tfp.layers.DistributionLambda", "opaque")


def test_the_names_a_loop_binds_follow_python_scoping() -> None:
    import libcst as cst
    from layerlint.extract.runtime import assigned_names

    loop = cst.parse_module("for i in r:\n    a = [q for q in z]\n    f = lambda w: w\n    b, *c = 1, 2\n"
                            "    import os.path\n    d += 1\n    def g(v):\n        inner = v\n"
                            "    with open(p) as (h, k):\n        pass\n    if (n := 3):\n        pass\n").body[0]
    assert assigned_names(loop) == {"i", "a", "f", "b", "c", "os", "d", "g", "h", "k", "n"}


@pytest.mark.parametrize(("base", "body", "why"), [
    ("layers.Layer", "    def call(self, x):\n        self.w = keras.Variable([1.0])\n        return x\n",
     "it makes weights with keras.Variable in call()"),
    ("layers.Layer", "    def call(self, x):\n        return x\n    def compute_output_spec(self, x):\n        return x\n",
     "it declares its output spec itself"),
    ("layers.Layer", "    pass\n", "it defines no call() of its own"),
    ("layers.LayerNormalization", "    def call(self, x):\n        return x\n",
     "it overrides call() of Keras' LayerNormalization"),
    ("layers.Dense", "    def build(self, input_shape):\n        pass\n    def call(self, x):\n        return x\n",
     "it overrides call() of Keras' Dense"),
])
def test_custom_layers_that_stay_opaque_say_why(base: str, body: str, why: str) -> None:
    source = (f"import keras\nfrom keras import layers\nclass Custom({base}):\n" + body +
              "model = keras.Sequential([keras.Input((4,)), Custom(), layers.Dense(2)])\n")
    (m,) = analyze_text(source, "t.py").models
    row = m.layers[0]
    assert (row.cls, row.status, row.reason) == ("Custom", "opaque", f"custom layer `Custom` is not analysed: {why}")


def test_a_custom_layer_calling_what_we_cannot_follow_says_which_call() -> None:
    (m,) = shaped("""
        import keras
        from keras import layers
        class Odd(layers.Layer):
            def call(self, x):
                return some_library.transform(x)
        model = keras.Sequential([keras.Input((4,)), Odd(), layers.Dense(2)])
    """)
    row = m.layers[0]
    assert (row.status, row.reason) == ("unknown", "inner layer `transform`: `some_library.transform` is not a Keras layer we can follow")
