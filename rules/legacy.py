"""LL5xx: Keras 1 and Keras 2 code read by Keras 3.

The extractor records each old spelling on the layer (engine/legacy.py); these
rules report it with the spelling Keras 3 wants, and, where Keras 3 accepts the
call but reads it otherwise, both output shapes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.legacy import (
    KERAS2_LAYER_KEYWORDS,
    KERAS2_OPTIMIZERS,
    KERAS3_ALIASES,
    OPTIMIZER_KEYWORDS,
    modern_call,
    show,
)
from layerlint.engine.legacy_backend import NO_EQUIVALENT, spelling, tf_keras_has
from layerlint.engine.model import LayerDef
from layerlint.engine.shapes import ShapedLayer, ShapedModel
from layerlint.engine.symbolic import shape_str
from layerlint.extract.keras_names import keras_path
from layerlint.extract.values import KerasObj
from layerlint.rules.base import Context, Finding, Rule, register


def _legacy_rows(model: ShapedModel) -> Iterator[tuple[ShapedLayer, LayerDef]]:
    for row in model.layers:
        if isinstance(row.source, LayerDef) and row.source.legacy:
            yield row, row.source


@register
class LegacyApi(Rule):
    code = "LL501"
    name = "legacy-api"
    severity = "warning"
    summary = "A Keras 1 or Keras 2 spelling: Keras 3 spells it differently or rejects it"
    what = """
Finds layer calls written for Keras 1 or Keras 2: Keras 1 classes
(`Convolution2D`, `Deconvolution2D`, `AtrousConvolution2D`) and keywords
(`nb_filter`, `nb_row`/`nb_col`, `border_mode`, `subsample`, `output_dim`,
`init`, `W_regularizer`, `dim_ordering`, `p`, ...), Keras 2's
`batch_input_shape=` on a layer and `AveragePooling2D()` without a pool size.
The message names the Keras 3 spelling. Where Keras 3 rejects the old spelling,
the layer is shaped with the meaning the old Keras gave it, so the rest of the
model is still checked. With `keras-version = 2` (code written for tf-keras 2.x)
only the Keras 1 spellings tf-keras rejects are reported, with its spelling.
"""
    why = """
