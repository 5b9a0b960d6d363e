"""keras.applications: the shipped table, the input checks Keras makes, and the table against live Keras.

The numbers asserted without Keras are Keras' published counts (MobileNetV2 at
96x96: 2,257,984 params; ResNet50 without its top: 23,587,712) or worked out by
hand from Keras' arithmetic.  ``test_table_is_live_keras`` rebuilds a subset of
the constructors in the installed Keras (at the default size, an odd size and a
non-square size, with and without the top) and fails when Keras and the table
disagree; ``python tests/applications_table.py --check`` does it for all of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from layerlint.engine.applications.configure import configure
from layerlint.engine.applications.predict import predict
from layerlint.engine.applications.table import _table, find_entry
from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.report.summary import model_json
from layerlint.runner.pipeline import analyze_path

# Every constructor keras.applications exports in Keras 3.
CONSTRUCTORS = sorted(
    [f"ConvNeXt{s}" for s in ("Tiny", "Small", "Base", "Large", "XLarge")]
    + [f"DenseNet{n}" for n in (121, 169, 201)]
    + [f"EfficientNetB{i}" for i in range(8)]
    + [f"EfficientNetV2{s}" for s in ("B0", "B1", "B2", "B3", "S", "M", "L")]
    + ["InceptionResNetV2", "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Small", "MobileNetV3Large",
       "NASNetMobile", "NASNetLarge", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2",
       "ResNet152V2", "VGG16", "VGG19", "Xception"]
)


def _params(weights: list) -> int:
    total = 0
    for w in weights:
        n = 1
        for d in w[:-1]:
            n *= d
        total += n
    return total


def _entry(ctor: str, **variant) -> dict:
    entry, why = find_entry(ctor, variant)
    assert entry is not None, why
    return entry


def test_every_constructor_is_in_the_table() -> None:
    assert sorted(_table()["applications"]) == CONSTRUCTORS
    assert all(_table()["applications"][c] for c in CONSTRUCTORS)


def test_mobilenetv2_at_96_is_keras_published_row() -> None:
    got = predict(_entry("MobileNetV2"), {"input_shape": (96, 96, 3), "include_top": False, "weights": "imagenet"})
    assert got["name"] == "mobilenetv2_1.00_96"
    assert got["output"] == [None, 3, 3, 1280]
    assert _params(got["weights"]) == 2_257_984


def test_resnet50_odd_size_by_hand() -> None:
    # conv1: pad 3 -> 71, 7x7/2 valid -> 33; pool: pad 1 -> 35, 3x3/2 -> 17; then 1x1/2 valid
    # convs: (17-1)//2+1 = 9, 5, 3.  Params do not depend on the size.
    got = predict(_entry("ResNet50"), {"input_shape": (65, 65, 3), "include_top": False, "weights": None})
    assert got["output"] == [None, 3, 3, 2048]
    assert _params(got["weights"]) == 23_587_712


def test_pooling_and_classes() -> None:
    got = predict(_entry("ResNet50"), {"input_shape": (65, 65, 3), "include_top": False, "pooling": "avg"})
    assert got["output"] == [None, 2048]
    top = predict(_entry("ResNet50"), {"weights": None, "classes": 10})
    assert top["output"] == [None, 10]
    assert _params(top["weights"]) == 23_587_712 + 2048 * 10 + 10


def test_vgg16_top_at_another_size_flattens_what_is_there() -> None:
    # 64x64 halves five times to 2x2: fc1 sees 2*2*512 = 2048 features.
    top = predict(_entry("VGG16"), {"weights": None, "input_shape": (64, 64, 3), "classes": 7})
    notop = 14_714_688
    assert _params(top["weights"]) == notop + 2048 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 7 + 7


def test_input_size_left_open() -> None:
    got = predict(_entry("MobileNetV2"), {"include_top": False, "weights": "imagenet"})
    assert got["output"] == [None, None, None, 1280]
    assert got["name"] == "mobilenetv2_1.00_224"  # ImageNet weights fall back to the 224 model's name
    assert predict(_entry("MobileNetV2"), {"include_top": False, "weights": None})["name"] == "mobilenetv2_1.00_None"


@pytest.mark.parametrize("kw, message", [
    ({"input_shape": (20, 20, 3), "include_top": False}, "Input size must be at least 32x32"),
    ({"input_shape": (96, 96, 1), "include_top": False}, "The input must have 3 channels"),
    ({"input_shape": (96, 96, 3)}, "`input_shape` should be (224, 224, 3)"),
    ({"classes": 10}, "`classes` should be 1000"),
    ({"input_shape": (None, None, 3), "weights": None}, "you should specify a static `input_shape`"),
])
def test_keras_input_checks(kw: dict, message: str) -> None:
    with pytest.raises(ShapeError) as e:
        configure(_entry("ResNet50"), kw)
    assert message in e.value.message


def test_inception_minimum_is_75() -> None:
    with pytest.raises(ShapeError, match="at least 75x75"):
        configure(_entry("InceptionV3"), {"input_shape": (74, 80, 3), "include_top": False})
    configure(_entry("InceptionV3"), {"input_shape": (75, 75, 3), "include_top": False})


def test_not_recorded_is_unknown_not_guessed() -> None:
    assert find_entry("MobileNetV2", {"alpha": 0.6})[0] is None
    with pytest.raises(Unanalysable):  # first-layer weights depend on the channels: not in the table
        configure(_entry("ResNet50"), {"input_shape": (64, 64, 1), "include_top": False, "weights": None})


def test_backbone_is_one_row_and_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.py").write_text(
        "import keras\nfrom keras import layers\n"
        "base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights='imagenet')\n"
        "base.trainable = False\n"
        "inputs = keras.Input((96, 96, 3))\n"
        "x = keras.applications.mobilenet_v2.preprocess_input(inputs)\n"
        "x = base(x, training=False)\n"
        "x = layers.GlobalAveragePooling2D()(x)\n"
        "model = keras.Model(inputs, layers.Dense(5)(x))\n")
    monkeypatch.chdir(tmp_path)
    fa = analyze_path("m.py")
    [doc] = [model_json(sm, fa.path) for sm in fa.models]
    rows = [(r["name"], r["class"], r["output_shape"], r["params"], r["trainable_params"]) for r in doc["layers"]]
    assert rows[1:4] == [("true_divide", "TrueDivide", [None, 96, 96, 3], 0, 0),
                         ("subtract", "Subtract", [None, 96, 96, 3], 0, 0),
                         ("mobilenetv2_1.00_96", "Functional", [None, 3, 3, 1280], 2_257_984, 0)]


def test_unknown_argument_stays_opaque_with_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.py").write_text(
        "import keras\n"
        "base = keras.applications.ResNet50(include_top=False, input_shape=(size, size, 3))\n"
        "inputs = keras.Input((224, 224, 3))\n"
        "model = keras.Model(inputs, base(inputs))\n")
    monkeypatch.chdir(tmp_path)
    fa = analyze_path("m.py")
    [doc] = [model_json(sm, fa.path) for sm in fa.models]
    assert doc["layers"][1]["status"] == "opaque"
    assert "input_shape=(size, size, 3) is not known" in doc["layers"][1]["reason"]


# -- the table against the installed Keras ------------------------------------------------
# A subset keeps CI fast (each is built four times, without allocating weights); together they
# cover every spatial rule: correct_pad (MobileNetV2, EfficientNetB0), cropping (NASNetMobile),
# nested Sequentials (ConvNeXtTiny), a Flatten top (VGG16), Inception's valid convolutions.
LIVE = [("MobileNetV2", {"alpha": 0.35}), ("ResNet50V2", {}), ("VGG16", {}), ("EfficientNetB0", {}),
        ("ConvNeXtTiny", {}), ("NASNetMobile", {}), ("InceptionV3", {}), ("MobileNetV3Small", {"alpha": 1.0})]


@pytest.mark.parametrize("ctor, variant", LIVE, ids=[c for c, _ in LIVE])
def test_table_is_live_keras(keras, ctor: str, variant: dict) -> None:
    from tests.applications_table import record

    entry, problems = record(ctor, variant)
    assert not problems, "\n".join(problems)
    stored = next(e for e in _table()["applications"][ctor] if e["variant"] == variant)
    assert entry == stored, f"the shipped table differs from Keras {keras.__version__}: run python tests/applications_table.py"


def test_freezing_loop_by_layer_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """keras-io's unfreeze(): model.layers starts with the InputLayer, whose name is known too.
    Keras 3.15 counts 1,963,651 trainable params for this model."""
    (tmp_path / "m.py").write_text(
        "import keras\nfrom keras import layers\n"
        "inputs = layers.Input(shape=(96, 96, 3))\n"
        "base = keras.applications.MobileNetV2(include_top=False, weights='imagenet', input_tensor=inputs)\n"
        "base.trainable = False\n"
        "x = layers.GlobalAveragePooling2D(name='avg_pool')(base.output)\n"
        "model = keras.Model(inputs, layers.Dense(3, activation='softmax')(x))\n"
        "set_trainable = False\n"
        "for layer in model.layers:\n"
        "    if 'block_10' in layer.name:\n"
        "        set_trainable = True\n"
        "    if set_trainable and not isinstance(layer, layers.BatchNormalization):\n"
        "        layer.trainable = True\n")
    monkeypatch.chdir(tmp_path)
    fa = analyze_path("m.py")
    [doc] = [model_json(sm, fa.path) for sm in fa.models]
    assert (doc["total_params"], doc["trainable_params"]) == (2_261_827, 1_963_651)


def test_lambda_of_preprocess_input_keeps_the_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """keras-io's KID encoder; Keras 3.15: lambda (None, 75, 75, 3), inception_v3 21,802,784 params."""
    (tmp_path / "m.py").write_text(
        "import keras\nfrom keras import layers\n"
        "encoder = keras.Sequential([keras.Input((64, 64, 3)), layers.Resizing(75, 75),\n"
        "    layers.Lambda(keras.applications.inception_v3.preprocess_input),\n"
        "    keras.applications.InceptionV3(include_top=False, input_shape=(75, 75, 3), weights='imagenet'),\n"
        "    layers.GlobalAveragePooling2D()])\n")
    monkeypatch.chdir(tmp_path)
    fa = analyze_path("m.py")
    [doc] = [model_json(sm, fa.path) for sm in fa.models]
    rows = [(r["class"], r["output_shape"], r["params"]) for r in doc["layers"]]
    assert rows[1:3] == [("Lambda", [None, 75, 75, 3], 0), ("Functional", [None, 1, 1, 2048], 21_802_784)]


