"""What each Keras does with a layer size that is no Python int: a float (``Dense(28 * 28 / 2)``)
or a TensorFlow tensor (``Dense(tf.math.reduce_prod(shape))``).

Keras 3 refuses a float size everywhere it was tried, some layers in the constructor with
their own message, the others when the float reaches a weight shape. tf-keras 2 built
Dense and the convolutions with it (their kernel shapes pass through int()), and refused
it in the other layers below when making the weights. A scalar tensor is refused by the
Keras 3 layers that check for an int and by its recurrent layers; convolutions of both
Kerases take it. Every entry was measured in Keras 3.15.1 and tf-keras 2.21
(tests/test_size_types.py rebuilds each in both); a pair not listed keeps the old reading:
an integral float as its int, a tensor as a symbol.
"""

from __future__ import annotations

from typing import Any

from layerlint.engine.symbolic import NumpyInt

_STATE_SIZE = "state_size must be an integer, or a list/tuple of integers (one for each state tensor)."
_RECEIVED = "Received an invalid value for argument `{key}`, expected a positive integer. Received: {key}={value}"
_EMBEDDING = "`{key}` must be a positive integer. Received: {key}={value} (of type {type})."

# Keras 3 constructors that check for a Python int, with the message each raises (for a float
# and for a tensor alike).
KERAS3_CONSTRUCTOR: dict[tuple[str, str], str] = {
    ("Dense", "units"): "Received an invalid value for `units`, expected a positive integer. Received: units={value}",
    ("Embedding", "input_dim"): _EMBEDDING,
    ("Embedding", "output_dim"): _EMBEDDING,
    ("MultiHeadAttention", "num_heads"): _RECEIVED,
    ("MultiHeadAttention", "key_dim"): _RECEIVED,
    ("GRU", "units"): _STATE_SIZE,
    ("SimpleRNN", "units"): _STATE_SIZE,
    ("GRUCell", "units"): _STATE_SIZE,
    ("SimpleRNNCell", "units"): _STATE_SIZE,
}

_CONVS = ("Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
          "SeparableConv1D", "SeparableConv2D")
# Keras 3 layers whose constructor takes a float and whose build then fails on the weight shape.
KERAS3_FLOAT_AT_BUILD: frozenset[tuple[str, str]] = frozenset(
    {(c, "filters") for c in _CONVS}
    | {("DepthwiseConv1D", "depth_multiplier"), ("DepthwiseConv2D", "depth_multiplier"),
       ("LSTM", "units"), ("LSTMCell", "units"), ("ConvLSTM1D", "filters"), ("ConvLSTM2D", "filters")}
)
# The pairs tf-keras 2 builds with an integral float as its int.
TF_KERAS_TAKES_FLOAT: frozenset[tuple[str, str]] = frozenset({("Dense", "units")} | {(c, "filters") for c in _CONVS})

# Tensor sizes refused beyond KERAS3_CONSTRUCTOR, per Keras version, with the message.
KERAS3_TENSOR_AT_CALL: dict[tuple[str, str], str] = {
    ("LSTM", "units"): "output_size must be an integer.",
    ("LSTMCell", "units"): "output_size must be an integer.",
}
TF_KERAS_TENSOR: dict[tuple[str, str], str] = {
    ("GRU", "units"): "Cannot iterate over a scalar tensor.",
    ("SimpleRNN", "units"): "Cannot iterate over a scalar tensor.",
    ("GRUCell", "units"): "Cannot iterate over a scalar tensor.",
    ("SimpleRNNCell", "units"): "Cannot iterate over a scalar tensor.",
}


def float_size_refusal(cls: str, key: str, value: float, keras_version: int) -> str | None:
    """Keras' message when it refuses the float ``value`` as ``cls``'s ``key``; None when the pair
    is not one measured here, or tf-keras takes it."""
    pair = (cls, key)
    if pair not in KERAS3_CONSTRUCTOR and pair not in KERAS3_FLOAT_AT_BUILD:
        return None
    if keras_version == 2:
        if pair in TF_KERAS_TAKES_FLOAT:
            return None
        return (f"Dimension value must be integer or None or have an __index__ method: {key}={value!r} "
                "is a float, which tf-keras cannot put in a weight shape")
    if pair in KERAS3_CONSTRUCTOR:
        return KERAS3_CONSTRUCTOR[pair].format(key=key, value=repr(value), type="float")
    return (f"Cannot convert the weight shape of {cls} to a shape: {key}={value!r} is a float. "
            "Found invalid dimension of type '<class 'float'>'")


# Keras 3 layers that take a NumPy integer in the constructor and refuse it at the call, except
# where Bidirectional rebuilds them from their config, which turns it into an int: not claimed.
KERAS3_NUMPY_UNDECIDED: frozenset[tuple[str, str]] = frozenset(KERAS3_TENSOR_AT_CALL)


def numpy_size_refusal(cls: str, key: str, value: int, dtype: str, keras_version: int) -> str | None:
    """Keras' message when it refuses the NumPy integer ``value`` as ``cls``'s ``key``; None when it
    takes it (the convolutions, Reshape, and every size in tf-keras: measured with np.int64, np.int32
    and an array's sum(), tests/test_numpy_sizes.py)."""
    pair = (cls, key)
    if keras_version == 3 and pair in KERAS3_CONSTRUCTOR:
        return KERAS3_CONSTRUCTOR[pair].format(key=key, value=value, type=dtype)
    return None


