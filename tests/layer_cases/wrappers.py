from layerlint.layers.base import LayerArg

LSTM8 = LayerArg("LSTM", (8,))
LSTM8_SEQ = LayerArg("LSTM", (8,), (("return_sequences", True),))
LSTM8_STATE = LayerArg("LSTM", (8,), (("return_state", True),))
GRU4_SEQ_STATE = LayerArg("GRU", (4,), (("return_sequences", True), ("return_state", True)))

CASES = [
    # Bidirectional
    ("Bidirectional", (LSTM8,), {}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8_SEQ,), {}, [(None, 10, 3)]),
    ("Bidirectional", (LayerArg("LSTM", (64,)),), {}, [(None, 100, 32)]),
    ("Bidirectional", (LSTM8_SEQ, "sum"), {}, [(None, None, 3)]),
    ("Bidirectional", (LSTM8,), {"merge_mode": "mul"}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8,), {"merge_mode": "ave"}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8_SEQ,), {"merge_mode": None}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8_STATE,), {}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8_STATE,), {"merge_mode": None}, [(None, 10, 3)]),
    ("Bidirectional", (GRU4_SEQ_STATE,), {}, [(None, 10, 3)]),
    ("Bidirectional", (LayerArg("GRU", (5,), (("reset_after", False),)),), {}, [(None, 10, 3)]),
    ("Bidirectional", (LayerArg("SimpleRNN", (6,)),), {"merge_mode": "concat"}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8,), {"merge_mode": "max"}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8,), {}, [(None, 10)]),
    ("Bidirectional", (LSTM8,), {"backward_layer": LayerArg("LSTM", (8,), (("go_backwards", True),))},
     [(None, 10, 3)]),
    ("Bidirectional", (LSTM8,), {"backward_layer": LayerArg("LSTM", (5,), (("go_backwards", True),))},
     [(None, 10, 3)]),
    ("Bidirectional", (LSTM8,), {"backward_layer": LayerArg("LSTM", (8,))}, [(None, 10, 3)]),
    ("Bidirectional", (LSTM8,), {"backward_layer": LayerArg("LSTM", (8,), (("go_backwards", True),
                                                                          ("return_sequences", True)))},
     [(None, 10, 3)]),
    ("Bidirectional", (LayerArg("RNN", (LayerArg("LSTMCell", (4,)),)),), {}, [(None, 10, 3)]),
    ("Bidirectional", (LayerArg("ConvLSTM2D", (4, 3), (("return_sequences", True),)),), {},
     [(None, 5, 8, 8, 2)]),
    # TimeDistributed
    ("TimeDistributed", (LayerArg("Dense", (10,)),), {}, [(None, 7, 4)]),
    ("TimeDistributed", (LayerArg("Dense", (1,)),), {}, [(None, None, 16)]),
    ("TimeDistributed", (LayerArg("Dense", (5,), (("use_bias", False),)),), {}, [(None, 7, 3, 4)]),
    ("TimeDistributed", (LayerArg("Dense", (10,)),), {}, [(None, 7)]),
    ("TimeDistributed", (LayerArg("LSTM", (6,)),), {}, [(None, 4, 10, 3)]),
    ("TimeDistributed", (LayerArg("Bidirectional", (LSTM8_SEQ,)),), {}, [(None, 4, 10, 3)]),
    ("TimeDistributed", (LayerArg("LSTM", (6,)),), {}, [(None, 4, 3)]),
    ("TimeDistributed", (LayerArg("Conv2D", (16, 3), (("activation", "relu"),)),), {}, [(None, 8, 32, 32, 3)]),
    ("TimeDistributed", (LayerArg("Conv2D", (16, 5)),), {}, [(None, 8, 4, 4, 3)]),
    ("TimeDistributed", (LayerArg("MaxPooling2D", (2,)),), {}, [(None, 8, 30, 30, 16)]),
    ("TimeDistributed", (LayerArg("Flatten"),), {}, [(None, 8, 15, 15, 16)]),
    ("TimeDistributed", (LayerArg("GlobalAveragePooling2D"),), {}, [(None, None, 7, 7, 16)]),
    ("TimeDistributed", (LayerArg("BatchNormalization"),), {}, [(None, 8, 6)]),
    ("TimeDistributed", (LayerArg("Conv1D", (4, 3)),), {}, [(None, 8, 20, 2)]),
]
