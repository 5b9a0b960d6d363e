"""LL1xx: models Keras refuses to build.  The shape engine records Keras' reason
on the failing layer application; these rules turn it into a finding with the
user's numbers and a way out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from layerlint.engine.eager_calls import eager_call_errors
from layerlint.engine.shapes import ShapedCall, ShapedModel
from layerlint.engine.symbolic import as_int, shape_str
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.layer_facts import RECURRENT

IMPORTS = "from keras import Sequential, Input, Model, layers\n"


def failed_calls(model: ShapedModel, kinds: tuple[str, ...]) -> Iterator[ShapedCall]:
    for call in model.calls:
        if call.error is not None and call.error.kind in kinds:
            yield call


def call_span(call: ShapedCall):
    """A functional application points at ``layer(x)``; a Sequential layer at its constructor."""
    return call.node.span if call.node is not None else call.row.span


def label(call: ShapedCall) -> str:
    return f"{call.row.cls} `{call.row.name}`"


def error_text(call: ShapedCall) -> str:
    """Keras' reason, naming the layer once."""
    message = call.error.message.rstrip(".")
    cls = call.row.cls
    if message.startswith(cls + " "):
        return f"{label(call)}{message[len(cls):]}"
    return f"{label(call)}: {message}"


@register
class ZeroOrNegativeDimension(Rule):
    code = "LL101"
    name = "zero-or-negative-dimension"
    severity = "error"
    summary = "A window (kernel, pool or crop) is larger than the length it slides over"
    what = """
Finds convolution, pooling and cropping layers whose window no longer fits in
what remains of the input, so that the output length `(length - window)/stride + 1`
would be zero or negative. Keras raises "Computed output size would be zero or
negative" when it builds such a layer.
"""
    why = """
The model cannot be built, let alone trained. This usually happens deep in a
stack of `padding="valid"` layers: every valid convolution removes `kernel - 1`
positions and every pooling divides the length, and the input is smaller than
the stack assumes.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((28, 28, 1)),
    layers.Conv2D(32, 3),        # 26 x 26
    layers.MaxPooling2D(4),      # 6 x 6
    layers.Conv2D(64, 7),        # a 7 x 7 kernel on 6 x 6
])
""",)
    valid = (IMPORTS + """
model = Sequential([
    Input((28, 28, 1)),
    layers.Conv2D(32, 3),
    layers.MaxPooling2D(4),
    layers.Conv2D(64, 3),        # 6 x 6 -> 4 x 4
])
""", IMPORTS + """
model = Sequential([Input((6, 8)), layers.Conv1D(4, 7, padding="same")])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("zero-or-negative",)):
            f = call.error.facts
            if "formula" in f and "window" in f and "input" in f:
                axis = f.get("axis", "length")
                what = "cropping" if call.row.cls.startswith("Cropping") else "window"
                msg = (f"{label(call)} on {shape_str(call.inputs[0]) if call.inputs else '?'}: "
                       f"the {what} {f['window']} does not fit the input {axis} {f['input']}: "
                       f"output {axis} {f['formula']}")
            else:
                msg = error_text(call)
            fix = ("use padding=\"same\", a smaller kernel/pool size or fewer downsampling layers before it, "
                   "or a larger input")
            yield Finding(call_span(call), msg, fix)


_RANK_HINTS = {
    "Conv1D": "(batch, steps, channels)", "Conv2D": "(batch, height, width, channels)",
    "Conv3D": "(batch, depth, height, width, channels)", "Conv2DTranspose": "(batch, height, width, channels)",
    "Conv1DTranspose": "(batch, steps, channels)", "MaxPooling1D": "(batch, steps, channels)",
    "MaxPooling2D": "(batch, height, width, channels)", "AveragePooling1D": "(batch, steps, channels)",
    "AveragePooling2D": "(batch, height, width, channels)", "LSTM": "(batch, timesteps, features)",
    "GRU": "(batch, timesteps, features)", "SimpleRNN": "(batch, timesteps, features)",
}


@register
class IncompatibleInputRank(Rule):
    code = "LL102"
    name = "incompatible-input-rank"
    severity = "error"
    summary = "A layer receives a tensor with the wrong number of axes"
    what = """
Finds layers applied to tensors of a rank they do not accept: `Conv2D` on
`(None, 28, 28)` images without a channel axis, an `LSTM` on a flat
`(None, features)` tensor, a `Conv2DTranspose` right after a `Dense`.
"""
    why = """
Keras checks the rank when it builds the layer and raises "Input 0 of layer ...
is incompatible with the layer: expected ndim=4, found ndim=3". The data or the
preceding layer needs reshaping first.
"""
    invalid = (IMPORTS + """
model = Sequential([
    Input((28, 28)),             # grayscale images without a channel axis
    layers.Conv2D(32, 3),
])
""", IMPORTS + """
model = Sequential([Input((10,)), layers.LSTM(8)])
""", IMPORTS + """
model = Sequential([Input((100,)), layers.Dense(7 * 7 * 32), layers.Conv2DTranspose(16, 3)])
""")
    valid = (IMPORTS + """
model = Sequential([
    Input((28, 28, 1)),
    layers.Conv2D(32, 3),
])
""", IMPORTS + """
model = Sequential([Input((100,)), layers.Dense(7 * 7 * 32), layers.Reshape((7, 7, 32)),
                    layers.Conv2DTranspose(16, 3)])
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("rank",)):
            f = call.error.facts
            shape = call.inputs[0] if call.inputs else None
            expected, found = f.get("expected"), f.get("found")
            if shape is None or expected is None or found is None:
                yield Finding(call_span(call), error_text(call))
                continue
            want = f">= {expected}" if f.get("at_least") and call.row.cls not in _RANK_HINTS else str(expected)
            layout = _RANK_HINTS.get(call.row.cls)
            msg = (f"{label(call)} expects input of rank {want}{' ' + layout if layout else ''}, "
                   f"got {shape_str(shape)} of rank {found}")
            yield Finding(call_span(call), msg, _rank_fix(call, shape, as_int(expected), found))


