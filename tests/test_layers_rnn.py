"""Symbolic checks for the recurrent, wrapper, attention and einsum rules."""

from __future__ import annotations

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import LayerArg, ShapeError
from layerlint.engine.symbolic import Expr, prod, shape_str

L = Expr.symbol("L")
F = Expr.symbol("F")
UNITS = Expr.symbol("units")


def _weights(built) -> list[str]:
    return [shape_str(w.shape) for w in built.weights]


def test_lstm_symbolic_units_and_features():
    built = apply_layer("LSTM", (UNITS,), {"return_sequences": True}, [(None, L, F)])
    assert shape_str(built.output) == "(None, L, units)"
    assert _weights(built) == ["(F, 4*units)", "(units, 4*units)", "(4*units,)"]


def test_gru_reset_after_bias_is_two_rows():
    built = apply_layer("GRU", (UNITS,), {}, [(None, L, 8)])
    assert _weights(built)[-1] == "(2, 3*units)"
    built = apply_layer("GRU", (UNITS,), {"reset_after": False}, [(None, L, 8)])
    assert _weights(built)[-1] == "(3*units,)"


def test_lstm_return_state_lists_output_then_h_and_c():
    built = apply_layer("LSTM", (64,), {"return_state": True}, [(None, L, 32)])
    assert built.output == [(None, 64), (None, 64), (None, 64)]
    assert sum(prod(w.shape) for w in built.weights) == 24832


def test_stacked_cells_flatten_states_in_order():
    # Checked against Keras 3.15 by hand: keras_truth cannot build a list of cells.
    cells = [LayerArg("LSTMCell", (8,)), LayerArg("GRUCell", (3,))]
    built = apply_layer("RNN", (cells,), {"return_state": True}, [(None, 10, 4)])
    assert built.output == [(None, 3), (None, 8), (None, 8), (None, 3)]
    assert [w.shape for w in built.weights] == [(4, 32), (8, 32), (32,), (8, 9), (3, 9), (2, 9)]
    simple = [LayerArg("SimpleRNNCell", (8,)), LayerArg("SimpleRNNCell", (3,))]
    built = apply_layer("RNN", (simple,), {}, [(None, 10, 4)])
    assert built.output == (None, 3)
    assert [w.shape for w in built.weights] == [(4, 8), (8, 8), (8,), (8, 3), (3, 3), (3,)]


def test_conv_lstm_symbolic_length():
    built = apply_layer("ConvLSTM1D", (4, 3), {"return_sequences": True}, [(None, 6, L, 2)])
    assert shape_str(built.output) == "(None, 6, L - 2, 4)"
    assert built.facts["spatial_out"] == (L - 2,)


def test_conv_lstm_window_too_big():
    with pytest.raises(ShapeError) as err:
        apply_layer("ConvLSTM2D", (8, 5), {}, [(None, 5, 4, 12, 3)])
    assert err.value.kind == "zero-or-negative"
    assert err.value.facts["formula"] == "(4 - 5)/1 + 1 = 0"


def test_bidirectional_concat_doubles_symbolic_units():
    inner = LayerArg("LSTM", (UNITS,), (("return_sequences", True),))
    built = apply_layer("Bidirectional", (inner,), {}, [(None, L, F)])
    assert shape_str(built.output) == "(None, L, 2*units)"
    assert len(built.weights) == 6


def test_time_distributed_keeps_symbolic_time_axis():
    built = apply_layer("TimeDistributed", (LayerArg("Dense", (10,)),), {}, [(None, L, F)])
    assert shape_str(built.output) == "(None, L, 10)"
    assert _weights(built) == ["(F, 10)", "(10,)"]


def test_mha_symbolic_lengths_and_keyword_key():
    q, v, k = (None, L, 32), (None, Expr.symbol("S"), 24), (None, Expr.symbol("S"), 12)
    built = apply_layer("MultiHeadAttention", (4, 8), {}, [q, v], {"key": k, "return_attention_scores": True})
    assert shape_str(built.output[0]) == "(None, L, 32)"
    assert shape_str(built.output[1]) == "(None, 4, L, L)"
    assert _weights(built)[2] == "(12, 4, 8)"


def test_mha_key_value_length_mismatch():
    with pytest.raises(ShapeError):
        apply_layer("MultiHeadAttention", (2, 4), {}, [(None, L, 8), (None, 7, 8), (None, 6, 8)])


def test_einsum_symbolic_passthrough():
    built = apply_layer("EinsumDense", ("...b,bc->...c", UNITS), {"bias_axes": "c"}, [(None, L, F)])
    assert shape_str(built.output) == "(None, L, units)"
    assert _weights(built) == ["(F, units)", "(units,)"]
