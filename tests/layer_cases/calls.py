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
        # A tensor also passed by keyword (e.g. MHA key=) is not repeated positionally.
        by_keyword = [v for v in call_kwargs.values() if not isinstance(v, (bool, int, float, str, type(None)))]
        return layer(*[t for t in tensors if not any(t is v for v in by_keyword)], **call_kwargs)
    return layer(tensors[0], **call_kwargs)