def _rank_fix(call: ShapedCall, shape: tuple, expected: int | None, found: int) -> str:
    cls = call.row.cls
    if expected is not None and found == expected - 1 and cls.startswith(("Conv", "MaxPooling", "AveragePooling")):
        inner = shape_str(tuple(shape[1:]) + (1,))
        return f"add a channel axis: give the input shape as {inner} (reshape the data) or insert layers.Reshape({inner})"
    if cls in RECURRENT and found == 2:
        return f"recurrent layers read sequences: reshape to (timesteps, features), e.g. layers.Reshape(({shape_str(shape[1:])[1:-1]} 1))"
    if expected is not None and found < expected:
        return "insert a layers.Reshape(...) that gives the tensor the axes this layer expects"
    return "flatten or pool away the extra axes first (layers.Flatten() or a Global*Pooling layer)"


@register
class IncompatibleMergeShapes(Rule):
    code = "LL103"
    name = "incompatible-merge-shapes"
    severity = "error"
    summary = "Concatenate, Add, Multiply, ... receive tensors whose shapes cannot be merged"
    what = """
Finds merge layers (`Concatenate`, `Add`, `Subtract`, `Multiply`, `Average`,
`Maximum`, `Minimum`, `Dot`) whose inputs disagree on the axes that must match.
"""
    why = """
Keras raises when the model is built. A typical cause is a U-Net skip connection
after an odd size: 25 pooled is 12, upsampled is 24, and 24 cannot be
concatenated with 25.
"""
    invalid = (IMPORTS + """
inp = Input((50, 50, 3))
down = layers.Conv2D(8, 3, padding="same")(inp)
pooled = layers.MaxPooling2D()(down)               # 25 x 25
deeper = layers.MaxPooling2D()(pooled)             # 12 x 12
up = layers.UpSampling2D()(deeper)                 # 24 x 24
merged = layers.Concatenate()([up, pooled])        # 24 vs 25
model = Model(inp, merged)
""",)
    valid = (IMPORTS + """
inp = Input((48, 48, 3))
down = layers.Conv2D(8, 3, padding="same")(inp)
pooled = layers.MaxPooling2D()(down)               # 24 x 24
deeper = layers.MaxPooling2D()(pooled)             # 12 x 12
up = layers.UpSampling2D()(deeper)                 # 24 x 24
merged = layers.Concatenate()([up, pooled])
model = Model(inp, merged)
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("merge",)):
            fix = "make the inputs agree (crop, pad or resize one of them, or use an input size divisible by 2**depth)"
            yield Finding(call_span(call), error_text(call), fix)


@register
class ReshapeSizeMismatch(Rule):
    code = "LL104"
    name = "reshape-size-mismatch"
    severity = "error"
    summary = "A Reshape target holds a different number of elements than its input"
    what = "Finds `Reshape` layers whose `target_shape` does not hold exactly as many elements as the input."
    why = "Keras raises \"total size of the tensor must be unchanged\" when the model is built."
    invalid = (IMPORTS + """
model = Sequential([Input((100,)), layers.Dense(6272), layers.Reshape((7, 7, 64))])
""",)
    valid = (IMPORTS + """
model = Sequential([Input((100,)), layers.Dense(3136), layers.Reshape((7, 7, 64))])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("reshape",)):
            f = call.error.facts
            n, k = as_int(f.get("input_size")), as_int(f.get("target_size"))
            shape = call.inputs[0] if call.inputs else None
            target = call.row.config.get("target_shape")
            if n is not None and k is not None and shape is not None:
                msg = (f"{label(call)} to {shape_str(tuple(target)) if isinstance(target, (tuple, list)) else target}: "
                       f"input {shape_str(shape)} has {n:,} elements per sample, the target {k:,}")
            else:
                msg = error_text(call)
            yield Finding(call_span(call), msg, "make the target's sizes multiply to the input's size, or use -1 for one axis")


