"""LL41x: the output head and its training setup, as people get them wrong in questions.

LL401/LL402/LL404 (losses.py) judge a probability loss against the head; these
judge a regression loss on a probability head, an activation stacked under a
softmax, and a compile() that a second compile() silently replaces.
"""

from __future__ import annotations

from collections.abc import Iterator

from layerlint.engine.shapes import ShapedModel
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.layer_facts import TRANSPARENT_FOR_ACTIVATION, fmt, last_dim, layer_activation
from layerlint.rules.losses import parse_loss
from layerlint.rules.structure import find_head, span_of

IMPORTS = "from keras import Sequential, Input, layers\n"
# Losses that compare values: they treat the output as a number, not a distribution.
REGRESSION_LOSSES = frozenset({
    "mse", "mae", "mape", "msle", "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "huber_loss", "log_cosh", "logcosh",
})
# Activations that change values before a softmax reads them (a linear layer does not).
NONLINEAR = frozenset({"relu", "relu6", "elu", "selu", "gelu", "silu", "swish", "tanh", "sigmoid", "softplus",
                       "softsign", "leaky_relu", "hard_sigmoid", "exponential", "mish", "softmax"})


@register
class ProbabilityOutputRegressionLoss(Rule):
    code = "LL410"
    name = "softmax-with-regression-loss"
    severity = "warning"
    summary = "A softmax output trained with a regression loss (mse, mae, ...)"
    what = """
Finds models whose output is a softmax over several units and whose `compile()`
loss is a regression loss: `mse`, `mae`, `mape`, `msle`, Huber or log-cosh.
"""
    why = """
A softmax output is a probability distribution: its units sum to 1. A
regression loss compares each unit with a target value independently, so the
targets either are class labels (then a categorical cross-entropy trains much
better) or real values (then the softmax forces them to sum to 1, and the
model cannot fit them).
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="mse")
""",)
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        m = model.model
        if not ctx.top_level or ctx.flow is None or not m.compile or len(ctx.flow.output_calls) != 1:
            return
        loss = parse_loss(m.compile.get("loss"))
        head = find_head(ctx.flow, ctx.flow.output_calls[0])
        if loss is None or head is None or loss.name not in REGRESSION_LOSSES or head.activation != "softmax":
            return
        units = last_dim(head.output)
        if units is None or units < 2:
            return  # a one-unit softmax is LL404's
        yield Finding(m.compile_span or span_of(head.dense),
                      f"loss `{loss.name}` on the softmax output of `{head.dense.row.name}` ({ctx.line_ref(span_of(head.dense).line)}, "
                      f"{fmt(units)} units that sum to 1): a regression loss on a probability distribution",
                      "for class labels use categorical_crossentropy (one-hot) or sparse_categorical_crossentropy; "
                      "for real-valued targets drop the softmax")


@register
class ActivationBeforeSoftmax(Rule):
    code = "LL411"
    name = "activation-before-softmax"
    severity = "warning"
    summary = "A nonlinear activation (relu, ...) applied just before a softmax"
    what = """
Finds a softmax (an `Activation("softmax")` or `Softmax` layer) applied to the
output of a layer that already has a nonlinear activation, e.g.
`Dense(10, activation="relu")` followed by `Activation("softmax")`, and a
softmax or sigmoid applied twice.
"""
    why = """
Softmax turns scores (logits) into probabilities; it expects unbounded scores.
After ReLU every negative score is 0, so those classes all get the same small
probability and no gradient flows back through them; a second softmax squashes
probabilities towards uniform. Put the softmax on a linear layer.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(10, activation="relu"), layers.Activation("softmax")])
""",)
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(10), layers.Activation("softmax")])
""", IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(10, activation="softmax")])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        flow = ctx.flow
        if flow is None:
            return
        for call in model.calls:
            if call.row.cls not in ("Activation", "Softmax") or layer_activation(call.row) != "softmax":
                continue
            prev = call
            for _ in range(8):  # back through Dropout and the like to the layer that computed the scores
                prods = flow.producers(prev)
                if len(prods) != 1 or prods[0] is None:
                    prev = None
                    break
                prev = prods[0]
                # Flatten moves the scores' positions onto the softmax axis: tanh scores softmaxed over
                # positions is attention, not a mistake, so only layers that keep the axes are looked through.
                if prev.row.cls not in TRANSPARENT_FOR_ACTIVATION or prev.row.cls == "Flatten":
                    break
            if prev is None or prev.row.cls == "Flatten" or (last_dim(prev.output) or 0) < 2:
                continue
            act = layer_activation(prev.row)
            if act not in NONLINEAR:
                continue
            what = "a second softmax" if act == "softmax" else f"softmax after `{act}`"
            yield Finding(span_of(call), f"{what}: `{prev.row.name}` ({ctx.line_ref(span_of(prev).line)}) already "
                                         f"applies `{act}`, so the softmax does not see raw scores",
                          f"remove `activation='{act}'` from `{prev.row.name}`" if prev.row.cls != "Activation"
                          else f"remove the `{act}` activation before the softmax")


@register
class CompileReplaced(Rule):
    code = "LL412"
    name = "compile-replaced"
    severity = "warning"
    summary = "compile() called again with a different loss before any training: the first is silently replaced"
    what = """
Finds a model compiled twice with different losses with no `fit()` (or other
training call) between the two calls.
"""
    why = """
Each `compile()` replaces the loss, optimizer and metrics of the one before it.
With no training in between, the first call has no effect at all, and the loss
in force is the last one, which is often not the one the author looks at.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.compile(optimizer="sgd", loss="mse")
""",)
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit([[0.0] * 20], [1], epochs=1)
model.compile(optimizer="sgd", loss="mse")
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        calls = model.model.compile_calls
        for (before, _, trained_before), (after, span, trained_after) in zip(calls, calls[1:]):
            if trained_after != trained_before:
                continue
            old, new = parse_loss(before.get("loss")), parse_loss(after.get("loss"))
            if old is None or new is None or old.name == new.name:
                continue
            yield Finding(span, f"this compile() replaces the one at {ctx.line_ref(_line(calls, before))} before any "
                                f"training: loss `{new.name}` is in force, not `{old.name}`",
                          "remove the compile() you do not mean")


def _line(calls: list, compile_args: dict) -> int:
    return next(span.line for args, span, _ in calls if args is compile_args)