# -- an application the file uses as it is ---------------------------------------------------
# Hvass-Labs' and t81_558's notebooks, keras-io's grad_cam: `model = VGG16(...)`, then `model.summary()` or
# `model.predict(x)`; the table rows are Keras' (test_table_is_live_keras), the published MobileNetV2 count below.
@pytest.mark.parametrize("use", ["model.summary()", "model.predict(x)", "model.compile(loss='mse')"])
def test_an_application_used_as_it_is_is_the_files_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         use: str) -> None:
    (tmp_path / "m.py").write_text(
        "import numpy as np\nimport keras\n"
        "model = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights='imagenet')\n"
        f"x = np.zeros((1, 96, 96, 3))\n{use}\n")
    monkeypatch.chdir(tmp_path)
    fa = analyze_path("m.py")
    [doc] = [model_json(sm, fa.path) for sm in fa.models]
    assert (doc["name"], doc["line"], doc["total_params"], doc["complete"]) == ("mobilenetv2_1.00_96", 3, 2_257_984, True)
    assert doc["layers"][0]["name"] == "input_layer"


def test_an_application_made_and_not_used_is_not_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.py").write_text(
        "import keras\nbase = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False)\n")
    monkeypatch.chdir(tmp_path)
    assert analyze_path("m.py").models == []


def test_an_applications_input_layer_takes_its_name_used_or_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keras makes the application's InputLayer when it is constructed: the file's own Input after it is
    input_layer_1 (Keras 3.15.1), whether or not any model uses the application."""
    from tests.live_rows import rows_as_keras

    rows = rows_as_keras(tmp_path, monkeypatch, (
        "import keras\n"
        "base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None)\n"
        "inputs = keras.Input((4,))\n"
        "model = keras.Model(inputs, keras.layers.Dense(2)(inputs))\n"))
    assert [r["name"] for r in rows] == ["input_layer_1", "dense"]
