"""The Output Shape Keras' summary prints for a layer called in several places, across a file's models.

Keras 3's summary prints a layer's output from its inbound nodes, the last of them (the layer's
latest call on Keras tensors, in whichever model, and a Sequential's builds, which call every layer
it holds), so a layer shared by two models shows its latest call in both.  tf-keras 2 prints
``layer.output_shape``: the shape its nodes share, or "multiple" when they differ; its nested
functional models print their own outputs, whatever they were called on.  Calls on data run
eagerly and a custom layer's call() runs on a scratch graph: neither adds a node (both checked
against Keras 3.15.1 and tf-keras 2.21 in tests/test_summary_shape.py).

The rows keep their own call's output (``ShapedLayer.output``), which the rules and --confirm
(a rebuild of the model alone) read; ``ShapedLayer.shown`` holds what the summary prints instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from layerlint.engine.model import GraphCall, LayerDef
from layerlint.engine.shapes import runs_within
from layerlint.engine.symbolic import shape_str

MULTIPLE = "multiple"  # tf-keras' Output Shape for a layer whose calls gave different shapes


@dataclass
class Shown:
    """What the summary prints for a row instead of its own call's output: a shape (or list of shapes),
    MULTIPLE, or None (not known, with ``reason``); ``note`` says why it is not this model's call."""

    output: Any
    reason: str | None = None
    note: str | None = None


@dataclass
class _Made:
    """One node of a layer: when it was made, what it gave (None: not known), and whether it was made."""

    created: int
    output: Any
    line: int
    uncertain: str | None


def show_latest_calls(models: list, calls: list[GraphCall], keras_version: int) -> None:
    """Set ``shown`` on the rows of ``models`` (shaped models of one file) whose layer has nodes
    outside that model's own calls, from every node the file gave it (``calls``)."""
    by_layer: dict[int, list[GraphCall]] = {}
    for c in calls:
        for ld in c.layers:
            by_layer.setdefault(id(ld), []).append(c)
    if keras_version != 2 and not any(len(v) > 1 for v in by_layer.values()):
        return
    outputs = _outputs(models)
    if keras_version == 2:
        _show_own_outputs(models)
    for sm in models:
        m = sm.model
        if m.api not in ("functional", "sequential") or "as symbols" in (m.context or ""):
            continue
        for row in sm.layers:
            ld = row.source
            made = by_layer.get(id(ld)) if isinstance(ld, LayerDef) else None
            if not made or len(made) < 2 or row.status != "ok" or not _own_calls_recorded(row, m, made):
                continue
            if keras_version == 2 and ld.submodel is not None and ld.custom_class is None:
                continue  # tf-keras: a nested model prints its own output shape (_show_own_outputs)
            nodes = [_node(c, ld, outputs) for c in made]
            shown = _latest(nodes) if keras_version == 3 else _common(nodes)
            if shown.output is not None and shown.output == row.output:
                continue
            if shown.output is not None and row.output is not None:
                here = f"; its call in this model gives {_text(row.output)}"
                shown.note = (f"Keras' summary shows this layer's latest call, at line {max(nodes, key=lambda n: n.created).line}"
                              f"{here}" if keras_version == 3 else
                              f"tf-keras' summary shows \"multiple\": this layer's calls give different shapes{here}")
            row.shown = shown


def _show_own_outputs(models: list) -> None:
    """tf-keras: a functional model (or a Sequential with an input) used as a layer prints its own
    output shape, whatever it was called on (Functional.output_shape)."""
    own: dict[int, Any] = {}
    for sm in models:
        m = sm.model
        built = m.api == "functional" or m.api == "sequential" and m.seq_input is not None
        if built and len(sm.outputs) == 1 and not m.outputs_nested and sm.outputs[0] is not None:
            own[id(m)] = sm.outputs[0]
    for sm in models:
        if sm.model.api not in ("functional", "sequential"):
            continue
        for row in sm.layers:
            ld = row.source
            if not isinstance(ld, LayerDef) or ld.submodel is None or ld.custom_class is not None or row.status != "ok":
                continue
            out = own.get(id(ld.submodel))
            if out is not None and out != row.output and row.output is not None:
                row.shown = Shown(out, note=f"tf-keras' summary shows a nested model's own output shape; its call in "
                                            f"this model gives {_text(row.output)}")


