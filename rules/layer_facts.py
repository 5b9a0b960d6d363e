"""What the rules need to know about layers beyond shapes: which act per position,
which only pass values through, what activation a layer applies, and number formatting."""

from __future__ import annotations

from typing import Any

from layerlint.engine.shapes import ShapedCall, ShapedLayer
from layerlint.engine.symbolic import as_int, dim_str
from layerlint.extract.values import KerasObj, Ref

# Element-wise layers: each position's values stay at that position.
ELEMENTWISE = frozenset({
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Dropout", "AlphaDropout",
    "GaussianDropout", "GaussianNoise", "ActivityRegularization", "Identity", "BatchNormalization",
    "LayerNormalization", "UnitNormalization", "RMSNormalization", "Masking", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D",
})
# Per-position layers: element-wise ones and Dense, which acts on the last axis only.
PER_POSITION = ELEMENTWISE | {"Dense"}
# Layers that do not change what the final activation means (walking back from an output).
TRANSPARENT_FOR_ACTIVATION = frozenset({
    "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization", "Identity", "Flatten",
})
POOLING = frozenset(f"{k}Pooling{r}D" for k in ("Max", "Average") for r in (1, 2, 3))
RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"})
ATTENTION = frozenset({"MultiHeadAttention", "Attention", "AdditiveAttention"})
MERGE = frozenset({"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"})
UPSAMPLING = frozenset({
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
})
# Activation names that turn outputs into probabilities.
PROBABILITY_ACTIVATIONS = frozenset({"softmax", "sigmoid", "log_softmax", "hard_sigmoid"})


def fmt(n: Any) -> str:
    """30300 -> '30,300'; symbolic dims print as their expression."""
    i = as_int(n)
    return f"{i:,}" if i is not None else dim_str(n)


def gib(n_bytes: float) -> str:
    """Bytes in the unit that reads best: 3.75 GiB, 512.00 MiB."""
    for unit, size in (("TiB", 1024**4), ("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n_bytes >= size:
            return f"{n_bytes / size:,.2f} {unit}"
    return f"{int(n_bytes)} B"


def activation_name(value: Any) -> str | None:
    """Normalise an activation argument: 'softmax', Ref(keras.activations.softmax), None -> 'linear'.

    Returns None when the activation cannot be told (a variable, a custom function)."""
    if value is None:
        return "linear"
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, Ref):
        last = value.qualname.rsplit(".", 1)[-1].lower()
        return last if _known_activation(value.qualname) else None
    if isinstance(value, KerasObj):
        return None
    return None


def _known_activation(qualname: str) -> bool:
    parts = qualname.split(".")
    return "activations" in parts or qualname.startswith(("tensorflow.nn.", "tf.nn.", "keras.ops.", "torch."))


def layer_activation(row: ShapedLayer) -> str | None:
    """The activation a layer applies last: its ``activation`` argument, or the layer's own function."""
    cls = row.cls
    if cls == "Softmax":
        return "softmax"
    if cls in ("ReLU", "LeakyReLU", "PReLU", "ELU"):
        return cls.lower()
    if cls == "Activation":
        return activation_name(row.config.get("activation"))
    if "activation" in row.config:
        return activation_name(row.config.get("activation"))
    return None


def activation_axis_is_last(row: ShapedLayer) -> bool:
    """Softmax layers and ops may normalise another axis; only the last axis (the default) is judged."""
    if row.cls == "Softmax":
        source = row.source
        if getattr(source, "op", None) is not None:  # keras.ops.softmax(x, axis=1): an op row, axis as written
            axis = source.kwargs.get("axis", source.args[1] if len(source.args) > 1 else -1)
        else:
            axis = row.config.get("axis", -1)
        rank = len(row.output) if isinstance(row.output, tuple) else None
        return axis == -1 or (rank is not None and axis == rank - 1)
    return True


def last_dim(shape: Any) -> int | None:
    if isinstance(shape, tuple) and shape:
        return as_int(shape[-1])
    return None


def positions(shape: tuple) -> tuple[str, Any]:
    """('32', 32) or ('8 x 8 = 64', 64): the positions a per-position layer acts on."""
    axes = shape[1:-1]
    total: Any = 1
    for d in axes:
        total = None if d is None or total is None else d * total
    if len(axes) == 1:
        return fmt(axes[0]), total
    return " x ".join(fmt(d) for d in axes) + f" = {fmt(total)}", total


def config_int(row: ShapedLayer, key: str) -> int | None:
    v = row.config.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def spatial_facts(call: ShapedCall) -> dict | None:
    f = call.facts or {}
    return f if "spatial_in" in f and "spatial_out" in f else None
