"""Models as values: a model's tensors and layers, cut-out sub-models, freezing, and
models whose inside cannot be seen (loaded from a file, pretrained, a parameter).

Numbers for models layerlint follows are held to real Keras by the fixtures
fixtures/models/submodel_get_layer.py, frozen_backbone.py and
augmentation_sequential.py (tests/test_fixtures.py); these tests pin what is
reported where Keras cannot be run on the code: never an empty model, never a
downstream error caused by what was not followed.
"""

from __future__ import annotations

import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import model_json
from layerlint.runner.check import CheckSettings, check_analysis


def _analysis(source: str):
    return analyze_text(textwrap.dedent(source), "model.py")


def _json(source: str) -> dict[str, dict]:
    fa = _analysis(source)
    return {sm.name: model_json(sm, "model.py") for sm in fa.models}


def _codes(source: str) -> list[str]:
    return [d.code for d in check_analysis(_analysis(source), CheckSettings())]


LOADED = """
    import keras
    from keras import layers
    mlm_model = keras.models.load_model("bert_mlm.keras")
    pretrained = keras.Model(mlm_model.input, mlm_model.get_layer("encoder_0/ffn").output, name="pretrained")
    pretrained.trainable = False
    inputs = layers.Input((256,))
    h = pretrained(inputs)
    h = layers.GlobalMaxPooling1D()(h)
    clf = keras.Model(inputs, layers.Dense(1)(h), name="clf")
"""


def test_a_model_cut_from_a_loaded_one_is_opaque_not_empty() -> None:
    models = _json(LOADED)
    cut = models["pretrained"]
    assert cut["layers"], "never an empty model"
    assert not cut["complete"]
    row = cut["layers"][-1]
    assert row["status"] == "opaque" and "keras.models.load_model(...)" in row["reason"]
    assert row["line"] == 4


def test_what_a_loaded_model_feeds_is_unknown_not_an_error() -> None:
    clf = _json(LOADED)["clf"]
    by_class = {r["class"]: r for r in clf["layers"]}
    assert by_class["Functional"]["status"] == "opaque"
    assert "inner layer `load_model`" in by_class["Functional"]["reason"]
    assert by_class["GlobalMaxPooling1D"]["status"] == "unknown"
    assert by_class["GlobalMaxPooling1D"]["error"] is None
    assert "LL105" not in _codes(LOADED)


def test_a_cut_through_values_we_cannot_follow_names_the_expression() -> None:
    # keras-io's basnet_segmentation cuts blocks out of a keras_cv backbone given as a parameter.
    source = """
        import keras
        import keras_cv
        from keras import layers

        def get_block(_resnet, n):
            return keras.models.Model(inputs=_resnet.get_layer(f"a{n}").input,
                                      outputs=_resnet.get_layer(f"b{n}").output, name=f"block{n}")

        x_in = layers.Input((64, 64, 3))
        x = layers.Conv2D(8, 3)(x_in)
        resnet = keras_cv.models.ResNet34Backbone(include_rescaling=False)
        x = get_block(resnet, 1)(x)
        x = layers.Activation("relu")(x)
        model = keras.Model(x_in, x, name="segmenter")
    """
    models = _json(source)
    (row,) = models["block1"]["layers"]  # no stand-in InputLayer: where it starts is unknown
    assert row["status"] == "opaque"
    assert row["reason"] == ('the model\'s inputs `_resnet.get_layer(f"a{n}").input` and outputs '
                             '`_resnet.get_layer(f"b{n}").output` cannot be followed')
    seg = {r["class"]: r for r in models["segmenter"]["layers"]}
    assert seg["Conv2D"]["params"] == 224
    assert seg["Activation"]["status"] == "unknown"
    assert "LL105" not in _codes(source)


def test_a_cut_of_a_pretrained_application_shares_its_layers() -> None:
    models = _json("""
        import keras
        vgg = keras.applications.VGG19(include_top=True, weights="imagenet")
        fcn = keras.models.Model(inputs=vgg.layers[1].input,
                                 outputs=[vgg.get_layer(n).output for n in ["block3_pool", "block4_pool"]], name="fcn")
    """)
    rows = models["fcn"]["layers"]
    assert all(r["status"] == "ok" for r in rows)
    assert (rows[-1]["name"], rows[-1]["output_shape"]) == ("block4_pool", [None, 14, 14, 512])  # 224 / 2**4
    # VGG19's convolutions up to block 4: 3*3*cin*cout + cout each.
    convs = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256)] + [(256, 256)] * 3 + [(256, 512)] + [(512, 512)] * 3
    assert models["fcn"]["total_params"] == sum(9 * i * o + o for i, o in convs)


