"""Recurrent layers: SimpleRNN, LSTM, GRU, RNN(cell), ConvLSTM1D/2D/3D.

Keras 3 keeps the weights on the cell (``layer.cell.kernel``), but
``layer.weights`` lists them in the cell's build order: kernel,
recurrent_kernel, bias.  The output shape depends only on the cell's
state sizes, not on the input features, which only size the kernel.
"""

from __future__ import annotations

from layerlint.engine.layers.base import (
    Built,
    Config,
    LayerArg,
    LayerSpec,
    ShapeError,
    Unanalysable,
    Weight,
    layer,
    require_rank,
    single,
)
from layerlint.engine.layers.ops import ALREADY_BUILT, KERAS_VERSION, tf_keras
from layerlint.engine.symbolic import Dim, as_int, dim_str, shape_str

# Gate blocks stacked along the kernel's last axis.
GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}

# Keyword defaults every RNN layer shares (Keras' base RNN arguments).
_SEQ_DEFAULTS = dict(return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False)

_CELL_ARGS = {
    "SimpleRNNCell": ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                      "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                      "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                      "recurrent_dropout", "seed"),
    "LSTMCell": ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                 "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                 "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
                 "bias_constraint", "dropout", "recurrent_dropout", "seed"),
    "GRUCell": ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
                "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                "recurrent_dropout", "reset_after", "seed"),
}


def _no_call(cfg: Config, inputs: list) -> Built:
    raise Unanalysable("an RNN cell is not applied to a tensor on its own")


# Cells are not layers one applies to a sequence, so they stay out of the
# registry; RNN(...) binds their arguments through these specs.
CELL_SPECS: dict[str, LayerSpec] = {
    name: LayerSpec(name, positional, {"use_bias": True, "reset_after": True}, _no_call, family="rnn")
    for name, positional in _CELL_ARGS.items()
}


def _positive_units(cfg: Config, key: str = "units") -> Dim:
    units = cfg.dim(key)
    n = as_int(units)
    if n is not None and n <= 0:
        raise ShapeError(
            "zero-or-negative",
            f"Received an invalid value for argument `{key}`, expected a positive integer, got {n}.",
            value=n,
        )
    return units


def cell_build(kind: str, cfg: Config, input_dim: Dim, prefix: str = "") -> tuple[list, Dim, list, str]:
    """One cell of ``kind`` (SimpleRNN/LSTM/GRU) built on ``input_dim`` features.

    Returns (state sizes, output size, weights, note).
    """
    units = _positive_units(cfg)
    if input_dim is None:
        raise ShapeError(
            "invalid",
            f"The last dimension of the inputs to a {kind} cell should be defined. Found None.",
        )
    gates = GATES[kind]
    width = gates * units
    weights = [
        Weight(prefix + "kernel", (input_dim, width)),
        Weight(prefix + "recurrent_kernel", (units, width)),
    ]
    if cfg.flag("use_bias"):
        # GRU with reset_after keeps separate input and recurrent biases.
        bias = (2, width) if kind == "GRU" and cfg.flag("reset_after") else (width,)
        weights.append(Weight(prefix + "bias", bias))
    states = [units, units] if kind == "LSTM" else [units]
    gate_text = f"{gates}*{dim_str(units)} = {dim_str(width)}" if gates > 1 else dim_str(width)
    note = (
        f"{kind} cell: kernel ({dim_str(input_dim)}, {gate_text}), "
        f"recurrent_kernel ({dim_str(units)}, {dim_str(width)})"
    )
    return states, units, weights, note


def sequence_output(cfg: Config, shape: tuple, step_out: tuple, states: list) -> tuple:
    """Keras' RNN output rule: last step or all steps, then the states if asked."""
    batch, steps = shape[0], shape[1]
    out = (batch, steps) + step_out if cfg.flag("return_sequences") else (batch,) + step_out
    if cfg.flag("return_state"):
        return [out] + [(batch,) + s for s in states]
    return out


def _check_stateful(cfg: Config, shape: tuple) -> None:
    if cfg.flag("stateful") and shape[0] is None:
        raise ShapeError(
            "invalid",
            "When using `stateful=True` in a RNN, the batch size must be static. "
            f"Found dynamic batch size: sequence.shape={shape_str(shape)}",
        )


def _seq_facts(cfg: Config, shape: tuple, **extra: object) -> dict:
    facts = {k: cfg.flag(k) for k in ("return_sequences", "return_state", "go_backwards", "stateful")}
    facts["timesteps"] = shape[1]
    facts.update(extra)
    return facts


def _steps_note(cfg: Config, shape: tuple) -> str:
    if cfg.flag("return_sequences"):
        return f"return_sequences=True: one output for each of {dim_str(shape[1])} steps"
    return f"return_sequences=False: only the last of {dim_str(shape[1])} steps is returned"


