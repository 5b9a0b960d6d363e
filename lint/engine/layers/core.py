"""Dense, Embedding, Identity, Masking, and Lambda when its output shape is declared."""

from __future__ import annotations

from layerlint.engine.layers.base import (
    Built,
    Config,
    ShapeError,
    Unanalysable,
    Weight,
    _py,
    layer,
    require_rank,
    single,
)
from layerlint.engine.symbolic import Dim, Expr, as_int, shape_str


@layer("Dense", "units", "activation", "use_bias", activation=None, use_bias=True)
def dense(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Dense")
    require_rank(shape, 2, "Dense", at_least=True)
    units = cfg.dim("units")
    if as_int(units) is not None and as_int(units) <= 0:
        raise ShapeError("invalid", f"Received an invalid value for `units`, expected a positive integer. Received: units={units}")
    features = shape[-1]
    if features is None:
        raise ShapeError(
            "invalid",
            "The last dimension of the inputs to a Dense layer should be defined. Found None. "
            f"Full input shape received: {shape_str(shape)}",
        )
    weights = [Weight("kernel", (features, units))]
    if cfg.flag("use_bias"):
        weights.append(Weight("bias", (units,)))
    positions = shape[1:-1]
    notes = []
    if positions:
        notes.append(
            f"acts on the last axis at each of {' x '.join(str(p) for p in positions)} positions"
        )
    return Built(shape[:-1] + (units,), weights, notes)


# -- helpers shared by the shape-preserving families (activations, regularization, ...) --


def passthrough(cfg: Config, inputs: list, weights: list | None = None) -> Built:
    """The output has the input's shape; used by the many element-wise layers."""
    return Built(single(inputs, cfg.cls), weights or [])


def norm_axis(axis: object, rank: int, cls: str) -> int:
    """A Python-style axis made non-negative; out of range is Keras' build-time error."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise Unanalysable(f"{cls} axis={axis!r} is not a known integer")
    if axis >= rank or axis < -rank:
        raise ShapeError(
            "invalid",
            f"Axis {axis} is out of bounds for an input of rank {rank} in {cls}",
            axis=axis,
            rank=rank,
        )
    return axis % rank


def axis_list(value: object, cls: str) -> list[int]:
    """An int-or-list axis argument as a list of ints."""
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [value]
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int):
            raise Unanalysable(f"{cls} axis={value!r} is not a known integer list")
    return items


def defined(dim: Dim, cls: str, what: str, shape: tuple) -> Dim:
    """Keras creates variables only for fully defined shapes."""
    if dim is None:
        raise ShapeError(
            "invalid",
            f"{cls} needs a defined {what} to create its weights, but the input shape is {shape_str(shape)}",
        )
    return dim


def check_positive(cfg: Config, key: str, cls: str) -> Dim:
    """A constructor argument Keras requires to be a positive integer."""
    value = cfg.dim(key)
    n = as_int(value)
    if n is not None and n <= 0:
        raise ShapeError("invalid", f"`{key}` of {cls} must be a positive integer. Received: {key}={n}")
    return value


def check_range(cfg: Config, key: str, cls: str, low: float = 0.0, high: float | None = 1.0) -> None:
    """Constructor-time range checks (e.g. Dropout rate in [0, 1]) on concrete numbers."""
    value = cfg[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        raise ShapeError("invalid", f"Invalid value for `{key}` of {cls}: expected {bounds}. Received: {key}={value}")


# -- layers --------------------------------------------------------------------------


@layer(
    "Embedding",
    "input_dim",
    "output_dim",
    "embeddings_initializer",
    "embeddings_regularizer",
    "embeddings_constraint",
    "mask_zero",
    "weights",
    "lora_rank",
    "lora_alpha",
    mask_zero=False,
    lora_rank=None,
)
def embedding(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Embedding")
    vocab = check_positive(cfg, "input_dim", "Embedding")
    width = check_positive(cfg, "output_dim", "Embedding")
    table = Weight("embeddings", (vocab, width))
    weights = [table]
    rank = cfg.dim("lora_rank")
    if rank is not None:
        # LoRA freezes the full table and trains two low-rank factors instead.
        table.trainable = False
        weights += [Weight("lora_embeddings_a", (vocab, rank)), Weight("lora_embeddings_b", (rank, width))]
    notes = [f"each integer id in [0, {vocab}) becomes a vector of {width}: output adds a last axis of {width}"]
    if cfg.flag("mask_zero"):
        notes.append("mask_zero=True: id 0 is padding and is masked downstream")
    return Built(tuple(shape) + (width,), weights, notes)


@layer("Identity")
def identity(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


@layer("Masking", "mask_value", mask_value=0.0)
def masking(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


# -- Lambda: analysable only when its output shape is declared -------------------------


def declared_output_shape(args: list | tuple, kwargs: dict) -> tuple | list | None:
    """A Lambda's ``output_shape=`` when written as a value rather than a function.

    Keras 3 then takes the output shape from it and never runs the layer's function
    to find one, so the layer can be shaped without knowing what the function does.
    """
    value = kwargs.get("output_shape", args[1] if len(args) > 1 else None)
    return value if isinstance(value, (tuple, list)) else None


def _is_dim(v: object) -> bool:
    return v is None or isinstance(v, Expr) or (isinstance(v, int) and not isinstance(v, bool))


@layer("Lambda", "function", "output_shape", "mask", "arguments", output_shape=None, mask=None, arguments=None)
def lambda_layer(cfg: Config, inputs: list) -> Built:
    declared = cfg["output_shape"]
    if not inputs:
        raise Unanalysable("Lambda called on nothing")
    batch = inputs[0][0] if inputs[0] else None  # Keras: the first dim of the flattened input shapes
    if isinstance(declared, list) and declared and all(_is_dim(d) for d in declared):
        # Keras adds the batch axis with `(batch,) + output_shape`, which a list cannot join.
        raise ShapeError("invalid", 'Exception encountered when calling Lambda.call(): can only concatenate tuple '
                         f'(not "list") to tuple: output_shape={_py(declared)} must be a tuple in Keras 3')
    if isinstance(declared, tuple) and all(_is_dim(d) for d in declared):
        output: tuple | list = (batch, *declared)
    elif isinstance(declared, (tuple, list)) and declared and all(
            isinstance(s, tuple) and all(_is_dim(d) for d in s) for s in declared):
        output = [(batch, *s) for s in declared]
    else:
        raise Unanalysable(f"output_shape={_py(declared)} is not a shape")
    note = (f"output_shape={_py(declared)} is declared: Keras puts the batch axis in front and does not run "
            "the function to check it")
    return Built(output, [], [note])
