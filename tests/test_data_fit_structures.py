"""How the LL6xx rules match arrays with a model's inputs and outputs when Keras' own
matching cannot be followed: they stay silent rather than pair arrays by guess.
What Keras does with the structures they do follow is recorded in fixtures/rules/LL60x.keras.json."""

from __future__ import annotations

import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

TWO_INPUTS = """
import numpy as np
from keras import Input, Model, layers
a, b = Input((4,){name_a}), Input((3,){name_b})
model = Model({inputs}, layers.Dense(1, activation="sigmoid")(layers.Concatenate()([a, b])))
model.compile(optimizer="adam", loss="binary_crossentropy")
"""


def findings(source: str) -> list[str]:
    text = textwrap.dedent(source)
    diags = check_analysis(analyze_text(text, "t.py"), CheckSettings(select=["LL6"]))
    return [f"{d.line}: {d.code} {d.message}" for d in diags]


def two_inputs(fit: str, names: bool = True, inputs: str = "[a, b]") -> str:
    return TWO_INPUTS.format(name_a=', name="a"' if names else "", name_b=', name="b"' if names else "",
                             inputs=inputs) + fit + "\n"


def test_a_wrong_width_is_found_in_a_list_and_by_name():
    assert [f.split(": ", 1)[1][:5] for f in findings(two_inputs("model.fit([np.zeros((8, 5)), np.zeros((8, 3))], np.zeros((8,)))"))] == ["LL601"]
    assert [f.split(": ", 1)[1][:5] for f in findings(two_inputs("model.fit({'b': np.zeros((8, 3)), 'a': np.zeros((8, 5))}, np.zeros((8,)))"))] == ["LL601"]


@pytest.mark.parametrize("fit, names, inputs", [
    # Keras refuses three arrays for two inputs (its own error, not a shape to compare)
    ("model.fit([np.zeros((8, 5)), np.zeros((8, 3)), np.zeros((8, 3))], np.zeros((8,)))", True, "[a, b]"),
    # a dict for inputs Keras named itself: which name is whose is not known for sure
    ("model.fit({'input_layer': np.zeros((8, 5)), 'input_layer_1': np.zeros((8, 3))}, np.zeros((8,)))", False, "[a, b]"),
    # a key missing: Keras refuses the dict
    ("model.fit({'a': np.zeros((8, 5))}, np.zeros((8,)))", True, "[a, b]"),
    # a list for a model built from a dict: Keras goes by the sorted keys, with a warning
    ("model.fit([np.zeros((8, 5)), np.zeros((8, 3))], np.zeros((8,)))", True, "{'x': a, 'y': b}"),
    # arrays that cannot be followed
    ("model.fit([load(), np.zeros((8, 3))], np.zeros((8,)))", True, "[a, b]"),
])
def test_structures_keras_matching_cannot_follow_are_left_alone(fit, names, inputs):
    assert findings(two_inputs(fit, names, inputs)) == []


def test_extra_keys_are_ignored_as_keras_ignores_them():
    fit = "model.fit({'a': np.zeros((8, 4)), 'b': np.zeros((8, 2)), 'c': np.zeros((8, 9))}, np.zeros((8,)))"
    assert [f.split(": ", 1)[1][:5] for f in findings(two_inputs(fit))] == ["LL601"]  # b is too narrow; c is unused


def test_every_array_of_x_and_y_holds_as_many_samples():
    fit = "model.fit({'a': np.zeros((8, 4)), 'b': np.zeros((8, 3))}, np.zeros((6,)))"
    assert [f.split(": ", 1)[1][:5] for f in findings(two_inputs(fit))] == ["LL605"]
