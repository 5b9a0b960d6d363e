"""Keras 3 traces a custom layer's first call in a TensorFlow graph without AutoGraph, where
Python's len() and iteration refuse ``tf.shape(x)``: the layer is an error row (LL107) exactly
where real Keras raises, and where Keras builds the layer we never claim it raises.  Each
program is also run in the installed Keras (CI always runs it)."""

from __future__ import annotations

import os
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

HEAD = """
import keras
import tensorflow as tf
from keras import layers, ops


class Probe(layers.Layer):
    def call(self, x):
"""
TAIL = """

inp = keras.Input((10, 8))
out = Probe()(inp)
model = keras.Model(inp, out)
"""

MULT = "mult = ops.concatenate([ops.expand_dims(b, -1), ops.convert_to_tensor([1, 1])], 0)"

# (body of call(), whether Keras 3 raises building the layer)
CASES = [
    ("shape = (tf.shape(x)[0],) + (1,) * (len(tf.shape(x)) - 1)\nreturn x * tf.random.uniform(shape, 0, 1)", True),
    ("return x * len(tf.shape(x))", True),
    ("b, h, w = tf.shape(x)\nreturn tf.reshape(x, (b, h * w))", True),
    ("for d in tf.shape(x):\n    x = x + 1\nreturn x", True),
    ("b, h, w = ops.shape(x)\nreturn ops.reshape(x, (b, h * w))", False),
    ("return x * len(ops.shape(x))", False),
    ("shape = (tf.shape(x)[0],) + (1,) * (len(x.shape) - 1)\nreturn x * tf.random.uniform(shape, 0, 1)", False),
    ("try:\n    n = len(tf.shape(x))\nexcept TypeError:\n    n = 3\nreturn x * n", False),
    # keras.ops.tile iterates over its repeats: a tensor there is refused (the miniature GPT's and the
    # translation example's causal masks), a list or tuple of sizes is not, nor is tf.tile
    (f"b = ops.shape(x)[0]\n{MULT}\nreturn ops.tile(x, mult)", True),
    (f"b = ops.shape(x)[0]\n{MULT}\nreturn keras.ops.numpy.tile(x, repeats=mult)", True),
    ("return ops.tile(x, ops.convert_to_tensor([2, 1, 1]))", True),
    ("return ops.tile(x, tf.shape(x))", True),
    ("return ops.tile(x, [2, 1, 1])", False),
    ("return ops.tile(x, (ops.shape(x)[0], 1, 1))", False),
    ("return ops.tile(x, ops.shape(x))", False),
    (f"b = ops.shape(x)[0]\n{MULT}\nreturn tf.tile(x, mult)", False),
    ("return ops.reshape(x, tf.shape(x))", False),
    ("return ops.broadcast_to(x, tf.shape(x))", False),
    ("return x + ops.ones(tf.shape(x)) + ops.zeros(tf.shape(x))", False),
]


def program(body: str) -> str:
    return HEAD.lstrip("\n") + textwrap.indent(body, " " * 8) + TAIL


def ours(source: str) -> tuple:
    fa = analyze_text(source, "t.py")
    row = next(r for r in fa.models[0].layers if r.cls == "Probe")
    codes = [d.code for d in check_analysis(fa, CheckSettings())]
    return row, codes


def keras_outcome(source: str):
    """The probe's output shape in real Keras, or the name of the exception building it raised."""
    if not os.environ.get("CI"):
        pytest.importorskip("keras")
    namespace: dict = {"__name__": "__trace_case__"}
    try:
        exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    except Exception as e:  # noqa: BLE001 - which error Keras raised is the result
        return type(e).__name__
    return tuple(namespace["out"].shape)


@pytest.mark.parametrize(("body", "raises"), CASES, ids=[c[0].splitlines()[0] for c in CASES])
def test_the_layer_is_an_error_exactly_where_keras_raises(body, raises) -> None:
    source = program(body)
    row, codes = ours(source)
    assert (row.status == "error") is raises
    assert ("LL107" in codes) is raises
    if not raises:  # followed, or unknown: never a claim Keras contradicts
        assert row.status in ("ok", "unknown")


@pytest.mark.parametrize(("body", "raises"), CASES, ids=[c[0].splitlines()[0] for c in CASES])
def test_the_cases_are_keras_own(body, raises) -> None:
    source = program(body)
    outcome = keras_outcome(source)
    assert isinstance(outcome, str) is raises, outcome
    row, _ = ours(source)
    if not raises and row.status == "ok":
        assert row.output == outcome


def test_the_finding_points_at_the_expression_keras_refuses() -> None:
    source = program(CASES[0][0])
    diags = [d for d in check_analysis(analyze_text(source, "t.py"), CheckSettings()) if d.code == "LL107"]
    assert [(d.line, d.message) for d in diags] == [(8, "`len(tf.shape(x))` while Keras traces the first call of `Probe`: "
                                                        "TypeError: len is not well defined for a symbolic Tensor")]