def test_unfollowed_outputs_keep_the_inputs_that_were_followed() -> None:
    models = _json("""
        import keras
        inputs = keras.Input((8,))
        m = keras.Model(inputs, some_library.head(inputs_of_elsewhere), name="m")
    """)
    rows = models["m"]["layers"]
    assert [(r["class"], r["status"]) for r in rows] == [("InputLayer", "ok"), ("some_library.head", "opaque")]
    assert rows[1]["reason"] == "the model's outputs `some_library.head(inputs_of_elsewhere)` cannot be followed"


def test_model_attributes_give_the_model_tensors() -> None:
    models = _json("""
        import keras
        from keras import layers
        inputs = keras.Input((16,))
        h = layers.Dense(8, name="hidden")(inputs)
        out = layers.Dense(2, name="out")(h)
        base = keras.Model(inputs, out, name="base")
        by_name = keras.Model(base.input, base.get_layer("hidden").output, name="by_name")
        by_index = keras.Model(base.inputs, base.get_layer(index=1).output, name="by_index")
        by_list = keras.Model(base.input, base.layers[-1].output, name="by_list")
        whole = keras.Model(base.inputs, base.outputs, name="whole")
        called = keras.Model(inputs, base(inputs), name="called")
        widened = keras.Model(inputs, layers.Dense(base.output_shape[-1] * 3)(out), name="widened")
    """)
    assert models["widened"]["layers"][-1]["output_shape"] == [None, 6]
    assert [r["name"] for r in models["by_name"]["layers"]] == ["input_layer", "hidden"]
    assert [r["name"] for r in models["by_index"]["layers"]] == ["input_layer", "hidden"]
    assert models["by_list"]["total_params"] == 136 + 18
    assert models["whole"]["total_params"] == 136 + 18
    assert [r["class"] for r in models["called"]["layers"]] == ["InputLayer", "Functional"]
    assert models["called"]["layers"][1]["output_shape"] == [None, 2]


def test_freezing_a_model_freezes_it_where_it_is_a_layer() -> None:
    models = _json("""
        import keras
        from keras import layers
        inputs = keras.Input((4,))
        base = keras.Model(inputs, layers.BatchNormalization()(layers.Dense(3)(inputs)), name="base")
        base.trainable = False
        base.layers[-1].trainable = True
        x = keras.Input((4,))
        top = keras.Model(x, layers.Dense(1)(base(x)), name="top")
    """)
    base, top = models["base"], models["top"]
    # Keras: a model whose own flag is off has no trainable weights, whatever its layers say.
    assert (base["trainable_params"], base["non_trainable_params"]) == (0, 15 + 12)
    assert base["layers"][-1]["trainable_params"] == 6  # the layer itself was unfrozen
    assert (top["layers"][1]["trainable_params"], top["layers"][1]["non_trainable_params"]) == (0, 27)
    # ...but the model that holds it counts by each weight's own flag: the unfrozen layer's gamma and beta.
    assert (top["trainable_params"], top["non_trainable_params"]) == (4 + 6, 27 - 6)


# -- --confirm --------------------------------------------------------------------------


def test_confirm_reports_nothing_to_compare_rather_than_a_pass(keras) -> None:
    from layerlint.confirm.compare import confirm_models

    (sm,) = _analysis("""
        import keras
        model = keras.Sequential([keras.Input((4,))])
    """).models
    (result,) = confirm_models([sm])
    assert result.status == "nothing-to-compare"
    assert result.render().startswith("nothing to compare")


def test_confirm_suggests_assume_only_for_free_names(keras) -> None:
    from layerlint.confirm.compare import confirm_models

    computed, named = _analysis("""
        import keras
        from keras import layers
        vocab = open("vocab.txt").read().split()
        a = keras.Sequential([keras.Input((10,)), layers.Embedding(len(vocab), 8)])
        b = keras.Sequential([keras.Input((10,)), layers.Embedding(config.vocab_size, 8)])
    """).models
    (r1,) = confirm_models([computed])
    assert r1.status == "not-confirmable" and "--assume" not in r1.reason
    assert "`len(vocab)`, which layerlint cannot compute" in r1.reason
    (r2,) = confirm_models([named])
    assert "`config.vocab_size` (pass --assume NAME=VALUE)" in r2.reason


# -- Keras' automatic model names ----------------------------------------------------------

