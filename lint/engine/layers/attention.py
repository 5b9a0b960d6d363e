"""Attention layers: MultiHeadAttention, Attention (Luong) and AdditiveAttention (Bahdanau)."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight, layer
from layerlint.engine.layers.ops import tf_keras
from layerlint.engine.symbolic import Dim, as_int, dim_str, dims_equal, shape_str


def _call(cfg: Config) -> dict:
    return cfg["__call__"] or {}


def _tensor_args(cfg: Config, inputs: list, names: tuple[str, ...]) -> dict:
    """Bind call() tensors to names: keywords first, the rest positionally.

    A keyword tensor arrives as a shape, or as {"input": i} naming one of ``inputs``.
    """
    call = _call(cfg)
    bound: dict = {}
    taken: set[int] = set()
    for name in names:
        value = call.get(name)
        if isinstance(value, dict) and isinstance(value.get("input"), int) and value["input"] < len(inputs):
            bound[name] = tuple(inputs[value["input"]])
            taken.add(value["input"])
        elif isinstance(value, (tuple, list)):
            bound[name] = tuple(value)
        elif value is not None:
            raise Unanalysable(f"the `{name}` tensor's shape is not known")
    rest = [s for i, s in enumerate(inputs) if i not in taken]
    for name in names:
        if name not in bound and rest:
            bound[name] = tuple(rest.pop(0))
    if rest:
        raise ShapeError("invalid", f"Layer {cfg.cls} received {len(inputs)} input tensors, too many for {names}")
    return bound


def _positive(cfg: Config, key: str, optional: bool = False) -> Dim:
    value = cfg.dim(key)
    if value is None and optional:
        return None
    n = as_int(value)
    if value is None or (n is not None and n <= 0):
        raise ShapeError(
            "invalid",
            f"Received an invalid value for argument `{key}`, expected a positive integer. Received: {key}={value}",
        )
    return value


def _defined_last(shape: tuple, what: str) -> Dim:
    if shape[-1] is None:
        raise ShapeError(
            "invalid",
            f"The last dimension of `{what}` must be defined to build its projection. "
            f"Received: {what}_shape={shape_str(shape)}",
        )
    return shape[-1]


def _projection(name: str, features: Dim, heads: Dim, dim: Dim, use_bias: bool) -> list[Weight]:
    weights = [Weight(f"{name}/kernel", (features, heads, dim))]
    if use_bias:
        weights.append(Weight(f"{name}/bias", (heads, dim)))
    return weights


@layer(
    "MultiHeadAttention", "num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape",
    "attention_axes", "sliding_window", "flash_attention", "kernel_initializer", "bias_initializer",
    "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint",
    "use_gate", "seed",
    call_args=("value", "key"), value_dim=None, use_bias=True, output_shape=None, attention_axes=None,
    use_gate=False,
)
def multi_head_attention(cfg: Config, inputs: list) -> Built:
    heads = _positive(cfg, "num_heads")
    key_dim = _positive(cfg, "key_dim")
    value_dim = _positive(cfg, "value_dim", optional=True) or key_dim
    tensors = _tensor_args(cfg, inputs, ("query", "value", "key"))
    if "value" not in tensors:
        raise ShapeError("invalid", "MultiHeadAttention needs `query` and `value` tensors")
    query, value = tensors["query"], tensors["value"]
    key = tensors.get("key", value)
    if not _same_dims(value[1:-1], key[1:-1]):
        raise ShapeError(
            "invalid",
            "All dimensions of `value` and `key`, except the last one, must be equal. "
            f"Received: value_shape={shape_str(value)} and key_shape={shape_str(key)}",
            value=value, key=key,
        )
    _check_attention_axes(cfg, len(value) + 1)
    use_bias = cfg.flag("use_bias")
    out_feat = _output_feature_shape(cfg, query)
    weights = _projection("query", _defined_last(query, "query"), heads, key_dim, use_bias)
    weights += _projection("key", _defined_last(key, "key"), heads, key_dim, use_bias)
    if cfg.flag("use_gate"):
        weights += _projection("gate", query[-1], heads, value_dim, use_bias)
    weights += _projection("value", _defined_last(value, "value"), heads, value_dim, use_bias)
    weights.append(Weight("attention_output/kernel", (heads, value_dim) + out_feat))
    if use_bias:
        weights.append(Weight("attention_output/bias", out_feat))
    output = tuple(query[:-1]) + out_feat
    notes = [
        f"{dim_str(heads)} heads of key_dim {dim_str(key_dim)}, value_dim {dim_str(value_dim)}; "
        f"output projected back to {shape_str(out_feat)}"
    ]
    if _call(cfg).get("return_attention_scores"):
        if tf_keras(cfg):
            scores = _tf_keras_scores(cfg, query, key, heads)
        else:
            # Keras' symbolic shape uses the query length on both score axes, whatever the key length.
            scores = (query[0], heads, query[1], query[1])
        return Built([output, scores], weights, notes, {"heads": heads})
    return Built(output, weights, notes, {"heads": heads})


def _tf_keras_scores(cfg: Config, query: tuple, key: tuple, heads: Dim) -> tuple:
    """tf-keras computes the scores with einsum: the axes not attended over, the heads, then the query's and
    the key's attended axes."""
    rank = len(query)
    axes = cfg["attention_axes"]
    if axes is None:
        axes = tuple(range(1, rank - 1))
    elif isinstance(axes, int) and not isinstance(axes, bool):
        axes = (axes,)
    norm = tuple(as_int(a) for a in axes)
    if None in norm:
        raise Unanalysable("attention_axes is not a known integer")
    # Negative axes count from the end of the projected rank (query rank + 1: heads before channels).
    norm = tuple(a if a >= 0 else rank + 1 + a for a in norm)
    batch = [i for i in range(rank - 1) if i not in norm]
    return (tuple(query[i] for i in batch) + (heads,) + tuple(query[a] for a in norm)
            + tuple(key[a] for a in norm))