Keras 3 raises a `TypeError` or `ValueError` on most of these ("Unrecognized
keyword arguments"), so the code fails as soon as the model is built; the
others still work only through aliases kept for old code.
"""
    invalid = ("""
from keras.models import Sequential
from keras.layers import Convolution2D
model = Sequential()
model.add(Convolution2D(32, 3, 3, border_mode="same", input_shape=(28, 28, 1)))
""",)
    valid = ("""
from keras.models import Sequential
from keras.layers import Conv2D, Input
model = Sequential([Input((28, 28, 1)), Conv2D(32, (3, 3), padding="same")])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for row, ld in _legacy_rows(model):
            if any(u.old_meaning is not None for u in ld.legacy):
                continue  # LL502 says it, with the shapes
            if ctx.keras_version == 2:
                yield from self._keras2(row, ld)
                continue
            uses = list(ld.legacy)
            if not uses:
                continue
            version = min(u.version for u in uses)
            renames = ", ".join(f"`{u.written}` -> `{u.modern}`" for u in uses)
            if any(u.keras3_rejects for u in uses):
                verdict = f"Keras 3 rejects it; shaped as Keras {version} read it"
            elif all(u.written in KERAS3_ALIASES for u in uses):
                verdict = "Keras 3 still accepts it as an alias"
            else:
                verdict = f"Keras 3 ignores it; shaped as Keras {version} read it"
            kwargs = ld.kwargs
            if any(u.written == "input_length" for u in uses):
                # the input_shape stands in for Keras 2's reading; Keras 3's spelling is the Input the rename names
                kwargs = {k: v for k, v in kwargs.items() if k != "input_shape"}
            modern = modern_call(row.cls, ld.args, kwargs)
            yield Finding(ld.span, f"{row.cls} `{row.name}`: Keras {version} API ({renames}); {verdict}; "
                                   f"in Keras 3 write `{modern}`", fix=f"write `{modern}`")

    @staticmethod
    def _keras2(row: ShapedLayer, ld: LayerDef) -> Iterator[Finding]:
        """With ``keras-version = 2``: only what tf-keras rejects, in tf-keras' spelling (which keeps the
        layer keywords Keras 3 dropped)."""
        uses = [u for u in ld.legacy if not u.keras2_accepts]
        if not uses:
            return
        renames = ", ".join(f"`{u.written}` -> `{u.modern}`" for u in uses)
        written = ld.as_written[2] if ld.as_written is not None else {}
        kept = {k: v for k, v in written.items() if k in KERAS2_LAYER_KEYWORDS or k == "batch_input_shape"}
        modern = modern_call(row.cls, ld.args, {**ld.kwargs, **kept}, keep=tuple(kept))
        yield Finding(ld.span, f"{row.cls} `{row.name}`: Keras 1 API ({renames}); tf-keras 2 rejects it; shaped as "
                               f"Keras 1 read it; in Keras 2 write `{modern}`", fix=f"write `{modern}`")


@register
class LegacyPositionalMeaning(Rule):
    code = "LL502"
    name = "legacy-positional-meaning"
    severity = "error"
    summary = "A Keras 1 positional call that means something else in Keras 2 and 3"
    what = """
Finds convolutions called as Keras 1 wrote them, `Conv2D(32, 3, 3)` or
`Convolution2D(64, 5, 5)`: number of filters, then the kernel's rows and
columns. Keras 2 and 3 read the third argument as `strides`, so the layer
takes a 3x3 kernel with strides 3. The message shows the output shape Keras
builds and the one the Keras 1 author meant.
"""
    why = """
Nothing fails: the model builds and trains, but every such layer skips most
positions of its input, so the model is much smaller than intended and sees a
fraction of the image.
"""
    invalid = ("""
from keras.models import Sequential
from keras.layers import Conv2D, Input
model = Sequential([Input((28, 28, 1)), Conv2D(32, 3, 3)])
""",)
    valid = ("""
from keras.models import Sequential
from keras.layers import Conv2D, Input
model = Sequential([Input((28, 28, 1)), Conv2D(32, (3, 3))])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for row, ld in _legacy_rows(model):
            for use in ld.legacy:
                if use.old_meaning is None:
                    continue
                meant = self._meant_shape(row, use.old_meaning)
                built = f": Keras builds {shape_str(row.output)}" if isinstance(row.output, tuple) else ""
                meant_text = f", the Keras 1 meaning gives {meant}" if meant else ""
                yield Finding(ld.span, f"{row.cls} `{row.name}`: `{use.written}` reads the third argument as "
                                       f"strides in Keras 2 and 3{built}{meant_text}; for a kernel write "
                                       f"`{use.modern}`", fix=f"write `{use.modern}`")

    @staticmethod
    def _meant_shape(row: ShapedLayer, old_meaning: tuple) -> str | None:
        inputs = row.calls[0].inputs if row.calls else None
        if not inputs:
            return None
        args, kwargs = old_meaning
        try:
            built = apply_layer(row.cls, args, kwargs, list(inputs))
        except (ShapeError, Unanalysable, KeyError, TypeError, ValueError):
            return None
        return shape_str(built.output) if isinstance(built.output, tuple) else None


def _optimizers(model: ShapedModel) -> Iterator[KerasObj]:
    for args, _span, _trained in model.model.compile_calls:
        opt = args.get("optimizer")
        path = keras_path(opt.path) if isinstance(opt, KerasObj) else None
        parts = (path or "").split(".")
        # `optimizers.Adam`, not tf-keras' `optimizers.legacy.Adam`, which keeps the Keras 2 keywords.
        if len(parts) == 2 and parts[0] == "optimizers" and parts[1] in KERAS2_OPTIMIZERS:
            yield opt


@register
class LegacyOptimizerArgument(Rule):
    code = "LL503"
    name = "legacy-optimizer-argument"
    severity = "warning"
    summary = "A Keras 2 optimizer argument (`lr=`, `decay=`) that Keras 3 rejects or ignores"
    what = """
Finds optimizers made with Keras 2 keywords: `Adam(lr=0.01)`, `SGD(lr=0.1,
decay=1e-6)`, `Nadam(schedule_decay=0.004)`. Keras 3 rejects `lr` (write
`learning_rate`) and `schedule_decay`, and ignores `decay` with a warning: the
message shows the learning-rate schedule that applies the same decay. With
`keras-version = 2`, tf-keras 2's optimizers ignore `lr` (the learning rate
stays at its default) and reject `decay`, which only its
`optimizers.legacy` classes take.
"""
    why = """
A rejected keyword stops the script at `compile`; an ignored one trains with
another learning rate than the one written, and nothing fails.
"""
    invalid = ("""
import keras
from keras import layers
model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="mse")
""", """
import keras
from keras import layers
from keras.optimizers import SGD
model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
sgd = SGD(learning_rate=0.1, decay=1e-6, momentum=0.9)
model.compile(optimizer=sgd, loss="mse")
""")
    valid = ("""