def _recurrent(kind: str, cfg: Config, inputs: list) -> Built:
    shape = single(inputs, kind)
    require_rank(shape, 3, kind)
    _check_stateful(cfg, shape)
    states, units, weights, note = cell_build(kind, cfg, shape[-1])
    out = sequence_output(cfg, shape, (units,), [(s,) for s in states])
    facts = _seq_facts(cfg, shape, units=units)
    return Built(out, weights, [note, _steps_note(cfg, shape)], facts)


_COMMON = ("units", "activation")
_INIT = ("kernel_initializer", "recurrent_initializer", "bias_initializer")
_REG = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout")
_SEQ = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll")


@layer("SimpleRNN", *_COMMON, "use_bias", *_INIT, *_REG, *_SEQ, "seed", input_rank=3, use_bias=True, **_SEQ_DEFAULTS)
def simple_rnn(cfg: Config, inputs: list) -> Built:
    return _recurrent("SimpleRNN", cfg, inputs)


@layer("LSTM", *_COMMON, "recurrent_activation", "use_bias", *_INIT, "unit_forget_bias", *_REG, "seed", *_SEQ,
       "use_cudnn", input_rank=3, use_bias=True, **_SEQ_DEFAULTS)
def lstm(cfg: Config, inputs: list) -> Built:
    return _recurrent("LSTM", cfg, inputs)


@layer("GRU", *_COMMON, "recurrent_activation", "use_bias", *_INIT, *_REG, "seed", *_SEQ, "reset_after",
       "use_cudnn", input_rank=3, use_bias=True, reset_after=True, **_SEQ_DEFAULTS)
def gru(cfg: Config, inputs: list) -> Built:
    return _recurrent("GRU", cfg, inputs)


def _cells_of(arg: object) -> list[LayerArg]:
    """The cell list behind RNN's ``cell`` argument (a list means StackedRNNCells)."""
    if isinstance(arg, LayerArg) and arg.cls == "StackedRNNCells":
        arg = arg.args[0] if arg.args else arg.kw.get("cells")
    cells = list(arg) if isinstance(arg, (list, tuple)) else [arg]
    if not cells:
        raise ShapeError("invalid", "StackedRNNCells needs at least one cell")
    for cell in cells:
        if not isinstance(cell, LayerArg):
            raise Unanalysable("the RNN cell is not a known Keras cell constructor")
        if cell.cls not in CELL_SPECS:
            raise Unanalysable(f"custom RNN cell {cell.cls} is not modelled")
    return cells


@layer("RNN", "cell", *_SEQ, "zero_output_for_mask", **_SEQ_DEFAULTS)
def rnn(cfg: Config, inputs: list) -> Built:
    from layerlint.engine.layer_apply import bind  # deferred: layer_apply imports this package

    shape = single(inputs, "RNN")
    # RNN has no InputSpec, but building its cells on the step input
    # (batch,) + shape[2:] needs a feature axis; once built, Keras' output
    # shape only reads the batch and time axes.
    require_rank(shape, 2 if cfg[ALREADY_BUILT] else 3, "RNN", at_least=True)
    _check_stateful(cfg, shape)
    cells = _cells_of(cfg["cell"])
    states: list = []
    weights: list[Weight] = []
    notes: list[str] = []
    features = shape[-1]
    for i, cell in enumerate(cells):
        ccfg = bind(CELL_SPECS[cell.cls], cell.args, cell.kw)
        if tf_keras(cfg):  # the cell reads its sizes as the wrapping RNN's Keras does
            ccfg.values[KERAS_VERSION] = 2
        prefix = f"cell_{i}/" if len(cells) > 1 else ""
        cell_states, features, cell_weights, note = cell_build(cell.cls[: -len("Cell")], ccfg, features, prefix)
        # Stacked cells report nested state lists; we flatten them in order.
        states.extend(cell_states)
        weights.extend(cell_weights)
        notes.append(note)
    out = sequence_output(cfg, shape, (features,), [(s,) for s in states])
    notes.append(_steps_note(cfg, shape))
    return Built(out, weights, notes, _seq_facts(cfg, shape, units=features, cells=len(cells)))


# -- ConvLSTM ----------------------------------------------------------------