def test_an_undecided_branch_is_not_claimed_to_raise() -> None:
    body = "if self.trainable and x.dtype == 'float32':\n    return x * len(tf.shape(x))\nreturn x"
    row, codes = ours(program(body).replace("self.trainable and ", "ops.any(x) and "))
    assert "LL107" not in codes and row.status != "error"


def test_keras_2_autographs_call_so_len_is_not_refused() -> None:
    source = program(CASES[1][0]).replace("import keras\n", "from tensorflow import keras\n")
    fa = analyze_text(source, "t.py", keras_version=2)
    assert "LL107" not in [d.code for d in check_analysis(fa, CheckSettings())]


def test_a_call_on_data_runs_eagerly_where_len_works() -> None:
    source = textwrap.dedent("""
        import keras
        import tensorflow as tf
        from keras import layers, ops


        class Masked(keras.Model):
            def __init__(self):
                super().__init__()
                self.d = layers.Dense(4)

            def call(self, x):
                shape = (tf.shape(x)[0],) + (1,) * (len(tf.shape(x)) - 1)
                return self.d(x) * tf.random.uniform(shape, 0, 1)


        model = Masked()
        out = model(ops.ones((2, 3, 4)))
    """)
    fa = analyze_text(source, "t.py")
    assert "LL107" not in [d.code for d in check_analysis(fa, CheckSettings())]
    assert not any("len is not well defined" in (r.reason or "") for r in fa.models[0].layers)
    outcome = keras_outcome(source)
    assert outcome == (2, 3, 4)  # Keras runs the call eagerly: len() of an eager tensor is fine


MASKED = """
import keras
import tensorflow as tf
from keras import layers, ops


class PositionalEmbedding(layers.Layer):
    def __init__(self, length, vocab, dim, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(vocab, dim)
        self.positions = layers.Embedding(length, dim)

    def call(self, inputs):
        positions = tf.range(start=0, limit=tf.shape(inputs)[-1], delta=1)
        return self.tokens(inputs) + self.positions(positions)

    def compute_mask(self, inputs, mask=None):
        return {mask}


inp = keras.Input((None,), dtype="int32")
out = PositionalEmbedding(20, 100, 8)(inp)
model = keras.Model(inp, out)
"""


@pytest.mark.parametrize(("mask", "refused"), [("tf.math.not_equal(inputs, 0)", True), ("ops.not_equal(inputs, 0)", False)])
def test_a_compute_mask_keras_refuses_leaves_the_layer_unknown(mask, refused) -> None:
    source = MASKED.replace("{mask}", mask)
    row = next(r for r in analyze_text(source, "t.py").models[0].layers if r.cls == "PositionalEmbedding")
    outcome = keras_outcome(source)
    assert isinstance(outcome, str) is refused, outcome  # Keras calls compute_mask on the Keras tensor itself
    if refused:
        assert row.status != "ok" and "compute_mask()" in row.reason
    else:
        assert (row.status, row.output, row.params) == ("ok", outcome, 100 * 8 + 20 * 8)


def test_a_tensor_as_tiles_repeats_is_reported_at_the_users_line() -> None:
    """The miniature GPT's causal mask (keras-io text_generation_with_miniature_gpt): a function of the
    file that call() calls tiles by a tensor; Keras raises at that line, and the layer is an error row."""
    source = textwrap.dedent("""
        import keras
        from keras import layers, ops


        def causal_attention_mask(batch_size, n_dest, n_src, dtype):
            i = ops.arange(n_dest)[:, None]
            j = ops.arange(n_src)
            mask = ops.cast(i >= j - n_src + n_dest, dtype)
            mask = ops.reshape(mask, [1, n_dest, n_src])
            mult = ops.concatenate([ops.expand_dims(batch_size, -1), ops.convert_to_tensor([1, 1])], 0)
            return ops.tile(mask, mult)


        class Block(layers.Layer):
            def call(self, inputs):
                input_shape = ops.shape(inputs)
                mask = causal_attention_mask(input_shape[0], input_shape[1], input_shape[1], "bool")
                return inputs * ops.cast(mask, "float32")


        inputs = keras.Input((80, 80))
        model = keras.Model(inputs, Block()(inputs))
    """)
    fa = analyze_text(source, "t.py")
    row = next(r for r in fa.models[0].layers if r.cls == "Block")
    assert row.status == "error" and row.output is None
    diags = [d for d in check_analysis(fa, CheckSettings()) if d.code == "LL107"]
    assert [(d.line, d.message) for d in diags] == [(12, "`ops.tile(mask, mult)` while Keras traces the first call of "
                                                         "`Block`: OperatorNotAllowedInGraphError: Iterating over a "
                                                         "symbolic `tf.Tensor` is not allowed")]
    assert keras_outcome(source) == "OperatorNotAllowedInGraphError"
