"""LL21x: the channel axis, as code ported from Theano-era Keras (and copied from it) gets it wrong.

Keras 1 with the Theano backend put channels first, `(3, 32, 32)`; Keras 2 and 3
put them last.  Data, `BatchNormalization(axis=1)` and a `Dropout` placed where
the next layer's statistics see it carry the old layout along.
"""

from __future__ import annotations

from collections.abc import Iterator

from layerlint.engine.shapes import ShapedCall, ShapedModel
from layerlint.engine.symbolic import as_int, shape_str
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.structure import span_of

IMPORTS = "from keras import Sequential, Input, layers\n"
CONV = frozenset({"Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose", "Conv3DTranspose"})
# The channel counts of images: grey, RGB, RGBA.
CHANNEL_COUNTS = (1, 3, 4)
# How much longer the last axis must be than the first for "channels first" to be the likelier reading.
RATIO = 8


def _data_format(call: ShapedCall) -> str:
    fmt = call.row.config.get("data_format")
    return fmt if isinstance(fmt, str) else "channels_last"


@register
class ChannelsFirstInput(Rule):
    code = "LL210"
    name = "channels-first-input"
    severity = "warning"
    summary = "Image input laid out channels-first, (3, 32, 32), under channels-last convolutions"
    what = """
Finds a model input of rank 3 or 4 (after the batch axis) whose first axis
looks like a channel count (1, 3 or 4) while its last axis is at least 8 times
longer, e.g. `(3, 32, 32)`, feeding a convolution that reads channels last (the
default since Keras 2). An input whose first two axes are equal, `(1, 1, 100)`
or `(4, 4, 512)`, reads as a square channels-last map and is left alone. It is
a heuristic: it says why it thinks so.
"""
    why = """
The convolution treats the 32 columns as channels and the 3 colour planes as
rows: the model builds and trains, but a 3x3 kernel no longer fits across the
3 "rows" with `padding="valid"`, or it mixes unrelated columns as if they were
colours. The data comes from Theano-era code or from `PIL`/`torch` tensors.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((3, 32, 32)), layers.Conv2D(16, 3, padding="same"), layers.Flatten(), layers.Dense(10)])
""",)
    valid = (IMPORTS + """
model = Sequential([Input((32, 32, 3)), layers.Conv2D(16, 3, padding="same"), layers.Flatten(), layers.Dense(10)])
""", IMPORTS + """
model = Sequential([Input((3, 32, 32)), layers.Conv2D(16, 3, padding="same", data_format="channels_first")])
""", IMPORTS + """from keras import Model


def downsample(filters):
    block = Sequential()  # no input: Keras builds it on the first tensor it is called on
    block.add(layers.Conv2D(filters, 4, strides=2, padding="same"))
    block.add(layers.LeakyReLU())
    return block


inp = Input((16, 16, 3))
x = downsample(64)(inp)
x = downsample(512)(x)
x = downsample(512)(x)  # reads (None, 4, 4, 512): a feature map, not channels-first data
model = Model(inp, x)
""", IMPORTS + """
# a DCGAN generator (d2l's dcgan): the latent vector as a 1x1 map of 100 channels
model = Sequential([Input((1, 1, 100)), layers.Conv2DTranspose(512, 4, padding="valid"),
                    layers.Conv2DTranspose(256, 4, strides=2, padding="same")])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        m = model.model
        if ctx.flow is None or m.api == "sequential" and m.seq_input is None and m.built_on_data is None \
                and not m.training:
            # a Sequential built on the first tensor it is called on: its input is another layer's
            # output, whose layout Keras chose, not data
            return
        for call in model.calls:
            if call.row.cls not in CONV or _data_format(call) != "channels_last" or len(call.inputs) != 1:
                continue
            if any(p is not None for p in ctx.flow.producers(call)):
                continue  # only a convolution reading the model's input directly: later layouts are Keras' own
            shape = call.inputs[0]
            if not isinstance(shape, tuple) or len(shape) not in (4, 5):
                continue
            first, last = as_int(shape[1]), as_int(shape[-1])
            if first is not None and first == as_int(shape[2]):
                continue  # (1, 1, 100), (4, 4, 512): a square map read channels last, as written
            if first in CHANNEL_COUNTS and last is not None and last >= RATIO * first and last > 4:
                yield Finding(span_of(call), f"input {shape_str(shape)} looks channels-first ({first} channels, "
                                             f"then {shape_str(shape[2:])}), but `{call.row.name}` reads channels last: "
                                             f"it sees {last} channels of {shape_str(shape[1:-1])}",
                              "transpose the data to channels last (np.transpose(x, (0, 2, 3, 1))), or pass "
                              "data_format='channels_first' to every layer")


@register
class BatchNormAxis(Rule):
    code = "LL211"
    name = "batchnorm-axis-mismatch"
    severity = "warning"
    summary = "BatchNormalization normalises an axis that is not the channel axis of its convolution"
    what = """
Finds `BatchNormalization(axis=1)` (or another axis) after a convolution that
puts its channels last, and `axis=-1` after one that puts them first. `axis=1`
comes from Theano-era code, where channels were first.
"""
    why = """
BatchNormalization keeps one mean and variance per index of its axis. On
channels-last data `axis=1` keeps one per image row: every channel is mixed
into the same statistics, and the layer's weights have the row count's size,
not the channel count's.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((28, 28, 1)), layers.Conv2D(32, 3), layers.BatchNormalization(axis=1)])
""",)
    valid = (IMPORTS + """
model = Sequential([Input((28, 28, 1)), layers.Conv2D(32, 3), layers.BatchNormalization()])
""", IMPORTS + """
model = Sequential([Input((1, 28, 28)), layers.Conv2D(32, 3, data_format="channels_first"),
                    layers.BatchNormalization(axis=1)])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        if ctx.flow is None:
            return
        for call in model.calls:
            if call.row.cls != "BatchNormalization" or len(call.inputs) != 1 or not isinstance(call.inputs[0], tuple):
                continue
            axis = call.row.config.get("axis", -1)
            prods = ctx.flow.producers(call)
            conv = prods[0] if len(prods) == 1 and prods[0] is not None and prods[0].row.cls in CONV else None
            if conv is None or not isinstance(axis, int) or isinstance(axis, bool):
                continue
            n = len(call.inputs[0])
            axis %= n
            channel = 1 if _data_format(conv) == "channels_first" else n - 1
            if axis != channel:
                shape = call.inputs[0]
                yield Finding(span_of(call), f"`{call.row.name}` normalises axis {axis} of {shape_str(shape)} "
                                             f"(size {shape[axis]}), but `{conv.row.name}` puts its "
                                             f"{shape[channel]} channels on axis {channel}",
                              f"use BatchNormalization(axis={-1 if channel == n - 1 else 1})")


@register
class DropoutBeforeBatchNorm(Rule):
    code = "LL212"
    name = "dropout-before-batchnorm"
    severity = "info"
    default_enabled = False
    summary = "Dropout directly before BatchNormalization"
    what = """
Finds a `Dropout` whose output goes straight into `BatchNormalization`. Off by
default: it is a design smell, not an error.
"""
    why = """
Dropout scales the surviving activations by 1/(1-rate) in training and not at
inference, so the variance BatchNormalization learns in training is not the one
it sees at inference ("variance shift", Li et al., 2019). Putting Dropout after
the last BatchNormalization avoids it.
"""
    invalid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(64), layers.Dropout(0.5), layers.BatchNormalization()])
""",)
    valid = (IMPORTS + """
model = Sequential([Input((20,)), layers.Dense(64), layers.BatchNormalization(), layers.Dropout(0.5)])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        if ctx.flow is None:
            return
        for call in model.calls:
            if call.row.cls != "BatchNormalization":
                continue
            prods = ctx.flow.producers(call)
            if len(prods) == 1 and prods[0] is not None and prods[0].row.cls == "Dropout":
                yield Finding(span_of(call), f"`{call.row.name}` normalises the output of `{prods[0].row.name}`: "
                                             "its statistics differ between training and inference",
                              "move the Dropout after the BatchNormalization")
