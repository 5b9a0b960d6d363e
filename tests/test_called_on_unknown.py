"""A model or custom layer called on a tensor layerlint cannot follow: the weights its input sizes are
unknown (``?``, with the reason), never those of the symbolic input (``input_shape[0]``) that stands
for a Sequential never called, nor of a custom layer's stand-in (``Block.input.shape[1]``): those
read as weights sized by the user's own ``input_shape``.  Keras builds each program (run below where
it can): what we do state agrees with its summary, and the totals say they are partial."""

from __future__ import annotations

import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import Expr

# a tensor Keras computes and layerlint does not follow (ops.vectorized_map is not in its table)
UNFOLLOWED = "ops.vectorized_map(lambda u: u, {x})"

CUSTOM_SEQUENTIAL = """
import keras
from keras import layers, ops


class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.ffn = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(4)])

    def call(self, inputs):
        input_shape = ops.shape(inputs)
        batch_size = input_shape[0]
        x = inputs + {unfollowed}
        return self.ffn(x)


inputs = keras.Input((3, 4))
out = Block()(inputs)
model = keras.Model(inputs, out)
""".replace("{unfollowed}", UNFOLLOWED.format(x="inputs"))

# the layers it holds directly: a Dense sized by the input, an Embedding that is not
CUSTOM_LAYERS = """
import keras
from keras import layers, ops


class Block(layers.Layer):
    def __init__(self):
        super().__init__()
        self.d = layers.Dense(8)
        self.e = layers.Embedding(10, 8)

    def call(self, x):
        return self.d(x) + self.e(ops.cast(x[..., 0], "int32"))


inputs = keras.Input((3, 4))
x = layers.Lambda(lambda t: {unfollowed})(inputs)
model = keras.Model(inputs, Block()(x))
""".replace("{unfollowed}", UNFOLLOWED.format(x="t"))

NESTED_SEQUENTIAL = """
import keras
from keras import layers, ops

inner = keras.Sequential([layers.Dense(8), layers.Dense(4)])
outer = keras.Sequential([inner, layers.Dense(2)])
inputs = keras.Input((3, 4))
x = layers.Lambda(lambda t: {unfollowed})(inputs)
model = keras.Model(inputs, outer(x))
""".replace("{unfollowed}", UNFOLLOWED.format(x="t"))


def _keras_params(keras, source: str) -> dict[str, int]:
    """Each layer's parameter count in the model Keras builds, by class (names take Keras' session-wide
    counters), and its total."""
    namespace: dict = {"__name__": "__called_on_unknown__"}
    exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    model = namespace["model"]
    counts = {type(layer).__name__: layer.count_params() for layer in model.layers}
    counts["<total>"] = model.count_params()
    return counts


@pytest.mark.parametrize("version", [3, 2])
def test_a_sequential_a_custom_layer_calls_on_an_unfollowed_tensor_has_unknown_weights(version) -> None:
    source = CUSTOM_SEQUENTIAL if version == 3 else CUSTOM_SEQUENTIAL.replace("import keras\n", "from tensorflow import keras\n")
    sm = analyze_text(source, "t.py", keras_version=version).models[0]
    block = next(r for r in sm.layers if r.cls == "Block")
    # was 8*input_shape[0] + 44: a kernel sized by the user's batch size (input_shape[0])
    assert block.status == "unknown" and block.weights == [] and not block.params_known
    assert not any(isinstance(p, Expr) for p in (sm.total_params, sm.trainable_params))
    assert "input_shape" not in repr([r.weights for r in sm.layers])


def test_the_custom_layers_sequential_against_keras(keras) -> None:
    counts = _keras_params(keras, CUSTOM_SEQUENTIAL)
    assert counts["Block"] == 76  # Keras builds it: the count we leave unknown is a number, not a formula
    sm = analyze_text(CUSTOM_SEQUENTIAL, "t.py").models[0]
    for row in sm.layers:
        if row.weights or row.params_known:
            assert row.params == counts[row.cls], row.cls


def test_a_custom_layer_holding_layers_is_unknown_when_one_is_sized_by_an_unfollowed_input(keras) -> None:
    sm = analyze_text(CUSTOM_LAYERS, "t.py").models[0]
    block = next(r for r in sm.layers if r.cls == "Block")
    # was 8*Block.input.shape[1] + 88: weights of a stand-in that stands for no call
    assert block.status == "unknown" and block.weights == []
    assert "input.shape" not in repr([r.weights for r in sm.layers])
    assert sm.total_params == 0 and not sm.complete
    assert _keras_params(keras, CUSTOM_LAYERS)["Block"] == 4 * 8 + 8 + 10 * 8


def test_a_nested_sequential_called_on_an_unfollowed_tensor_and_its_own_listings(keras) -> None:
    fa = analyze_text(NESTED_SEQUENTIAL, "t.py")
    by_name = {sm.name: sm for sm in fa.models}
    functional = next(sm for sm in fa.models if sm.model.api == "functional")
    row = next(r for r in functional.layers if r.cls == "Sequential")
    assert row.status == "unknown" and row.weights == []
    # the Sequentials' own listings are those of their first call, on the unfollowed tensor: the
    # weights its input sizes are unknown, never `input_shape[0]`, as if they were never called
    for name in ("sequential", "sequential_1"):
        listing = by_name[name]
        assert not listing.complete
        assert not any(isinstance(w.shape[i], Expr) for r in listing.layers for w in r.weights for i in range(len(w.shape)))
        assert listing.layers[0].status == "unknown"
        # and they name what made that tensor unknown, as the calling row does
        assert listing.layers[0].reason == ("input unknown: it is called on a tensor that cannot be followed "
                                            "(`Lambda` at line 8 has an unknown output)")
    counts = _keras_params(keras, NESTED_SEQUENTIAL)
    assert counts["Sequential"] == (4 * 8 + 8) + (8 * 4 + 4) + (4 * 2 + 2)


def test_a_sequential_never_called_keeps_its_symbolic_input() -> None:
    source = textwrap.dedent("""
        import keras
        from keras import layers
        ffn = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(4)])
    """)
    sm = analyze_text(source, "t.py").models[0]
    assert str(sm.total_params) == "8*input_shape[0] + 44"  # the README's convention, unchanged


def test_a_functional_model_called_on_an_unfollowed_tensor_keeps_its_own_weights(keras) -> None:
    source = textwrap.dedent("""
        import keras
        from keras import layers, ops
        i = keras.Input((3, 4))
        f = keras.Model(i, layers.Dense(4)(layers.Dense(8)(i)))
        inputs = keras.Input((3, 4))
        x = layers.Lambda(lambda t: ops.vectorized_map(lambda u: u, t))(inputs)
        model = keras.Model(inputs, f(x))
    """)
    sm = next(sm for sm in analyze_text(source, "t.py").models if sm.name == "functional_1")
    row = next(r for r in sm.layers if r.cls == "Functional")
    assert row.params == _keras_params(keras, source)["Functional"] == 76  # built when made: its weights are its own
