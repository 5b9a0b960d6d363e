"""Symbolic and explain-level checks for the pooling rules."""

from __future__ import annotations

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers import lookup
from layerlint.engine.layers.base import ShapeError
from layerlint.engine.symbolic import Expr

L = Expr.symbol("L")


def test_seed_strides_default_to_pool_size():
    built = apply_layer("MaxPooling1D", (), {"pool_size": 3}, [(None, 6, 10)])
    assert built.output == (None, 2, 10)
    assert "strides default to pool_size: floor((6 - 3)/3) + 1 = 2" in built.notes
    assert built.facts["strides_defaulted"] is True and built.facts["strides"] == (3,)


def test_seed_maxpooling2d_floors():
    assert apply_layer("MaxPooling2D", ((2, 2),), {}, [(None, 254, 125, 8)]).output == (None, 127, 62, 8)


def test_explicit_strides_not_defaulted():
    built = apply_layer("MaxPooling1D", (3, 1), {}, [(None, 6, 10)])
    assert built.output == (None, 4, 10)
    assert built.facts["strides_defaulted"] is False


def test_symbolic_pooling():
    assert str(apply_layer("MaxPooling1D", (), {}, [(None, L, 4)]).output[1]) == "L // 2"
    assert str(apply_layer("AveragePooling1D", (3,), {"padding": "same"}, [(None, L, 4)]).output[1]) == "(L + 2) // 3"


def test_window_bigger_than_input():
    with pytest.raises(ShapeError) as err:
        apply_layer("MaxPooling1D", (7,), {}, [(None, 6, 10)])
    assert err.value.kind == "zero-or-negative"
    assert err.value.facts["formula"] == "floor((6 - 7)/7) + 1 = 0"


def test_aliases_and_global_pooling():
    assert lookup("MaxPool2D").name == "MaxPooling2D"
    assert lookup("GlobalAvgPool1D").name == "GlobalAveragePooling1D"
    built = apply_layer("GlobalAveragePooling2D", (), {"keepdims": True}, [(None, L, L, 64)])
    assert built.output == (None, 1, 1, 64)
