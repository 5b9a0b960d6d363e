"""Symbolic checks for Flatten, Reshape and the padding/cropping/upsampling layers."""

from __future__ import annotations

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import ShapeError
from layerlint.engine.symbolic import Expr

L = Expr.symbol("L")


def shape(built) -> list[str]:
    return [str(d) for d in built.output]


def test_flatten_symbolic():
    assert shape(apply_layer("Flatten", (), {}, [(None, L, 5, 64)])) == ["None", "320*L"]
    assert apply_layer("Flatten", (), {}, [(None, None, 8)]).output == (None, None)


def test_reshape_resolves_minus_one_symbolically():
    assert shape(apply_layer("Reshape", ((-1, 4),), {}, [(None, L, 8)])) == ["None", "2*L", "4"]
    assert apply_layer("Reshape", ((-1, 3),), {}, [(None, None, 6)]).output == (None, None, 3)


def test_reshape_size_mismatch_facts():
    with pytest.raises(ShapeError) as err:
        apply_layer("Reshape", ((5, 5),), {}, [(None, 24)])
    assert err.value.kind == "reshape"
    assert err.value.facts == {"input_size": 24, "target_size": 25}


def test_symbolic_edges():
    assert shape(apply_layer("Cropping1D", ((1, 2),), {}, [(None, L, 4)]))[1] == "L - 3"
    assert shape(apply_layer("ZeroPadding1D", (), {}, [(None, L, 4)]))[1] == "L + 2"
    assert shape(apply_layer("UpSampling1D", (3,), {}, [(None, L, 4)]))[1] == "3*L"


def test_crop_bigger_than_input():
    with pytest.raises(ShapeError) as err:
        apply_layer("Cropping2D", (14,), {}, [(None, 28, 40, 3)])
    assert err.value.kind == "zero-or-negative"
    assert err.value.facts["formula"] == "28 - 14 - 14 = 0"


def test_permute_and_repeat():
    assert shape(apply_layer("Permute", ((2, 1),), {}, [(None, L, 64)])) == ["None", "64", "L"]
    assert shape(apply_layer("RepeatVector", (L,), {}, [(None, 32)])) == ["None", "L", "32"]
