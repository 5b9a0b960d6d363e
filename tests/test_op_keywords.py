"""A keyword the Keras function does not take is Python's TypeError at the call: the real
signatures (lint/engine/ops/keras_keywords.py, generated from Keras) tell which those are."""

from __future__ import annotations

import os
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.ops.keras_keywords import KEYWORDS
from layerlint.runner.check import CheckSettings, check_analysis

from fixtures.regen_op_keywords import keywords


def test_the_table_is_the_installed_keras_signatures() -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("keras")
    assert keywords() == KEYWORDS, "run: python fixtures/regen_op_keywords.py"


PATCHES = """
import keras
from keras import layers, ops


class Patches(layers.Layer):
    def call(self, images):
        patches = ops.image.extract_patches({arg}=images, size=4)
        return ops.reshape(patches, (ops.shape(images)[0], -1, patches.shape[-1]))


inp = keras.Input((32, 32, 3))
model = keras.Model(inp, Patches()(inp))
"""


def test_an_unknown_keyword_is_the_error_keras_raises_at_the_users_line() -> None:
    fa = analyze_text(textwrap.dedent(PATCHES.format(arg="image")), "t.py")
    (d,) = [d for d in check_analysis(fa, CheckSettings()) if d.severity == "error"]
    assert (d.code, d.line) == ("LL105", 8)
    assert d.message.endswith("extract_patches() got an unexpected keyword argument 'image'")


def test_the_keyword_keras_takes_is_followed() -> None:
    (sm,) = analyze_text(textwrap.dedent(PATCHES.format(arg="images")), "t.py").models
    # Keras 3.15's own shape: the batch is a tensor in the traced call, so -1 stays unresolved
    assert sm.layers[-1].output == (None, None, 48)
