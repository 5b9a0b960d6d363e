"""Symbolic and explain-level checks for the convolution rules (Keras can't run symbols)."""

from __future__ import annotations

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.layers.ops import conv_output_length, deconv_output_length
from layerlint.engine.symbolic import Expr, prod

L = Expr.symbol("L")
C = Expr.symbol("C")


def shape(built) -> list[str]:
    return [str(d) for d in built.output]


def params(built) -> int:
    return sum(prod(w.shape) for w in built.weights)


def test_seed_causal_conv1d():
    built = apply_layer("Conv1D", (60, 32), {"padding": "causal"}, [(None, 64, 1)])
    assert built.output == (None, 64, 60)
    assert params(built) == 1980
    assert built.facts["padding"] == "causal"


def test_seed_valid_conv1d_notes_and_facts():
    built = apply_layer("Conv1D", (7,), {"kernel_size": 40}, [(None, 60, 1)])
    assert built.output == (None, 21, 7)
    assert params(built) == 287
    assert "length (60 - 40)/1 + 1 = 21" in built.notes
    assert built.facts["spatial_in"] == (60,) and built.facts["spatial_out"] == (21,)
    assert built.facts["window"] == (40,) and built.facts["strides_defaulted"] is False


def test_seed_conv2d_weights():
    built = apply_layer("Conv2D", (32, (3, 3)), {}, [(None, 28, 28, 1)])
    assert built.output == (None, 26, 26, 32)
    assert [w.shape for w in built.weights] == [(3, 3, 1, 32), (32,)]


def test_symbolic_length():
    assert shape(apply_layer("Conv1D", (8, 3), {}, [(None, L, 4)])) == ["None", "L - 2", "8"]
    assert shape(apply_layer("Conv1D", (7, 40), {}, [(None, L, 1)])) == ["None", "L - 39", "7"]
    assert shape(apply_layer("Conv1D", (8, 3), {"dilation_rate": 2}, [(None, L, 4)]))[1] == "L - 4"
    assert shape(apply_layer("Conv1D", (8, 3), {"padding": "same"}, [(None, L, 4)]))[1] == "L"


def test_symbolic_channels_in_weights():
    built = apply_layer("Conv2D", (16, 3), {}, [(None, 32, 32, C)])
    assert str(built.weights[0].shape[2]) == "C"
    assert str(params(built)) == "144*C + 16"


def test_symbolic_transpose_and_depthwise():
    assert shape(apply_layer("Conv1DTranspose", (8, 3, 2), {}, [(None, L, 4)]))[1] == "2*L + 1"
    assert shape(apply_layer("Conv1DTranspose", (8, 3, 2, "same"), {}, [(None, L, 4)]))[1] == "2*L"
    built = apply_layer("DepthwiseConv1D", (3,), {"depth_multiplier": 2}, [(None, L, C)])
    assert shape(built) == ["None", "L - 2", "2*C"]


def test_zero_or_negative_facts():
    with pytest.raises(ShapeError) as err:
        apply_layer("Conv1D", (8, 7), {}, [(None, 6, 4)])
    assert err.value.kind == "zero-or-negative"
    assert err.value.facts["input"] == 6 and err.value.facts["window"] == 7
    assert err.value.facts["formula"] == "(6 - 7)/1 + 1 = 0"


def test_groups_error_kind():
    with pytest.raises(ShapeError) as err:
        apply_layer("Conv1D", (6, 3), {"groups": 3}, [(None, 20, 4)])
    assert err.value.kind == "groups"


def test_unknown_padding_is_unanalysable():
    with pytest.raises(Unanalysable):
        apply_layer("Conv1D", (8, 3), {"padding": Expr.symbol("pad")}, [(None, 20, 4)])


def test_positional_order_matches_keras():
    # Conv1D(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation, use_bias)
    built = apply_layer("Conv1D", (8, 3, 1, "same", None, 1, 2, None, False), {}, [(None, 20, 4)])
    assert [w.shape for w in built.weights] == [(3, 2, 8)]
    # Conv3DTranspose puts data_format before output_padding.
    built = apply_layer("Conv3DTranspose", (4, 3, 2, "valid", "channels_first", 1), {}, [(None, 2, 4, 5, 6)])
    assert built.output == (None, 4, 10, 12, 14)


def test_ops_helpers():
    assert conv_output_length(None, 3, "valid", 1) is None
    assert conv_output_length(10, 3, "valid", 2, 1) == 4
    assert conv_output_length(10, 3, "causal", 1, 4) == 10
    assert deconv_output_length(10, 3, "valid", None, 2) == 21
    assert deconv_output_length(10, 4, "same", 1, 3) == 28