import keras
from keras import layers
model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
""", """
import keras
from keras import layers
from keras.optimizers import SGD
model = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
sgd = SGD(learning_rate=0.1, decay=0.0, momentum=0.9)
model.compile(optimizer=sgd, loss="mse")
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        keras2 = ctx.keras_version == 2
        for opt in _optimizers(model):
            span = opt.span or model.model.compile_span
            for key, value in opt.kwargs.items():
                verdicts = OPTIMIZER_KEYWORDS.get(key)
                if verdicts is None or span is None or (key == "decay" and value == 0):
                    continue
                if keras2 and key == "lr" and value == KERAS2_OPTIMIZERS[opt.name]:
                    continue  # tf-keras ignores it, and keeps the very same default
                message, fix = self._advice(opt, key, value, verdicts[1] if keras2 else verdicts[0], keras2)
                yield Finding(span, message, fix=fix)

    @staticmethod
    def _advice(opt: KerasObj, key: str, value: object, verdict: str, keras2: bool) -> tuple[str, str]:
        keras = "tf-keras 2" if keras2 else "Keras 3"
        call = f"`{opt.name}({key}={show(value)})`"
        if key == "lr" and "learning_rate" in opt.kwargs:
            effect = "`learning_rate=` is used" if verdict == "ignores" else "ValueError at this call"
            fix = "remove `lr=`"
        elif key == "lr":
            effect = "the learning rate stays at its default" if verdict == "ignores" else "ValueError at this call"
            fix = f"write `learning_rate={show(value)}`"
        elif key == "decay":
            effect = ("no decay is applied" if verdict == "ignores" else
                      f"ValueError at this call; tf-keras' `optimizers.legacy.{opt.name}` still takes it")
            lr = opt.kwargs.get("learning_rate", opt.kwargs.get("lr", opt.args[0] if opt.args else None))
            start = show(lr) if lr is not None else "<learning rate>"
            fix = (f"write `learning_rate=keras.optimizers.schedules.InverseTimeDecay({start}, decay_steps=1, "
                   f"decay_rate={show(value)})` (Keras 2's decay)")
        else:
            effect = "an error at this call"
            fix = f"remove `{key}=`"
        return f"{call}: Keras 2 optimizer argument `{key}`; {keras} {verdict} it ({effect}); {fix}", fix


