"""How a case row's input tensors are passed to a Keras layer's call()."""

MULTI_INPUT = {
    "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot",
    "Attention", "AdditiveAttention",
}
TWO_TENSOR_CALLS = {"MultiHeadAttention"}

CASES: list = []


def call_layer(layer, tensors, call_kwargs):
    name = type(layer).__name__
    if name in MULTI_INPUT:
        return layer(tensors, **call_kwargs)
    if name in TWO_TENSOR_CALLS:
        return layer(*tensors, **call_kwargs)
    return layer(tensors[0], **call_kwargs)
