"""What each Keras does with a size argument given as a Python float (``Dense(28 * 28 / 2)``).

Keras 3 refuses a float size everywhere it was tried, some layers in the constructor with
their own message, the others when the float reaches a weight shape. tf-keras 2 built
Dense and the convolutions with it (their kernel shapes pass through int()), and refused
it in the other layers below when making the weights. Every entry was measured in Keras
3.15.1 and tf-keras 2.21 (tests/test_float_sizes.py rebuilds each in both); a pair not
listed keeps the old reading of an integral float as its int.
"""

from __future__ import annotations

_STATE_SIZE = "state_size must be an integer, or a list/tuple of integers (one for each state tensor)."
_RECEIVED = "Received an invalid value for argument `{key}`, expected a positive integer. Received: {key}={value}"

# Keras 3 constructors that check the type, with the message each raises.
KERAS3_CONSTRUCTOR: dict[tuple[str, str], str] = {
    ("Dense", "units"): "Received an invalid value for `units`, expected a positive integer. Received: units={value}",
    ("Embedding", "input_dim"): "`input_dim` must be a positive integer. Received: input_dim={value} (of type float).",
    ("Embedding", "output_dim"): "`output_dim` must be a positive integer. Received: output_dim={value} (of type float).",
    ("MultiHeadAttention", "num_heads"): _RECEIVED,
    ("MultiHeadAttention", "key_dim"): _RECEIVED,
    ("GRU", "units"): _STATE_SIZE,
    ("SimpleRNN", "units"): _STATE_SIZE,
    ("GRUCell", "units"): _STATE_SIZE,
    ("SimpleRNNCell", "units"): _STATE_SIZE,
}

_CONVS = ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
          "SeparableConv1D", "SeparableConv2D")
# Layers whose constructor takes the float and whose build then fails on the weight shape.
KERAS3_BUILD: frozenset[tuple[str, str]] = frozenset(
    {(c, "filters") for c in _CONVS}
    | {("DepthwiseConv1D", "depth_multiplier"), ("DepthwiseConv2D", "depth_multiplier"),
       ("LSTM", "units"), ("LSTMCell", "units"), ("ConvLSTM1D", "filters"), ("ConvLSTM2D", "filters")}
)

# The pairs tf-keras 2 builds with an integral float as its int.
TF_KERAS_TAKES: frozenset[tuple[str, str]] = frozenset({("Dense", "units")} | {(c, "filters") for c in _CONVS})


def float_size_refusal(cls: str, key: str, value: float, keras_version: int) -> str | None:
    """Keras' message when it refuses the float ``value`` as ``cls``'s ``key``; None when the pair
    is not one measured here, or tf-keras takes it."""
    pair = (cls, key)
    if pair not in KERAS3_CONSTRUCTOR and pair not in KERAS3_BUILD:
        return None
    if keras_version == 2:
        if pair in TF_KERAS_TAKES:
            return None
        return (f"Dimension value must be integer or None or have an __index__ method: {key}={value!r} "
                "is a float, which tf-keras cannot put in a weight shape")
    if pair in KERAS3_CONSTRUCTOR:
        return KERAS3_CONSTRUCTOR[pair].format(key=key, value=repr(value))
    return (f"Cannot convert the weight shape of {cls} to a shape: {key}={value!r} is a float. "
            "Found invalid dimension of type '<class 'float'>'")