def _text(out: Any) -> str:
    if isinstance(out, list):
        return "[" + ", ".join(_text(o) for o in out) + "]"
    return shape_str(out) if isinstance(out, tuple) else str(out)


def _own_calls_recorded(row: Any, m: Any, made: list[GraphCall]) -> bool:
    """Whether the file's record holds this model's own calls of the layer (a model made where the
    record does not reach, in a custom layer's __init__ say, is left with its own call)."""
    if m.api == "sequential":
        return any(c.model is m for c in made)
    nodes = {id(c.node) for c in made if c.node is not None}
    return all(c.node is not None and id(c.node) in nodes for c in row.calls)


def _outputs(models: list) -> dict[Any, Any]:
    """Every call's output in the shaped models and the models they hold, by id(node), and every
    Sequential's rows by (id(model), id(layer))."""
    out: dict[Any, Any] = {}
    for sm in runs_within(models):
        for row in sm.layers:
            if sm.model.api == "sequential" and row.status == "ok":
                out.setdefault((id(sm.model), id(row.source)), row.output)
            for call in row.calls:
                if call.node is not None and call.error is None and row.status == "ok":
                    out.setdefault(id(call.node), call.output)
    return out


def _node(c: GraphCall, ld: LayerDef, outputs: dict) -> _Made:
    if c.node is not None:
        return _Made(c.created, outputs.get(id(c.node)), c.node.span.line, c.uncertain or c.node.condition)
    assert c.model is not None
    return _Made(c.created, outputs.get((id(c.model), id(ld))), c.model.span.line, c.uncertain)


def _maybe(n: _Made) -> str:
    """Why a call may not be made (or be made again): the loop of unknown count or the condition it is under."""
    if n.uncertain is not None and n.uncertain.startswith("for "):
        return f"the call at line {n.line} is in the loop `{n.uncertain}`, whose count is not known"
    return f"the call at line {n.line} is made only if `{n.uncertain}`, which cannot be decided"


def _latest(nodes: list[_Made]) -> Shown:
    """Keras 3: the latest node's output; unknown when which node is latest, or its output, is not known."""
    nodes = sorted(nodes, key=lambda n: n.created)
    certain = [i for i, n in enumerate(nodes) if n.uncertain is None]
    if not certain and len({n.uncertain for n in nodes}) == 1:
        # every call is made in one pass of the same code (a loop of unknown count): where any is, the
        # last of them is the latest
        certain = [len(nodes) - 1]
    last = nodes[certain[-1] if certain else 0:]
    for n in reversed(last):
        if n.uncertain is not None and n.output != last[0].output:
            return Shown(None, f"Keras' summary shows this layer's latest call, and {_maybe(n)}")
    latest = nodes[-1]
    if latest.output is None or (not certain and latest.output != nodes[0].output):
        return Shown(None, f"Keras' summary shows this layer's latest call, at line {latest.line}, whose output is not known")
    return Shown(latest.output)


def _common(nodes: list[_Made]) -> Shown:
    """tf-keras: the shape every node gives, or "multiple" when the calls surely made differ."""
    made = [n for n in nodes if n.uncertain is None]
    if not made and len({n.uncertain for n in nodes}) == 1:
        made = nodes  # every call is made in one pass of the same code: where any is, all are
    unknown = next((n for n in made if n.output is None), None)
    shapes = {repr(n.output) for n in made if n.output is not None}
    if len(shapes) > 1:
        return Shown(MULTIPLE)
    if unknown is not None:
        return Shown(None, f"tf-keras' summary shows the shape all this layer's calls give, and the output of the "
                           f"call at line {unknown.line} is not known")
    first = made[0].output if made else None
    for n in nodes:
        if n.uncertain is not None and n.output != first:
            return Shown(None, f"tf-keras' summary shows \"multiple\" if this layer's calls give different shapes, "
                               f"and {_maybe(n)}")
    return Shown(first) if first is not None else Shown(None, "no call of this layer is surely made")
