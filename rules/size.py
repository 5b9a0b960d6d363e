"""LL3xx: layers and models too large to allocate or to train on ordinary hardware."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from layerlint.engine.shapes import ShapedLayer, ShapedModel
from layerlint.engine.symbolic import as_int, prod, shape_str
from layerlint.extract.values import KerasObj, Ref
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.layer_facts import ELEMENTWISE, fmt, gib

IMPORTS = "from keras import Sequential, Input, Model, layers\n"
INT32_MAX = 2**31 - 1
DTYPE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "mixed_float16": 4, "mixed_bfloat16": 4,
               "half": 2, "float": 4, "double": 8}


def weight_bytes(row: ShapedLayer) -> tuple[int, str]:
    """Bytes per parameter of a layer's variables (mixed precision keeps float32 variables)."""
    dtype = row.source.kwargs.get("dtype") if hasattr(row.source, "kwargs") else None
    if isinstance(dtype, str) and dtype in DTYPE_BYTES:
        return DTYPE_BYTES[dtype], "float32" if dtype.startswith("mixed") else dtype
    return 4, "float32"


def own_rows(model: ShapedModel) -> Iterator[ShapedLayer]:
    """Rows holding their own weights; a nested model's row is checked through the nested model.
    A keras.applications backbone's layers are Keras' design, not the file's: not judged here."""
    for row in model.layers:
        if row.submodel is None and not row.is_input and not _backbone_layer(row):
            yield row


def _backbone_layer(row: ShapedLayer) -> bool:
    recorded = getattr(row.source, "recorded", None)
    return recorded is not None and recorded.application is not None


def parse_bytes(value: Any) -> int | None:
    """A memory size: bytes as a number, or a string like "16GiB", "16 GB", "512MiB" (binary units)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGT]?)(i?B)?\s*", value, re.IGNORECASE)
    if not m:
        return None
    scale = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}[m.group(2).upper()]
    return int(float(m.group(1)) * scale)


@register
class OversizedLayer(Rule):
    code = "LL301"
    name = "oversized-layer"
    severity = "warning"
    summary = "One layer holds more parameters than max-layer-params"
    what = """
