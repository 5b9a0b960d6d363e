"""Wrappers that apply another layer: Bidirectional and TimeDistributed."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, LayerArg, ShapeError, Unanalysable, Weight, layer, single
from layerlint.engine.layers.ops import tf_keras
from layerlint.engine.symbolic import as_int, dim_str, shape_str

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _inner(cfg: Config, key: str) -> LayerArg:
    arg = cfg[key]
    if not isinstance(arg, LayerArg):
        raise Unanalysable(f"the wrapped `{key}` is not a layer constructor we can follow")
    return arg


def _apply(cfg: Config, arg: LayerArg, inputs: list, built_directly: bool = False) -> Built:
    from layerlint.engine.layer_apply import apply_layer  # deferred: layer_apply imports this package

    try:
        return apply_layer(arg.cls, arg.args, arg.kw, inputs, built_directly=built_directly,
                           keras_version=2 if tf_keras(cfg) else 3)
    except KeyError:
        raise Unanalysable(f"wrapped layer {arg.cls} is not modelled") from None


def _prefixed(prefix: str, weights: list[Weight]) -> list[Weight]:
    return [Weight(f"{prefix}/{w.name}", w.shape, w.trainable) for w in weights]


@layer("Bidirectional", "layer", "merge_mode", "weights", "backward_layer", merge_mode="concat", backward_layer=None)
def bidirectional(cfg: Config, inputs: list) -> Built:
    merge = cfg["merge_mode"]
    if merge not in MERGE_MODES:
        raise ShapeError(
            "invalid",
            f"Invalid merge mode. Received: {merge}. Merge mode should be one of "
            '{"sum", "mul", "ave", "concat", None}',
        )
    forward = _apply(cfg, _inner(cfg, "layer"), inputs)
    if "go_backwards" not in forward.facts:
        raise ShapeError("invalid", f"Bidirectional needs a recurrent layer; {cfg['layer'].cls} is not one")
    if cfg["backward_layer"] is None:
        # Keras rebuilds the same config with go_backwards flipped: same shapes.
        backward = forward
    else:
        backward = _apply(cfg, _inner(cfg, "backward_layer"), inputs)
        _check_pair(forward.facts, backward.facts)
        if tf_keras(cfg) and backward.output != forward.output:
            return _tf_keras_pair(merge, forward, backward)
    # Keras derives every output shape from the forward layer alone.
    out = forward.output
    states: list = []
    if forward.facts.get("return_state"):
        out, states = out[0], list(out[1:])
    notes = list(forward.notes)
    if merge == "concat":
        last = out[-1]
        out = out[:-1] + (None if last is None else last * 2,)
        notes.append(f"merge_mode='concat': forward and backward outputs joined, {dim_str(last)} * 2 = {dim_str(out[-1])}")
    elif merge is None:
        notes.append("merge_mode=None: forward and backward outputs returned as a list")
    else:
        notes.append(f"merge_mode={merge!r}: forward and backward outputs combined elementwise")
    outputs = [out, out] if merge is None else [out]
    if states:
        outputs += states + states
    weights = _prefixed("forward", forward.weights) + _prefixed("backward", backward.weights)
    facts = dict(forward.facts, merge_mode=merge)
    if backward is not forward and backward.output != forward.output:
        # Keras' static shape ignores the backward layer; at run time the merge sees its real output.
        facts["backward_output"] = backward.output
        notes.append(f"backward layer outputs {shape_str(backward.output)}; Keras reports the forward shape only")
    return Built(outputs if len(outputs) > 1 else outputs[0], weights, notes, facts)


def _tf_keras_pair(merge: str | None, forward: Built, backward: Built) -> Built:
    """tf-keras runs both layers on the Keras tensors and merges what they return, so a backward layer of
    another size shows in the output (Keras 3 reports the forward shape only)."""
    fwd, bwd = ([o] if not isinstance(o, list) else list(o) for o in (forward.output, backward.output))
    f_out, b_out = fwd[0], bwd[0]
    notes = list(forward.notes)
    if merge == "concat":
        out = f_out[:-1] + (None if None in (f_out[-1], b_out[-1]) else f_out[-1] + b_out[-1],)
        notes.append(f"merge_mode='concat': forward {dim_str(f_out[-1])} + backward {dim_str(b_out[-1])} "
                     f"= {dim_str(out[-1])}")
        outputs = [out]
    elif merge is None:
        outputs = [f_out, b_out]
        notes.append("merge_mode=None: forward and backward outputs returned as a list")
    else:
        a, b = as_int(f_out[-1]), as_int(b_out[-1])
        if a is not None and b is not None and a != b and 1 not in (a, b):
            raise ShapeError("invalid", f"Dimensions must be equal, but are {a} and {b}: merge_mode={merge!r} "
                                      "combines the forward and backward outputs elementwise")
        raise Unanalysable(f"merge_mode={merge!r} over a backward layer of another output shape")
    weights = _prefixed("forward", forward.weights) + _prefixed("backward", backward.weights)
    outputs += fwd[1:] + bwd[1:]  # tf-keras returns the forward states, then the backward ones
    return Built(outputs if len(outputs) > 1 else outputs[0], weights, notes,
                 dict(forward.facts, merge_mode=merge))


def _check_pair(fwd: dict, bwd: dict) -> None:
    if "go_backwards" not in bwd:
        raise ShapeError("invalid", "`backward_layer` must be a recurrent layer")
    if fwd["go_backwards"] == bwd["go_backwards"]:
        raise ShapeError(
            "invalid",
            "Forward layer and backward layer should have different `go_backwards` value. "
            f"Received: forward_layer.go_backwards {fwd['go_backwards']}, "
            f"backward_layer.go_backwards={bwd['go_backwards']}",
        )
    for attr in ("stateful", "return_sequences", "return_state"):
        if fwd[attr] != bwd[attr]:
            raise ShapeError(
                "invalid",
                f'Forward layer and backward layer are expected to have the same value for attribute "{attr}", '
                f'got "{fwd[attr]}" for forward layer and "{bwd[attr]}" for backward layer',
            )


@layer("TimeDistributed", "layer", input_rank=None)
def time_distributed(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "TimeDistributed")
    if len(shape) < 3:
        raise ShapeError(
            "rank",
            "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
            f"received: {shape_str(shape)}",
            expected=3,
            found=len(shape),
            at_least=True,
        )
    # The wrapped layer sees one time step: the time axis is dropped, then re-added.
    step = (shape[0],) + tuple(shape[2:])
    # Keras builds the wrapped layer directly, not through its __call__, so
    # the wrapped layer's own input rank check never runs.
    inner = _apply(cfg, _inner(cfg, "layer"), [step], built_directly=True)
    if isinstance(inner.output, list):
        raise Unanalysable("TimeDistributed over a layer with several outputs")
    child = inner.output
    out = (child[0], shape[1]) + tuple(child[1:])
    notes = [f"{cfg['layer'].cls} applied to each of {dim_str(shape[1])} steps of shape {shape_str(step)}"]
    return Built(out, inner.weights, notes + inner.notes, dict(inner.facts))
