"""Random Keras programs for differential testing against real Keras.

``generate(chooser)`` writes a small Sequential or functional model as Python
source, layer by layer, with random but plausible arguments drawn from the
whole supported catalogue (and now and then a deliberately invalid one).  The
static engine's own rules only steer the generator towards models that
mostly build: while the engine accepts the model so far, another layer is
appended; once it rejects one, the program ends there.  The truth always
comes from executing the program under Keras.

Choices come from a ``Chooser``: a Hypothesis ``draw`` in the tests (so
failures shrink to small programs), or ``random.Random`` for long local runs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import LayerArg

FUZZ_FILE = "fuzz_model.py"


class Chooser:
    """The randomness behind a program; subclasses decide where it comes from."""

    def int(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def pick(self, options: Sequence[Any]) -> Any:
        return options[self.int(0, len(options) - 1)]

    def chance(self, p: float) -> bool:
        # Shrinks towards False: Hypothesis minimises the drawn integer.
        return self.int(0, 99) >= 100 - round(p * 100)


class RandomChooser(Chooser):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class DrawChooser(Chooser):
    def __init__(self, draw: Callable) -> None:
        self.draw = draw

    def int(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))


# -- rendering Python source ---------------------------------------------------------


def render(v: Any) -> str:
    if isinstance(v, LayerArg):
        return layer_text(v.cls, v.args, dict(v.kwargs))
    if isinstance(v, tuple):
        return "(" + ", ".join(render(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(render(x) for x in v) + "]"
    return repr(v)


def layer_text(cls: str, args: tuple, kwargs: dict) -> str:
    parts = [render(a) for a in args] + [f"{k}={render(v)}" for k, v in kwargs.items()]
    return f"layers.{cls}({', '.join(parts)})"


def nested(cls: str, *args: Any, **kwargs: Any) -> LayerArg:
    return LayerArg(cls, tuple(args), tuple(sorted(kwargs.items())))


# -- the layer catalogue ---------------------------------------------------------------
# Each maker takes the chooser and the input shape (batch first) and returns
# (class, args, kwargs).  RANKS says which input ranks a maker is meant for.

LayerCall = tuple[str, tuple, dict]


def _opt(c: Chooser, kwargs: dict, name: str, make: Callable[[], Any], p: float = 0.4) -> None:
    if c.chance(p):
        kwargs[name] = make()


def _size(c: Chooser, n: int, lo: int, hi: int) -> Any:
    """An int, or a tuple of n ints, as Keras accepts for kernel_size etc."""
    if c.chance(0.5):
        return c.int(lo, hi)
    return tuple(c.int(lo, hi) for _ in range(n))


def _data_format(c: Chooser, kwargs: dict, p: float = 0.15) -> None:
    if c.chance(p):
        kwargs["data_format"] = c.pick(["channels_first", "channels_last"])


def _units(c: Chooser) -> int:
    return 0 if c.chance(0.02) else c.int(1, 12)


def m_dense(c: Chooser, s: tuple) -> LayerCall:
    kw: dict = {}
    _opt(c, kw, "activation", lambda: c.pick(["relu", "softmax", "tanh", None]))
    _opt(c, kw, "use_bias", lambda: c.pick([True, False]))
    return "Dense", (_units(c),), kw


def m_activation(c: Chooser, s: tuple) -> LayerCall:
    kind = c.int(0, 5)
    if kind == 0:
        return "Activation", (c.pick(["relu", "sigmoid", "softmax", "gelu", "linear"]),), {}
    if kind == 1:
        kw: dict = {}
        _opt(c, kw, "max_value", lambda: c.pick([6.0, 1.0]))
        return "ReLU", (), kw
    if kind == 2:
        return "LeakyReLU", (), {"negative_slope": 0.2} if c.chance(0.5) else {}
    if kind == 3:
        return "ELU", (), {}
    if kind == 4:
        return "Softmax", (), {"axis": c.int(-len(s) + 1, -1)} if c.chance(0.4) else {}
    kw = {}
    if len(s) > 2 and c.chance(0.5):
        kw["shared_axes"] = [c.int(1, len(s) - 1)]
    return "PReLU", (), kw


def m_regularization(c: Chooser, s: tuple) -> LayerCall:
    kind = c.int(0, 4)
    if kind == 0:
        return "Dropout", (c.pick([0.1, 0.25, 0.5]),), {}
    if kind == 1:
        return "GaussianNoise", (0.1,), {}
    if kind == 2:
        return "GaussianDropout", (0.2,), {}
    if kind == 3:
        return "AlphaDropout", (0.1,), {}
    return "ActivityRegularization", (), {"l1": 0.01}


def m_normalization(c: Chooser, s: tuple) -> LayerCall:
    kind = c.int(0, 4)
    axis = c.pick([-1, -1, 1]) if len(s) > 2 else -1
    if kind == 0:
        kw: dict = {}
        if axis != -1:
            kw["axis"] = axis
        _opt(c, kw, "center", lambda: c.pick([True, False]), 0.2)
        _opt(c, kw, "scale", lambda: c.pick([True, False]), 0.2)
        return "BatchNormalization", (), kw
    if kind == 1:
        kw = {"axis": axis} if axis != -1 else {}
        _opt(c, kw, "center", lambda: False, 0.2)
        return "LayerNormalization", (), kw
    if kind == 2:
        return "GroupNormalization", (), {"groups": c.pick([1, 2, 3, 4])}
    if kind == 3:
        return "UnitNormalization", (), {}
    return "RMSNormalization", (), {}


def m_identity(c: Chooser, s: tuple) -> LayerCall:
    return c.pick([("Identity", (), {}), ("Masking", (), {}), ("Rescaling", (1.0 / 255,), {})])


class Source(str):
    """Python source put into a program as is (a function argument)."""

    def __repr__(self) -> str:
        return str(self)


def m_lambda(c: Chooser, s: tuple) -> LayerCall:
    """A Lambda declaring its output shape; Keras shapes it from the declaration alone."""
    fn = Source(c.pick(["lambda t: t", "lambda t: t * 2"]))
    rest = _rest(s)
    kind = c.int(0, 9)
    if kind < 4 or any(d is None for d in rest):
        declared: Any = tuple(rest)
    elif kind < 8:
        n = 1
        for d in rest:
            n *= d
        declared = _factorise(c, n)
    elif kind == 8:
        declared = tuple(c.int(1, 6) for _ in range(c.int(1, 3)))
    else:
        declared = list(rest)  # a list, which Keras 3 cannot put the batch axis in front of
    if c.chance(0.5):
        return "Lambda", (fn,), {"output_shape": declared}
    return "Lambda", (fn, declared), {}


def _rest(s: tuple) -> list:
    return [d for d in s[1:]]


def _factorise(c: Chooser, n: int) -> tuple:
    """A random shape with n elements (1 to 3 dims)."""
    dims: list[int] = []
    rest = n
    for _ in range(c.int(0, 2)):
        divisors = [d for d in range(2, rest + 1) if rest % d == 0]
        if not divisors:
            break
        d = c.pick(divisors)
        dims.append(d)
        rest //= d
    dims.append(rest)
    order = list(range(len(dims)))
    return tuple(dims[i] for i in order)


def m_reshape(c: Chooser, s: tuple) -> LayerCall:
    rest = _rest(s)
    if any(d is None for d in rest):
        return "Flatten", (), {}
    kind = c.int(0, 4)
    if kind == 0:
        return "Flatten", (), {}
    if kind == 1 and len(s) > 2:
        perm = list(range(1, len(s)))
        for i in range(len(perm) - 1, 0, -1):
            j = c.int(0, i)
            perm[i], perm[j] = perm[j], perm[i]
        return "Permute", (tuple(perm),), {}
    if kind == 2 and len(s) == 2:
        return "RepeatVector", (c.int(1, 5),), {}
    n = 1
    for d in rest:
        n *= d
    target = _factorise(c, n)
    if c.chance(0.3):
        i = c.int(0, len(target) - 1)
        target = target[:i] + (-1,) + target[i + 1:]
    if c.chance(0.08):
        target = target[:-1] + ((target[-1] if target[-1] != -1 else 1) + 1,)  # wrong element count
    return "Reshape", (target,), {}


def m_conv(c: Chooser, s: tuple) -> LayerCall:
    n = len(s) - 2
    kind = c.pick(["Conv", "Conv", "Conv", "Transpose", "Separable", "Depthwise"])
    if kind == "Transpose" or (kind in ("Separable", "Depthwise") and n == 3):
        cls = f"Conv{n}DTranspose"
    elif kind == "Separable":
        cls = f"SeparableConv{n}D"
    elif kind == "Depthwise":
        cls = f"DepthwiseConv{n}D"
    else:
        cls = f"Conv{n}D"
    kw: dict = {}
    args: list = []
    if cls.startswith("Depthwise"):
        args.append(_size(c, n, 1, 5))
        _opt(c, kw, "depth_multiplier", lambda: c.int(1, 3), 0.3)
    else:
        args += [c.int(1, 8), _size(c, n, 1, 5)]
    if c.chance(0.4):
        kw["strides"] = _size(c, n, 1, 3)
    paddings = ["valid", "same"] + (["causal"] if n == 1 and cls in ("Conv1D",) else [])
    _opt(c, kw, "padding", lambda: c.pick(paddings), 0.6)
    if c.chance(0.25):
        kw["dilation_rate"] = _size(c, n, 1, 3)
    if cls.startswith("Conv") and "Transpose" not in cls and c.chance(0.15):
        kw["groups"] = c.pick([1, 2, 3, 4])
    if "Transpose" in cls and c.chance(0.15):
        kw["output_padding"] = c.int(0, 1)
    _opt(c, kw, "activation", lambda: "relu", 0.3)
    _opt(c, kw, "use_bias", lambda: False, 0.15)
    _data_format(c, kw)
    if c.chance(0.5) and not cls.startswith("Depthwise"):
        return cls, (), {"filters": args[0], "kernel_size": args[1], **kw}
    return cls, tuple(args), kw


def m_pool(c: Chooser, s: tuple) -> LayerCall:
    n = len(s) - 2
    kind = c.pick(["Max", "Average", "GlobalMax", "GlobalAverage"])
    kw: dict = {}
    if kind.startswith("Global"):
        _opt(c, kw, "keepdims", lambda: True, 0.3)
        _data_format(c, kw)
        return f"{kind}Pooling{n}D", (), kw
    args = (_size(c, n, 1, 4),) if c.chance(0.7) else ()
    _opt(c, kw, "strides", lambda: _size(c, n, 1, 3), 0.4)
    _opt(c, kw, "padding", lambda: c.pick(["valid", "same"]), 0.4)
    _data_format(c, kw)
    return f"{kind}Pooling{n}D", args, kw


def m_resize(c: Chooser, s: tuple) -> LayerCall:
    n = len(s) - 2
    kind = c.int(0, 3)
    kw: dict = {}
    if kind == 0:
        pad = c.int(0, 2) if c.chance(0.5) else tuple((c.int(0, 2), c.int(0, 2)) for _ in range(n))
        if n > 1:
            _data_format(c, kw)
        return f"ZeroPadding{n}D", (pad,), kw
    if kind == 1:
        crop = c.int(0, 3) if c.chance(0.5) else tuple((c.int(0, 2), c.int(0, 2)) for _ in range(n))
        if n > 1:
            _data_format(c, kw)
        return f"Cropping{n}D", (crop,), kw
    if kind == 2:
        size = c.int(1, 3) if c.chance(0.6) or n == 1 else tuple(c.int(1, 3) for _ in range(n))
        if n > 1:
            _data_format(c, kw)
        return f"UpSampling{n}D", (size,), kw
    if n > 1:
        _data_format(c, kw)
    return f"SpatialDropout{n}D", (0.2,), kw


def m_rnn(c: Chooser, s: tuple) -> LayerCall:
    kind = c.int(0, 5)
    rs = c.chance(0.5)
    base = c.pick(["LSTM", "GRU", "SimpleRNN"])
    kw: dict = {"return_sequences": True} if rs else {}
    if kind <= 2:
        _opt(c, kw, "go_backwards", lambda: True, 0.15)
        if base == "GRU":
            _opt(c, kw, "reset_after", lambda: False, 0.3)
        return base, (_units(c),), kw
    if kind == 3:
        inner = nested(base, _units(c), **kw)
        bkw: dict = {}
        _opt(c, bkw, "merge_mode", lambda: c.pick(["concat", "sum", "mul", "ave"]), 0.5)
        return "Bidirectional", (inner,), bkw
    if kind == 4:
        return "TimeDistributed", (nested("Dense", _units(c)),), {}
    cell = nested(f"{base}Cell", _units(c))
    if c.chance(0.2):
        cell = [cell, nested(f"{base}Cell", _units(c))]
    return "RNN", (cell,), kw


def m_conv_lstm(c: Chooser, s: tuple) -> LayerCall:
    n = len(s) - 3
    kw: dict = {}
    _opt(c, kw, "padding", lambda: c.pick(["valid", "same"]), 0.5)
    _opt(c, kw, "return_sequences", lambda: True, 0.5)
    _opt(c, kw, "strides", lambda: c.int(1, 2), 0.2)
    _data_format(c, kw, 0.1)
    return f"ConvLSTM{n}D", (c.int(1, 4), _size(c, n, 1, 3)), kw


def m_time_distributed(c: Chooser, s: tuple) -> LayerCall:
    n = len(s) - 3
    if c.chance(0.5):
        return "TimeDistributed", (nested(f"Conv{n}D", c.int(1, 4), c.int(1, 3)),), {}
    return "TimeDistributed", (nested(c.pick(["Flatten", f"MaxPooling{n}D"])),), {}


def m_einsum(c: Chooser, s: tuple) -> LayerCall:
    u = _units(c)
    if len(s) == 2:
        return "EinsumDense", ("ab,bc->ac",), {"output_shape": u, "bias_axes": "c"}
    return "EinsumDense", ("abc,cd->abd",), {"output_shape": (None, u)}


def m_image(c: Chooser, s: tuple) -> LayerCall:
    kind = c.int(0, 6)
    if kind == 0:
        return "Resizing", (c.int(1, 10), c.int(1, 10)), {}
    if kind == 1:
        return "CenterCrop", (c.int(1, 8), c.int(1, 8)), {}
    if kind == 2:
        return "RandomCrop", (c.int(1, 8), c.int(1, 8)), {}
    if kind == 3:
        return "RandomFlip", (c.pick(["horizontal", "vertical", "horizontal_and_vertical"]),), {}
    if kind == 4:
        return "RandomRotation", (0.1,), {}
    if kind == 5:
        return "RandomZoom", (0.1,), {}
    return "RandomContrast", (0.2,), {}


# (maker, allowed input ranks incl. batch, weight)
CATALOGUE: list[tuple[Callable[[Chooser, tuple], LayerCall], tuple[int, ...], int]] = [
    (m_dense, (2, 3, 4, 5), 6),
    (m_activation, (2, 3, 4, 5), 2),
    (m_regularization, (2, 3, 4, 5), 2),
    (m_normalization, (2, 3, 4, 5), 2),
    (m_identity, (2, 3, 4), 1),
    (m_reshape, (2, 3, 4, 5), 3),
    (m_conv, (3, 4, 5), 8),
    (m_pool, (3, 4, 5), 5),
    (m_resize, (3, 4, 5), 3),
    (m_rnn, (3,), 5),
    (m_conv_lstm, (4, 5), 1),
    (m_time_distributed, (4, 5), 1),
    (m_einsum, (2, 3), 1),
    (m_image, (4,), 1),
    (m_lambda, (2, 3, 4, 5), 1),
]


def pick_layer(c: Chooser, shape: tuple) -> LayerCall:
    rank = len(shape)
    if c.chance(0.03):
        # Deliberately the wrong rank: a layer made for another input rank.
        maker, ranks, _ = c.pick(CATALOGUE)
        want = c.pick(ranks)
        return maker(c, (None,) + tuple((list(shape[1:]) + [3] * want)[: want - 1]))
    options = [(m, w) for m, ranks, w in CATALOGUE if rank in ranks]
    if not options:  # a rank no maker is meant for (1, or 6 after a Reshape)
        return c.pick([("Flatten", (), {}), ("Dense", (c.int(1, 8),), {}), ("Reshape", ((-1, 2),), {})])
    total = sum(w for _, w in options)
    r = c.int(0, total - 1)
    for maker, w in options:
        if r < w:
            return maker(c, shape)
        r -= w
    return options[-1][0](c, shape)


def random_input(c: Chooser) -> tuple:
    rank = c.pick([2, 3, 3, 4, 4, 4, 5])
    dims = [c.int(1, 12) for _ in range(rank - 1)]
    if rank == 5:
        dims = [c.int(1, 6) for _ in range(rank - 1)]
    return tuple(dims)


def static_output(cls: str, args: tuple, kwargs: dict, inputs: list) -> Any:
    """What layerlint's engine says (None: it rejects); only used to steer generation."""
    try:
        return apply_layer(cls, args, kwargs, inputs).output
    except Exception:
        return None


