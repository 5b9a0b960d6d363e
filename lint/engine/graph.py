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
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Tensor


def model_nodes(m: ExtractedModel) -> list[Node]:
    """Layer applications reachable from the outputs, in the order the source made them.

    That is a topological order (a call's inputs exist before it), and the
    one Keras builds in: a shared layer creates its weights at its first call
    in source order, and later calls are checked against those weights.
    """
    return _walk(m)[4]


def creation_marks(m: ExtractedModel, named_apart: frozenset[int] = frozenset()) -> list[int]:
    """When what a model holds was made: its layers, its inputs and (a functional model) its
    calls.  The least is when its first layer was made, the greatest just before the model
    itself was constructed.  A model it holds whose id is in ``named_apart`` (one the file's
    own run names) counts by the calls of it alone: its layers took their names when it was made,
    and its stand-in as a layer is made where it is first used (an eager call, lines before)."""
    def own(ld: LayerDef) -> bool:
        return not (ld.submodel is not None and ld.custom_class is None and id(ld.submodel) in named_apart)

    made = [ld.created for ld in m.layers if own(ld)]
    made += [t.producer.created for t in m.inputs if hasattr(t.producer, "created")]
    if m.seq_input is not None:
        made.append(m.seq_input.created)
    if m.api == "functional":
        for n in _reached_nodes(m):
            made += (n.layer.created, n.created) if own(n.layer) else (n.created,)
    return made


def _reached_nodes(m: ExtractedModel) -> list[Node]:
    """``model_nodes``' nodes in no particular order (what creation_marks needs: their least and greatest
    marks), without the ordered walk; a graph with masks is left to that walk, whose mask edges it does
    not follow."""
    declared = {id(t.producer) for t in m.inputs if isinstance(t.producer, Node)}  # as _Walk stops there
    seen: set[int] = set()
    nodes: list[Node] = []
    stack = [t.producer for t in m.outputs]
    while stack:
        p = stack.pop()
        if id(p) in seen or id(p) in declared:
            continue
        seen.add(id(p))
        if type(p) is Node:
            nodes.append(p)
            stack.extend([t.producer for t in _node_input_tensors(p)])
    return nodes if not has_mask_sources(nodes) else model_nodes(m)


def mask_ops_made(m: ExtractedModel) -> dict[int, list[MaskOp]]:
    """id(node) -> the mask ops Keras creates during that call."""
    return _walk(m)[2].ops_made


def _walk(m: ExtractedModel) -> tuple[list, dict, MaskFlow, dict, list[Node]]:
    """Keras' depth-first walk from the outputs, with the edges masks add.

    Returns the post-order (nodes and mask ops), where the walk first met
    each layer or input, what the masks add, each producer's parents, and
    the nodes in creation order (``model_nodes``: sorted once here, for every caller).
    """
    order, first_seen, parents = _dfs(m, {})
    nodes = sorted([n for n in order if type(n) is Node], key=_created)
    if not has_mask_sources(nodes):
        return order, first_seen, MaskFlow(), parents, nodes
    flow = compute_masks(nodes)
    order, first_seen, parents = _dfs(m, flow.recorded)
    # sorted again from the walk with masks, the one graph_view and model_nodes read
    nodes = sorted([n for n in order if type(n) is Node], key=_created)
    return order, first_seen, flow, parents, nodes


def _created(n: Node) -> int:
    return n.created


def _parents(p: object, masks: dict[int, dict]) -> list[Tensor]:
    if isinstance(p, Node):
        return _node_input_tensors(p, masks.get(id(p)))
    if isinstance(p, MaskOp):
        return p.inputs
    return []


def _dfs(m: ExtractedModel, masks: dict[int, dict]) -> tuple[list, dict, dict]:
    walk = _Walk(masks, {id(t.producer) for t in m.inputs if isinstance(t.producer, Node)})
    for out in m.outputs:
        walk.visit(out)
    return walk.order, walk.first_seen, walk.parents


class _Walk:
    """Producers in depth-first post-order, with each one's parents (the tensors it reads) as the
    walk found them.  Iterative, with a stack of the producers being walked: a graph may be
    deeper than Python's recursion, and a recursive closure would be a reference cycle."""

    def __init__(self, masks: dict[int, dict], declared: set[int]) -> None:
        self.masks = masks
        self.declared = declared
        self.finished: set[int] = set()
        self.order: list = []
        self.first_seen: dict[int, int] = {}
        self.stack_guard: set[int] = set()
        self.parents: dict[int, list[Tensor]] = {}  # id(producer) -> _parents(producer, masks)

    def _enter(self, p: object) -> list[Tensor] | None:
        """Start walking ``p``: its parents, or None when it is done, declared or being walked."""
        k = id(p)
        if k in self.finished:
            return None
        if k in self.declared:  # an intermediate tensor declared as input: stop here
            self.finished.add(k)
            return None
        if k in self.stack_guard:
            return None
        first_seen = self.first_seen
        key = id(p.layer) if isinstance(p, Node) else k
        if key not in first_seen:
            first_seen[key] = len(first_seen)
        self.stack_guard.add(k)
        parents = self.parents[k] = _parents(p, self.masks)
        return parents

    def visit(self, t: Tensor) -> None:
        parents = self._enter(t.producer)
        if parents is None:
            return
        stack: list[tuple[object, list[Tensor], int]] = [(t.producer, parents, 0)]
        enter, order, guard, finished = self._enter, self.order, self.stack_guard, self.finished
        while stack:
            p, ins, i = stack[-1]
            n = len(ins)
            while i < n:
                q = ins[i].producer
                i += 1
                if id(q) in finished or id(q) in guard:  # _enter's answer, without the call (most parents)
                    continue
                below = enter(q)
                if below is not None:
                    stack[-1] = (p, ins, i)
                    stack.append((q, below, 0))
                    break
            else:
                stack.pop()
                guard.discard(id(p))
                finished.add(id(p))
                order.append(p)


def _node_input_tensors(n: Node, masks: dict | None = None) -> list[Tensor]:
    """The call's tensors in Keras' order: positional ones, then keyword ones by name."""
    kwargs = {**n.call_kwargs, **masks} if masks else n.call_kwargs
    if not kwargs:  # most calls: the positional tensors alone (callers only read the list)
        return n.inputs
    tensors = list(n.inputs)
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
    return _ordered(m, walk, with_masks), walk[4], walk[2].ops_made


def ordered_operations(m: ExtractedModel) -> list:
    """Keras' ``model.layers`` order: InputDefs and LayerDefs, by decreasing depth."""
    return _ordered(m, _walk(m))


def _ordered(m: ExtractedModel, walk: tuple[list, dict, MaskFlow, dict, list[Node]], with_masks: bool = False) -> list:
    order, first_seen, _, parents, _ = walk
    first_seen = dict(first_seen)
    depth: dict[int, int] = {}
    op_depth: dict[int, int] = {}
    ops: dict[int, object] = {}
    for p in reversed(order):
        k = id(p)
        d = depth.get(k, 0)
        if type(p) is Node:  # a layer's depth is the greatest of its calls'
            key = id(p.layer)
            ops[key] = p.layer
        else:
            key = k
            if with_masks or type(p) is not MaskOp:  # in model.operations, not in model.layers
                ops[key] = p
        d = max(d, op_depth.get(key, 0))
        op_depth[key] = depth[k] = d
        below = d + 1
        for t in parents[k]:
            pk = id(t.producer)
            if depth.get(pk, 0) < below:
                depth[pk] = below
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
