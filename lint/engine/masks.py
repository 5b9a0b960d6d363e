"""Keras masks as edges of the functional graph.

Masking and Embedding(mask_zero=True) attach a boolean mask to their output,
computed by Keras ops (not layers) from the layer's *input*, and layers that
support masking pass it on.  When a layer whose ``call()`` takes ``mask`` is
called, Keras fills that argument in, so the mask's ops become parents of the
call in the functional graph.  Through them the masking layer's input is
reached by a longer path than through the masking layer itself, which raises
its depth: that is how masks change the order of ``model.layers``.  The ops
are not layers, but a functional model's summary lists ``model.operations``:
Keras 3 prints the ops a layer's mask argument depends on (``not_equal
(NotEqual)``, ``any (Any)``) as rows, shaped here like any other op.

Mask values are not modelled, only which tensors each op reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from layerlint.engine.model import InputDef, Node, Tensor


@dataclass(eq=False)
class MaskOp:
    """One Keras op computing (part of) a mask, e.g. ``not_equal`` then ``any`` for Masking."""

    op: str  # the keras.ops function, e.g. "not_equal"
    inputs: list  # Tensors: layer outputs, model inputs or other MaskOps' results
    kwargs: dict = field(default_factory=dict)  # its other arguments that shape the result (axis)
    made_by: Node | None = None  # the call whose compute_mask made it

    @property
    def cls(self) -> str:
        """The class Keras' summary shows: ``NotEqual`` for ``not_equal``."""
        return "".join(part.capitalize() for part in self.op.split("_"))


def _op(name: str, *inputs: Tensor, **kwargs: Any) -> Tensor:
    return Tensor(MaskOp(name, list(inputs), kwargs))  # type: ignore[arg-type]


