"""Totals of a model with rows not analysed: a partial sum of the rows that were, or ``?`` when
those hold no weights at all, since a count of 0 is not what Keras would print for such a model.
An unbuilt subclassed model's 0 is Keras' own (keras 3.15.1: "Total params: 0 (0.00 B)")."""

from __future__ import annotations

import json
from pathlib import Path

from layerlint.report.summary import model_json, render_summary
from layerlint.runner.pipeline import analyze_path

LOADED_THEN_DENSE = """
import keras
from keras import layers
base = keras.models.load_model("m.keras")
model = keras.Sequential([base, layers.Dropout(0.5), layers.Dense(int(input()))])
"""

PARTLY_KNOWN = """
import keras
from keras import layers
inputs = keras.Input((8,))
x = layers.Dense(4)(inputs)
x = keras.models.load_model("head.keras")(x)
model = keras.Model(inputs, x)
"""

UNBUILT_SUBCLASS = """
import keras
from keras import layers

class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8)

    def call(self, x):
        return self.hidden(x)

model = Classifier()
model.summary()
"""


def _only_model(tmp_path: Path, source: str):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    fa = analyze_path(str(path))
    assert len(fa.models) == 1, fa.problems
    return fa.models[0], str(path)


def _totals(text: str) -> list[str]:
    return [line for line in text.splitlines() if "params:" in line]


def test_rows_not_analysed_and_no_weights_counted_give_unknown_totals(tmp_path: Path) -> None:
    sm, path = _only_model(tmp_path, LOADED_THEN_DENSE)
    text = render_summary(sm, path)
    assert _totals(text) == ["Total params: ?", "Trainable params: ?", "Non-trainable params: ?"]
    assert "Totals unknown" in text
    doc = json.loads(json.dumps(model_json(sm, path)))
    assert (doc["total_params"], doc["trainable_params"], doc["non_trainable_params"]) == (None, None, None)
    assert doc["complete"] is False


def test_a_partial_sum_of_known_weights_is_kept_with_its_caveat(tmp_path: Path) -> None:
    sm, path = _only_model(tmp_path, PARTLY_KNOWN)
    text = render_summary(sm, path)
    assert _totals(text)[0] == "Total params: 36 (144.00 B)"  # Dense(4) on 8 features: 8*4 + 4
    assert "Totals cover only the layers that could be analysed." in text
    assert model_json(sm, path)["total_params"] == 36


def test_an_unbuilt_model_keeps_keras_zero(tmp_path: Path) -> None:
    sm, path = _only_model(tmp_path, UNBUILT_SUBCLASS)
    text = render_summary(sm, path)
    assert _totals(text)[0] == "Total params: 0 (0.00 B)"
    assert "Totals unknown" not in text
