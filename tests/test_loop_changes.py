"""What a loop of unknown count changes in place is unknown after it.

The interpreter follows such a loop once.  The lists it appends to were forgotten only when that
one pass reached the append and a name held the list itself, so:

- ``rows.append(r)`` after a ``continue`` taken on the first line of a file (keras-io's
  imbalanced_classification.py) left ``rows == []``;
- ``d["ids"].append(v)`` (keras-io's text_extraction_with_bert.py) left ``len(d["ids"]) == 1``;
- a list of the file's own records (``examples.append(Example(line))``) kept its one element.

With ``np.array`` of a list followed (tests/test_numpy_literals.py), each became a wrong shape and a
false LL601.  Layers a loop makes keep the one pass's structure, as before.
"""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text
from layerlint.report.summary import model_json
from layerlint.runner.check import CheckSettings, check_analysis

from tests.live_rows import our_models, our_rows


def first_dense_params(source: str) -> object:
    rows = our_rows(textwrap.dedent(source))
    return next(r["params"] for r in rows if r["name"].startswith("dense"))


def test_an_append_the_one_pass_skips_is_still_a_change() -> None:
    params = first_dense_params("""\
        import keras
        import numpy as np
        rows = []
        with open("data.csv") as f:
            for i, line in enumerate(f):
                if i == 0:
                    continue  # the header
                rows.append([float(v) for v in line.split(",")])
        X = np.array(rows, dtype="float32")
        model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(2)])
    """)
    assert params == "2*X.shape[1] + 2"


def test_a_list_changed_through_its_container() -> None:
    params = first_dense_params("""\
        import keras
        d = {"ids": []}
        for line in open("x.txt"):
            d["ids"].append(line)
        model = keras.Sequential([keras.Input((len(d["ids"]),)), keras.layers.Dense(2)])
    """)
    assert params == '2*len(d["ids"]) + 2'  # was 4: len 1, from the one pass


def test_records_of_the_files_own_class() -> None:
    params = first_dense_params("""\
        import keras

        class Example:
            def __init__(self, text):
                self.text = text
                self.ids = [1, 2, 3]

        examples = []
        for line in open("x.txt"):
            examples.append(Example(line))
        model = keras.Sequential([keras.Input((len(examples),)), keras.layers.Dense(2)])
    """)
    assert params == "2*len(examples) + 2"  # was 4


def test_no_false_finding_on_data_built_in_such_a_loop() -> None:
    source = textwrap.dedent("""\
        import keras
        import numpy as np

        def to_arrays(examples):
            feats = {"ids": [], "mask": []}
            for ex in examples:
                if ex.skip == False:
                    for key in feats:
                        feats[key].append(getattr(ex, key))
            for key in feats:
                feats[key] = np.array(feats[key])
            return [feats["ids"], feats["mask"]]

        x = to_arrays(load_examples())
        ids, mask = keras.Input((384,)), keras.Input((384,))
        model = keras.Model([ids, mask], keras.layers.Dense(1)(keras.layers.Concatenate()([ids, mask])))
        model.compile(loss="mse")
        model.fit(x, np.zeros((10, 1)))
    """)
    assert not [d for d in check_analysis(analyze_text(source, "t.py"), CheckSettings(select=["LL6"]))]


def test_a_known_loop_is_still_followed_exactly() -> None:
    params = first_dense_params("""\
        import keras
        sizes = []
        for k in range(3):
            sizes.append(k)
        model = keras.Sequential([keras.Input((len(sizes),)), keras.layers.Dense(2)])
    """)
    assert params == 8  # 3*2 + 2


def all_rows(source: str) -> list[dict]:
    return [r for sm in our_models(textwrap.dedent(source)) for r in model_json(sm, "prog.py")["layers"]]


def test_layers_collected_by_the_loop_are_not_one_pass_of_them() -> None:
    """Keras makes one Dense per pass, int(input()) of them: the list's one Dense is not the model's only
    one (that showed a complete model of 16 params); its row says the loop made it."""
    rows = all_rows("""\
        import keras
        blocks = []
        for _ in range(int(input())):
            blocks.append(keras.layers.Dense(4))
        model = keras.Sequential([keras.Input((3,)), *blocks])
    """)
    assert [(r["class"], r["status"], r["params"]) for r in rows] == [("Dense", "opaque", None)]
    assert rows[0]["reason"] == "made in the loop `for _ in range(int(input()))`, whose count is not known"


def test_layers_collected_by_the_loop_and_called_after_it() -> None:
    rows = all_rows("""\
        import keras
        blocks = []
        for _ in range(int(input())):
            blocks.append(keras.layers.Dense(4))
        inputs = keras.Input((3,))
        x = inputs
        for block in blocks:
            x = block(x)
        model = keras.Model(inputs, x)
    """)
    assert [(r["class"], r["status"]) for r in rows] == [("InputLayer", "ok"), ("Dense", "opaque")]
    assert "for _ in range(int(input()))" in rows[1]["reason"]


def test_a_list_of_outputs_keeps_what_was_made_before_the_loop() -> None:
    """Advanced Deep Learning with Keras' features_pyramid: outputs = [x], then one pyramid level per
    pass of a loop of unknown count; the backbone before the loop stays numeric."""
    rows = all_rows("""\
        import keras
        inputs = keras.Input((32, 32, 3))
        x = keras.layers.Conv2D(8, 3)(inputs)
        outputs = [x]
        for _ in range(int(input())):
            x = keras.layers.Conv2D(8, 3, strides=2)(x)
            outputs.append(x)
        model = keras.Model(inputs, outputs)
    """)
    assert [(r["class"], r["status"], r["params"]) for r in rows] == [
        ("InputLayer", "ok", 0), ("Conv2D", "ok", 224), ("Conv2D", "opaque", None)]  # 3*3*3*8 + 8