# -- whole programs --------------------------------------------------------------------------


@dataclass
class Program:
    api: str
    lines: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"

    def __str__(self) -> str:
        return self.source


HEADER = ["import keras", "from keras import layers, ops", ""]


def sequential_program(c: Chooser) -> Program:
    p = Program("sequential", HEADER + ["model = keras.Sequential()"])
    shape = (None,) + random_input(c)
    first_kw = c.chance(0.3)
    if not first_kw:
        p.lines.append(f"model.add(keras.Input(shape={render(shape[1:])}))")
    for i in range(c.int(1, 8)):
        cls, args, kwargs = pick_layer(c, shape)
        if i == 0 and first_kw:
            kwargs = {**kwargs, "input_shape": shape[1:]}
        p.lines.append(f"model.add({layer_text(cls, args, kwargs)})")
        out = static_output(cls, args, kwargs, [shape])
        if not isinstance(out, tuple):
            break  # rejected (or a list output): the program ends at this layer
        shape = out
    return p


@dataclass
class _Var:
    name: str
    shape: Any  # tuple, or list of tuples for multi-output layers
    used: bool = False


# Shared layers whose later calls may take any rank (see functional_program).
LOOSE_WHEN_SHARED = frozenset(["RNN", "TimeDistributed"])


def functional_program(c: Chooser) -> Program:
    p = Program("functional", list(HEADER))
    tensors: list[_Var] = []
    inputs: list[_Var] = []
    for i in range(c.pick([1, 1, 2])):
        shape = (None,) + (random_input(c) if i == 0 or c.chance(0.4) else inputs[0].shape[1:])
        v = _Var(f"in{i}", shape)
        p.lines.append(f"{v.name} = keras.Input(shape={render(shape[1:])})")
        inputs.append(v)
        tensors.append(v)
    # (variable, cls, args, kwargs, input rank) of reusable layers
    shared: list[tuple[str, str, tuple, dict, int]] = []
    ops_used = masked = False
    for step in range(c.int(1, 9)):
        name = f"x{step}"
        singles = [t for t in tensors if isinstance(t.shape, tuple)]
        kind = c.int(0, 9)
        if kind <= 1 and len(tensors) >= 2:
            text, out = _merge(c, tensors)
        elif kind == 2 and singles and any(len(t.shape) == 3 for t in singles):
            text, out = _attention(c, [t for t in singles if len(t.shape) == 3])
        elif kind in (4, 5) and singles and not masked and c.chance(0.8):
            ops_used = True
            text, out = _tensor_op(c, singles)
        elif kind == 3 and shared:
            var, cls, args, kwargs, rank = c.pick(shared)
            # Most layers get the same rank as at their first call: a built
            # layer that Keras does not pin to a rank accepts any other while
            # building the model and only fails when it runs, which the
            # engine reports early.  RNN(cell) and TimeDistributed are built
            # by the engine as loosely as Keras builds them, so any rank goes.
            fits = [t for t in singles if len(t.shape) == rank or cls in LOOSE_WHEN_SHARED]
            x = c.pick(fits) if fits else None
            if x is None:
                continue
            x.used = True
            text, out = f"{var}({x.name})", static_output(cls, args, kwargs, [x.shape])
        else:
            if not singles:
                continue
            x = singles[-1] if c.chance(0.7) else c.pick(singles)
            x.used = True
            cls, args, kwargs = pick_layer(c, x.shape)
            if cls == "Masking" and ops_used:
                # Keras lists the ops computing masks in model.operations; the comparison
                # reads that list, so masks and tensor ops are kept to separate programs.
                cls = "Identity"
            if cls == "Masking":
                masked = True
            out = static_output(cls, args, kwargs, [x.shape])
            if c.chance(0.25):
                var = f"layer{step}"
                p.lines.append(f"{var} = {layer_text(cls, args, kwargs)}")
                shared.append((var, cls, args, kwargs, len(x.shape)))
                text = f"{var}({x.name})"
            else:
                text = f"{layer_text(cls, args, kwargs)}({x.name})"
        p.lines.append(f"{name} = {text}")
        if out is None:
            # Every other tensor is an output too: no dead branch Keras would run and the engine skip.
            dangling = [t.name for t in tensors if not t.used and t not in inputs and isinstance(t.shape, tuple)]
            p.lines.append(f"model = keras.Model({_names(inputs)}, [{', '.join(dangling + [name])}])")
            return p
        tensors.append(_Var(name, out))
    outs = [t for t in tensors if not t.used and t not in inputs and isinstance(t.shape, tuple)]
    if not outs:
        outs = [tensors[-1]]
        if outs[0] in inputs:
            p.lines.append(f"x_out = layers.Identity()({outs[0].name})")
            outs = [_Var("x_out", outs[0].shape)]
    for v in inputs:
        if not v.used:  # every declared input must reach an output
            p.lines.append(f"{v.name}_head = layers.Flatten()({v.name})")
            outs.append(_Var(f"{v.name}_head", None))
    target = outs[0].name if len(outs) == 1 and c.chance(0.7) else "[" + ", ".join(o.name for o in outs) + "]"
    p.lines.append(f"model = keras.Model({_names(inputs)}, {target})")
    return p