@register
class InvalidLayerArguments(Rule):
    code = "LL105"
    name = "invalid-layer-arguments"
    severity = "error"
    summary = "Keras rejects a layer's arguments for this input (groups, undefined axes, bad values)"
    what = """
Reports the other errors Keras raises while building a layer: filters or input
channels not divisible by `groups`, a `Dense` or convolution whose last axis is
undefined, `strides > 1` together with `dilation_rate > 1`, non-positive sizes,
a size that is a float (`Dense(28 * 28 / 2)`), a TensorFlow or Keras tensor
(`Dense(tf.math.reduce_prod(shape))`, `Dense(keras.ops.prod(t))`) or a NumPy integer
(`Dense(np.prod(shape))`, `Embedding(np.int64(n), 8)`, `kernel_size=np.int64(3)`) where that Keras
wants a Python int (a NumPy integer where Keras takes it, as Conv2D's filters, is its number; where
only the value's kind decides and it is not known, the size is unknown, named by the expression;
`int(...)` of any of them is a Python int; lint/engine/layers/size_types.py, tests/test_numpy_sizes.py),
out-of-range axes; and an input shape Keras cannot convert: a negative or
fractional dimension, or one number where a tuple belongs (`Input(shape=(n))`,
which tf-keras read as `(n,)` and Keras 3 refuses); a `/` in the name of a layer,
an input or a model; a functional model given no inputs (Keras 3's
`keras.Model(m.get_layer("image").input, ...)`: an InputLayer's `.input` is `[]`
there, its `.output` is the Input); and a model called on a tensor, or run on data,
whose shape its inputs refuse.
"""
    why = "The model cannot be built; Keras stops with a ValueError at this layer."
    invalid = (IMPORTS + """
model = Sequential([Input((32, 32, 6)), layers.Conv2D(10, 3, groups=4)])
""", IMPORTS + """
import numpy as np
img_shape = (28, 28, 1)
model = Sequential([Input((100,)), layers.Dense(np.prod(img_shape)), layers.Reshape(img_shape)])
""", IMPORTS + """
num_features = 20
inputs = Input(shape=(num_features))
model = Model(inputs, layers.Dense(1)(inputs))
""", IMPORTS + """
inputs = Input((64,), name="features/raw")
model = Model(inputs, layers.Dense(1)(inputs))
""")
    valid = (IMPORTS + """
model = Sequential([Input((32, 32, 8)), layers.Conv2D(12, 3, groups=4)])
""", IMPORTS + """
num_features = 20
inputs = Input(shape=(num_features,))
model = Model(inputs, layers.Dense(1)(inputs))
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("invalid", "groups")):
            where = call.error.facts.get("span")
            if where is not None:  # the model itself is refused (its name): Keras' message names it
                yield Finding(where, call.error.message)
                continue
            numpy_int = call.error.facts.get("numpy_int")
            if numpy_int is not None:
                # Keras says `expected a positive integer. Received: units=784`, of 784: say why 784 is refused
                yield Finding(call_span(call), f"{error_text(call)}: `{numpy_int}` is a NumPy integer, not a "
                              "Python int", f"write `int({numpy_int})`")
                continue
            yield Finding(call_span(call), error_text(call))
        if model.model.refused is not None and ctx.top_level:
            span, message = model.model.refused
            yield Finding(span, f"Functional `{model.name}`: {message}")
        if ctx.keras_version == 3 and ctx.top_level:
            kind = "Sequential" if model.model.api == "sequential" else "Functional"
            for span, message in eager_call_errors(model):  # the model run on data it refuses
                yield Finding(span, f"{kind} `{model.name}`: {message}")


@register
class TensorFlowFunctionOnKerasTensor(Rule):
    code = "LL106"
    name = "tensorflow-function-on-keras-tensor"
    severity = "error"
    summary = "A TensorFlow function (`tf.concat`, `tf.nn.relu`, ...) is given a Keras 3 symbolic tensor"
    what = """
Finds TensorFlow functions called on the symbolic tensors of a functional model:
`tf.concat([a, b], -1)`, `tf.reduce_mean(x, axis=1)`, `tf.nn.relu(x)`,
`tf.image.resize(x, ...)`. Keras 3 raises a ValueError at that line: a
KerasTensor is a placeholder, not a TensorFlow tensor, so the call is refused
also where no model uses its result. (Keras 2 wrapped such calls in a
`TFOpLambda` layer; Keras 3 does not.) The same holds for the
Keras 2 functions Keras 3 keeps in `tf.keras.backend` (`from tensorflow.keras
import backend as K`, then `K.sum(x)`, `K.concatenate([a, b])`): they are
written with TensorFlow and raise a ValueError or an AttributeError on a
KerasTensor (which ones is generated from TensorFlow and Keras); the message
gives the Keras 3 code for the call (`keras.ops.sum(x)`). `K.int_shape(x)`,
`K.is_keras_tensor(x)` and the functions inside a `Lambda` or a custom layer's
`call()` are fine.
"""
    why = """
The model cannot be built. Inside a custom layer's `call()` the tensors are
TensorFlow's own and the same functions are fine; between layers, use the
`keras.ops` equivalent, which Keras records as an operation of the model.
"""
    invalid = ("""
import keras
import tensorflow as tf
inp = keras.Input((8, 16))
x = keras.layers.Dense(16)(inp)
x = tf.reduce_mean(x, axis=1)
model = keras.Model(inp, x)
""", """
import keras
from tensorflow.keras import backend as K
inp = keras.Input((8, 16))
x = keras.layers.Dense(16)(inp)
x = K.sum(x, axis=1)
model = keras.Model(inp, x)
""")
    valid = ("""
import keras
inp = keras.Input((8, 16))
x = keras.layers.Dense(16)(inp)
x = keras.ops.mean(x, axis=1)
model = keras.Model(inp, x)
""", """
import keras
from tensorflow.keras import backend as K
inp = keras.Input((8, 16))
x = keras.layers.Dense(K.int_shape(inp)[-1])(inp)
x = keras.layers.Lambda(lambda t: K.sum(t, axis=1))(x)
model = keras.Model(inp, x)
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("tf-function",)):
            advice = getattr(call.row.source, "op_advice", None)
            if advice is not None:  # a tf.keras.backend function: the message names the call, the fix its spelling
                yield Finding(call_span(call), f"{call.error.message} when the model is built; {advice}", fix=advice)
                continue
            yield Finding(call_span(call), f"`{call.row.cls}` is given a Keras tensor: Keras 3 refuses it when "
                          "the model is built", _TF_FIX)

    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        # Keras raises at the call itself: one whose result no model's rows hold (left unused, or
        # used only outside any model) is refused all the same
        held = {call_span(call) for sm in analysis.models for call in failed_calls(sm, ("tf-function",))}
        for ld in analysis.refused_tf:
            if ld.span in held:
                continue
            if ld.op_advice is not None:
                yield Finding(ld.span, f"{ld.op_error}; {ld.op_advice}", fix=ld.op_advice)
                continue
            yield Finding(ld.span, f"`{ld.cls}` is given a Keras tensor: Keras 3 refuses it (ValueError at this call)",
                          _TF_FIX)


