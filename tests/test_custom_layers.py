"""Custom layers built on their first call: build(), add_weight, compute_output_shape,
super() through classes of the file, and subclasses of Keras layers.  The numbers of
whole models are held to real Keras by fixtures/models/custom_layer_build_weights.py."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text


def rows(src: str, model: int = 0) -> list:
    fa = analyze_text(textwrap.dedent(src), "t.py")
    return fa.models[model].layers


HEAD = """
    import keras
    from keras import layers
"""


def test_weights_read_the_input_shape_of_the_first_call() -> None:
    (_, scale, _) = rows(HEAD + """
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), trainable=False)
            self.b = self.add_weight(shape=(2,))
        def call(self, x):
            return keras.ops.matmul(x, self.w) + self.b
        def compute_output_shape(self, input_shape):
            return (input_shape[0], 2)
    inp = keras.Input((5,))
    model = keras.Model(inp, layers.Dense(3)(Scale()(inp)))
    """)
    assert scale.output == (None, 2)
    # Keras lists trainable weights before non-trainable ones.
    assert [w.shape for w in scale.weights] == [(2,), (5, 2)]
    assert (scale.trainable_params, scale.non_trainable_params) == (2, 10)


def test_a_positional_name_is_what_keras_3_refuses() -> None:
    (row, _) = rows(HEAD + """
    class Legacy(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", (input_shape[-1],))
        def call(self, x):
            return x * self.w
    model = keras.Sequential([keras.Input((4,)), Legacy(), layers.Dense(1)])
    """)
    assert row.status == "opaque"
    assert "`name` must be passed as a keyword argument" in row.reason


def test_a_custom_layer_called_again_on_another_shape_is_unknown_there() -> None:
    layers_ = rows(HEAD + """
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],))
        def call(self, x):
            return x * self.w
    a, b = keras.Input((4,)), keras.Input((6,))
    s = Scale()
    model = keras.Model([a, b], [s(a), s(b)])
    """)
    row = [r for r in layers_ if r.cls == "Scale"][0]
    assert row.status == "unknown" and "was followed on (None, 4)" in row.reason


def test_super_reaches_a_base_class_of_the_file() -> None:
    (_, row) = rows(HEAD + """
    class Base(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.proj = layers.Dense(units)
        def call(self, x):
            return self.proj(x)
    class Child(Base):
        def __init__(self, **kwargs):
            super().__init__(3, **kwargs)
    inp = keras.Input((4,))
    model = keras.Model(inp, Child()(inp))
    """)
    assert (row.cls, row.output, row.params) == ("Child", (None, 3), 15)


def test_a_subclass_of_a_keras_layer_is_that_layer_under_its_own_name() -> None:
    (_, row) = rows(HEAD + """
    class Wide(layers.Dense):
        def __init__(self, **kwargs):
            super().__init__(units=8, **kwargs)
    inp = keras.Input((4,))
    model = keras.Model(inp, Wide(name="wide")(inp))
    """)
    assert (row.name, row.cls, row.output, row.params) == ("wide", "Wide", (None, 8), 40)


def test_weights_sized_by_a_symbolic_input_stay_symbolic() -> None:
    fa = analyze_text(textwrap.dedent(HEAD + """
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],))
        def call(self, x):
            return x * self.w
    def build_model(n):
        inp = keras.Input((n,))
        return keras.Model(inp, Scale()(inp))
    """), "t.py")
    (row,) = [r for r in fa.models[0].layers if r.cls == "Scale"]
    assert row.status == "ok" and str(row.params) == "n"


def test_ops_shape_gives_the_static_dims_and_none_for_the_batch() -> None:
    (_, row) = rows(HEAD + """
    import tensorflow as tf
    class Pick(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.wide = layers.Dense(8)
            self.narrow = layers.Dense(2)
        def call(self, x):
            if keras.ops.shape(x)[0] is None and tf.shape(x)[-1] > 4:
                return self.wide(x)
            return self.narrow(x)
    inp = keras.Input((6,))
    model = keras.Model(inp, Pick()(inp))
    """)
    # A held layer never called has no weights, as in Keras.
    assert (row.output, row.params) == ((None, 8), 6 * 8 + 8)


def test_a_build_that_makes_no_input_sized_weight_is_followed_before_the_shape_is_known() -> None:
    # keras-io's MLP-Mixer: blocks in a Sequential without an Input, called later
    model = rows(HEAD + """
    class Block(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(units)
        def build(self, input_shape):
            return super().build(input_shape)
        def call(self, x):
            return x + self.dense(x)
    blocks = keras.Sequential([Block(8) for _ in range(2)])
    inp = keras.Input((4, 8))
    model = keras.Model(inp, blocks(inp))
    """, model=1)
    assert [(r.status, r.output, r.params) for r in model[1:]] == [("ok", (None, 4, 8), 144)]  # as Keras says


def test_a_build_sizing_weights_by_an_unknown_input_shape_waits_for_the_sequential_to_be_built() -> None:
    src = HEAD + """
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],))
        def call(self, x):
            return x * self.w
    blocks = keras.Sequential([Scale()])
    """
    never = rows(src, model=0)  # never built: Keras has no weights to show either
    assert never[0].status != "ok"
    assert "sizes its weights by an input shape that is not known" in never[0].reason
    called = rows(src + """
    inp = keras.Input((4, 8))
    model = keras.Model(inp, blocks(inp))
    """, model=1)
    # Keras builds Scale when the functional call builds the Sequential: a gain of 8
    assert [(r.status, r.output, r.params) for r in called[1:]] == [("ok", (None, 4, 8), 8)]


CAUSAL = HEAD + """
    from keras import ops
    class Decoder(layers.Layer):
        def __init__(self):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=2, key_dim=4)
        def call(self, inputs):
            shape = ops.shape(inputs)
            i = ops.arange(shape[1])[:, None]
            mask = ops.cast(i >= ops.arange(shape[1]), dtype="int32")
            mask = ops.tile(ops.reshape(mask, (1, shape[1], shape[1])), MULT)
            return self.att(inputs, inputs, attention_mask=mask)
    x = keras.Input(INPUT)
    model = keras.Model(x, Decoder()(x))
