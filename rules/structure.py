"""LL2xx: models that build but are almost surely not what was meant.

These rules look at where tensors go (rules/flow.py), so each keeps to
patterns that are mistakes in practice and stays silent on the per-position
designs that are intended (transformer blocks, per-timestep heads, dense
prediction with upsampling).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from layerlint.engine.model import Span
from layerlint.engine.shapes import ShapedCall, ShapedModel
from layerlint.engine.symbolic import as_int, prod, shape_str
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.flow import Flow
from layerlint.rules.layer_facts import (
    ATTENTION,
    ELEMENTWISE,
    MERGE,
    PER_POSITION,
    POOLING,
    PROBABILITY_ACTIVATIONS,
    RECURRENT,
    TRANSPARENT_FOR_ACTIVATION,
    UPSAMPLING,
    config_int,
    fmt,
    last_dim,
    layer_activation,
    positions,
    spatial_facts,
)

IMPORTS = "from keras import Sequential, Input, Model, layers\n"
AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def span_of(call: ShapedCall) -> Span:
    return call.node.span if call.node is not None else call.row.span


def rank(shape: object) -> int | None:
    return len(shape) if isinstance(shape, tuple) else None


# -- the model's head ------------------------------------------------------------


@dataclass
class Head:
    """The layer that makes a model output, and the activation applied after it."""

    dense: ShapedCall  # the Dense (or other layer) that produces the output values
    activation: str | None
    output: tuple | None  # None when an opaque part upstream leaves it unknown
    flattened: bool = False  # a Flatten between the head and the output

    @property
    def units(self) -> int | None:
        """The output's last axis: computed, or as written (Dense(5) makes 5 whatever comes in)."""
        if self.output is not None:
            return last_dim(self.output)
        return None if self.flattened else literal_units(self.dense)


def literal_units(call: ShapedCall) -> int | None:
    """A Dense's units when its input, and so its output shape, is unknown."""
    if call.output is None and call.error is None and call.row.cls == "Dense":
        return config_int(call.row, "units")
    return None


def find_head(flow: Flow, out_call: ShapedCall | None) -> Head | None:
    """Walk back from an output through dropout-like and Activation layers to the layer computing it.

    The output may be unknown (an opaque backbone upstream): what is written literally, the
    activation and a Dense's units, is still the head."""
    if out_call is None or out_call.error is not None or not (out_call.output is None or isinstance(out_call.output, tuple)):
        return None
    after: str | None = None  # an Activation layer's function, applied after the head
    call = out_call
    flattened = False
    for _ in range(8):
        cls = call.row.cls
        flattened = flattened or cls == "Flatten"
        if cls in ("Activation", "Softmax") and after is None:
            after = layer_activation(call.row)
            if after is None:
                return None
        elif cls not in TRANSPARENT_FOR_ACTIVATION:
            own = layer_activation(call.row)
            activation = after if after not in (None, "linear") else own
            return Head(call, activation, out_call.output, flattened)
        prods = flow.producers(call)
        if len(prods) != 1 or prods[0] is None:
            return None
        call = prods[0]
    return None


def is_scalar_head(head: Head) -> bool:
    """A classifier or regressor head: Dense(1), or a Dense with softmax/sigmoid."""
    if head.dense.row.cls != "Dense":
        return False
    return config_int(head.dense.row, "units") == 1 or head.activation in PROBABILITY_ACTIVATIONS


def _keeps_positions_on_purpose(call: ShapedCall) -> bool:
    """Layers whose presence says per-position outputs are the design (taggers, seq2seq, segmentation)."""
    cls = call.row.cls
    if cls in ATTENTION or cls in MERGE or cls in UPSAMPLING or cls in ("TimeDistributed", "Bidirectional"):
        return True
    return cls in RECURRENT and bool(call.facts.get("return_sequences"))