@register
class LegacyBackendFunction(Rule):
    code = "LL504"
    name = "legacy-backend-function"
    severity = "warning"
    summary = "A Keras 2 backend function (`K.int_shape`, `K.concatenate`) that Keras 3's `keras.backend` does not have"
    what = """
Finds Keras 2 backend functions read from the `keras` package's backend,
`from keras import backend as K` then `K.int_shape(x)`, `K.concatenate(...)`,
`K.sum(...)`, `keras.backend.resize_images(...)` or
`from keras.backend import int_shape`. Keras 3's `keras.backend` keeps only a
few names (`epsilon`, `floatx`, `image_data_format`, `clear_session`,
`is_keras_tensor`, ...). The message gives the Keras 3 code for the call, with
its arguments: `x.shape`, `keras.ops.concatenate([a, b], axis=-1)` (Keras 3
concatenates on axis 0 unless told), or says that Keras 3 has no equivalent.
The model is still shaped with the Keras 2 meaning: a call on tensors is
followed as its Keras 3 spelling builds it (`K.sum(x, axis=1)` is the row
`sum (Sum)` of `keras.ops.sum(x, axis=1)`), `K.int_shape(x)` is the shape.
A loss or metric function given to `compile()` is read even when the file
never calls it (Keras 3 calls it when `fit()` or `evaluate()` first runs, and
raises there): a function, a `functools.partial` of one, or the `call()` of a
`keras.losses.Loss` subclass. So are the functions and `Loss` subclasses given
to `load_model(..., custom_objects=...)`, which the loaded model's `fit()` or
`evaluate()` calls. The top level of a project module the file imports is
read too (reported at the import). `tf.keras.backend` and tf-keras' backend keep these
functions and are not reported (LL106 reports those `tf.keras.backend`
functions Keras 3 cannot run on a functional model's tensors); nor is anything
with `keras-version = 2`, nor a backend bound under
a condition layerlint cannot decide (`if TF: from tensorflow.keras import
backend as K`, `else: from keras import backend as K`).
"""
    why = """
Python raises `AttributeError` (or `ImportError` for the import) when the line
runs, so the script stops there under Keras 3.
"""
    invalid = ("""
import keras
from keras import backend as K
from keras import layers
inputs = keras.Input((28, 28, 1))
x = layers.Conv2D(8, 3)(inputs)
h, w, c = K.int_shape(x)[1:]
outputs = layers.Dense(10)(layers.Reshape((h * w * c,))(x))
model = keras.Model(inputs, outputs)
""", """
from keras import backend as K
from keras.layers import Dense, Input, Lambda
from keras.models import Model
a = Input((8,))
b = Input((8,))
model = Model([a, b], Dense(1)(Lambda(lambda t: K.concatenate(t))([a, b])))
""", """
import keras
from keras import backend as K
def dice_loss(y_true, y_pred):
    inter = K.sum(y_true * y_pred)
    return 1 - (2 * inter + 1) / (keras.ops.sum(y_true + y_pred) + 1)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss=dice_loss)
""", """
import keras
from keras import backend as K
class DiceLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        inter = K.sum(y_true * y_pred)
        return 1 - (2 * inter + 1) / (keras.ops.sum(y_true + y_pred) + 1)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss=DiceLoss())
""", """
import functools
import keras
from keras import backend as K
def weighted_mse(y_true, y_pred, weight):
    return K.mean(weight * keras.ops.square(y_true - y_pred))
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss=functools.partial(weighted_mse, weight=2.0))
""", """
import keras
from keras import backend as K
def dice_loss(y_true, y_pred):
    return 1 - 2 * K.sum(y_true * y_pred) / (keras.ops.sum(y_true + y_pred) + 1)
model = keras.models.load_model("unet.keras", custom_objects={"dice_loss": dice_loss})
""")
    valid = ("""
import keras
from keras import layers
inputs = keras.Input((28, 28, 1))
x = layers.Conv2D(8, 3)(inputs)
h, w, c = x.shape[1:]
outputs = layers.Dense(10)(layers.Reshape((h * w * c,))(x))
model = keras.Model(inputs, outputs)
""", """
from keras import backend as K
from keras import ops
from keras.layers import Dense, Input, Lambda
from keras.models import Model
a = Input((8,), dtype=K.floatx())
b = Input((8,))
model = Model([a, b], Dense(1)(Lambda(lambda t: ops.concatenate(t, axis=-1))([a, b])))
""", """
import functools
import keras
from keras import ops
class DiceLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        inter = ops.sum(y_true * y_pred)
        return 1 - (2 * inter + 1) / (ops.sum(y_true + y_pred) + 1)
def weighted_mse(y_true, y_pred, weight):
    return ops.mean(weight * ops.square(y_true - y_pred))
model = keras.models.load_model("unet.keras", custom_objects={"DiceLoss": DiceLoss})
model.compile(optimizer="adam", loss=functools.partial(weighted_mse, weight=2.0))
""")

    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        if ctx.keras_version != 3:
            return
        for use in analysis.legacy_backend:
            yield self._finding(use)

    @staticmethod
    def _finding(use: Any) -> Finding:
        error = "ImportError" if use.imported else "AttributeError"
        head = f"`{use.written}`: Keras 3's `keras.backend` has no `{use.name}` ({error})"
        modern = spelling(use.name, use.args, use.kwargs)
        if modern is not None:
            return Finding(use.span, f"{head}; in Keras 3 write `{modern}`", fix=f"write `{modern}`")
        if use.name in NO_EQUIVALENT:
            return Finding(use.span, f"{head}; {NO_EQUIVALENT[use.name]}")
        if not tf_keras_has(use.name):
            return Finding(use.span, f"{head}, nor has tf-keras 2's")
        return Finding(use.span, f"{head}; look for it in `keras.ops`")