def conv_length(size: Dim, kernel: Dim, stride: Dim, dilation: Dim, padding: str) -> Dim:
    """One spatial output length of a convolution (Keras' compute_conv_output_shape)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - dilation * (kernel - 1) - 1) // stride + 1
    return (size - 1) // stride + 1


def _conv_lstm(rank: int, cfg: Config, inputs: list) -> Built:
    cls = f"ConvLSTM{rank}D"
    shape = single(inputs, cls)
    require_rank(shape, rank + 3, cls)
    fmt = cfg.data_format()
    padding = cfg.string("padding")
    if padding not in ("valid", "same"):
        raise ShapeError("invalid", f"The `padding` argument must be one of 'valid', 'same'. Received: {padding}")
    kernel = cfg.int_tuple("kernel_size", rank)
    strides = cfg.int_tuple("strides", rank)
    dilation = cfg.int_tuple("dilation_rate", rank)
    if max(as_int(s) or 1 for s in strides) > 1 and max(as_int(d) or 1 for d in dilation) > 1:
        raise ShapeError(
            "invalid",
            f"Specifying `strides > 1` is not compatible with `dilation_rate > 1`. "
            f"Received: strides={strides} and dilation_rate={dilation}",
        )
    filters = _positive_units(cfg, "filters")
    _check_stateful(cfg, shape)
    step = shape[2:]  # one time step, without batch
    spatial, channels = (step[1:], step[0]) if fmt == "channels_first" else (step[:-1], step[-1])
    if any(d is None for d in spatial) and not tf_keras(cfg):  # tf-keras convolves unknown sizes too
        raise ShapeError(
            "invalid",
            "ConvLSTM layers only support static input shapes for the spatial dimension. "
            f"Received invalid input shape: input_shape={shape_str(shape)}",
        )
    if channels is None:
        raise ShapeError("invalid", f"The channel dimension of the inputs should be defined. Found None. "
                                    f"Full input shape received: {shape_str(shape)}")
    window = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    out_spatial = tuple(conv_length(n, k, s, d, padding) for n, k, s, d in zip(spatial, kernel, strides, dilation, strict=True))
    notes = []
    for n, w, s, o in zip(spatial, window, strides, out_spatial, strict=True):
        if padding == "valid":
            formula = f"({dim_str(n)} - {dim_str(w)})/{dim_str(s)} + 1 = {dim_str(o)}"
        else:
            formula = f"ceil({dim_str(n)}/{dim_str(s)}) = {dim_str(o)}"
        notes.append(f"{padding}: {formula}")
        value = as_int(o)
        if value is not None and value <= 0:
            raise ShapeError(
                "zero-or-negative",
                f"Computed output size would be zero or negative: {formula}. "
                f"Received inputs shape={shape_str(shape)}, kernel_size={kernel}, strides={strides}, "
                f"dilation_rate={dilation}, padding={padding}",
                input=spatial, window=window, formula=formula,
            )
    step_out = (filters,) + out_spatial if fmt == "channels_first" else out_spatial + (filters,)
    width = 4 * filters
    weights = [Weight("kernel", tuple(kernel) + (channels, width)), Weight("recurrent_kernel", tuple(kernel) + (filters, width))]
    if cfg.flag("use_bias"):
        weights.append(Weight("bias", (width,)))
    out = sequence_output(cfg, shape, step_out, [step_out, step_out])
    notes.append(_steps_note(cfg, shape))
    facts = _seq_facts(
        cfg, shape, units=filters, spatial_in=tuple(spatial), spatial_out=out_spatial, window=window,
        strides=tuple(strides), padding=padding, strides_defaulted=False,
    )
    return Built(out, weights, notes, facts)


_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
         "recurrent_activation", "use_bias", *_INIT, "unit_forget_bias", *_REG, "seed",
         "return_sequences", "return_state", "go_backwards", "stateful")
_CONV_DEFAULTS = dict(strides=1, padding="valid", data_format=None, dilation_rate=1, use_bias=True, **_SEQ_DEFAULTS)


@layer("ConvLSTM1D", *_CONV, input_rank=4, **_CONV_DEFAULTS)
def conv_lstm1d(cfg: Config, inputs: list) -> Built:
    return _conv_lstm(1, cfg, inputs)


@layer("ConvLSTM2D", *_CONV, input_rank=5, **_CONV_DEFAULTS)
def conv_lstm2d(cfg: Config, inputs: list) -> Built:
    return _conv_lstm(2, cfg, inputs)


@layer("ConvLSTM3D", *_CONV, input_rank=6, **_CONV_DEFAULTS)
def conv_lstm3d(cfg: Config, inputs: list) -> Built:
    return _conv_lstm(3, cfg, inputs)


@layer("CuDNNLSTM", "units")
def cudnn_lstm(cfg: Config, inputs: list) -> Built:
    raise Unanalysable(_NO_CUDNN.format(cls="CuDNNLSTM", rnn="LSTM"))


@layer("CuDNNGRU", "units")
def cudnn_gru(cfg: Config, inputs: list) -> Built:
    raise Unanalysable(_NO_CUDNN.format(cls="CuDNNGRU", rnn="GRU"))


# TensorFlow 1's Keras had these; neither tf-keras 2 nor Keras 3 has them (tests/test_keras2_layers.py).
_NO_CUDNN = ("neither Keras 3 nor tf-keras 2 has {cls} (TensorFlow 1's Keras had it): write `{rnn}`, which "
             "uses cuDNN on a GPU by itself")