def _adds_unit_axis(call: ShapedCall) -> bool:
    """``Reshape((n, 1))`` on ``(None, n)``: the features become n positions of one value each, nothing is mixed.
    It is how flat features are made to fit a Conv1D or LSTM, and a sign of seed 002's mistake before Dense."""
    if call.row.cls != "Reshape" or len(call.inputs) != 1:
        return False
    before, after = call.inputs[0], call.output
    return (isinstance(before, tuple) and isinstance(after, tuple) and len(after) == len(before) + 1
            and as_int(after[-1]) == 1 and tuple(after[1:-1]) == tuple(before[1:]))


def _mixes_positions(call: ShapedCall) -> bool:
    if _adds_unit_axis(call):
        return False
    return call.row.cls not in PER_POSITION and call.row.cls not in ("Embedding", "InputLayer")


def _downsamples(call: ShapedCall) -> bool:
    f = spatial_facts(call)
    if call.row.cls in POOLING:
        return True
    return bool(f) and any((as_int(s) or 1) > 1 for s in f.get("strides", ()))


def suspicious_unflattened_output(flow: Flow, out_call: ShapedCall | None) -> Head | None:
    """The LL202 condition: a rank >= 3 output from a scalar head in a model that does not mean per-position outputs."""
    head = find_head(flow, out_call)
    if head is None or (rank(head.output) or 0) < 3 or not is_scalar_head(head):
        return None
    upstream = flow.ancestors(head.dense)
    if any(_keeps_positions_on_purpose(c) for c in upstream):
        return None
    # A pure per-position stack never relates positions; a downsampling stack was built to summarise them.
    mixes = any(_mixes_positions(c) for c in upstream)
    downsampled = any(_downsamples(c) for c in upstream)
    # A classifier right on a convolution's feature map: Flatten or pooling was forgotten.  (A Dense(1)
    # there is a per-step forecaster, as after causal convolutions; it is judged like any other stack.)
    on_features = head.activation in PROBABILITY_ACTIVATIONS and _fed_by_convolution(flow, head.dense)
    if mixes and not downsampled and not on_features:
        return None
    if config_int(head.dense.row, "units") != 1:
        # Several classes per position is a frame or token classifier unless the stack pooled its input
        # first; a Reshape before the head means positions were laid out on purpose (CTC-style models).
        if not (downsampled or on_features) or any(c.row.cls in ("Reshape", "Permute") for c in upstream):
            return None
    return head


FEATURE_CONVOLUTIONS = frozenset({"Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D",
                                  "DepthwiseConv1D", "DepthwiseConv2D"})


def _fed_by_convolution(flow: Flow, head: ShapedCall) -> bool:
    """Is the head's input a convolution's feature map, through per-position layers only?  A classifier
    head there wanted Flatten or pooling first; a decoder upsamples or ends in a convolution instead."""
    call = head
    for _ in range(16):
        prods = flow.producers(call)
        if len(prods) != 1 or prods[0] is None:
            return False
        call = prods[0]
        if call.row.cls not in PER_POSITION:
            return call.row.cls in FEATURE_CONVOLUTIONS and call.row.config.get("padding") != "causal"
    return False


def head_text(head: Head) -> str:
    units = head.dense.row.config.get("units")
    act = f", {head.activation}" if head.activation not in (None, "linear") else ""
    return f"Dense({fmt(units)}{act})"


