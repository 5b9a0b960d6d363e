"""A value that is no number is named for the user by what it stands for, never by the class of
layerlint's interpreter that holds it (`units=a TensorVal is not an integer` was printed)."""

from __future__ import annotations

import re

from layerlint.analyze import analyze_text
from layerlint.engine.layers.base import value_text
from layerlint.report.summary import render_summary

# `helper` is not followed: called on a tensor its result is a tensor layerlint does not follow, and
# a size computed from that tensor is no integer.
SOURCE = """
import keras
from keras import layers
from mystery import helper
def block(t):
    c = helper(t)[-1]
    return layers.Dense(c // 4)(t)
inp = keras.Input((8,))
model = keras.Model(inp, block(inp))
"""


def test_a_tensor_given_as_a_size_is_named_a_tensor() -> None:
    fa = analyze_text(SOURCE, "m.py")
    text = render_summary(fa.models[0], "m.py")
    assert "units=a tensor is not an integer" in text
    assert not re.search(r"\b[A-Z][A-Za-z]*Val\b", text)


def test_objects_without_words_are_not_named_by_their_class() -> None:
    class Internal:
        pass

    assert value_text(Internal()) == "a value layerlint cannot follow"
    assert value_text((1, 2)) == "(1, 2)"