# -- operations between layers: operators, indexing and keras.ops calls -----------------------

_UNARY_OPS = ["ops.relu", "ops.sigmoid", "ops.tanh", "ops.exp", "ops.square", "ops.abs", "ops.softmax",
              "ops.gelu", "ops.silu", "keras.activations.swish", "keras.activations.relu", "keras.activations.gelu",
              "keras.activations.softmax", "ops.negative", "ops.sqrt", "ops.log1p", "keras.activations.sigmoid"]


def _tensor_op(c: Chooser, singles: list[_Var]) -> tuple[str, Any]:
    """One operation on tensors as real code writes it, and the shape our op table gives it
    (None: the table refuses, which ends the program like a refused layer)."""
    from layerlint.engine.op_apply import apply_op
    from layerlint.engine.ops.base import TensorArg

    x = singles[-1] if c.chance(0.7) else c.pick(singles)
    x.used = True
    s = x.shape
    rank = len(s)
    t = TensorArg(s)

    def shaped(path: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return apply_op(path, args, kwargs)
        except Exception:
            return None

    kind = c.int(0, 11)
    if kind <= 2:  # a binary operator, on a tensor of the same or a broadcastable shape, or a number
        op = c.pick(["+", "-", "*", "/"])
        partners = [v for v in singles if v is not x and (v.shape == s or v.shape[1:] == s[-len(v.shape) + 1:]
                                                          if len(v.shape) > 1 else False)]
        if partners and c.chance(0.6):
            y = c.pick(partners)
            y.used = True
            key = {"+": "add", "-": "subtract", "*": "multiply", "/": "true_divide"}[op]
            return f"{x.name} {op} {y.name}", shaped(f"ops.{key}", t, TensorArg(y.shape))
        number = c.pick(["0.5", "2", "1.0"])
        key = {"+": "add", "-": "subtract", "*": "multiply", "/": "true_divide"}[op]
        if c.chance(0.3):
            return f"{number} {op} {x.name}", shaped(f"ops.{key}", 1.0, t)
        return f"{x.name} {op} {number}", shaped(f"ops.{key}", t, 1.0)
    if kind == 3:
        form = c.int(0, 3)
        if form == 0:
            return f"-{x.name}", s
        if form == 1:
            return f"abs({x.name})", s
        if form == 2:
            return f"{x.name} ** 2", s
        return f"ops.where({x.name} > 0, {x.name}, 0.0)", s
    if kind <= 5:  # indexing
        if rank < 2 or not isinstance(s[1], int):
            return f"{x.name}[..., None]", shaped("ops.get_item", t, (Ellipsis, None))
        n = s[1]
        form = c.int(0, 4)
        if form == 0:
            i = c.int(-n, n - 1) if c.chance(0.95) else n
            return f"{x.name}[:, {i}]", shaped("ops.get_item", t, (slice(None), i))
        if form == 1:
            k = c.int(1, n + 1)
            return f"{x.name}[:, :{k}]", shaped("ops.get_item", t, (slice(None), slice(None, k)))
        if form == 2:
            return f"{x.name}[..., None]", shaped("ops.get_item", t, (Ellipsis, None))
        if form == 3:
            return f"{x.name}[:, ::2]", shaped("ops.get_item", t, (slice(None), slice(None, None, 2)))
        return f"{x.name}[:, None]", shaped("ops.get_item", t, (slice(None), None))
    if kind == 6:
        fn = c.pick(_UNARY_OPS)
        return f"{fn}({x.name})", s
    if kind == 7 and rank > 1:
        fn = c.pick(["mean", "sum", "max", "min"])
        axis = c.pick([-1, 1] + ([[1, 2]] if rank > 3 else []))
        keep = c.chance(0.3)
        text = f"ops.{fn}({x.name}, axis={axis!r}" + (", keepdims=True)" if keep else ")")
        return text, shaped(f"ops.{fn}", t, axis, keep)
    if kind == 8 and rank > 1:
        if c.chance(0.5) or any(d is None for d in s[1:]):
            axis = c.int(1, rank)
            return f"ops.expand_dims({x.name}, {axis})", shaped("ops.expand_dims", t, axis)
        n = 1
        for d in s[1:]:
            n *= d
        target = (-1,) + _factorise(c, n)[:2] if c.chance(0.5) else (-1, n)
        return f"ops.reshape({x.name}, {target!r})", shaped("ops.reshape", t, target)
    if kind == 9 and rank > 2:
        perm = list(range(1, rank))
        for i in range(len(perm) - 1, 0, -1):
            j = c.int(0, i)
            perm[i], perm[j] = perm[j], perm[i]
        perm = [0] + perm
        return f"ops.transpose({x.name}, {tuple(perm)!r})", shaped("ops.transpose", t, tuple(perm))
    if kind == 10:
        same = [v for v in singles if v is not x and len(v.shape) == rank]
        y = c.pick(same) if same and c.chance(0.7) else x
        y.used = True
        if c.chance(0.5):
            axis = c.pick([-1, 1]) if rank > 1 else -1
            return (f"ops.concatenate([{x.name}, {y.name}], axis={axis})",
                    shaped("ops.concatenate", [t, TensorArg(y.shape)], axis))
        return f"ops.stack([{x.name}, {y.name}], axis=1)", shaped("ops.stack", [t, TensorArg(y.shape)], 1)
    if rank > 2:
        partners = [v for v in singles if len(v.shape) == rank]
        y = c.pick(partners)
        y.used = True
        return (f"ops.matmul({x.name}, ops.transpose({y.name}, {tuple(range(rank - 2)) + (rank - 1, rank - 2)!r}))",
                shaped("ops.matmul", t, TensorArg(s[:-2] + (y.shape[-1], y.shape[-2]))))
    return f"ops.softmax({x.name})", s


def _names(vs: list[_Var]) -> str:
    return vs[0].name if len(vs) == 1 else "[" + ", ".join(v.name for v in vs) + "]"


def _merge(c: Chooser, tensors: list[_Var]) -> tuple[str, Any]:
    a = c.pick(tensors)
    if isinstance(a.shape, list):
        a.used = True
        cls = c.pick(["Add", "Average", "Maximum", "Concatenate"])
        return f"layers.{cls}()({a.name})", static_output(cls, (), {}, list(a.shape))
    same = [t for t in tensors if t is not a and t.shape == a.shape]
    b = c.pick(same) if same and c.chance(0.8) else c.pick([t for t in tensors if t is not a])
    if isinstance(b.shape, list):
        b = a
    a.used = b.used = True
    kind = c.int(0, 7)
    kwargs: dict = {}
    if kind <= 4:
        cls = ["Add", "Multiply", "Average", "Maximum", "Subtract"][kind]
    elif kind <= 6:
        cls = "Concatenate"
        if c.chance(0.4):
            kwargs["axis"] = c.int(-len(a.shape) + 1, len(a.shape) - 1) if len(a.shape) > 1 else -1
    else:
        cls = "Dot"
        kwargs["axes"] = c.pick([-1, 1, (1, 1), (2, 2), (1, 2)])
    text = f"{layer_text(cls, (), kwargs)}([{a.name}, {b.name}])"
    return text, static_output(cls, (), kwargs, [a.shape, b.shape])


def _attention(c: Chooser, seqs: list[_Var]) -> tuple[str, Any]:
    q = c.pick(seqs)
    v = c.pick(seqs)
    q.used = v.used = True
    kind = c.int(0, 2)
    if kind == 0:
        kwargs = {"num_heads": c.int(1, 3), "key_dim": c.int(1, 6)}
        return (f"{layer_text('MultiHeadAttention', (), kwargs)}({q.name}, {v.name})",
                static_output("MultiHeadAttention", (), kwargs, [q.shape, v.shape]))
    cls = "Attention" if kind == 1 else "AdditiveAttention"
    return f"layers.{cls}()([{q.name}, {v.name}])", static_output(cls, (), {}, [q.shape, v.shape])


def generate(c: Chooser) -> Program:
    return sequential_program(c) if c.chance(0.5) else functional_program(c)


@st.composite
def programs(draw: Callable) -> Program:
    return generate(DrawChooser(draw))
