"""A StringLookup or IntegerLookup given a literal vocabulary Keras 3's set_vocabulary refuses (in
the layer's constructor): empty, a repeated token, the mask token anywhere but the start (also at
index 0 when the OOV token does not follow it), the OOV token inside an inverted layer's
vocabulary, more tokens than max_tokens.  Keras raises a ValueError, which is LL105 with Keras'
message; no vocabulary size is made up for it.  Each program is run in the installed Keras (CI
always runs it) and compared with ours: the error message, or the output shape it accepts."""

from __future__ import annotations

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import model_json
from layerlint.runner.check import CheckSettings, check_analysis

PROGRAM = """
import keras
from keras import layers

inp = keras.Input((3,), dtype={dtype!r})
lookup = layers.{cls}({arguments})
model = keras.Model(inp, lookup(inp))
"""

CASES = [
    ("StringLookup", "vocabulary=['a', '[MASK]', 'b'], mask_token='[MASK]'"),
    ("StringLookup", "vocabulary=['[MASK]', 'a', 'b'], mask_token='[MASK]'"),
    ("StringLookup", "vocabulary=['[MASK]', '[UNK]', 'a'], mask_token='[MASK]'"),
    ("StringLookup", "vocabulary=['a', '[MASK]', 'b'], mask_token='[MASK]', output_mode='one_hot'"),
    ("StringLookup", "vocabulary=['[UNK]', 'a', 'b'], output_mode='one_hot'"),
    ("StringLookup", "vocabulary=['a', 'b', 'a']"),
    ("StringLookup", "vocabulary=['a', 'b', 'a', 'b', 'c'], output_mode='multi_hot'"),
    ("StringLookup", "vocabulary=[]"),
    ("StringLookup", "vocabulary=['a', '[UNK]', 'b']"),
    ("StringLookup", "vocabulary=['a', '[UNK]', 'b'], invert=True"),
    ("StringLookup", "vocabulary=['a', 'b', 'c'], max_tokens=3"),
    ("StringLookup", "vocabulary=['a', 'b'], max_tokens=3"),
    ("IntegerLookup", "vocabulary=[3, 0, 5], mask_token=0"),
    ("IntegerLookup", "vocabulary=[3, 4, 3], output_mode='count'"),
    ("IntegerLookup", "vocabulary=[3, -1, 4]"),
    ("IntegerLookup", "vocabulary=[0, -1, 4], mask_token=0, output_mode='one_hot'"),
]


def source(cls: str, arguments: str) -> str:
    return PROGRAM.format(dtype="string" if cls == "StringLookup" else "int64", cls=cls, arguments=arguments)


def keras_outcome(text: str):
    """The model's output shape in the installed Keras, or the message of the ValueError it raised."""
    namespace: dict = {"__name__": "__lookup_case__"}
    try:
        exec(compile(text, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    except ValueError as e:
        return str(e)
    return list(namespace["model"].output.shape)


@pytest.mark.parametrize(("cls", "arguments"), CASES)
def test_refused_as_keras_refuses(keras, cls: str, arguments: str) -> None:
    text = source(cls, arguments)
    truth = keras_outcome(text)
    fa = analyze_text(text, "t.py")
    refused = [d.message for d in check_analysis(fa, CheckSettings()) if d.code == "LL105"]
    if isinstance(truth, str):
        # findings end without a period
        assert len(refused) == 1 and refused[0].endswith(truth.rstrip(".")), (truth, refused)
    else:
        assert refused == []
        assert model_json(fa.models[0], "t.py")["layers"][-1]["output_shape"] == truth