def test_tensors_collected_by_the_loop_leave_the_concatenation_unknown() -> None:
    rows = all_rows("""\
        import keras
        inputs = keras.Input((3,))
        heads = []
        for _ in range(int(input())):
            heads.append(keras.layers.Dense(1)(inputs))
        model = keras.Model(inputs, keras.layers.Concatenate()(heads))
    """)
    assert [(r["class"], r["status"], r["output_shape"]) for r in rows] == [
        ("InputLayer", "ok", [None, 3]), ("Dense", "opaque", None), ("Concatenate", "unknown", None)]  # was (None, 1)


def test_what_keras_utilities_return_is_data_too() -> None:
    """keras-io's object_detection_using_vision_transformer.py: images loaded in a loop over the files of
    a folder, split 80/20 by len(images); the one pass left `images` one image long, so the training
    part was empty (`images[:int(1 * 0.8)]`) and fit() seemed to get samples of shape ()."""
    source = textwrap.dedent("""\
        import os
        import keras
        import numpy as np

        paths = [f for f in os.listdir("images")]
        images, targets = [], []
        for i in range(0, len(paths)):
            image = keras.utils.load_img(paths[i]).resize((224, 224))
            images.append(keras.utils.img_to_array(image))
            targets.append((0.1, 0.2, 0.3, 0.4))
        x_train = np.asarray(images[: int(len(images) * 0.8)])
        y_train = np.asarray(targets[: int(len(targets) * 0.8)])
        inputs = keras.Input((224, 224, 3))
        model = keras.Model(inputs, keras.layers.Dense(4)(keras.layers.GlobalAveragePooling2D()(inputs)))
        model.compile(loss="mse")
        model.fit(x_train, y_train)
    """)
    assert not check_analysis(analyze_text(source, "t.py"), CheckSettings(select=["LL6"]))


def test_setting_elements_of_an_array_keeps_its_shape() -> None:
    """Deep Learning with Python's multi-hot encoding (chapters 4 and 5, both editions): `results[i, j] = 1.`
    in a loop over the reviews changes values, not the (len(sequences), 10000) shape fit() builds on."""
    rows = our_rows(textwrap.dedent("""\
        import json
        import numpy as np
        import keras

        def vectorize_sequences(sequences, dimension=10000):
            results = np.zeros((len(sequences), dimension))
            for i, sequence in enumerate(sequences):
                for j in sequence:
                    results[i, j] = 1.
            return results

        train_data = json.load(open("reviews.json"))
        x_train = vectorize_sequences(train_data)
        model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy")
        model.fit(x_train, np.zeros((len(train_data),)), epochs=1, batch_size=512)
    """))
    assert [r["params"] for r in rows] == [10000 * 16 + 16, 16 + 1]


def test_layers_added_in_such_a_loop_are_not_counted_once() -> None:
    """`for _ in range(n): model.add(Dense(4))` and `x = Dense(4)(x)` with n unknown: Keras makes n
    layers, so the one pass's Dense is opaque ("made in the loop ..."), never one Dense of 16 params
    shown as the whole model."""
    (seq,) = analyze_text(textwrap.dedent("""\
        import keras
        model = keras.Sequential([keras.Input((3,))])
        for _ in range(int(input())):
            model.add(keras.layers.Dense(4))
    """), "t.py").models
    assert [(r.status, r.reason) for r in seq.layers] == [
        ("opaque", "added in the loop `for _ in range(int(input()))`, whose count is not known")]
    assert not seq.complete
    (chain,) = analyze_text(textwrap.dedent("""\
        import keras
        inp = keras.Input((3,))
        x = inp
        for _ in range(int(input())):
            x = keras.layers.Dense(4)(x)
        model = keras.Model(inp, keras.layers.Dense(1)(x))
    """), "t.py").models
    assert [(r.cls, r.status) for r in chain.layers] == [("InputLayer", "ok"), ("Dense", "opaque"), ("Dense", "unknown")]
    assert chain.layers[1].reason == "made in the loop `for _ in range(int(input()))`, whose count is not known"


def test_a_model_made_in_the_loop_keeps_what_each_pass_adds() -> None:
    rows = our_rows(textwrap.dedent("""\
        import keras
        for line in open("configs.txt"):
            model = keras.Sequential([keras.Input((3,))])
            model.add(keras.layers.Dense(4))
    """))
    assert [(r["name"], r["params"]) for r in rows] == [("dense", 16)]


def test_both_branches_of_an_undecided_if_elif_are_conditional() -> None:
    """pspnet's ResNet(inp, layers) builds its stage 4 under `if layers == 50:` / `elif layers == 101:`. With
    `layers` unknown, the rows of the first branch were shown as built (marking stopped at the second
    branch's rows, marked first), and counted in the totals."""
    (sm,) = analyze_text(textwrap.dedent("""\
        import keras
        from keras import layers

        def build(inp, depth):
            x = layers.Dense(4)(inp)
            if depth == 50:
                x = layers.Dense(5)(x)
                for i in range(2):
                    x = layers.Dense(6)(x)
            elif depth == 101:
                x = layers.Dense(7)(x)
            else:
                print("not implemented")
            return layers.Dense(8)(x)

        inp = keras.Input((3,))
        model = keras.Model(inp, build(inp, int(input())))
    """), "t.py").models
    assert [(r.span.line, r.status, r.reason) for r in sm.layers[2:5]] == [
        (line, "opaque", "made only if `depth == 50`, which cannot be decided") for line in (7, 9, 9)]
    assert sm.layers[5].reason == "made only if `depth == 101`, which cannot be decided"
    assert sm.total_params == 16  # the first Dense alone: 3*4 + 4