# Layers that hand their input's mask on unchanged (supports_masking with
# Keras' default compute_mask).
_PASS_ON = frozenset([
    "Activation", "ActivityRegularization", "AlphaDropout", "BatchNormalization", "Dense", "Dropout", "ELU",
    "GaussianDropout", "GaussianNoise", "GroupNormalization", "GroupedQueryAttention", "Identity",
    "LayerNormalization", "LeakyReLU", "MultiHeadAttention", "Normalization", "PReLU", "ReLU", "Rescaling",
    "Softmax", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "TimeDistributed", "UnitNormalization",
])
_RECURRENT = frozenset(["LSTM", "GRU", "SimpleRNN", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"])
_OR_MERGES = frozenset(["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"])
_ATTENTION = frozenset(["Attention", "AdditiveAttention"])

# Layers whose call() has a `mask` parameter, which Keras fills in when the
# call has a single tensor argument.
_TAKES_MASK = _RECURRENT | _ATTENTION | frozenset(
    ["BatchNormalization", "Bidirectional", "GlobalAveragePooling1D", "Lambda", "Pipeline", "Softmax", "TimeDistributed"])


def has_mask_sources(nodes: list[Node]) -> bool:
    """Cheap test: without Masking or Embedding(mask_zero=True) there are no masks."""
    for n in nodes:  # a loop, not any() over a generator: asked at every walk of a graph, of every node
        cls = n.layer.cls
        if cls == "Masking" or (cls == "Embedding" and n.layer.kwargs.get("mask_zero") is True):
            return True
    return False


@dataclass
class MaskFlow:
    """What masks add to a functional graph."""

    recorded: dict[int, dict[str, Any]] = field(default_factory=dict)  # id(node) -> {"mask": Tensor or list}
    ops_made: dict[int, list[MaskOp]] = field(default_factory=dict)  # id(node) -> the mask ops its call made


def compute_masks(nodes: list[Node]) -> MaskFlow:
    """Follow masks through the calls; ``nodes`` in creation order (a node's inputs come first).

    Mask ops take automatic names from the same counter as layers, so
    Concatenate's mask op ("concatenate") shifts later Concatenate layers' names.
    """
    flow = MaskFlow()
    out_masks: dict[int, Any] = {}
    seen_ops: set[int] = set()
    for n in nodes:
        filled = _filled_in(n, out_masks)
        if filled and _records_filled_in(n):
            flow.recorded[id(n)] = filled
        previous = filled["mask"] if filled.get("mask") is not None else _mask_of_first_argument(n, out_masks)
        out = _output_mask(n, previous)
        out_masks[id(n)] = out
        made = _new_ops(out, seen_ops)
        if made:
            for op in made:
                op.made_by = n
            flow.ops_made[id(n)] = made
    return flow


def _new_ops(mask: Any, seen: set[int]) -> list[MaskOp]:
    """The ops in a mask not met before, inputs first (the order Keras made them)."""
    names: list[MaskOp] = []

    def visit(v: Any) -> None:
        if isinstance(v, list):
            for x in v:
                visit(x)
        elif isinstance(v, Tensor) and isinstance(v.producer, MaskOp) and id(v.producer) not in seen:
            seen.add(id(v.producer))
            for x in v.producer.inputs:
                visit(x)
            names.append(v.producer)

    visit(mask)
    return names


def _records_filled_in(n: Node) -> bool:
    """Whether the filled-in mask reaches the graph node Keras records.

    Layer.__call__ converts its arguments into a new keyword dict unless it
    was called with exactly one tensor and nothing else, and the node keeps
    the caller's original dict: only then does the mask become an edge.
    Functional models skip that conversion.
    """
    if n.layer.submodel is not None and n.layer.submodel.api == "functional":
        return True
    return not n.call_kwargs and not n.list_input and len(n.inputs) == 1


def _mask_of(t: Tensor, out_masks: dict[int, Any]) -> Any:
    if isinstance(t.producer, InputDef):
        return None
    m = out_masks.get(id(t.producer))
    if t.index is not None:
        if isinstance(m, list):
            return m[t.index] if -len(m) <= t.index < len(m) else None
        return m if t.index == 0 else None
    return m


def _positional_count(n: Node) -> int:
    return 1 if n.list_input else len(n.inputs)


def _tensor_kwargs(n: Node) -> list[str]:
    return [k for k, v in n.call_kwargs.items() if _holds_tensor(v)]


def _holds_tensor(v: Any) -> bool:
    if isinstance(v, Tensor):
        return True
    return isinstance(v, (list, tuple)) and any(_holds_tensor(x) for x in v)


def _filled_in(n: Node, out_masks: dict[int, Any]) -> dict[str, Any]:
    """Keras fills in `mask` for a layer taking one, called with a single tensor argument."""
    takes_mask = n.layer.op is None and (n.layer.cls in _TAKES_MASK or n.layer.submodel is not None)
    if not takes_mask or "mask" in n.call_kwargs or not n.inputs:
        return {}
    if _positional_count(n) + len(_tensor_kwargs(n)) != 1:
        return {}
    if n.list_input:
        return {"mask": [_mask_of(t, out_masks) for t in n.inputs]}
    return {"mask": _mask_of(n.inputs[0], out_masks)}


def _mask_of_first_argument(n: Node, out_masks: dict[int, Any]) -> Any:
    if not n.inputs:
        return None
    if n.list_input:
        return [_mask_of(t, out_masks) for t in n.inputs]
    return _mask_of(n.inputs[0], out_masks)


def _first(mask: Any) -> Any:
    return (mask[0] if mask else None) if isinstance(mask, list) else mask


def _output_mask(n: Node, previous: Any) -> Any:
    """What Keras' compute_mask attaches to the call's output(s)."""
    ld = n.layer
    cls = ld.cls
    if ld.op is not None:  # Keras operations attach no mask
        return None
    if cls == "Masking":
        return _op("any", _op("not_equal", n.inputs[0]), axis=-1) if n.inputs else None
    if cls == "Embedding":
        return _op("not_equal", n.inputs[0]) if ld.kwargs.get("mask_zero") is True and n.inputs else None
    if cls in _PASS_ON:
        return _first(previous)
    if cls in _RECURRENT:
        mask = _first(previous) if ld.kwargs.get("return_sequences") is True else None
        return [mask, None, None] if ld.kwargs.get("return_state") is True else mask
    if cls == "Bidirectional":
        inner = ld.args[0] if ld.args else ld.kwargs.get("layer")
        inner_kwargs = dict(getattr(inner, "kwargs", ()))
        if inner_kwargs.get("return_sequences") is not True:
            return None
        mask = _first(previous)
        return [mask, mask] if "merge_mode" in ld.kwargs and ld.kwargs["merge_mode"] is None else mask
    if cls in _ATTENTION:
        query = _first(previous)
        return _op("convert_to_tensor", query) if query is not None else None
    if cls in _OR_MERGES:
        masks = previous if isinstance(previous, list) else [previous]
        if not masks or any(m is None for m in masks):
            return None
        merged = masks[0]
        for m in masks[1:]:
            merged = _op("logical_or", merged, m)
        return merged
    if cls == "Concatenate":
        return _concatenated_mask(n, previous)
    return None  # drops the mask: no masking support, or compute_mask returns None


def _concatenated_mask(n: Node, previous: Any) -> Any:
    masks = previous if isinstance(previous, list) else [previous]
    if all(m is None for m in masks):
        return None
    parts = []
    for t, m in zip(n.inputs, masks):
        if m is None:
            parts.append(_op("ones_like", t))
        else:
            # Masks from Masking/Embedding have one axis fewer than their tensor:
            # Keras broadcasts them with ops that also read the tensor.
            parts.append(_op("logical_or", _op("expand_dims", m, axis=-1), _op("zeros_like", t)))
    axis = n.layer.kwargs.get("axis", n.layer.args[0] if n.layer.args else -1)
    return _op("any", _op("concatenate", *parts, axis=axis), axis=-1)