def scalar_data_undecided(cls: str, key: str, keras_version: int) -> bool:
    """Whether that Keras takes a NumPy scalar and refuses a tensor (or the other way) as ``cls``'s ``key``:
    a value that may be either is then not known to build."""
    pair = (cls, key)
    return pair in (KERAS3_TENSOR_AT_CALL if keras_version == 3 else TF_KERAS_TENSOR)


def numpy_tuple_refusal(key: str, n: int, value: Any, keras_version: int) -> str:
    """Keras' standardize_tuple on a NumPy integer (``kernel_size=np.int64(3)``): not a Python int, and not
    iterable, so both Kerases refuse it."""
    if keras_version == 2:
        return f"The `{key}` argument must be a tuple of {n} integers. Received: {value}"
    return f"The `{key}` argument must be a tuple of {n} integers. Received {key}={value}"


def scalar_data_refusal(cls: str, key: str, text: str, keras_version: int) -> str | None:
    """Keras' message when it refuses a NumPy scalar or a tensor, not knowing which (the user's ``text``):
    the Keras 3 constructors that check for a Python int refuse both with one message (measured for
    np.int64, np.int32, an array's sum(), tf.math.reduce_prod and keras.ops.prod); later checks differ
    (Bidirectional takes LSTM(np.int64(4)), not LSTM of a tensor) and tf-keras takes NumPy scalars, so
    those stay unknown (None)."""
    pair = (cls, key)
    if keras_version == 3 and pair in KERAS3_CONSTRUCTOR:
        return KERAS3_CONSTRUCTOR[pair].format(key=key, value=text, type="a NumPy or tensor scalar")
    return None


def tensor_size_refusal(cls: str, key: str, text: str, keras_version: int) -> str | None:
    """Keras' message when it refuses a TensorFlow tensor (the user's ``text``) as ``cls``'s ``key``;
    None when that Keras takes it or the pair is not one measured here."""
    pair = (cls, key)
    if keras_version == 2:
        return TF_KERAS_TENSOR.get(pair)
    if pair in KERAS3_CONSTRUCTOR:
        return KERAS3_CONSTRUCTOR[pair].format(key=key, value=text, type="EagerTensor")
    return KERAS3_TENSOR_AT_CALL.get(pair)


# Keras' message when a whole padding/cropping of a 2D or 3D layer is a NumPy integer: it is not a Python int,
# and has no len(), so it is none of the forms these layers take.  Measured in Keras 3.15.1 and tf-keras 2.21
# (tests/test_numpy_sizes.py rebuilds each): the forms each layer lists, by (kind, rank).  Keras 3's
# ZeroPadding2D lists Cropping2D's words; tf-keras' its own (_TF_KERAS_PAD_2D).
_FORMS = {
    ("crop", 2): "(symmetric_height_crop, symmetric_width_crop), or a tuple of 2 tuples of 2 ints ((top_crop, "
                 "bottom_crop), (left_crop, right_crop))",
    ("pad", 3): "(symmetric_dim1_pad, symmetric_dim2_pad, symmetric_dim3_pad), or a tuple of 3 tuples of 2 ints "
                "((left_dim1_pad, right_dim1_pad), (left_dim2_pad, right_dim2_pad), (left_dim3_pad, right_dim2_pad))",
    ("crop", 3): "(symmetric_dim1_crop, symmetric_dim2_crop, symmetric_dim3_crop), or a tuple of 3 tuples of 2 "
                 "ints ((left_dim1_crop, right_dim1_crop), (left_dim2_crop, right_dim2_crop), (left_dim3_crop, "
                 "right_dim2_crop))",
}
_FORMS[("pad", 2)] = _FORMS[("crop", 2)]
_TF_KERAS_PAD_2D = ("(symmetric_height_pad, symmetric_width_pad), or a tuple of 2 tuples of 2 ints ((top_pad, "
                    "bottom_pad), (left_pad, right_pad))")


def numpy_padding_refusal(key: str, rank: int, value: Any, keras_version: int) -> str:
    """Keras' refusal of ``padding=np.int64(1)`` (``cropping=``) in a 2D or 3D ZeroPadding or Cropping layer."""
    kind = "pad" if key == "padding" else "crop"
    forms = _TF_KERAS_PAD_2D if keras_version == 2 and (kind, rank) == ("pad", 2) else _FORMS[(kind, rank)]
    # Keras 3's Cropping3D alone leaves the argument's name out of "Received"
    received = f"{key}={value}" if keras_version != 2 and (kind, rank) != ("crop", 3) else f"{value}"
    return f"`{key}` should be either an int, a tuple of {rank} ints {forms}. Received: {received}."


def numpy_noise_shape_refusal(noise: Any) -> str | None:
    """Keras 3's Dropout refuses NumPy integers in ``noise_shape`` (tf-keras takes them): None when it holds none."""
    if isinstance(noise, NumpyInt):
        return ("Invalid value received for argument `noise_shape`. Expected an iterable of integers (e.g., a tuple "
                f"or list). Received: noise_shape={noise}")
    if isinstance(noise, (list, tuple)):
        for i, d in enumerate(noise):
            if isinstance(d, NumpyInt):
                return ("Invalid value received for argument `noise_shape`. Expected all elements to be integers or "
                        f"None. Received element at index {i}: {d} (type: {d.dtype})")
    return None