@register
class Keras3RemovedApi(Rule):
    code = "LL505"
    name = "keras3-removed-api"
    severity = "warning"
    summary = ("A Keras 2 optimizer or loss spelling Keras 3 raises on (`optimizers.legacy`, "
               "`optimizers.experimental`, `reduction=\"auto\"`)")
    what = """
Finds Keras 2 spellings outside the backend that stop a script under Keras 3:
an optimizer made from `keras.optimizers.legacy` (`tf.keras.optimizers.legacy.Adam(...)`,
ImportError), any name read from `tf.keras.optimizers.experimental`
(AttributeError) or imported from it (ModuleNotFoundError),
`keras.losses.Reduction` (AttributeError), and a loss given Keras 2's
`reduction="auto"` or `tf.keras.losses.Reduction.AUTO` (ValueError): a built-in
loss class, `keras.losses.Loss`, or a `Loss` subclass's `super().__init__(...)`.
The message gives the Keras 3 spelling: `keras.optimizers.Adam`,
`keras.optimizers.AdamW`, `reduction="sum_over_batch_size"` (Keras 3's default).
Names are resolved through the file's imports and assignments
(`from tensorflow import keras as K2`, `opt_cls = tf.keras.optimizers.legacy.Adam`).
Only code layerlint follows is read: a function the file never calls is not,
nor a file that never says `keras` (`tf.optimizers.legacy.SGD()` alone).
`tf.keras.losses.Reduction.NONE` and the other reductions Keras 3 knows are not
reported, nor is tf-keras (`import tf_keras`), nor anything with
`keras-version = 2`, where tf-keras 2 takes all of these.
"""
    why = """
Keras 3 removed the Keras 2 optimizer modules and the `"auto"` reduction; the
line raises when it runs, so the script stops there.
"""
    invalid = ("""
import tensorflow as tf
from tensorflow import keras
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
model.compile(optimizer=tf.keras.optimizers.legacy.Adam(learning_rate=1e-3), loss="mse")
""", """
import tensorflow as tf
optimizer = tf.keras.optimizers.experimental.AdamW(learning_rate=1e-3, weight_decay=1e-4)
""", """
from tensorflow.keras.optimizers.experimental import AdamW
""", """
import keras
loss = keras.losses.CategoricalCrossentropy(from_logits=True, reduction="auto")
""", """
import tensorflow as tf
from tensorflow import keras
class TotalLoss(keras.losses.Loss):
    def __init__(self):
        super().__init__(reduction="auto", name="total")
    def call(self, y_true, y_pred):
        return tf.reduce_sum(y_pred - y_true, axis=-1)
loss_fn = TotalLoss()
""")
    valid = ("""
import keras
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
""", """
import keras
import tensorflow as tf
optimizer = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
loss = keras.losses.SparseCategoricalCrossentropy(reduction=tf.keras.losses.Reduction.NONE)
""", """
import keras
class TotalLoss(keras.losses.Loss):
    def __init__(self):
        super().__init__(reduction="sum_over_batch_size", name="total")
    def call(self, y_true, y_pred):
        return keras.ops.sum(y_pred - y_true, axis=-1)
loss_fn = TotalLoss()
""")

    def check_file(self, analysis: Any, ctx: Context) -> Iterator[Finding]:
        if ctx.keras_version != 3:
            return
        for use in analysis.keras3_removed:
            yield Finding(use.span, f"`{use.written}`: {use.what} ({use.error} under Keras 3); in Keras 3 write "
                                    f"`{use.modern}`", fix=f"write `{use.modern}`")