@register
class UnflattenedOutput(Rule):
    code = "LL202"
    name = "unflattened-output"
    severity = "warning"
    summary = "A classifier or regressor head still outputs one prediction per position"
    what = """
Finds models whose output is still rank 3 or more although the last layer looks
like a classifier or regressor head: `Dense(1)` on data that no layer relates
across positions, a `Dense(1)` / softmax / sigmoid head after pooling or
strided layers have downsampled the positions, or a softmax / sigmoid head
right on a convolution's feature map (Flatten or pooling forgotten). `Dense`
acts on the last axis only, so on `(None, 100, 1)` data it predicts once per
position, and the output is `(None, 100, 1)` rather than `(None, 1)`.
"""
    why = """
The labels are one value per sample, so the loss is computed against a
broadcast or mismatched shape: training either fails or silently optimises
something else. Models that mean per-position outputs (sequence taggers with
`return_sequences=True`, attention, `TimeDistributed`, upsampling decoders)
are not reported.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((100, 1)),
    layers.Dense(300, activation="relu"),
    layers.Dense(1),
])
""", IMPORTS + """
model = Sequential([
    Input((64, 3)),
    layers.Conv1D(16, 5, activation="relu"),
    layers.MaxPooling1D(2),
    layers.Dense(1, activation="sigmoid"),
])
""", IMPORTS + """
model = Sequential([
    Input((28, 28, 1)),
    layers.Conv2D(32, 3, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
""")
    valid = (IMPORTS + """
model = Sequential([
    Input((100,)),
    layers.Dense(300, activation="relu"),
    layers.Dense(1),
])
""", IMPORTS + """
model = Sequential([
    Input((40,)),
    layers.Embedding(5000, 64),
    layers.LSTM(32, return_sequences=True),
    layers.Dense(12, activation="softmax"),   # one tag per token
])
""", IMPORTS + """
model = Sequential([
    Input((64, 3)),
    layers.Conv1D(16, 5, activation="relu"),
    layers.MaxPooling1D(2),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
""", IMPORTS + """
model = Sequential([                          # a frame classifier: 5 classes for each of 100 frames
    Input((100, 20)),
    layers.Dense(64, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        if not ctx.top_level or ctx.flow is None:
            return
        for out_call in ctx.flow.output_calls:
            head = suspicious_unflattened_output(ctx.flow, out_call)
            if head is None:
                continue
            where, n = positions(head.output)
            msg = (f"model output {shape_str(head.output)} is still rank {len(head.output)} after the "
                   f"{head_text(head)} head: one prediction for each of {where} positions instead of one per sample")
            fix = ("flatten or pool before the head (layers.Flatten() or layers.GlobalAveragePooling1D()), "
                   "or feed flat (samples, features) data")
            yield Finding(span_of(head.dense), msg, fix)


# -- Dense before Flatten ------------------------------------------------------------


def _after_flatten_dense(flow: Flow, flatten: ShapedCall) -> bool:
    """Does the flattened vector go (through element-wise layers) into a Dense?"""
    stack, seen = list(flow.consumers(flatten)), set()
    while stack:
        c = stack.pop()
        if id(c) in seen:
            continue
        seen.add(id(c))
        if c.row.cls == "Dense":
            return True
        if c.row.cls in ELEMENTWISE:
            stack.extend(flow.consumers(c))
    return False


def _flattens(call: ShapedCall) -> bool:
    return call.row.cls == "Flatten" or (call.row.cls == "Reshape" and rank(call.output) == 2)


def per_position_chain(flow: Flow, start: ShapedCall) -> tuple[str | None, list[ShapedCall]]:
    """Follow ``start``'s output through per-position layers.

    Returns ("flatten", chain) when it is flattened and then fed to a Dense,
    ("output", chain) when it reaches a model output, else (None, chain).
    Any branch into a layer that relates positions (attention, residual add,
    recurrent, pooling) means the per-position projection is deliberate."""
    outcome: str | None = None
    chain, stack, seen = [start], [start], {id(start)}
    while stack:
        c = stack.pop()
        if flow.is_output(c):
            outcome = outcome or "output"
        for nxt in flow.consumers(c):
            if id(nxt) in seen:
                continue
            seen.add(id(nxt))
            if _flattens(nxt):
                if _after_flatten_dense(flow, nxt):
                    outcome = "flatten"
                continue
            if nxt.row.cls in PER_POSITION:
                chain.append(nxt)
                stack.append(nxt)
                continue
            return None, chain
    return outcome, chain


@register
class DenseOnUnflattenedInput(Rule):
    code = "LL201"
    name = "dense-on-unflattened-input"
    severity = "warning"
    summary = "Dense on a rank >= 3 tensor that is flattened afterwards acts on each position separately"
    what = """
Finds `Dense` layers applied to a tensor with more than one axis per sample,
e.g. `(None, 32, 100)`, whose output is later flattened into another `Dense`
or ends in a classifier/regressor head. `Dense` only connects the last axis: it
applies the same small weight matrix at each of the 32 positions instead of
seeing all 3,200 features at once.
"""
    why = """
Usually `Flatten` was meant to come first. The parameter count in
`model.summary()` looks surprisingly small and the layer cannot combine
information across positions. The message shows both counts so you can decide.
Per-position projections that are intended (transformer feed-forward and
attention projections, per-timestep heads whose output is flattened to one
value per step) are not reported.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((64, 1)),
    layers.Conv1D(100, 5, padding="causal", activation="relu"),
    layers.MaxPooling1D(2),
    layers.Dense(300, activation="relu"),     # acts on each of 32 positions
    layers.Flatten(),
    layers.Dense(1),
])
""",)
    valid = (IMPORTS + """
