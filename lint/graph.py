"""Graph order for functional models, following Keras' own traversal.

Keras lists a functional model's layers by depth from the outputs (deepest
first), breaking ties by the order a depth-first walk from the outputs first
meets them.  Summary rows follow the same order so they line up with
``model.summary()``.
"""

from __future__ import annotations

from .model import ExtractedModel, InputDef, Node, Tensor


def _producer_nodes(t: Tensor) -> Node | InputDef:
    return t.producer


def model_nodes(m: ExtractedModel) -> list[Node]:
    """Layer applications reachable from the outputs, inputs first (post-order)."""
    order, _ = _walk(m)
    return [n for n in order if isinstance(n, Node)]


def _walk(m: ExtractedModel) -> tuple[list, dict]:
    finished: set[int] = set()
    order: list = []
    first_seen: dict[int, int] = {}
    declared = {id(t.producer) for t in m.inputs if isinstance(t.producer, Node)}
    stack_guard: set[int] = set()

    def visit(t: Tensor) -> None:
        p = t.producer
        if id(p) in finished:
            return
        if id(p) in declared:  # an intermediate tensor declared as input: stop here
            finished.add(id(p))
            return
        if id(p) in stack_guard:
            return
        key = id(p.layer) if isinstance(p, Node) else id(p)
        first_seen.setdefault(key, len(first_seen))
        stack_guard.add(id(p))
        if isinstance(p, Node):
            for inp in _node_input_tensors(p):
                visit(inp)
        stack_guard.discard(id(p))
        finished.add(id(p))
        order.append(p)

    for out in m.outputs:
        visit(out)
    return order, first_seen


def _node_input_tensors(n: Node) -> list[Tensor]:
    tensors = list(n.inputs)
    for v in n.call_kwargs.values():
        tensors.extend(_tensors_in(v))
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


def ordered_operations(m: ExtractedModel) -> list:
    """Keras' ``model.layers`` order: InputDefs and LayerDefs, by decreasing depth."""
    order, first_seen = _walk(m)
    depth: dict[int, int] = {}
    op_depth: dict[int, int] = {}
    ops: dict[int, object] = {}
    for p in reversed(order):
        d = depth.setdefault(id(p), 0)
        key = id(p.layer) if isinstance(p, Node) else id(p)
        ops[key] = p.layer if isinstance(p, Node) else p
        d = max(d, op_depth.get(key, 0))
        op_depth[key] = d
        depth[id(p)] = d
        if isinstance(p, Node):
            for t in _node_input_tensors(p):
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
