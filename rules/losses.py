"""LL4xx: the final activation, the number of output units and the loss given to
``compile()`` disagree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from layerlint.engine.model import Span
from layerlint.engine.shapes import ShapedCall, ShapedModel, snake_case
from layerlint.extract.values import KerasObj, Ref
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.layer_facts import PROBABILITY_ACTIVATIONS, activation_axis_is_last, last_dim, layer_activation
from layerlint.rules.structure import Head, find_head, literal_units, span_of

IMPORTS = "from keras import Sequential, Input, Model, layers, losses\n"
BINARY = frozenset({"binary_crossentropy", "binary_focal_crossentropy"})
CATEGORICAL = frozenset({"categorical_crossentropy", "categorical_focal_crossentropy"})
SPARSE = frozenset({"sparse_categorical_crossentropy"})
PROBABILITY_LOSSES = BINARY | CATEGORICAL | SPARSE


@dataclass
class Loss:
    name: str  # snake_case: binary_crossentropy
    from_logits: bool | None  # not given counts as False; None when given as something we cannot follow


def parse_loss(value: Any) -> Loss | None:
    """A compile() loss as a canonical name and its from_logits flag; None for custom losses."""
    if isinstance(value, str):
        return Loss(snake_case(value) if any(ch.isupper() for ch in value) else value.lower(), False)
    if isinstance(value, Ref):
        return Loss(snake_case(value.qualname.rsplit(".", 1)[-1]), False)
    if isinstance(value, KerasObj):
        flag = value.kwargs.get("from_logits", value.args[0] if value.args else False)
        if not isinstance(flag, bool):
            return Loss(snake_case(value.name), None)
        return Loss(snake_case(value.name), flag)
    return None


@dataclass
class Pairing:
    head: Head
    loss: Loss
    span: Span  # where to report: the compile() call


def loss_pairings(model: ShapedModel, ctx: Context) -> Iterator[Pairing]:
    """Each model output with the loss that trains it."""
    m = model.model
    if not ctx.top_level or ctx.flow is None or not m.compile or "loss" not in m.compile:
        return
    outs = ctx.flow.output_calls
    loss = m.compile["loss"]
    if isinstance(loss, (list, tuple)):
        pairs = list(zip(outs, loss)) if len(loss) == len(outs) else []
    elif isinstance(loss, dict):
        pairs = [(o, loss[o.row.name]) for o in outs if o is not None and o.row.name in loss]
    else:
        pairs = [(o, loss) for o in outs]
    for out_call, value in pairs:
        parsed = parse_loss(value)
        head = find_head(ctx.flow, out_call)
        if parsed is None or head is None or parsed.name not in PROBABILITY_LOSSES:
            continue
        yield Pairing(head, parsed, m.compile_span or span_of(head.dense))


def head_label(head: Head, ctx: Context) -> str:
    units = head.units
    count = "? units" if units is None else f"{units} unit{'s' if units != 1 else ''}"
    return f"the output layer `{head.dense.row.name}` ({ctx.line_ref(span_of(head.dense).line)}, {count}, {head.activation})"


@register
class ActivationLossMismatch(Rule):
    code = "LL401"
    name = "activation-loss-mismatch"
    severity = "warning"
    summary = "The final activation does not produce what the loss expects"
    what = """
Compares the model's final activation (a `Dense` activation, or an `Activation`
/ `Softmax` layer after it) with the `compile()` loss:
softmax with `binary_crossentropy`; sigmoid with a categorical cross-entropy;
a softmax or sigmoid output with `from_logits=True`; a linear output with a
cross-entropy that expects probabilities (no `from_logits=True`).
"""
    why = """