model = Sequential([
    Input((64, 1)),
    layers.Conv1D(100, 5, padding="causal", activation="relu"),
    layers.MaxPooling1D(2),
    layers.Flatten(),
    layers.Dense(300, activation="relu"),     # sees all 3,200 features
    layers.Dense(1),
])
""", IMPORTS + """
inp = Input((20, 32))
att = layers.MultiHeadAttention(num_heads=2, key_dim=16)(inp, inp)
x = layers.LayerNormalization()(layers.Add()([inp, att]))
ff = layers.Dense(64, activation="relu")(x)
ff = layers.Dense(32)(ff)
x = layers.LayerNormalization()(layers.Add()([x, ff]))
out = layers.Dense(3, activation="softmax")(layers.GlobalAveragePooling1D()(x))
model = Model(inp, out)
""", IMPORTS + """
model = Sequential([
    Input((50, 8)),
    layers.LSTM(16, return_sequences=True),
    layers.Dense(1),
    layers.Flatten(),                         # one value per timestep
])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        flow = ctx.flow
        if flow is None:
            return
        covered: set[int] = set()
        for call in model.calls:
            if call.row.cls != "Dense" or id(call) in covered or len(call.inputs) != 1:
                continue
            shape = call.inputs[0]
            if (rank(shape) or 0) < 3 or not isinstance(call.output, tuple):
                continue
            outcome, chain = per_position_chain(flow, call)
            covered.update(id(c) for c in chain)
            if outcome == "output":
                if not ctx.top_level:
                    continue
                head = next((h for o in flow.output_calls if (h := suspicious_unflattened_output(flow, o))), None)
                # The head itself is LL202's finding; here only a Dense feeding it is.
                if head is None or head.dense is call:
                    continue
            elif outcome != "flatten":
                continue
            yield Finding(span_of(call), _message(call, shape), _fix(shape))


def _message(call: ShapedCall, shape: tuple) -> str:
    row = call.row
    units = row.config.get("units")
    where, _ = positions(shape)
    features = prod(shape[1:])
    msg = f"Dense({fmt(units)}) on {shape_str(shape)} acts on each of {where} positions: {fmt(row.params)} params"
    if features is not None and units is not None:
        bias = units if row.config.get("use_bias", True) else 0
        flat_params = features * units + bias
        msg += f"; after Flatten it would see {fmt(features)} features: {fmt(flat_params)} params"
    return msg


def _fix(shape: tuple) -> str:
    pool = f"GlobalAveragePooling{len(shape) - 2}D" if len(shape) <= 5 else "a global pooling layer"
    return (f"put layers.Flatten() (or layers.{pool}()) before this Dense if it should see the whole input; "
            "if the per-position projection is intended, add `# noqa: LL201`")