Finds layers with more parameters than the `max-layer-params` option (default
10,000,000), and reports their size in memory as float32 (or the layer's dtype).
"""
    why = """
A single layer this large is usually a `Dense` after a `Flatten` of a large
feature map, or a `Dense` that was meant to be smaller. It dominates memory and
training time and tends to overfit.
"""
    options = {"max-layer-params": 10_000_000}
    invalid = (IMPORTS + """
model = Sequential([
    Input((64, 64, 32)),
    layers.Flatten(),                      # 131,072 features
    layers.Dense(512),                     # 67,109,376 params
])
""",)
    valid = (IMPORTS + """
model = Sequential([
    Input((64, 64, 32)),
    layers.GlobalAveragePooling2D(),       # 32 features
    layers.Dense(512),
])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        limit = as_int(ctx.option(self, "max-layer-params"))
        if limit is None:
            return
        for row in own_rows(model):
            n = as_int(row.params)
            if n is None or n <= limit:
                continue
            size, dtype = weight_bytes(row)
            msg = (f"{row.cls} `{row.name}` has {n:,} params ({gib(n * size)} as {dtype}), "
                   f"over max-layer-params {limit:,}")
            fix = "shrink the layer, or reduce its input first (pooling, strides, GlobalAveragePooling before Dense)"
            yield Finding(row.span, msg, fix)


@register
class WeightTensorTooLarge(Rule):
    code = "LL302"
    name = "weight-tensor-too-large"
    severity = "error"
    summary = "A weight tensor has more than 2**31 - 1 elements"
    what = """
Finds weight tensors (kernels, embeddings, ...) with more than 2**31 - 1 =
2,147,483,647 elements.
"""
    why = """
TensorFlow kernels and random initialisers index tensors with 32-bit integers,
so such a variable cannot be created or initialised (errors like "rng_mrg cpu
implementation does not support more than (2**31 -1) samples" or out-of-memory
crashes). Even where it could, it needs at least 8 GiB as float32.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((30, 30, 96)),
    layers.Flatten(),                      # 86,400 features
    layers.Dense(172800),                  # kernel 86400 x 172800
])
""",)
    valid = (IMPORTS + """
model = Sequential([
    Input((30, 30, 96)),
    layers.Flatten(),
    layers.Dense(512),
])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for row in own_rows(model):
            for w in row.weights:
                n = as_int(prod(w.shape))
                if n is None or n <= INT32_MAX:
                    continue
                dims = " x ".join(fmt(d) for d in w.shape)
                msg = (f"{row.cls} `{row.name}` {w.name} {shape_str(w.shape)} has {dims} = {n:,} elements "
                       f"({fmt(row.params)} params in the layer), over 2**31 - 1 = {INT32_MAX:,}, "
                       "the int32 index limit of TensorFlow kernels")
                fix = "reduce the layer's size or its input (pool or downsample before Flatten, fewer units)"
                yield Finding(row.span, msg, fix)


OPTIMIZER_NAMES = {"adam": "Adam", "adamw": "AdamW", "nadam": "Nadam", "adamax": "Adamax", "adadelta": "Adadelta",
                   "ftrl": "Ftrl", "lamb": "Lamb", "adagrad": "Adagrad", "lion": "Lion", "adafactor": "Adafactor",
                   "sgd": "SGD", "rmsprop": "RMSprop"}


# Optimizer slot variables per weight (extra copies of the weights the optimizer keeps).
def optimizer_slots(optimizer: Any) -> tuple[int | None, str]:
    """(slots, name) for a compile() optimizer; (None, name) when it cannot be told."""
    if optimizer is None:
        return 2, "Adam"
    kwargs: dict = {}
    if isinstance(optimizer, str):
        name = optimizer
    elif isinstance(optimizer, KerasObj):
        name, kwargs = optimizer.name, optimizer.kwargs
    elif isinstance(optimizer, Ref):
        name = optimizer.qualname.rsplit(".", 1)[-1]
    else:
        return None, "unknown optimizer"
    key = name.lower()
    name = OPTIMIZER_NAMES.get(key, name)
    momentum = kwargs.get("momentum", 0.0)
    has_momentum = not isinstance(momentum, (int, float)) or momentum > 0
    if key in ("adam", "adamw", "nadam", "adamax", "adadelta", "ftrl", "lamb"):
        return 2, name
    if key in ("adagrad", "lion", "adafactor"):
        return 1, name
    if key == "sgd":
        return (1 if has_momentum else 0), name
    if key == "rmsprop":
        centered = kwargs.get("centered") is True
        return 1 + int(has_momentum) + int(centered), name
    return None, name


@register
class TrainingMemoryOverBudget(Rule):
    code = "LL303"
    name = "training-memory-over-budget"
    severity = "warning"
    summary = "Weights, gradients and optimizer slots alone exceed the memory budget"
    what = """
Estimates the memory training needs for the parameters alone: the weights, one
gradient per weight and the optimizer's slot variables (Adam keeps 2 per
weight, SGD with momentum 1, RMSprop 1), at the layers' dtype, and reports
models over the `memory-budget` option (default 16 GiB). Activations, which
scale with the batch size, come on top and are not counted.
"""
    why = """
Such a model cannot be trained on a typical GPU or workstation; Keras fails
with out-of-memory errors at `fit()` or while creating the variables.
"""
    options = {"memory-budget": "16GiB"}
    invalid = (IMPORTS + """