The model still trains, but against the wrong objective: softmax makes the
units compete while binary cross-entropy scores each one independently,
`from_logits=True` applies a second softmax/sigmoid, and a probability loss on
unbounded linear outputs clips them into [0, 1] and learns poorly.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss=losses.BinaryCrossentropy(from_logits=True))
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(5)])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(5), layers.Activation("sigmoid")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Lambda(my_features), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="binary_crossentropy")   # the Lambda's output is unknown: Dense(5) is not
""")
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(5)])
model.compile(optimizer="adam", loss=losses.SparseCategoricalCrossentropy(from_logits=True))
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(4, activation="sigmoid")])   # multi-label
model.compile(optimizer="adam", loss="binary_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Lambda(my_features), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for p in loss_pairings(model, ctx):
            act, loss, units = p.head.activation, p.loss, p.head.units
            if act is None or units is None:
                continue
            msg = fix = None
            if act == "softmax" and loss.name in BINARY and loss.from_logits is False and units > 1:
                msg = (f"softmax over {units} units with {loss.name}: softmax makes the units compete "
                       f"while {loss.name} scores each unit as an independent yes/no")
                fix = "use categorical_crossentropy (one-hot labels) or sparse_categorical_crossentropy (integer labels); for multi-label outputs use sigmoid"
            elif act == "sigmoid" and loss.name in CATEGORICAL | SPARSE and loss.from_logits is False and units > 1:
                msg = (f"sigmoid over {units} units with {loss.name}: the units are independent probabilities "
                       "that do not sum to 1, as a categorical loss assumes")
                fix = "use softmax for one class per sample, or binary_crossentropy for multi-label outputs"
            elif act in PROBABILITY_ACTIVATIONS and loss.from_logits is True:
                msg = f"{loss.name} with from_logits=True but {head_label(p.head, ctx)} already applies {act}"
                fix = f"drop from_logits=True, or remove the {act} to output logits"
            elif act == "linear" and loss.from_logits is False and \
                    not (units == 1 and loss.name in CATEGORICAL | SPARSE):
                want = "sigmoid" if loss.name in BINARY else "softmax"
                msg = (f"{loss.name} expects probabilities but {head_label(p.head, ctx)} has no activation; "
                       "without from_logits=True its outputs are clipped into [0, 1]")
                fix = f"add activation=\"{want}\" to the output layer, or pass from_logits=True to the loss"
            if msg:
                yield Finding(p.span, msg, fix)


@register
class UnitsLossMismatch(Rule):
    code = "LL402"
    name = "units-loss-mismatch"
    severity = "warning"
    summary = "A categorical cross-entropy over a single output unit"
    what = """
Finds `categorical_crossentropy` or `sparse_categorical_crossentropy` on an
output with a single unit. (`binary_crossentropy` on a softmax over several
units is reported as LL401.)
"""
    why = """
With one unit there is nothing to choose between: categorical cross-entropy of
a one-unit softmax is always 0, and sparse labels 1..n-1 index units that do
not exist. A binary problem wants one sigmoid unit with `binary_crossentropy`,
a multi-class problem one unit per class.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Lambda(my_features), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""")
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for p in loss_pairings(model, ctx):
            if p.loss.name in CATEGORICAL | SPARSE and p.head.units == 1:
                msg = f"{p.loss.name} over 1 unit: {head_label(p.head, ctx)} leaves nothing to choose between"
                fix = ("for two classes use Dense(1, activation=\"sigmoid\") with binary_crossentropy; "
                       "for n classes use Dense(n, activation=\"softmax\")")
                yield Finding(p.span, msg, fix)


@register
class SoftmaxSingleUnit(Rule):
    code = "LL404"
    name = "softmax-single-unit"
    severity = "error"
    summary = "Softmax over a single unit always outputs 1.0"
    what = "Finds softmax applied over an axis of size 1: `Dense(1, activation=\"softmax\")`, or a softmax `Activation` after one unit."
    why = """
Softmax divides each value by the sum over the axis; over one value the result
is exactly 1.0 for every input, so the model's prediction is constant and its
gradients are zero.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="softmax")])
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1), layers.Activation("softmax")])
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Lambda(my_features), layers.Dense(1, activation="softmax")])
""")
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
""", IMPORTS + """
model = Sequential([Input((20, 1)), layers.Flatten(), layers.Activation("softmax")])   # over 20 positions
""", IMPORTS + """
from keras import ops
inputs = Input((10, 8))
scores = layers.Dense(1)(inputs)
weights = ops.softmax(scores, axis=1)   # attention over the 10 positions, not over the one unit
model = Model(inputs, ops.sum(weights * inputs, axis=1))
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in model.calls:
            if not _softmax_over_one(call):
                continue
            units = call.row.config.get("units")
            if call.row.cls == "Softmax":
                what = "Softmax"
            elif call.row.cls == "Activation":
                what = 'Activation("softmax")'
            else:
                what = f"{call.row.cls}({units}, activation=\"softmax\")" if units is not None else f"{call.row.cls} with softmax"
            msg = f"{what} `{call.row.name}` on a last axis of size 1 always outputs 1.0"
            fix = "use activation=\"sigmoid\" for a single yes/no unit, or one unit per class with softmax"
            yield Finding(span_of(call), msg, fix)


def _softmax_over_one(call: ShapedCall) -> bool:
    # the activation first: few calls have softmax, and the units (a Dense's bound config) are then not asked
    if layer_activation(call.row) != "softmax":
        return False
    units = last_dim(call.output) if call.output is not None else literal_units(call)
    return activation_axis_is_last(call.row) and units == 1
