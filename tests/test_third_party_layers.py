"""Third-party layers declared as data: the keras-hub / keras-nlp specs against what
the real keras-hub built (tests/third_party/truth.json, recorded by
tests/third_party/record.py), the tensorflow-addons specs against their formulas
(the package does not import on TensorFlow 2.16+), and the plugin interface."""

from __future__ import annotations

import json
import math
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import LayerArg, ShapeError
from layerlint.engine.layers.third_party import ThirdPartyLayer, declared, register_third_party, third_party_key

from tests.third_party.cases import KERAS_HUB_CASES
from tests.third_party.record import TRUTH, case_id

STORED = json.loads(TRUTH.read_text())


@pytest.mark.parametrize("case", KERAS_HUB_CASES, ids=case_id)
def test_keras_hub_layers_build_as_keras_hub_does(case: tuple) -> None:
    name, args, kwargs, inputs = case
    truth = STORED[case_id(case)]
    if "error" in truth:
        with pytest.raises(ShapeError) as e:
            apply_layer(f"keras_nlp.{name}", args, kwargs, [tuple(s) for s in inputs])
        assert truth["error"] == f"ValueError: {e.value.message}"
        return
    built = apply_layer(f"keras_nlp.{name}", args, kwargs, [tuple(s) for s in inputs])
    assert list(built.output) == truth["output"]
    assert [list(w.shape) for w in built.weights] == truth["weights"]
    assert sum(math.prod(w.shape) for w in built.weights) == truth["params"]


# tensorflow-addons 0.23, by its source: gamma and beta of the channels; the wrapper's
# g (output units), the wrapped weights, a scalar `initialized`, and with data_init a
# frozen copy of the wrapped weights.
TFA_CASES = [
    ("GroupNormalization", (), {"groups": 3}, (None, 8, 8, 6), [(6,), (6,)], 0),
    ("GroupNormalization", (2,), {"center": False}, (None, 5, 4), [(4,)], 0),
    ("InstanceNormalization", (), {}, (None, 9, 9, 7), [(7,), (7,)], 0),
    ("WeightNormalization", (LayerArg("Conv2D", (4, 3)),), {}, (None, 8, 8, 6),
     [(4,), (3, 3, 6, 4), (4,), (), (3, 3, 6, 4), (4,)], 1 + 3 * 3 * 6 * 4 + 4),
    ("WeightNormalization", (LayerArg("Dense", (5,)),), {"data_init": False}, (None, 3),
     [(5,), (3, 5), (5,), ()], 1),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "shape", "weights", "frozen"), TFA_CASES)
def test_tensorflow_addons_layers_follow_their_formulas(name, args, kwargs, shape, weights, frozen) -> None:
    built = apply_layer(f"tensorflow_addons.{name}", args, kwargs, [shape])
    assert [w.shape for w in built.weights] == weights
    assert sum(math.prod(w.shape) for w in built.weights if not w.trainable) == frozen


def test_tensorflow_addons_group_count_checks() -> None:
    with pytest.raises(ShapeError, match=r"Number of groups \(5\) cannot be more than the number of channels \(4\)"):
        apply_layer("tensorflow_addons.GroupNormalization", (5,), {}, [(None, 4)])
    with pytest.raises(ShapeError, match=r"Number of groups \(4\) must be a multiple of the number of channels \(6\)"):
        apply_layer("tensorflow_addons.GroupNormalization", (4,), {}, [(None, 6)])


def test_imports_reach_the_declared_layers_by_package_and_name() -> None:
    fa = analyze_text(textwrap.dedent("""
        import keras
        import tensorflow_addons as tfa
        from keras_hub.layers import TransformerEncoder
        from transformers import TFBertModel
        inp = keras.Input((10, 16))
        x = tfa.layers.GroupNormalization(groups=4)(inp)
        x = TransformerEncoder(32, 2)(x)
        x = TFBertModel.from_pretrained("bert")(x)
        model = keras.Model(inp, x)
    """), "t.py")
    rows = fa.models[0].layers
    assert [(r.name, r.cls, r.status) for r in rows[1:3]] == [
        ("group_normalization", "GroupNormalization", "ok"), ("transformer_encoder", "TransformerEncoder", "ok")]
    assert rows[3].status == "opaque"  # every other third-party layer stays opaque, with its name
    assert third_party_key("keras_nlp.layers.TransformerDecoder") == "keras_nlp.TransformerDecoder"
    assert third_party_key("tensorflow_addons.GroupNormalization") is None  # not under a layers module


def test_a_plugin_declares_a_layer_as_data() -> None:
    from layerlint.engine.layers.base import Built, Weight

    def doubler(cfg, inputs):
        shape = inputs[0]
        return Built(shape[:-1] + (shape[-1] * cfg["factor"],), [Weight("scale", (cfg["factor"],))])

    entry = lambda: [ThirdPartyLayer("acme_layers", "Doubler", ("factor",), doubler, {"factor": 2})]  # noqa: E731
    for spec in declared(entry):
        register_third_party(spec)
    fa = analyze_text("import keras\nimport acme_layers\ninp = keras.Input((5,))\n"
                      "model = keras.Model(inp, acme_layers.layers.Doubler(3)(inp))\n", "t.py")
    row = fa.models[0].layers[1]
    assert (row.cls, row.output, row.params) == ("Doubler", (None, 15), 3)
    with pytest.raises(TypeError):
        declared([object()])


def test_a_decoder_called_by_keyword_builds_as_keras_hub_did_called_positionally() -> None:
    # keras-hub's TransformerDecoder.call(decoder_sequence, encoder_sequence=None, ...): the keywords
    # bind as the positions do; the truth was recorded for the positional call.
    truth = STORED[case_id(("TransformerDecoder", (), {"intermediate_dim": 48, "num_heads": 3},
                            [(None, None, 12), (None, 5, 12)]))]
    fa = analyze_text(textwrap.dedent("""
        import keras
        import keras_nlp
        tokens = keras.Input(shape=(None, 12))
        encoded = keras.Input(shape=(5, 12))
        x = keras_nlp.layers.TransformerDecoder(intermediate_dim=48, num_heads=3)(
            decoder_sequence=tokens, encoder_sequence=encoded)
        model = keras.Model([tokens, encoded], x)
    """), "t.py")
    row = next(r for r in fa.models[0].layers if r.name == "transformer_decoder")
    assert list(row.output) == truth["output"]
    assert [list(w.shape) for w in row.weights] == truth["weights"]