def _same_dims(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if (x is None) != (y is None):
            return False  # Keras compares the tuples literally: None != 5
        if dims_equal(x, y) is False:
            return False
    return True


def _output_feature_shape(cfg: Config, query: tuple) -> tuple:
    out = cfg["output_shape"]
    if not out:
        return (query[-1],)
    if isinstance(out, (int,)) or not isinstance(out, (tuple, list)):
        return (cfg.dim("output_shape"),)
    return tuple(out)


def _check_attention_axes(cfg: Config, rank: int) -> None:
    axes = cfg["attention_axes"]
    if axes is None:
        return
    if isinstance(axes, int) and not isinstance(axes, bool):
        axes = (axes,)
    if not isinstance(axes, (tuple, list)):
        raise ShapeError("invalid", f"`attention_axes` must be an int, list, or tuple. Received: attention_axes={axes}")
    for axis in axes:
        a = as_int(axis)
        if a is None:
            raise Unanalysable("attention_axes is not a known integer")
        norm = a if a >= 0 else rank - 1 + a
        # The projected tensors have rank ``rank``; the last two are heads and channels.
        if not 0 <= norm < rank:
            raise ShapeError("invalid", f"attention axis {a} is out of range for projected rank {rank}")


def _attention_inputs(cfg: Config, inputs: list) -> tuple[tuple, tuple, tuple]:
    if len(inputs) not in (2, 3):
        raise ShapeError(
            "invalid",
            f"{cfg.cls} layer accepts inputs list of length 2 or 3, namely [query, value] or "
            f"[query, value, key]. Received length: {len(inputs)}.",
        )
    query, value = tuple(inputs[0]), tuple(inputs[1])
    key = tuple(inputs[2]) if len(inputs) > 2 else value
    return query, value, key


def _attention_output(cfg: Config, query: tuple, value: tuple, key: tuple, weights: list, notes: list) -> Built:
    output = tuple(query[:-1]) + (value[-1],)
    if _call(cfg).get("return_attention_scores"):
        scores = tuple(query[:-1]) + (key[-2],)
        return Built([output, scores], weights, notes)
    return Built(output, weights, notes)


@layer("Attention", "use_scale", "score_mode", "dropout", "seed", multi_input=True, use_scale=False, score_mode="dot")
def attention(cfg: Config, inputs: list) -> Built:
    mode = cfg.string("score_mode")
    if mode not in ("dot", "concat"):
        raise ShapeError(
            "invalid",
            f"Invalid value for argument score_mode. Expected one of {{'dot', 'concat'}}. Received: score_mode={mode}",
        )
    query, value, key = _attention_inputs(cfg, inputs)
    weights = []
    if cfg.flag("use_scale"):
        weights.append(Weight("scale", ()))
    if mode == "concat":
        weights.append(Weight("concat_score_weight", ()))
    notes = [f"{mode} scores of query {shape_str(query)} against key {shape_str(key)}"]
    return _attention_output(cfg, query, value, key, weights, notes)


@layer("AdditiveAttention", "use_scale", "dropout", multi_input=True, use_scale=True)
def additive_attention(cfg: Config, inputs: list) -> Built:
    query, value, key = _attention_inputs(cfg, inputs)
    weights = []
    if cfg.flag("use_scale"):
        weights.append(Weight("scale", (_defined_last(query, "query"),)))
    notes = [f"additive scores of query {shape_str(query)} against key {shape_str(key)}"]
    return _attention_output(cfg, query, value, key, weights, notes)
