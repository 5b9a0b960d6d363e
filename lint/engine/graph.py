"""Graph order for functional models, following Keras' own traversal.

Keras lists a functional model's layers by depth from the outputs (deepest
first), breaking ties by the order a depth-first walk from the outputs first
meets them.  Summary rows follow the same order so they line up with
``model.summary()``.  Masks add edges of their own (lint/engine/masks.py): the ops
computing a mask count for depth, and are rows of Keras 3's summary (``model.operations``)
but never of ``model.layers``.
"""

from __future__ import annotations

from layerlint.engine.masks import MaskFlow, MaskOp, compute_masks, has_mask_sources
from layerlint.engine.model import ExtractedModel, InputDef, Node, Tensor


def model_nodes(m: ExtractedModel) -> list[Node]:
    """Layer applications reachable from the outputs, in the order the source made them.

    That is a topological order (a call's inputs exist before it), and the
    one Keras builds in: a shared layer creates its weights at its first call
    in source order, and later calls are checked against those weights.
    """
    order, _, _ = _walk(m)
    return sorted((n for n in order if isinstance(n, Node)), key=lambda n: n.created)


def creation_marks(m: ExtractedModel) -> list[int]:
    """When what a model holds was made: its layers, its inputs and (a functional model) its
    calls.  The least is when its first layer was made, the greatest just before the model
    itself was constructed."""
    made = [ld.created for ld in m.layers]
    made += [t.producer.created for t in m.inputs if hasattr(t.producer, "created")]
    if m.seq_input is not None:
        made.append(m.seq_input.created)
    if m.api == "functional":
        for n in model_nodes(m):
            made += (n.layer.created, n.created)
    return made


def mask_ops_made(m: ExtractedModel) -> dict[int, list[MaskOp]]:
    """id(node) -> the mask ops Keras creates during that call."""
    return _walk(m)[2].ops_made


def _walk(m: ExtractedModel) -> tuple[list, dict, MaskFlow]:
    """Keras' depth-first walk from the outputs, with the edges masks add.

    Returns the post-order (nodes and mask ops), where the walk first met
    each layer or input, and what the masks add.
    """
    order, first_seen = _dfs(m, {})
    nodes = sorted((n for n in order if isinstance(n, Node)), key=lambda n: n.created)
    if not has_mask_sources(nodes):
        return order, first_seen, MaskFlow()
    flow = compute_masks(nodes)
    order, first_seen = _dfs(m, flow.recorded)
    return order, first_seen, flow


def _parents(p: object, masks: dict[int, dict]) -> list[Tensor]:
    if isinstance(p, Node):
        return _node_input_tensors(p, masks.get(id(p)))
    if isinstance(p, MaskOp):
        return p.inputs
    return []


def _dfs(m: ExtractedModel, masks: dict[int, dict]) -> tuple[list, dict]:
    walk = _Walk(masks, {id(t.producer) for t in m.inputs if isinstance(t.producer, Node)})
    for out in m.outputs:
        walk.visit(out)
    return walk.order, walk.first_seen


class _Walk:
    """Producers in depth-first post-order.  A class rather than a recursive closure: a
    closure naming itself is a reference cycle, which only the cyclic collector frees."""

    def __init__(self, masks: dict[int, dict], declared: set[int]) -> None:
        self.masks = masks
        self.declared = declared
        self.finished: set[int] = set()
        self.order: list = []
        self.first_seen: dict[int, int] = {}
        self.stack_guard: set[int] = set()

    def visit(self, t: Tensor) -> None:
        p = t.producer
        if id(p) in self.finished:
            return
        if id(p) in self.declared:  # an intermediate tensor declared as input: stop here
            self.finished.add(id(p))
            return
        if id(p) in self.stack_guard:
            return
        key = id(p.layer) if isinstance(p, Node) else id(p)
        self.first_seen.setdefault(key, len(self.first_seen))
        self.stack_guard.add(id(p))
        for inp in _parents(p, self.masks):
            self.visit(inp)
        self.stack_guard.discard(id(p))
        self.finished.add(id(p))
        self.order.append(p)


def _node_input_tensors(n: Node, masks: dict | None = None) -> list[Tensor]:
    """The call's tensors in Keras' order: positional ones, then keyword ones by name."""
    tensors = list(n.inputs)
    kwargs = {**n.call_kwargs, **masks} if masks else n.call_kwargs
    for k in sorted(kwargs):
        tensors.extend(_tensors_in(kwargs[k]))
    return tensors


def _tensors_in(v: object) -> list[Tensor]:
    if isinstance(v, Tensor):
        return [v]
    if isinstance(v, (list, tuple)):
        out: list[Tensor] = []
        for x in v:
            out.extend(_tensors_in(x))
        return out
    return []


def graph_view(m: ExtractedModel, with_masks: bool = False) -> tuple[list, list[Node], dict[int, list[MaskOp]]]:
    """``ordered_operations``, ``model_nodes`` and ``mask_ops_made`` from one walk of the graph.

    With ``with_masks`` the operations include the mask ops the graph reads, in their places.
    """
    walk = _walk(m)
    order = walk[0]
    nodes = sorted((n for n in order if isinstance(n, Node)), key=lambda n: n.created)
    return _ordered(m, walk, with_masks), nodes, walk[2].ops_made


def ordered_operations(m: ExtractedModel) -> list:
    """Keras' ``model.layers`` order: InputDefs and LayerDefs, by decreasing depth."""
    return _ordered(m, _walk(m))


def _ordered(m: ExtractedModel, walk: tuple[list, dict, MaskFlow], with_masks: bool = False) -> list:
    order, first_seen, flow = walk
    first_seen = dict(first_seen)
    masks = flow.recorded
    depth: dict[int, int] = {}
    op_depth: dict[int, int] = {}
    ops: dict[int, object] = {}
    for p in reversed(order):
        d = depth.setdefault(id(p), 0)
        key = id(p.layer) if isinstance(p, Node) else id(p)
        if with_masks or not isinstance(p, MaskOp):  # in model.operations, not in model.layers
            ops[key] = p.layer if isinstance(p, Node) else p
        d = max(d, op_depth.get(key, 0))
        op_depth[key] = d
        depth[id(p)] = d
        for t in _parents(p, masks):
            depth[id(t.producer)] = max(depth.get(id(t.producer), 0), d + 1)
    for t in m.inputs:  # declared inputs that no output depends on still count
        if isinstance(t.producer, InputDef) and id(t.producer) not in ops:
            ops[id(t.producer)] = t.producer
            op_depth[id(t.producer)] = 0  # Keras: depth 0, ordered before the other outputs (index -1)
            first_seen.setdefault(id(t.producer), -1)
    keys = sorted(ops, key=lambda k: (-op_depth[k], first_seen.get(k, 0)))
    return [ops[k] for k in keys]


def consumers(nodes: list[Node]) -> dict[int, list[Node]]:
    """For each producer (by id), the nodes that read one of its outputs."""
    out: dict[int, list[Node]] = {}
    for n in nodes:
        for t in _node_input_tensors(n):
            out.setdefault(id(t.producer), []).append(n)
    return out
