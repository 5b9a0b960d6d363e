"""Layer rows where tf-keras 2 and Keras 3 build differently (or one of them refuses).

Same row format as tests/layer_cases: (class, args, kwargs, input shapes[, call kwargs]).
``python tests/keras2_layer_truth.py`` builds each row in tf-keras and in Keras 3 and
stores both results in tests/keras2_layer_truth.json; tests/test_keras2_layers.py holds
the engine to tf-keras' row with keras-version = 2 and to Keras 3's with 3.
"""

from __future__ import annotations

from layerlint.engine.layers.base import LayerArg


def _rnn(cls: str, units: int, **kw) -> LayerArg:
    return LayerArg(cls, (units,), tuple(sorted(kw.items())))


SCORES = {"return_attention_scores": True}

CASES = [
    # Bidirectional with a backward layer of another size: tf-keras merges what both layers return.
    ("Bidirectional", (_rnn("LSTM", 4, return_sequences=True),),
     {"backward_layer": _rnn("GRU", 5, return_sequences=True, go_backwards=True)}, [(None, 7, 3)]),
    ("Bidirectional", (_rnn("LSTM", 4),), {"backward_layer": _rnn("LSTM", 6, go_backwards=True)}, [(None, 7, 3)]),
    ("Bidirectional", (_rnn("LSTM", 4),), {"backward_layer": _rnn("LSTM", 6, go_backwards=True),
                                           "merge_mode": "sum"}, [(None, 7, 3)]),
    ("Bidirectional", (_rnn("LSTM", 4),), {"backward_layer": _rnn("LSTM", 6, go_backwards=True),
                                           "merge_mode": "mul"}, [(None, 7, 3)]),
    ("Bidirectional", (_rnn("LSTM", 4),), {"backward_layer": _rnn("LSTM", 6, go_backwards=True),
                                           "merge_mode": None}, [(None, 7, 3)]),
    ("Bidirectional", (_rnn("LSTM", 4, return_state=True),),
     {"backward_layer": _rnn("LSTM", 6, return_state=True, go_backwards=True)}, [(None, 7, 3)]),
    ("Bidirectional", (_rnn("GRU", 3, return_sequences=True),),
     {"backward_layer": _rnn("SimpleRNN", 2, return_sequences=True, go_backwards=True)}, [(None, None, 5)]),
    ("Bidirectional", (_rnn("LSTM", 4),), {"backward_layer": _rnn("LSTM", 4, go_backwards=True)}, [(None, 7, 3)]),
    # MultiHeadAttention's scores: tf-keras' last axes are the key's attended axes (Keras 3 repeats the query's).
    ("MultiHeadAttention", (2, 8), {}, [(None, 7, 16), (None, 5, 16)], SCORES),
    ("MultiHeadAttention", (3, 4), {}, [(None, 7, 16), (None, 5, 6), (None, 5, 8)],
     {"key": {"input": 2}, **SCORES}),
    ("MultiHeadAttention", (2, 4), {}, [(None, None, 8), (None, 9, 8)], SCORES),
    ("MultiHeadAttention", (2, 4), {}, [(None, 3, 4, 8), (None, 3, 6, 8)], SCORES),
    ("MultiHeadAttention", (2, 4), {"attention_axes": (2,)}, [(None, 3, 4, 8), (None, 3, 6, 8)], SCORES),
    ("MultiHeadAttention", (2, 4), {"attention_axes": -3}, [(None, 3, 4, 8), (None, 3, 6, 8)], SCORES),
    # UpSampling2D: tf-keras resizes to a size read from the dynamic shape, so one unknown side loses both.
    ("UpSampling2D", (2,), {}, [(None, 5, 7, 3)]),
    ("UpSampling2D", (2,), {}, [(None, None, None, 3)]),
    ("UpSampling2D", ((2, 3),), {}, [(None, None, 8, 3)]),
    ("UpSampling2D", ((2, 3),), {"interpolation": "bilinear"}, [(None, 5, None, 3)]),
    ("UpSampling2D", (2,), {"data_format": "channels_first"}, [(None, 3, 5, None)]),
    ("UpSampling2D", ((2, 3),), {"data_format": "channels_first"}, [(None, 4, None, 3)]),
    ("UpSampling3D", (2,), {}, [(None, 5, None, 4, 3)]),
    ("UpSampling1D", (2,), {}, [(None, None, 3)]),
    # ConvLSTM: tf-keras convolves unknown spatial sizes; Keras 3 refuses them.
    ("ConvLSTM2D", (4, 3), {"return_sequences": True}, [(None, None, None, None, 3)]),
    ("ConvLSTM2D", (4, 3), {}, [(None, 5, None, 10, 3)]),
    ("ConvLSTM2D", (4, 3), {"return_sequences": True, "padding": "same"}, [(None, 6, None, 9, 3)]),
    ("ConvLSTM2D", (4, 3), {"return_state": True, "strides": 2}, [(None, 6, 11, None, 3)]),
    ("ConvLSTM2D", (4, 3), {"data_format": "channels_first"}, [(None, 6, 3, 11, None)]),
    ("ConvLSTM2D", (4, 3), {"strides": 2}, [(None, 5, 12, 10, 3)]),
    ("ConvLSTM1D", (4, 3), {}, [(None, 6, None, 3)]),
    ("ConvLSTM3D", (4, 3), {}, [(None, 6, None, 5, 5, 3)]),
    # Convolutions on inputs of higher rank: tf-keras keeps the extra leading axes as batch axes.
    ("Conv1D", (4, 3), {}, [(None, 10, 20, 3)]),
    ("Conv1D", (4, 3), {"padding": "same", "strides": 2}, [(None, 10, 20, 3)]),
    ("Conv1D", (4, 3), {"padding": "causal", "dilation_rate": 2}, [(None, 10, 20, 3)]),
    ("Conv1D", (4, 3), {}, [(None, 2, 10, 20, 3)]),
    ("Conv1D", (4, 3), {}, [(None, None, 20, 3)]),
    ("Conv1D", (4, 3), {"data_format": "channels_first"}, [(None, 10, 3, 20)]),
    ("Conv2D", (4, 3), {}, [(None, 2, 10, 20, 3)]),
    ("Conv1D", (6, 3), {"groups": 3}, [(None, 10, 20, 3)]),
    ("Conv1D", (4, 3), {"groups": 3}, [(None, 10, 20, 3)]),
    ("SeparableConv1D", (4, 3), {}, [(None, 10, 20, 3)]),
    ("Conv1DTranspose", (4, 3), {}, [(None, 10, 20, 3)]),
    # 1D layers with data_format="channels_first".
    ("Conv1D", (4, 3), {"data_format": "channels_first"}, [(None, 3, 20)]),
    ("Conv1D", (4, 3), {"data_format": "channels_first", "padding": "causal"}, [(None, 3, 20)]),
    ("Conv1D", (4, 3), {"data_format": "channels_first", "strides": 2, "padding": "same"}, [(None, 3, 20)]),
    ("Conv1D", (4, 3), {"data_format": "channels_first", "dilation_rate": 2}, [(None, 3, None)]),
    ("SeparableConv1D", (4, 3), {"data_format": "channels_first", "depth_multiplier": 2}, [(None, 3, 20)]),
    ("DepthwiseConv1D", (3,), {"data_format": "channels_first"}, [(None, 3, 20)]),
    ("Conv1DTranspose", (4, 3), {"data_format": "channels_first", "strides": 2}, [(None, 3, 20)]),
    ("Conv1DTranspose", (4, 3), {"data_format": "channels_first", "strides": 2, "output_padding": 1},
     [(None, 3, 20)]),
    ("MaxPooling1D", (2,), {"data_format": "channels_first"}, [(None, 3, 20)]),
    ("MaxPooling1D", (2,), {"data_format": "channels_first", "padding": "same", "strides": 3}, [(None, 3, 20)]),
    ("AveragePooling1D", (3,), {"data_format": "channels_first"}, [(None, 3, 20)]),
    ("GlobalAveragePooling1D", (), {"data_format": "channels_first"}, [(None, 3, 20)]),
    ("GlobalAveragePooling1D", (), {"data_format": "channels_first", "keepdims": True}, [(None, 3, 20)]),
    ("GlobalMaxPooling1D", (), {"data_format": "channels_first", "keepdims": True}, [(None, 3, 20)]),
    # tf-keras 2's own layers (Keras 3 has no such class).
    # tf-keras' RandomHeight / RandomWidth (Keras 3 has neither): the side drawn per batch is unknown.
    ("RandomHeight", (0.2,), {}, [(None, 8, 6, 3)]),
    ("RandomHeight", ((0.1, 0.3),), {"interpolation": "nearest"}, [(None, 8, 6, 3)]),
    ("RandomHeight", ((-0.5, 0.5),), {}, [(None, None, 6, 3)]),
    ("RandomHeight", (0.2,), {}, [(None, 5, 8, 6, 3)]),
    ("RandomHeight", ((0.3, 0.1),), {}, [(None, 8, 6, 3)]),
    ("RandomHeight", (1.5,), {}, [(None, 8, 6, 3)]),
    ("RandomHeight", (0.2,), {"interpolation": "cubic"}, [(None, 8, 6, 3)]),
    ("RandomWidth", (0.2,), {}, [(None, 8, 6, 3)]),
    ("RandomWidth", ((0.0, 1.0),), {"interpolation": "bicubic"}, [(None, 8, 6, 3)]),
    ("RandomWidth", (0.2,), {}, [(None, 8, 6)]),
    ("RandomWidth", ((-2.0, 0.5),), {}, [(None, 8, 6, 3)]),
    # TensorFlow 1's cuDNN recurrent layers: in neither package.
    ("CuDNNLSTM", (8,), {}, [(None, 5, 3)]),
    ("CuDNNGRU", (8,), {"return_sequences": True}, [(None, 5, 3)]),
    ("ThresholdedReLU", (), {}, [(None, 5, 3)]),
    ("ThresholdedReLU", (), {"theta": 0.5}, [(None, None, 7)]),
    ("ThresholdedReLU", (), {"theta": -1.0}, [(None, 4)]),
    ("LocallyConnected1D", (4, 3), {}, [(None, 10, 5)]),
    ("LocallyConnected1D", (4, 3), {"strides": 2, "use_bias": False}, [(None, 11, 2)]),
    ("LocallyConnected1D", (4, 3), {"data_format": "channels_first"}, [(None, 3, 20)]),
    ("LocallyConnected1D", (4, 3), {"implementation": 2}, [(None, 10, 5)]),
    ("LocallyConnected1D", (4, 3), {"implementation": 2, "data_format": "channels_first"}, [(None, 3, 20)]),
    ("LocallyConnected1D", (4, 3), {"implementation": 2, "padding": "same", "strides": 2}, [(None, 9, 5)]),
    ("LocallyConnected1D", (4, 3), {"implementation": 3}, [(None, 10, 5)]),
    ("LocallyConnected1D", (4, 3), {"padding": "same"}, [(None, 10, 5)]),
    ("LocallyConnected1D", (4, 3), {}, [(None, None, 5)]),
    ("LocallyConnected1D", (4, 12), {}, [(None, 10, 5)]),
    ("LocallyConnected2D", (8, 3), {}, [(None, 10, 12, 3)]),
    ("LocallyConnected2D", (8, (3, 2)), {"strides": (2, 1)}, [(None, 10, 12, 3)]),
    ("LocallyConnected2D", (8, 3), {"data_format": "channels_first"}, [(None, 3, 10, 12)]),
    ("LocallyConnected2D", (8, 3), {"implementation": 2}, [(None, 10, 12, 3)]),
    ("LocallyConnected2D", (8, 3), {"implementation": 2, "data_format": "channels_first"}, [(None, 3, 10, 12)]),
    ("LocallyConnected2D", (8, 3), {"implementation": 3, "use_bias": False}, [(None, 6, 5, 2)]),
    ("LocallyConnected2D", (8, 3), {"implementation": 2, "padding": "same"}, [(None, 6, 5, 2)]),
    ("LocallyConnected2D", (8, 3), {}, [(None, None, 12, 3)]),
    ("LocallyConnected2D", (8, 3), {}, [(None, 10, 12)]),
]