model = Sequential([
    Input((20020, 1)),
    layers.Dense(300),
    layers.Flatten(),                      # 6,006,000 features
    layers.Dense(300),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
""",)
    valid = (IMPORTS + """
model = Sequential([
    Input((20020,)),
    layers.Dense(300),
    layers.Dense(300),
    layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        budget = parse_bytes(ctx.option(self, "memory-budget"))
        if not ctx.top_level or budget is None:
            return
        compile_args = model.model.compile or {}
        # compile() without an optimizer uses Keras' default, RMSprop.
        slots, opt_name = optimizer_slots(compile_args.get("optimizer", "rmsprop") if model.model.compile else None)
        assumption = "" if model.model.compile else " (no compile(): Adam assumed)"
        if slots is None:
            slots, assumption = 2, f" ({opt_name} counted like Adam)"
        params, total_bytes, dtypes, partial = 0, 0, set(), False
        for row in model.layers:
            n = as_int(row.params)
            if n is None:
                partial = True
                continue
            size, dtype = weight_bytes(row)
            params += n
            total_bytes += n * size * (2 + slots)
            if n:
                dtypes.add(f"{size} bytes ({dtype})")
        if total_bytes <= budget:
            return
        kinds = "; ".join(sorted(dtypes))
        msg = (f"training needs {'at least ' if partial else ''}{gib(total_bytes)} for {params:,} params: "
               f"{2 + slots} copies (weights, gradients{_slots_text(slots, opt_name)}) "
               f"x {kinds}{assumption}, over the memory-budget of {gib(budget)}; activations not counted")
        if gib(total_bytes) == gib(budget):  # rounding hides the difference: show bytes
            msg = msg.replace(f"needs {gib(total_bytes)}", f"needs {total_bytes:,} bytes", 1).replace(
                f"budget of {gib(budget)}", f"budget of {budget:,} bytes", 1)
        span = model.model.span
        yield Finding(span, msg, "shrink the largest layers (see LL301) or reduce their inputs before Flatten")


def _slots_text(slots: int, optimizer: str) -> str:
    if slots == 0:
        return f"; {optimizer} keeps no slots"
    return f", {slots} {optimizer} slot{'s' if slots != 1 else ''}"


@register
class FlattenDenseDominates(Rule):
    code = "LL304"
    name = "flatten-dense-dominates"
    severity = "info"
    default_enabled = False
    summary = "A Flatten -> Dense pair holds over 90% of the model's parameters"
    what = """
Finds a `Dense` layer fed by a `Flatten` that holds more than 90% of all the
model's parameters. Off by default: classic small CNNs (the Keras MNIST
example) are built this way on purpose.
"""
    why = """
The convolutional part, which generalises across positions, is then a small
fraction of the model; the head memorises position-specific weights. Global
average pooling or a smaller head usually trains faster with little loss.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Conv2D(64, 3, activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),                      # 9,216 features
    layers.Dense(128, activation="relu"),  # 98% of the params
    layers.Dense(10, activation="softmax"),
])
""",)
    valid = (IMPORTS + """
model = Sequential([
    Input((28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Conv2D(64, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        total = as_int(model.total_params)
        if not ctx.top_level or ctx.flow is None or not total:
            return
        for call in model.calls:
            n = as_int(call.row.params)
            if call.row.cls != "Dense" or n is None or n <= 0.9 * total or not _fed_by_flatten(ctx, call):
                continue
            msg = (f"Flatten -> Dense({fmt(call.row.config.get('units'))}) `{call.row.name}` holds {n:,} of "
                   f"{total:,} params ({100 * n / total:.1f}%)")
            fix = "try a GlobalAveragePooling layer instead of Flatten, more downsampling first, or a smaller Dense"
            yield Finding(call.node.span if call.node is not None else call.row.span, msg, fix)


def _fed_by_flatten(ctx: Context, call) -> bool:
    c = call
    for _ in range(6):
        prods = ctx.flow.producers(c)
        if len(prods) != 1 or prods[0] is None:
            return False
        c = prods[0]
        if c.row.cls == "Flatten":
            return True
        if c.row.cls not in ELEMENTWISE:
            return False
    return False