NAMES = """
import keras
from keras import layers
a = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
b = keras.Sequential()
b.add(layers.Dense(3))
i = keras.Input((4,))
m = keras.Model(i, layers.Dense(2)(i))
aug = keras.Sequential([layers.RandomFlip()])
y = aug(keras.Input((8, 8, 3)))
m2 = keras.Model(i, a(i))
s3 = keras.Sequential([keras.Input((4,)), layers.Dense(2)], name="named")
m3 = keras.Model(m.input, m.layers[1].output)
grown = keras.Sequential()
grown.add(keras.Input((4,)))
grown.add(layers.Dense(2))
grown.add(layers.Dense(2))
legacy = keras.Sequential([layers.Dense(2, input_shape=(4,)), layers.Dense(1)])
stacked = keras.Sequential([a, keras.Sequential([layers.Dense(5)])])
for k in range(2):
    looped = keras.Sequential([keras.Input((3,)), layers.Dense(k + 1)])
keras.backend.clear_session()
fresh = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
after = keras.Model(fresh.inputs, fresh.outputs)
"""


def test_automatic_model_names_are_keras_own(keras, tmp_path, monkeypatch) -> None:
    # Each Sequential build makes an unnamed Functional, which takes a `functional` number.
    from tests.keras_fixtures import record_models

    monkeypatch.chdir(tmp_path)
    (tmp_path / "names.py").write_text(NAMES)
    theirs = sorted((r["line"], r["name"]) for r in record_models("names.py"))
    ours = sorted((sm.model.span.line, sm.name) for sm in analyze_text(NAMES, "names.py").models)
    assert ours == theirs
    assert ("sequential", "functional_1") == (theirs[0][1], theirs[2][1])  # the test sees what it means to


# -- Sequentials without a declared input ---------------------------------------------------


def test_a_sequential_never_called_still_counts_what_does_not_depend_on_its_input() -> None:
    (model,) = _json("""
        import keras
        from keras import layers
        pipeline = keras.Sequential([layers.Rescaling(1 / 255), layers.RandomFlip(), layers.Embedding(100, 8),
                                     layers.Dense(4)], name="pipeline")
    """).values()
    rows = {r["class"]: r for r in model["layers"]}
    assert [rows[c]["params"] for c in ("Rescaling", "RandomFlip", "Embedding")] == [0, 0, 800]
    assert rows["Dense"]["params"] is None  # its kernel is sized by the input
    assert all(r["status"] == "unknown" and r["output_shape"] is None for r in model["layers"])


def test_a_sequential_takes_the_shapes_of_its_first_call() -> None:
    # Keras builds it at the first call; a later call on other sizes does not rebuild it.
    models = _json("""
        import keras
        from keras import layers
        shared = keras.Sequential([layers.Conv2D(4, 3), layers.GlobalAveragePooling2D()], name="shared")
        def head(size):
            x = keras.Input((size, size, 3))
            return keras.Model(x, shared(x), name=f"head{size}")
        big = head(64)
        small = head(32)
    """)
    assert models["shared"]["layers"][0]["output_shape"] == [None, 62, 62, 4]


def test_a_sequential_first_called_on_an_input_of_unknown_size_names_it_as_the_caller_wrote_it() -> None:
    # keras-io's gnn_citations: Keras builds the block on (None, len(feature_names)); what does
    # not depend on that size is known (BatchNormalization of 32: 4*32, Dense(32) on 32: 32*32 + 32).
    models = _json("""
        import keras
        from keras import layers
        feature_names = sorted(set(open("features.txt").read().split()))
        def create_ffn(name):
            return keras.Sequential([layers.BatchNormalization(), layers.Dense(32),
                                     layers.BatchNormalization(), layers.Dense(32)], name=name)
        inputs = keras.Input(shape=(len(feature_names),))
        model = keras.Model(inputs, create_ffn("block")(inputs))
    """)
    rows = models["block"]["layers"]
    assert rows[0]["output_shape"] == [None, "len(feature_names)"]
    assert [(r["output_shape"], r["params"]) for r in rows[1:]][1:] == [([None, 32], 128), ([None, 32], 1056)]
    assert rows[1]["output_shape"] == [None, 32]


def test_an_item_that_is_not_a_layer_is_named_by_its_source() -> None:
    (model,) = _json("""
        import keras
        class Trainer(keras.Model):
            pass
        bm = Trainer()
        clf = keras.Sequential([bm.model, keras.layers.Dense(10)], name="clf")
    """).values()
    assert model["layers"][0]["class"] == "bm.model"
    assert model["layers"][0]["reason"] == "`bm.model` is not a layer layerlint can follow"


BLOCK_ON_A_NEW_SHAPE = """
    import keras
    from keras import layers


    class TokenScale(layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.scale{extra}


    def block(dim):
        inputs = keras.Input((None, dim))
        x = layers.Dense(dim)(inputs)
        x = TokenScale()(x)
        return keras.Model(inputs, layers.Dense(4)(x), name="block")


    blk = block(8)
    inputs = keras.Input((5, 8))
    model = keras.Model(inputs, blk(inputs), name="outer")
"""