_TF_FIX = ("use the keras.ops function of the same name (or a layer) between layers; TensorFlow functions "
           "belong inside a custom layer's call()")


@register
class CallRaisesWhenTraced(Rule):
    code = "LL107"
    name = "call-raises-when-traced"
    severity = "error"
    summary = "A custom layer's call() does what Python refuses on a TensorFlow graph tensor (`len(tf.shape(x))`)"
    what = """
Finds custom layers whose `call()` takes `len()` of `tf.shape(x)` or iterates
over it (`b, h, w, c = tf.shape(x)`, `for d in tf.shape(x)`), or gives
`keras.ops.tile` its repeats as a tensor (`ops.tile(mask, ops.concatenate(...))`,
which Keras' TensorFlow backend iterates over). Keras 3 builds a
layer by tracing its first call in a TensorFlow graph, without AutoGraph, so
`tf.shape(x)` is a symbolic tensor there: `len()` raises TypeError and
iterating raises OperatorNotAllowedInGraphError, and the model is never built.
(tf-keras 2 converted `call()` with AutoGraph, which made both work.) A list or
tuple of repeats (`[batch_size, 1, 1]`) and `tf.tile` are fine.
"""
    why = """
Code written for tf-keras 2, such as the stochastic-depth layers of many vision
transformers, stops at the first layer call under Keras 3.
"""
    invalid = ("""
import keras
import tensorflow as tf


class StochasticDepth(keras.layers.Layer):
    def call(self, x):
        shape = (tf.shape(x)[0],) + (1,) * (len(tf.shape(x)) - 1)
        return x * tf.floor(0.9 + tf.random.uniform(shape, 0, 1))


inp = keras.Input((16, 32))
model = keras.Model(inp, StochasticDepth()(inp))
""",)
    valid = ("""
import keras
import tensorflow as tf


class StochasticDepth(keras.layers.Layer):
    def call(self, x):
        shape = (tf.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        return x * tf.floor(0.9 + tf.random.uniform(shape, 0, 1))


inp = keras.Input((16, 32))
model = keras.Model(inp, StochasticDepth()(inp))
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in failed_calls(model, ("trace-raises",)):
            facts = call.error.facts
            fixes = {"len": "take the rank from the static shape, `len(x.shape)`",
                     "tile": "give `ops.tile` its repeats as a list or tuple (`[batch_size, 1, 1]`), or use "
                             "`tf.tile`, which takes a tensor"}
            fix = fixes.get(facts["use"], "index the shape tensor (`tf.shape(x)[0]`), or unpack "
                                          "`keras.ops.shape(x)`, a tuple")
            yield Finding(facts["span"], call.error.message, fix)
