"""LL6xx: the model against the data it is trained on, and two mistakes of the model's
head that need no data.

The data rules read the training calls the extractor followed (``model.fit(x, y)``,
``evaluate``, ``predict``, ``train_on_batch``, datasets and generators; see
engine/data.py) and stay silent whenever a shape, a class count or an encoding is not
known, or Keras' pairing of arrays with inputs and outputs cannot be followed: they
never guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from layerlint.engine.data import INT, MULTI_HOT, ONE_HOT, REAL, DataParts, DataSpec, TrainingCall
from layerlint.engine.shapes import ShapedCall, ShapedModel
from layerlint.engine.symbolic import as_int, shape_str
from layerlint.rules.base import Context, Finding, Rule, register
from layerlint.rules.layer_facts import PROBABILITY_ACTIVATIONS, last_dim, layer_activation
from layerlint.rules.losses import BINARY, CATEGORICAL, PROBABILITY_LOSSES, SPARSE, loss_pairings, parse_loss
from layerlint.rules.structure import find_head, span_of

DATA = "import numpy as np\nfrom keras import Sequential, Input, layers\n"
REGRESSION_LOSSES = frozenset({"mse", "mae", "mean_squared_error", "mean_absolute_error", "huber", "log_cosh",
                               "mean_squared_logarithmic_error", "msle", "logcosh", "huber_loss"})
NON_PROBABILITY = frozenset({"relu", "relu6", "tanh", "elu", "selu", "softplus", "softsign", "swish", "silu",
                             "gelu", "leaky_relu", "exponential", "mish", "hard_silu", "hard_swish", "celu", "glu"})


def training_calls(model: ShapedModel, ctx: Context) -> Iterator[TrainingCall]:
    if ctx.top_level and model.model.api != "subclassed":
        yield from model.model.training


def _dims(shape: Any) -> tuple | None:
    """A shape whose rank is known (dims may be unknown)."""
    return tuple(shape) if isinstance(shape, tuple) else None


def _conflict(data: tuple, model: tuple) -> bool:
    """Same rank: some dim known on both sides differs."""
    return any(as_int(a) is not None and as_int(b) is not None and as_int(a) != as_int(b) for a, b in zip(data, model))


def input_mismatch(data: tuple, model: tuple) -> bool:
    """Whether Keras cannot feed samples of ``data`` to an input of ``model`` (both without the
    batch axis).  Keras 3's functional call squeezes a trailing axis of 1 from the data, or
    adds one the input declares, when the ranks differ by one (Functional._adjust_input_rank)."""
    if len(data) == len(model):
        return _conflict(data, model)
    if len(data) == len(model) + 1 and as_int(data[-1]) == 1:
        return _conflict(data[:-1], model)
    if len(data) + 1 == len(model) and as_int(model[-1]) == 1:
        return _conflict(data, model[:-1])
    return True


# -- matching the data with the model's inputs and outputs, as Keras' fit does -----------------


def _matched(given: DataSpec | DataParts | None, count: int, names: list[str | None],
             by_key: bool) -> list[tuple[int, DataSpec]]:
    """(index of the model's input or output, array) for each array of ``given``; [] when Keras'
    matching cannot be followed or Keras would refuse the structure (other rules' business).

    One array goes to a model with one input; a list goes in order and must have one array per
    input; a dict goes by name: the dict keys of a model built from a dict, else the inputs'
    (outputs') names, of which the data must hold every one (extra keys are ignored)."""
    if isinstance(given, DataSpec):
        return [(0, given)] if count == 1 else []
    if not isinstance(given, DataParts):
        return []
    parts = given.parts
    if isinstance(parts, list):
        if len(parts) != count or by_key:
            return []
        return [(i, p) for i, p in enumerate(parts) if p is not None]
    if None in names or not set(names) <= set(parts) or (by_key and set(parts) != set(names)):
        return []
    return [(i, parts[n]) for i, n in enumerate(names) if parts[n] is not None]


def _input_names(model: ShapedModel) -> tuple[list[str | None], bool]:
    m = model.model
    if m.input_keys is not None:
        return list(m.input_keys), True
    # Keras matches a dict by each Input's name: only names the user gave are known for sure.
    return [getattr(t.producer, "name", None) for t in m.inputs] if m.api == "functional" else [None], False


def fed_inputs(model: ShapedModel, x: DataSpec | DataParts | None) -> list[tuple[DataSpec, tuple, str]]:
    """Each array of ``x`` with the per-sample shape of the input Keras feeds it to, and how
    messages name that input ("" for a model of one input)."""
    names, by_key = _input_names(model)
    out = []
    for i, spec in _matched(x, len(model.input_shapes), names, by_key):
        shape = _dims(model.input_shapes[i])
        if shape is not None:
            label = "" if len(model.input_shapes) == 1 else f" for input `{names[i]}`" if names[i] else f" for input {i}"
            out.append((spec, shape[1:], label))
    return out


@dataclass
class Target:
    """One output of the model with the array it is trained against."""

    y: DataSpec
    units: int | None
    head: Any  # structure.Head, or None when the output layer is not found
    loss: Any  # losses.Loss, or None when not known
    label: str  # how messages name the output: "" for a model of one output
    output: Any = None  # the output's shape, batch axis first


def _output_names(model: ShapedModel, ctx: Context) -> tuple[list[str | None], bool]:
    m = model.model
    if m.output_keys is not None:
        return list(m.output_keys), True
    # Keras names each output after the layer computing it.
    calls = ctx.flow.output_calls if ctx.flow is not None else []
    return [c.row.name if c is not None else None for c in calls] if len(calls) == len(model.outputs) \
        else [None] * len(model.outputs), False


def _output_loss(model: ShapedModel, index: int, name: str | None, compiled: dict | None) -> Any:
    if not compiled or "loss" not in compiled:
        return None
    loss = compiled["loss"]
    if isinstance(loss, (list, tuple)):
        loss = loss[index] if len(loss) == len(model.outputs) else None
    elif isinstance(loss, dict):
        loss = loss.get(name) if name is not None else None
    return parse_loss(loss) if loss is not None else None


def targets(model: ShapedModel, ctx: Context, y: DataSpec | DataParts | None, call: TrainingCall) -> list[Target]:
    """Each array of ``y`` with the output it is matched with, that output's units, head and loss:
    the loss of the compile() in effect at ``call``, not of one made after it for later calls."""
    names, by_key = _output_names(model, ctx)
    out = []
    for i, spec in _matched(y, len(model.outputs), names, by_key):
        shape = model.outputs[i]
        calls = ctx.flow.output_calls if ctx.flow is not None else []
        head = find_head(ctx.flow, calls[i]) if ctx.flow is not None and i < len(calls) else None
        label = "" if len(model.outputs) == 1 else f" for output `{names[i]}`" if names[i] else f" for output {i}"
        out.append(Target(spec, last_dim(shape) if isinstance(shape, tuple) else None, head,
                          _output_loss(model, i, names[i], call.compiled), label, shape))
    return out


def labelled(model: ShapedModel, ctx: Context) -> Iterator[tuple[TrainingCall, Target]]:
    """Every output trained or evaluated against labels whose encoding is known."""
    for call in training_calls(model, ctx):
        if call.method.startswith("predict"):
            continue
        for t in targets(model, ctx, call.y, call):
            if t.y.labels is not None:
                yield call, t


def _fed(call: TrainingCall) -> Iterator[tuple[Any, Any, str]]:
    """(x, y, where) of the training data and of ``validation_data=``."""
    yield call.x, call.y, ""
    if call.validation:
        yield call.validation[0], call.validation[1], " in validation_data"


def _arrays(given: DataSpec | DataParts | None) -> list[DataSpec]:
    if isinstance(given, DataSpec):
        return [given]
    return given.specs() if isinstance(given, DataParts) else []


def unchecked_reason(model: ShapedModel, flow: Any, call: TrainingCall) -> str | None:
    """Why no array of a training call's data could be compared with the model; None when one was."""
    if model.model.api == "subclassed":
        return "the model is a subclass: its inputs are not declared"
    ctx = Context("", {}, flow=flow, top_level=True)
    fits = not call.method.startswith("predict")
    for x, y, _ in _fed(call):
        if fed_inputs(model, x) or (fits and targets(model, ctx, y, call)):
            return None
    if not any(_arrays(given) for x, y, _ in _fed(call) for given in (x, y)):
        return "its data cannot be followed"
    names, by_key = _input_names(model)
    if any(_matched(x, len(model.input_shapes), names, by_key) for x, _, _ in _fed(call)):
        return "the shape of the model's input is not known"
    return "its arrays cannot be paired with the model's inputs and outputs"


def _where(call: TrainingCall) -> str:
    return f"`{call.method}()`"


@register
class InputShapeMismatch(Rule):
    code = "LL601"
    name = "data-input-shape-mismatch"
    severity = "error"
    summary = "The data's samples do not have the shape of the model's input"
    what = """
Compares the per-sample shape of the data given to `fit`, `evaluate`, `predict` or
`train_on_batch` (and `validation_data=`) with the model's input shape: the rank and every
size known on both sides. Keras 3 itself squeezes or adds one trailing axis of size 1
when the ranks differ by one, so that case is not reported. A model of several inputs is
matched as Keras matches it: a list of arrays in order, a dict by the inputs' names (or by
the keys of the dict the model was built from).
"""
    why = """
Keras stops at the first batch (`Invalid input shape ...`, or a kernel whose size
does not match), after the data was loaded and prepared; when the sizes happen to fit
a layer (a convolution over larger images), it trains on data the model was not
designed for.
"""
    invalid = (DATA + """
x = np.zeros((256, 28, 28))
y = np.random.randint(0, 10, size=(256,))
model = Sequential([Input((784,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y)
""",)
    valid = (DATA + """
x = np.zeros((256, 28, 28))
y = np.random.randint(0, 10, size=(256,))
model = Sequential([Input((784,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x.reshape(len(x), -1), y)
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in training_calls(model, ctx):
            for given, _, where in _fed(call):
                for x, expected, label in fed_inputs(model, given):
                    shape = _dims(x.shape)
                    if not shape or not input_mismatch(shape[1:], expected):
                        continue
                    fix = "reshape the data to the input's shape"
                    if len(shape) == len(expected) and as_int(expected[-1]) is not None:
                        fix = f"add the missing last axis: `{x.text}[..., None]`, or declare the input as {shape_str(shape[1:])}"
                    elif len(expected) == 1:
                        fix = f"flatten the samples: `{x.text}.reshape(len({x.text}), -1)`, or give the model a Flatten layer"
                    msg = (f"{_where(call)}{where} gets `{x.text}`{label} with samples of shape {shape_str(shape[1:])}, "
                           f"but the model's input is {shape_str(expected)}")
                    yield Finding(call.span, msg, fix)



@register
class OutputClassMismatch(Rule):
    code = "LL602"
    name = "output-class-mismatch"
    severity = "error"
    summary = "The output layer's units do not match the number of classes in the labels"
    what = """
Compares the model's output units with the labels given to `fit`/`evaluate`: the width of
one-hot labels (`to_categorical(y, 30)`, `class_mode="categorical"`, `label_mode="categorical"`)
or of multi-hot labels (rows of 0/1 flags), or the number of classes of integer labels with a
sparse cross-entropy. With several outputs, each is compared with its own labels (a list in
order, a dict by output name) and its own loss.
"""
    why = """
With one-hot labels Keras fails only when `fit` starts (`Arguments target and output
must have the same shape`); with integer labels beyond the last unit, a sparse
cross-entropy reads labels that no unit predicts (an error on some backends, silent
garbage on others).
"""
    invalid = (DATA + """
from keras.utils import to_categorical
x = np.zeros((256, 20))
y = to_categorical(np.random.randint(0, 30, size=(256,)), 30)
model = Sequential([Input((20,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y)
""",)
    valid = (DATA + """
from keras.utils import to_categorical
x = np.zeros((256, 20))
y = to_categorical(np.random.randint(0, 30, size=(256,)), 30)
model = Sequential([Input((20,)), layers.Dense(30, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y)
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call, t in labelled(model, ctx):
            y, units, k = t.y, t.units, as_int(t.y.labels.classes)
            if units is None or k is None:
                continue
            kind = y.labels.kind
            if kind in (ONE_HOT, MULTI_HOT) and k != units:
                msg = (f"{_where(call)} gets labels `{y.text}`{t.label} {kind} over {k} classes, "
                       f"but the output layer has {units} unit{'s' if units != 1 else ''}")
                yield Finding(call.span, msg, f"give the output layer {k} units (one per class)")
            elif kind == INT and t.loss is not None and t.loss.name in SPARSE and 1 < units < k:
                msg = (f"{_where(call)} gets labels `{y.text}`{t.label} with {k} classes (ids 0..{k - 1}), "
                       f"but the output layer has {units} units")
                yield Finding(call.span, msg, f"give the output layer {k} units (one per class)")



@register
class LabelEncodingLossMismatch(Rule):
    code = "LL603"
    name = "label-encoding-loss-mismatch"
    severity = "error"
    summary = "The labels are encoded differently from what the loss expects"
    what = """
Compares how the labels given to `fit`/`evaluate` are encoded with the `compile()` loss
and the output: one-hot or multi-hot labels with `sparse_categorical_crossentropy`; integer class ids
with `categorical_crossentropy`; one-hot labels of one class per sample with a sigmoid
output and `binary_crossentropy` (a multi-label setup); integer labels of more than two
classes with `binary_crossentropy`.
"""
    why = """
The first two fail when `fit` starts (the label and output shapes disagree). The last
two train without an error, but against the wrong objective: independent yes/no
outputs for classes that exclude each other, or class ids 2, 3, ... read as
probabilities above 1.
"""
    invalid = (DATA + """
from keras.utils import to_categorical
x = np.zeros((256, 20))
y = to_categorical(np.random.randint(0, 5, size=(256,)), 5)
model = Sequential([Input((20,)), layers.Dense(5, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""", DATA + """
x = np.zeros((256, 20))
y = np.random.randint(0, 5, size=(256,))
model = Sequential([Input((20,)), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y)
""")
    valid = (DATA + """
from keras.utils import to_categorical
x = np.zeros((256, 20))
y = to_categorical(np.random.randint(0, 5, size=(256,)), 5)
model = Sequential([Input((20,)), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y)
""", DATA + """
x = np.zeros((256, 20))
y = np.random.randint(0, 5, size=(256,))
model = Sequential([Input((20,)), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y)
""", DATA + """
from keras.utils import to_categorical
x = np.zeros((256, 20))
labels = np.random.randint(0, 5, size=(256,))
model = Sequential([Input((20,)), layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, to_categorical(labels, 5))
# compiled again for the integer labels of the calls that follow; the fit() above kept its loss
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, labels)
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call, t in labelled(model, ctx):
            loss, head, units, y = t.loss, t.head, t.units, t.y
            if loss is None or loss.name not in PROBABILITY_LOSSES or units is None:
                continue
            kind, k = y.labels.kind, as_int(y.labels.classes)
            msg = fix = None
            if kind in (ONE_HOT, MULTI_HOT) and loss.name in SPARSE:
                msg = f"`{y.text}`{t.label} is {kind} but {loss.name} expects integer class ids"
                fix = "use categorical_crossentropy, or pass the integer labels without to_categorical" if kind == ONE_HOT \
                    else "use binary_crossentropy with a sigmoid output, one unit per label"
            elif kind == INT and loss.name in CATEGORICAL and units > 1 and y.shape is not None \
                    and (len(y.shape) == 1 or as_int(y.shape[-1]) == 1):
                msg = f"`{y.text}`{t.label} holds integer class ids but {loss.name} expects one-hot rows"
                fix = "use sparse_categorical_crossentropy, or one-hot encode the labels with to_categorical"
            elif kind == ONE_HOT and loss.name in BINARY and head is not None and head.activation == "sigmoid" \
                    and units > 2 and k == units:
                msg = (f"`{y.text}`{t.label} is one-hot (one class per sample) but the output is {units} independent "
                       f"sigmoids with {loss.name}, a multi-label setup")
                fix = "use activation=\"softmax\" with categorical_crossentropy"
            elif kind == INT and loss.name in BINARY and k is not None and k > 2:
                msg = f"`{y.text}`{t.label} holds {k} classes but {loss.name} scores a yes/no label in [0, 1]"
                fix = f"use Dense({k}, activation=\"softmax\") with sparse_categorical_crossentropy"
            if msg:
                yield Finding(call.span, f"{_where(call)}: {msg}", fix)



@register
class RegressionTargetsClassifierOutput(Rule):
    code = "LL604"
    name = "regression-target-mismatch"
    severity = "warning"
    summary = "Real-valued targets with a probability output or loss, or class ids regressed"
    what = """
Finds real-valued targets known to lie outside [0, 1] (`boston_housing`, `california_housing`,
`np.random.normal`) trained with a softmax or sigmoid output or a cross-entropy loss; and the
reverse, integer class ids of more than two classes fitted by one linear unit with a
regression loss (`mse`, `mae`, ...).
"""
    why = """
A sigmoid or softmax cannot output a house price: the model saturates and learns
nothing useful, and a cross-entropy of targets above 1 is meaningless. Regressing
class ids treats class 7 as "more" than class 3, which is rarely what the labels mean.
"""
    invalid = ("""from keras import Sequential, Input, layers
from keras.datasets import boston_housing
(x, y), _ = boston_housing.load_data()
model = Sequential([Input((13,)), layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
""",)
    valid = ("""from keras import Sequential, Input, layers
from keras.datasets import boston_housing
(x, y), _ = boston_housing.load_data()
model = Sequential([Input((13,)), layers.Dense(64, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y)
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call, t in labelled(model, ctx):
            lab, loss, head, y = t.y.labels, t.loss, t.head, t.y
            if lab.kind == REAL and lab.within_unit is False:
                what = f"{_where(call)}: `{y.text}`{t.label} holds real-valued targets outside [0, 1], "
                if head is not None and head.activation in PROBABILITY_ACTIVATIONS:
                    yield Finding(call.span, what + f"but the output layer applies {head.activation}",
                                  "use a linear output (no activation) for regression")
                elif loss is not None and loss.name in PROBABILITY_LOSSES:
                    yield Finding(call.span, what + f"but the loss is {loss.name}", "use a regression loss such as mse or mae")
            elif lab.kind == INT and as_int(lab.classes) is not None and as_int(lab.classes) > 2 and t.units == 1 \
                    and loss is not None and loss.name in REGRESSION_LOSSES and head is not None \
                    and head.activation == "linear":
                k = as_int(lab.classes)
                yield Finding(call.span, f"{_where(call)}: `{y.text}`{t.label} holds class ids of {k} classes, "
                                         f"regressed by one linear unit with {loss.name}",
                              f"use Dense({k}, activation=\"softmax\") with sparse_categorical_crossentropy")



@register
class SampleCountMismatch(Rule):
    code = "LL605"
    name = "sample-count-mismatch"
    severity = "error"
    summary = "x and y hold different numbers of samples"
    what = """
Finds `fit`/`evaluate`/`train_on_batch` (and `validation_data=`) where the arrays of `x` and `y`
(every one of them, for a model of several inputs or outputs) have different lengths.
"""
    why = """
Keras refuses the data when the call starts (`Data cardinality is ambiguous`); usually
a split or a filter was applied to one of the two arrays only.
"""
    invalid = (DATA + """
x = np.zeros((1000, 20))
y = np.random.randint(0, 2, size=(1000,))
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x[:800], y)
""",)
    valid = (DATA + """
x = np.zeros((1000, 20))
y = np.random.randint(0, 2, size=(1000,))
model = Sequential([Input((20,)), layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x[:800], y[:800])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for call in training_calls(model, ctx):
            if call.source != "arrays":
                continue
            for x, y, where in _fed(call):
                # Keras takes one batch from every array of x and y alike: all must hold as many samples.
                counted = [(a.text, as_int(a.samples)) for a in _arrays(x) + _arrays(y) if a.shape]
                counted = [(text, n) for text, n in counted if n is not None]
                other = next(((text, n) for text, n in counted[1:] if n != counted[0][1]), None)
                if other is not None:
                    msg = f"{_where(call)}{where}: `{counted[0][0]}` has {counted[0][1]:,} samples but `{other[0]}` has {other[1]:,}"
                    yield Finding(call.span, msg, "split or filter x and y together")



# The losses whose TensorFlow kernels check the ranks of labels and predictions (Keras 3:
# backend/tensorflow/nn.py); others broadcast, which is not an error.
_RANK_CHECKED = frozenset({"binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"})


def _wrapped(y: tuple, out: tuple) -> tuple[tuple, tuple] | None:
    """Labels and predictions as Keras 3's loss wrapper hands them to the loss: a trailing axis
    of 1 is squeezed (or the other side expanded) when the ranks differ by one
    (losses/loss.py squeeze_or_expand_to_same_rank); None when a dim it reads is not known."""
    if len(y) == len(out) + 1:
        last = as_int(y[-1])
        if last is None:
            return None
        if last == 1:
            return (y, out + (1,)) if len(out) == 1 else (y[:-1], out)
    elif len(out) == len(y) + 1:
        last = as_int(out[-1])
        if last is None:
            return None
        if last == 1:
            return (y + (1,), out) if len(y) == 1 else (y, out[:-1])
    return y, out


def rank_error(loss: str, y: tuple, out: tuple) -> str | None:
    """Keras 3's error for labels of shape ``y`` against predictions of shape ``out`` (both with
    the batch axis) under ``loss`` when the predictions have more axes than the labels allow;
    None when Keras accepts the ranks, a dim it reads is not known, or the labels have too many
    axes (an encoding mistake: LL603)."""
    pair = _wrapped(y, out)
    if pair is None:
        return None
    y, out = pair
    if loss in SPARSE:
        if len(y) == len(out):
            last = as_int(y[-1])
            if last is None:
                return None
            if last == 1:
                y = y[:-1]
        if len(out) - 1 > len(y):
            return "Argument `output` must have rank (ndim) `target.ndim - 1`"
        return None
    if len(out) > len(y):
        return "Arguments `target` and `output` must have the same rank (ndim)"
    return None


@register
class LabelRankMismatch(Rule):
    code = "LL608"
    name = "label-rank-mismatch"
    severity = "error"
    summary = "The labels have a rank the cross-entropy loss cannot pair with the model's output"
    what = """
Finds an output that keeps a time or spatial axis trained against labels with fewer axes
than `binary_crossentropy`, `categorical_crossentropy` or `sparse_categorical_crossentropy`
needs for it, after the one adjustment Keras 3 makes (a trailing axis of 1 squeezed or added
when the ranks differ by one). The usual case: one label per sample,
`(60000,)`, for a model whose output still has a time or spatial axis, `(None, 200, 1)`, because
the last recurrent layer keeps `return_sequences=True` or a convolution's feature map reaches
the head without pooling or `Flatten`. Keras 3 only; tf-keras pairs these ranks differently.
"""
    why = """
Keras 3 raises when `fit` runs its first batch (`Arguments target and output must have the
same rank`, or for the sparse loss `output must have rank target.ndim - 1`), after the data
is loaded and the model built. The model computes one prediction per position where the
labels hold one per sample.
"""
    invalid = (DATA + """
x = np.zeros((256, 20), "int32")
y = np.random.randint(0, 2, size=(256,))
model = Sequential([Input((20,)), layers.Embedding(100, 8), layers.LSTM(16, return_sequences=True),
                    layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""",)
    valid = (DATA + """
x = np.zeros((256, 20), "int32")
y = np.random.randint(0, 2, size=(256,))
model = Sequential([Input((20,)), layers.Embedding(100, 8), layers.LSTM(16),
                    layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y)
""", DATA + """
x = np.zeros((256, 20), "int32")
tags = np.random.randint(0, 5, size=(256, 20))
model = Sequential([Input((20,)), layers.Embedding(100, 8), layers.LSTM(16, return_sequences=True),
                    layers.Dense(5, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, tags)
""")

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        if ctx.keras_version != 3:
            return
        for call in training_calls(model, ctx):
            if call.method.startswith("predict"):
                continue
            for _, y, where in _fed(call):
                for t in targets(model, ctx, y, call):
                    out, labels = t.output, t.y.shape
                    # An output of one prediction per sample with labels of the wrong rank is an encoding
                    # mistake (LL603); this rule is about outputs that kept a time or spatial axis.
                    if t.loss is None or t.loss.name not in _RANK_CHECKED or not isinstance(out, tuple) \
                            or len(out) < 3 or not isinstance(labels, tuple) or not labels:
                        continue
                    error = rank_error(t.loss.name, tuple(labels), out)
                    if error is None:
                        continue
                    msg = (f"{_where(call)}{where}: labels `{t.y.text}`{t.label} of shape {shape_str(tuple(labels))} "
                           f"cannot be paired with the output {shape_str(out)} by {t.loss.name}: "
                           f"Keras 3 raises \"{error}\"")
                    fix = ("give one prediction per sample (return_sequences=False on the last recurrent layer, "
                           "pooling or Flatten before the head), or labels for every position")
                    yield Finding(call.span, msg, fix)


# -- rules that need no data ------------------------------------------------------------------

_WEIGHT_FAMILIES = {"Dense": "Dense", "Conv1D": "Conv1D", "Conv2D": "Conv2D", "Conv3D": "Conv3D"}
_BETWEEN = frozenset({"Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "ActivityRegularization",
                      "Identity", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"})


def _linear_weight_layer(call: ShapedCall) -> bool:
    return call.row.status != "opaque" and call.row.cls in _WEIGHT_FAMILIES and layer_activation(call.row) == "linear" and _pointwise(call)


def _pointwise(call: ShapedCall) -> bool:
    """Dense, or a convolution with a 1x1 kernel: two of them make one layer of the same kind.
    (Two 3x3 convolutions make one 5x5 convolution, a factorisation designs use on purpose.)"""
    if call.row.cls == "Dense":
        return True
    k = call.row.config.get("kernel_size")
    k = (k,) if isinstance(k, int) else k
    return isinstance(k, (tuple, list)) and all(d == 1 for d in k)


@register
class LinearStack(Rule):
    code = "LL606"
    name = "collapsing-linear-layers"
    severity = "warning"
    summary = "Two weight layers with no nonlinearity between them collapse into one"
    what = """
Finds a `Dense` (or a `Conv1D/2D/3D` with a 1x1 kernel) with no activation whose output
goes only, through nothing but dropout, into another layer of the same kind that is the
model's output layer or feeds it.
"""
    why = """
Without an activation the two layers compute `W2·(W1·x + b1) + b2`, a single linear map:
the first layer adds parameters but no expressive power. An activation was almost
always meant (`activation="relu"`).
"""
    invalid = ("""from keras import Sequential, Input, layers
model = Sequential([Input((20,)), layers.Dense(64), layers.Dense(1, activation="sigmoid")])
""",)
    valid = ("""from keras import Sequential, Input, layers
model = Sequential([Input((20,)), layers.Dense(64, activation="relu"), layers.Dense(1, activation="sigmoid")])
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        flow = ctx.flow
        if flow is None or not ctx.top_level or len(flow.output_calls) != 1:
            return
        head = find_head(flow, flow.output_calls[0])
        if head is None:
            return
        for call in flow.calls:
            if not _linear_weight_layer(call) or flow.is_output(call):
                continue
            nxt = call
            for _ in range(4):
                consumers = flow.consumers(nxt)
                if len(consumers) != 1 or len(flow.producers(consumers[0])) != 1:
                    nxt = None
                    break
                nxt = consumers[0]
                if nxt.row.cls not in _BETWEEN:
                    break
            if nxt is None or nxt.row.status == "opaque" or _WEIGHT_FAMILIES.get(nxt.row.cls) != _WEIGHT_FAMILIES[call.row.cls] or not _pointwise(nxt):
                continue
            if nxt is not head.dense and head.dense not in flow.descendants(nxt):
                continue
            msg = (f"{call.row.cls} `{call.row.name}` has no activation and feeds {nxt.row.cls} `{nxt.row.name}` "
                   f"({ctx.line_ref(span_of(nxt).line)}) directly: together they are one linear map")
            yield Finding(span_of(call), msg, f"add an activation to `{call.row.name}` (activation=\"relu\"), or remove it")


@register
class NonProbabilityOutputCrossEntropy(Rule):
    code = "LL607"
    name = "non-probability-output-crossentropy"
    severity = "warning"
    summary = "A cross-entropy loss on an output that is not a probability (relu, tanh, ...)"
    what = """
Finds a model trained with a cross-entropy loss that expects probabilities (no
`from_logits=True`) whose output layer applies `relu`, `tanh`, `elu` or another activation
that does not produce probabilities. (A linear output is LL401.)
"""
    why = """
The loss clips the outputs into (0, 1): relu outputs of 0 and above 1, or tanh outputs
below 0, give constant losses and zero gradients, and the model stalls.
"""
    invalid = ("""from keras import Sequential, Input, layers
model = Sequential([Input((20,)), layers.Dense(10, activation="relu")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""",)
    valid = ("""from keras import Sequential, Input, layers
model = Sequential([Input((20,)), layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
""",)

    def check_model(self, model: ShapedModel, ctx: Context) -> Iterator[Finding]:
        for p in loss_pairings(model, ctx):
            if p.head.activation in NON_PROBABILITY and p.loss.from_logits is False:
                msg = (f"{p.loss.name} expects probabilities but the output layer `{p.head.dense.row.name}` "
                       f"({ctx.line_ref(span_of(p.head.dense).line)}) applies {p.head.activation}")
                want = "sigmoid" if p.loss.name in BINARY else "softmax"
                yield Finding(p.span, msg, f"use activation=\"{want}\" on the output layer")