# -- lengths collapsed to 1, positions dropped ------------------------------------------

SPATIAL_CONSUMERS = ("Conv", "SeparableConv", "DepthwiseConv")


def _uses_positions(call: ShapedCall) -> bool:
    cls = call.row.cls
    return (cls.startswith(SPATIAL_CONSUMERS) and "Transpose" not in cls) or cls in POOLING or \
        cls in RECURRENT or cls in ATTENTION or cls == "Bidirectional"


def _next_positional_layer(flow: Flow, call: ShapedCall) -> ShapedCall | None:
    """The first layer downstream that slides over or reads positions, through per-position layers."""
    stack, seen = list(flow.consumers(call)), set()
    while stack:
        c = stack.pop(0)
        if id(c) in seen:
            continue
        seen.add(id(c))
        if _uses_positions(c):
            return c
        if c.row.cls in PER_POSITION or c.row.cls.startswith("ZeroPadding"):
            stack.extend(flow.consumers(c))
    return None


def _length_trace(flow: Flow, call: ShapedCall, axis: int) -> list[int]:
    """Lengths along one spatial axis through the single chain of spatial layers ending at ``call``."""
    trace: list = []
    c: ShapedCall | None = call
    n_axes = len(spatial_facts(call)["spatial_in"])
    while c is not None:
        f = spatial_facts(c)
        if f is not None and len(f["spatial_in"]) == n_axes:
            if not trace:
                trace.append(f["spatial_out"][axis])
            trace.append(f["spatial_in"][axis])
        prods = flow.producers(c)
        c = prods[0] if len(prods) == 1 else None
    lengths = [as_int(x) for x in reversed(trace)]
    compact: list[int] = []
    for x in lengths:
        if x is None:
            return []
        if not compact or compact[-1] != x:
            compact.append(x)
    return compact


def _is_strided(call: ShapedCall) -> bool:
    f = spatial_facts(call)
    return call.row.cls in POOLING or (f is not None and any((as_int(s) or 1) > 1 for s in f.get("strides", ())))