def test_a_model_built_when_made_keeps_all_its_weights_on_a_new_shape(keras) -> None:
    # cait's blocks: made on Input((None, 192)), called on (2, 196, 192); the custom layer inside
    # is followed again on the new shape (its call() runs at every call), its weights the first
    # call's: the row once showed only the 768 weights of the rows followed, Keras 445,288
    source = textwrap.dedent(BLOCK_ON_A_NEW_SHAPE.format(extra=""))
    outer = _json(source)["outer"]
    row = next(r for r in outer["layers"] if r["name"] == "block")
    assert row["status"] == "ok"
    namespace: dict = {}
    keras.backend.clear_session()
    exec(compile(source, "block.py", "exec"), namespace)  # our own test program, not user code
    model = namespace["model"]
    assert row["output_shape"] == list(model.output.shape) == [None, 5, 4]
    assert row["params"] == model.get_layer("block").count_params() == 116
    assert outer["total_params"] == model.count_params()


def test_a_part_of_a_models_weights_is_never_shown_as_its_count(keras) -> None:
    # the block's own graph is not followed (a length read from the tensor and cast, None there):
    # its count once showed the 72 weights of the one Dense followed; the call on (None, 5, 8) is
    # followed, so it is Keras' count, the row still unknown as the block's own output is
    source = textwrap.dedent(BLOCK_ON_A_NEW_SHAPE.format(extra=' / keras.ops.cast(keras.ops.shape(x)[1], "float32")'))
    outer = _json(source)["outer"]
    row = next(r for r in outer["layers"] if r["name"] == "block")
    namespace: dict = {}
    keras.backend.clear_session()
    exec(compile(source, "block.py", "exec"), namespace)  # our own test program, not user code
    assert row["status"] == "unknown" and row["params"] == namespace["model"].get_layer("block").count_params()
    assert outer["complete"] is False


def test_the_input_of_an_input_layer_found_by_name_is_empty_in_keras_3() -> None:
    # Keras 3.15: model.get_layer("image").input is [] and keras.Model([], out) raises
    # "ValueError: `inputs` argument cannot be empty"; its .output is the Input.
    models = _json("""
        import keras
        from keras import layers
        image = keras.Input(shape=(8,), name="image")
        trainer = keras.Model(image, layers.Dense(3, name="dense2")(image), name="trainer")
        by_output = keras.Model(trainer.get_layer(name="image").output, trainer.get_layer("dense2").output,
                                name="by_output")
        by_input = keras.Model(trainer.get_layer(name="image").input, trainer.get_layer("dense2").output,
                               name="by_input")
    """)
    assert models["by_output"]["complete"]
    assert [r["output_shape"] for r in models["by_output"]["layers"]] == [[None, 8], [None, 3]]
    (row,) = models["by_input"]["layers"]
    assert row["status"] == "opaque" and "empty, which Keras 3 refuses" in row["reason"]


EMPTY_INPUTS = """
import keras
from keras import layers
image = keras.Input(shape=(8,), name="image")
trainer = keras.Model(image, layers.Dense(3, name="dense2")(image), name="trainer")
prediction = keras.Model(trainer.get_layer(name="image").input, trainer.get_layer("dense2").output)
"""


def test_a_model_keras_3_refuses_for_its_empty_inputs_is_a_finding(keras) -> None:
    # keras-io handwriting_recognition.py line 502: the script stops there under Keras 3
    with pytest.raises(ValueError, match="`inputs` argument cannot be empty"):
        keras.backend.clear_session()
        exec(compile(EMPTY_INPUTS, "empty.py", "exec"), {})  # our own test program, not user code
    found = [(d.code, d.line, d.message) for d in check_analysis(analyze_text(EMPTY_INPUTS, "empty.py"), CheckSettings())]
    assert [(c, line) for c, line, _ in found] == [("LL105", 6)]
    assert "`inputs` argument cannot be empty" in found[0][2] and "trainer.get_layer(name=\"image\").input" in found[0][2]


def test_tf_keras_takes_an_input_layers_input_so_nothing_is_reported(keras) -> None:
    tf_keras = pytest.importorskip("tf_keras")
    namespace: dict = {}
    source = EMPTY_INPUTS.replace("import keras\nfrom keras import layers", "import tf_keras as keras\nfrom tf_keras import layers")
    tf_keras.backend.clear_session()
    exec(compile(source, "empty.py", "exec"), namespace)  # our own test program, not user code
    fa = analyze_text(EMPTY_INPUTS, "empty.py", keras_version=2)
    assert [d.code for d in check_analysis(fa, CheckSettings())] == []
    ours = {sm.name: sm for sm in fa.models}[namespace["prediction"].name]
    assert ours.total_params == namespace["prediction"].count_params() == 27