"""


def test_a_tensor_as_tiles_repeats_is_keras_error() -> None:
    # Keras 3 (TensorFlow) fails here: ops.tile iterates the symbolic `mult` (keras-io's NMT transformer),
    # OperatorNotAllowedInGraphError (tests/test_trace_raises.py runs such a call() in Keras)
    src = CAUSAL.replace("MULT", "ops.concatenate([ops.expand_dims(shape[0], -1), ops.convert_to_tensor([1, 1])], 0)")
    (_, decoder) = rows(src.replace("INPUT", "(None, 8)"))
    assert decoder.status == "error" and decoder.output is None
    message = decoder.error.message
    assert message.startswith("`ops.tile(ops.reshape(mask") and "OperatorNotAllowedInGraphError" in message


def test_a_constant_attention_mask_is_followed() -> None:
    # Keras builds this one: (None, 6, 8) and the attention's 288 weights.
    (_, decoder) = rows(CAUSAL.replace("MULT", "(1, 1, 1)").replace("INPUT", "(6, 8)"))
    assert decoder.status == "ok", decoder.reason
    assert decoder.output == (None, 6, 8)
    assert decoder.params == 288


def test_an_unknown_input_is_named_as_keras_numbers_its_axes() -> None:
    # The custom layer's first-call input is unknown: a dim that follows from it is written as
    # the Keras expression for it (the batch is axis 0), never as `Stem.input[0]`.
    (stem,) = rows(HEAD + """
    class Stem(layers.Layer):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv1D(8, 3, strides=2, padding="same")

        def call(self, x):
            return self.conv(x)

    model = keras.Sequential([Stem(), layers.Dense(2)])
    y = model(features_read_at_run_time)
    """)[:1]
    assert str(stem.output[1]).replace(" ", "") == "(Stem.input.shape[1]+1)//2" and stem.output[2] == 8
    assert str(stem.params).replace(" ", "") == "24*Stem.input.shape[2]+8"


def test_a_model_called_on_data_is_built_on_that_shape() -> None:
    # Keras 3.15 prints (2, 5, 4) and (2, 5, 3) for the layers built on the array, and the
    # models built when made keep their own graph's shapes: (None, 5, 3), (None, None, 2)
    dense, seq, func = rows(HEAD + """
    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(4)
            self.seq = keras.Sequential([keras.Input((5, 4)), layers.Dense(3)], name="with_input")
            i = keras.Input((None, 3))
            self.f = keras.Model(i, layers.Dense(2)(i), name="func")
        def call(self, x):
            return self.f(self.seq(self.d(x)))
    m = M()
    out = m(keras.ops.ones((2, 5, 8)))
    """, model=-1)
    assert [(r.output, r.params) for r in (dense, seq, func)] == [((2, 5, 4), 36), ((None, 5, 3), 15), ((None, None, 2), 8)]


def test_a_models_given_name_is_its_name() -> None:
    *_, dense = rows(HEAD + """
    def block(name):
        i = keras.Input((4,))
        return keras.Model(i, layers.Dense(2)(i), name=name)
    sizes = {f"{b.name}_units": n for n, b in [(2, block("first")), (3, block("second"))]}
    inp = keras.Input((4,))
    model = keras.Model(inp, layers.Dense(sizes["second_units"])(inp))
    """, model=-1)
    assert dense.output == (None, 3)


def test_a_model_called_on_a_numpy_array_is_built_on_its_shape() -> None:
    # Keras 3.15: dense (Dense) (1, 6, 4), 36 params, whether the array is NumPy's or ops.array of it
    src = HEAD + """
    import numpy as np
    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(4)
        def call(self, x):
            return self.d(x)
    m = M()
    out = m({arg})
    """
    for arg in ("np.random.uniform(size=(1, 6, 8))", "keras.ops.array(np.random.uniform(size=(1, 6, 8)))"):
        (dense,) = rows(src.replace("{arg}", arg), model=-1)
        assert (dense.output, dense.params) == ((1, 6, 4), 36)


def test_fit_builds_only_what_the_models_own_train_step_calls() -> None:
    # Keras' TensorFlow trainer builds the model when it traces train_step(): patch_convnet's
    # train_step calls an augmentation model and the stem, never call(); run under Keras 3.15.1,
    # its `preprocessing` model (used only by call()) stayed unbuilt after fit().  Here, run under
    # Keras 3.15.1: prep `?  0 (unbuilt)`, head (32, 2) 10 (batches of 32 of the 64 samples).
    src = HEAD + """
    import numpy as np
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.prep = layers.Dense(8)
            self.head = layers.Dense(2)
        def call(self, x):
            return self.head(self.prep(x))
        def train_step(self, data):
            x, y = data
            return {"loss": self.compiled_loss(y, self.head(x))}
    net = Net()
    net.compile(optimizer="adam", loss="mse")
    net.fit(np.zeros((64, 4)), np.zeros((64, 2)))
    """
    fa = analyze_text(textwrap.dedent(src), "t.py")
    net = fa.models[0]
    prep, head = net.layers
    assert prep.status == "unbuilt" and "does not call it" in (prep.reason or "")
    assert (head.output, head.params) == ((32, 2), 10)
    assert not any("builds this model at its first `fit()`" in n.message for n in net.model.notes)


def test_fit_builds_a_model_whose_own_train_step_calls_what_call_calls_on_x() -> None:
    # keras-io's trainer_pattern: train_step calls self.model(x) as call() does, so Keras builds
    # the wrapped Sequential on batches of x: 28*28*256 + 256 + 256*10 + 10 = 203,530 weights,
    # the batch axis None as 60000 samples leave a last batch of 32.
    src = HEAD + """
    import tensorflow as tf
    (x_train, y_train), _ = keras.datasets.mnist.load_data()
    class MyTrainer(keras.Model):
        def __init__(self, model):
            super().__init__()
            self.model = model
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self.model(x, training=True)
            return {}
        def call(self, x):
            x = self.model(x)
            return x
    inner = keras.Sequential([layers.Flatten(), layers.Dense(256), layers.Dense(10)])
    trainer = MyTrainer(inner)
    trainer.compile(optimizer="sgd")
    trainer.fit(x_train, y_train, epochs=1, batch_size=64)
    """
    (row,) = rows(src, 1)
    assert (row.output, row.params) == ((None, 10), 203530)


def test_fit_on_x_alone_hands_train_step_the_batch_itself() -> None:
    # Run under Keras 3.15.1: a train_step calling self(data) after fit(x=np.zeros((100, 7)),
    # batch_size=50) gets a (50, 7) tensor, so the model is built on it (Dense(3): 7*3 + 3).
    src = HEAD + """
    import numpy as np
    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.d = layers.Dense(3)
        def call(self, x):
            return self.d(x)
        def train_step(self, data):
            out = self(data, training=True)
            return {"loss": keras.ops.mean(out)}
    m = M()
    m.compile(optimizer="adam")
    m.fit(x=np.zeros((100, 7)), batch_size=50, epochs=1)
    paired = M()
    paired.compile(optimizer="adam")
    paired.fit(np.zeros((100, 7)), np.zeros((100, 3)), batch_size=50, epochs=1)
    """
    (alone,) = rows(src, 0)
    assert (alone.output, alone.params) == ((50, 3), 24)
    # with a y the data is (x, y): self(data) is not the default call, and is not followed
    (pair,) = rows(src, 1)
    assert pair.status == "unbuilt"


def test_arange_to_an_unsized_axis_in_a_traced_call_has_an_unknown_length() -> None:
    # keras-io's PositionalEmbedding; Keras 3.15 prints (None, None, 16), 1,920 params on
    # (None, None) and (None, 7, 16) on (None, 7) (run under TensorFlow).
    src = HEAD + """
    from keras import ops
    class PositionalEmbedding(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.tokens = layers.Embedding(input_dim=100, output_dim=16)
            self.positions = layers.Embedding(input_dim=20, output_dim=16)
        def call(self, inputs):
            positions = ops.arange(0, ops.shape(inputs)[-1], 1)
            return self.tokens(inputs) + self.positions(positions)
    inp = keras.Input((None,), dtype="int64")
    model = keras.Model(inp, PositionalEmbedding()(inp))
    fixed = keras.Input((7,), dtype="int64")
    model2 = keras.Model(fixed, PositionalEmbedding()(fixed))
    """
    (_, row) = rows(src)
    assert (row.output, row.params) == ((None, None, 16), 1920)
    (_, row) = rows(src, 1)
    assert row.output == (None, 7, 16)


def test_arange_to_a_literal_none_is_not_an_unknown_length() -> None:
    # tf.range(0, None) counts to 0, not to an unknown length: not followed here
    (_, row) = rows(HEAD + """
    from keras import ops
    class Odd(layers.Layer):
        def call(self, inputs):
            return inputs + ops.cast(ops.arange(0, None), "float32")
    inp = keras.Input((None,))
    model = keras.Model(inp, Odd()(inp))
    """)
    assert row.output != (None, None)


def test_fft2_in_a_traced_call_keeps_the_shape_and_takes_an_unsized_axis() -> None:
    # keras-io's FNetLayer; Keras 3.15 prints (None, 16, 8) and 160 params on (None, 16, 8),
    # (None, None, 8) on (None, None, 8), where keras.ops.fft2 on Keras tensors would refuse it.
    src = HEAD + """
    class FNetLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.ffn = keras.Sequential([layers.Dense(8, activation="gelu"), layers.Dense(8)])
            self.norm = layers.LayerNormalization(epsilon=1e-6)
        def call(self, inputs):
            x = keras.ops.fft2((inputs, keras.ops.zeros_like(inputs)))[0]
            x = self.norm(x + inputs)
            return self.ffn(x) + x
    inp = keras.Input((16, 8))
    model = keras.Model(inp, FNetLayer()(inp))
    free = keras.Input((None, 8))
    model2 = keras.Model(free, FNetLayer()(free))
    """
    (_, row) = rows(src)
    assert (row.output, row.params) == ((None, 16, 8), 160)
    (_, row) = rows(src, 1)
    assert row.output == (None, None, 8)


def test_an_activation_looked_up_by_name_in_init_is_applied_in_call() -> None:
    # keras-io's RelationalGraphConvLayer keeps keras.activations.get(activation); Keras 3.15
    # prints (None, 5, 8) 24, (None, 5, 4) 32, (None, 5, 2) 8 for these three.
    layers_ = rows(HEAD + """
    class GraphConv(layers.Layer):
        def __init__(self, units=16, activation="relu", **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.activation = keras.activations.get(activation)
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units))
        def call(self, x):
            return self.activation(keras.ops.matmul(x, self.kernel))
    inp = keras.Input((5, 3))
    x = GraphConv(8)(inp)
    x = GraphConv(4, activation=None)(x)
    model = keras.Model(inp, GraphConv(2, activation="gelu")(x))
    """)
    assert [(r.output, r.params) for r in layers_[1:]] == [((None, 5, 8), 24), ((None, 5, 4), 32), ((None, 5, 2), 8)]


def test_an_activation_name_without_a_rule_stays_unknown() -> None:
    (_, row) = rows(HEAD + """
    class Act(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.activation = keras.activations.get("no_such_activation")
        def call(self, x):
            return self.activation(x)
    inp = keras.Input((5,))
    model = keras.Model(inp, Act()(inp))
    """)
    assert row.output is None


def test_a_list_returned_by_a_custom_layer_is_iterated_and_measured_as_a_list() -> None:
    fa = analyze_text(textwrap.dedent(HEAD + """
    class Levels(layers.Layer):
        def __init__(self):
            super().__init__()
            self.down = layers.Conv2D(4, 3, strides=2, padding="same")
        def call(self, x):
            return x, self.down(x), self.down(self.down(x))
    inp = keras.Input((16, 16, 4))
    levels = Levels()(inp)
    pooled = [layers.GlobalAveragePooling2D()(f) for f in levels]
    model = keras.Model(inp, layers.Dense(len(levels))(layers.concatenate(pooled)))
    """), "t.py")
    rows_ = {r.name: r for r in fa.models[0].layers}
    assert [rows_[n].output for n in ("global_average_pooling2d", "global_average_pooling2d_2")] == [(None, 4), (None, 4)]
    assert rows_["dense"].output == (None, 3)


def test_a_custom_layer_called_with_a_dict_gets_its_tensors_by_key() -> None:
    (_, _, fuse, dense) = rows(HEAD + """
    class Fuse(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape["a"][-1], input_shape["b"][-1]))
        def call(self, inputs):
            return keras.ops.matmul(inputs["a"], self.w) + inputs["b"]
    inputs = {"b": keras.Input((3,)), "a": keras.Input((5,))}
    model = keras.Model(inputs, layers.Dense(1)(Fuse()(inputs)))
    """)
    assert (fuse.output, fuse.params, dense.params) == ((None, 3), 15, 4)


def test_a_subclassed_models_summary_shows_no_shape_for_a_custom_layer_and_its_models_own() -> None:
    # Keras 3 runs the subclass' call() on a scratch graph: no node for its layers; a custom layer
    # has no compute_output_shape() to ask ("?"), a Sequential keeps its own graph's shape.
    fa = analyze_text(textwrap.dedent(HEAD + """
    class Block(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(name="MyBlock", **kwargs)
            self.conv = layers.Conv2D(4, 3)
        def call(self, x):
            return self.conv(x)
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.head = keras.Sequential([keras.Input((None, None, 4)), layers.Conv2D(2, 1)])
        def call(self, x):
            return self.head(self.block(x))
    net = Net()
    inp = keras.Input((8, 8, 3))
    model = keras.Model(inp, net(inp))
    """), "t.py")
    net = next(m for m in fa.models if m.name == "net")
    assert [(r.name, r.output, r.params) for r in net.layers] == [("MyBlock", None, 112),
                                                                   ("sequential", (None, None, None, 2), 10)]


def test_a_model_built_when_made_keeps_its_row_when_the_subclass_is_called_on_unknown_data() -> None:
    fa = analyze_text(textwrap.dedent(HEAD + """
    import numpy as np
    def build_net():
        inp = keras.Input(shape=[None, None, 3])
        return keras.Model(inp, layers.Conv2D(8, 3, padding="same")(inp))
    class Enhancer(keras.Model):
        def __init__(self):
            super().__init__()
            self.net = build_net()
        def call(self, data):
            return data + self.net(data)[:, :, :, :3]
    model = Enhancer()
    image = np.expand_dims(np.load(path), axis=0)
    model(image)
    """), "t.py")
    enhancer = next(m for m in fa.models if m.name == "enhancer")
    (row,) = enhancer.layers
    assert (row.status, row.output, row.params) == ("ok", (None, None, None, 8), 224)


def test_a_subclass_run_on_data_with_training_false_past_a_random_crop_is_not_followed() -> None:
    # Keras 3.15's RandomCrop returns its input uncropped when not training (checked on keras-io's
    # ShiftViT: the 52x52 images reach the patch convolution and a later concat raises).
    fa = analyze_text(textwrap.dedent(HEAD + """
    import numpy as np
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.aug = keras.Sequential([layers.Resizing(40, 40), layers.RandomCrop(32, 32)])
            self.head = layers.Dense(2)
        def call(self, images):
            return self.head(self.aug(images))
    net = Net()
    net(np.zeros((4, 32, 32, 3)), training=False)
    """), "t.py")
    net = next(m for m in fa.models if m.name == "net")
    assert all(r.status == "unknown" and "RandomCrop returns its input uncropped" in r.reason for r in net.layers)


def test_layers_shaped_without_call_declare_their_output_shape_in_keras() -> None:
    # A subclass overriding call() alone is summarised as its Keras base only where Keras shapes
    # that base by compute_output_shape() and never traces call().
    import pytest

    keras = pytest.importorskip("keras")
    from keras.src.utils.python_utils import is_default
    from layerlint.extract.custom_layers import SHAPED_WITHOUT_CALL

    declared = {name for name in SHAPED_WITHOUT_CALL if not is_default(getattr(keras.layers, name).compute_output_shape)}
    assert declared == SHAPED_WITHOUT_CALL