@register
class LengthCollapsed(Rule):
    code = "LL203"
    name = "length-collapsed"
    severity = "warning"
    summary = "Pooling or strides reduce a length to 1 and later layers still slide over it"
    what = """
Finds pooling or strided layers that bring a spatial or sequence length from
more than 1 down to 1 (alone or as the last of a stack of reductions) when a
later convolution, pooling, recurrent or attention layer still treats that
axis as positions.
"""
    why = """
After the collapse there is a single position: a 3x3 convolution only uses its
centre weights, an LSTM runs for one step. The input is smaller than the stack
assumes, or the downsampling is too aggressive. If merging all positions is
the intent, a global pooling layer says so directly.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((16, 16, 3)),
    layers.Conv2D(32, 3, padding="same"),
    layers.MaxPooling2D(4),                    # 4 x 4
    layers.MaxPooling2D(4),                    # 1 x 1
    layers.Conv2D(64, 3, padding="same"),      # slides over a single position
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
""", IMPORTS + """
model = Sequential([
    Input((12, 8)),
    layers.Conv1D(16, 3, padding="same"),
    layers.MaxPooling1D(12),
    layers.LSTM(8),                            # one timestep
])
""")
    valid = (IMPORTS + """
model = Sequential([
    Input((16, 16, 3)),
    layers.Conv2D(32, 3, padding="same"),
    layers.MaxPooling2D(4),
    layers.Conv2D(64, 3, padding="same"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
""", IMPORTS + """
model = Sequential([                           # pooling over the whole length on purpose
    Input((12, 8)),
    layers.Conv1D(16, 3),
    layers.MaxPooling1D(10),
    layers.Flatten(),
    layers.Dense(1),
])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        flow = ctx.flow
        if flow is None:
            return
        for call in model.calls:
            f = spatial_facts(call)
            if f is None or not _is_strided(call):
                continue
            collapsed = [i for i, (a, b) in enumerate(zip(f["spatial_in"], f["spatial_out"]))
                         if (as_int(a) or 0) > 1 and as_int(b) == 1]
            if not collapsed:
                continue
            user = _next_positional_layer(flow, call)
            if user is None:
                continue
            names = AXIS_NAMES.get(len(f["spatial_in"]), ())
            axes = " and ".join(names[i] if i < len(names) else f"axis {i + 1}" for i in collapsed)
            trace = _length_trace(flow, call, collapsed[0])
            trace_text = f" ({' -> '.join(str(x) for x in trace)})" if len(trace) > 2 else ""
            before = fmt(f["spatial_in"][collapsed[0]])
            msg = (f"{call.row.cls} `{call.row.name}` reduces {axes} from {before} to 1{trace_text}: "
                   f"the {user.row.cls} at {ctx.line_ref(span_of(user).line)} sees a single position")
            fix = (f"use layers.GlobalMaxPooling{len(f['spatial_in'])}D() / GlobalAveragePooling"
                   f"{len(f['spatial_in'])}D() if merging all positions is meant; otherwise pool less or use a larger input")
            yield Finding(span_of(call), msg, fix)


DROPPED_FRACTION = 0.1  # below this, an odd length losing its last position is routine


@register
class PositionsDropped(Rule):
    code = "LL204"
    name = "positions-dropped"
    severity = "info"
    summary = "A valid-padded pooling or strided layer ignores trailing positions"
    what = """
Finds pooling and strided layers with `padding="valid"` whose windows stop
before the end of the input, so that trailing positions never reach the
output: `MaxPooling1D(3)` on length 7 covers positions 0-5 and ignores the 7th.
Pooling strides default to `pool_size`, so windows do not overlap unless
`strides` is given. Reported when at least 10% of an axis is ignored.
"""
    why = """
The ignored positions are silently discarded, often the most recent time steps
of a sequence. Choosing sizes that divide evenly, or `padding="same"`, keeps
them.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((7, 4)), layers.MaxPooling1D(3)])
""",)
    valid = (IMPORTS + """
model = Sequential([Input((6, 4)), layers.MaxPooling1D(3)])
""", IMPORTS + """
model = Sequential([Input((7, 4)), layers.MaxPooling1D(3, padding="same")])
""", IMPORTS + """
model = Sequential([Input((125, 125, 3)), layers.MaxPooling2D(2)])   # 1 of 125 rows: routine
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in model.calls:
            f = spatial_facts(call)
            if f is None or f.get("padding") != "valid" or not _is_strided(call):
                continue
            names = AXIS_NAMES.get(len(f["spatial_in"]), ())
            parts = []
            for i, (length, out, w, s) in enumerate(zip(f["spatial_in"], f["spatial_out"], f["window"], f["strides"])):
                L, n, W, S = (as_int(x) for x in (length, out, w, s))
                if None in (L, n, W, S) or n <= 0:
                    continue
                covered = (n - 1) * S + W
                dropped = L - covered
                if dropped >= 1 and dropped >= DROPPED_FRACTION * L:
                    name = names[i] if i < len(names) else f"axis {i + 1}"
                    last = "position" if dropped == 1 else f"{dropped} positions"
                    windows = "1 window" if n == 1 else f"{n} windows"
                    parts.append(f"{name} {L}: {windows} of {W} at stride {S} cover {covered}, "
                                 f"the last {last} ignored")
            if not parts:
                continue
            msg = f"{call.row.cls} `{call.row.name}` on {shape_str(call.inputs[0])}: " + "; ".join(parts)
            if f.get("strides_defaulted"):
                msg += " (strides default to pool_size)"
            fix = "use padding=\"same\", or sizes where (length - window) is a multiple of the stride"
            yield Finding(span_of(call), msg, fix)
