"""Whether a model's own ``train_step()`` builds it as Keras' default one does.

Keras' TensorFlow trainer builds a subclassed model when it traces ``train_step()`` on a batch
of the data.  The default step calls the model on the batch's x; a step of the user's own may
call anything on anything (patch_convnet calls its augmentation model and stem, never call();
gat_node_classification calls the model on tensors held as attributes).  We accept a step of
the user's own only when it plainly does what the default does: calls ``self(x)``, or the layer
that call() hands its input to, on the x it unpacked from its data argument.
"""

from __future__ import annotations

import libcst as cst
from layerlint.extract.runtime import walk


def builds_like_default(train_step: cst.FunctionDef, call: cst.FunctionDef, x_only: bool) -> bool:
    """Whether ``train_step`` calls the model (or the layer ``call`` first hands its input to)
    on the x of its data argument; ``x_only``: fit() is given no y, so the data is x itself."""
    data = _param(train_step, 1)
    inp = _param(call, 1)
    if data is None or inp is None:
        return False
    xs = _x_names(train_step, data) | ({data} if x_only else set())
    forwarded = _forwarding_attrs(call, inp)
    for node in _calls(train_step):
        if not node.args or node.args[0].keyword is not None or node.args[0].star:
            continue
        first = node.args[0].value
        if not (isinstance(first, cst.Name) and first.value in xs):
            continue
        func = node.func
        if isinstance(func, cst.Name) and func.value == "self":
            return True
        if _self_attr(func) in forwarded:
            return True
    return False


def _param(fn: cst.FunctionDef, i: int) -> str | None:
    params = list(fn.params.posonly_params) + list(fn.params.params)
    return params[i].name.value if len(params) > i else None


def _self_attr(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
        return node.attr.value
    return None


def _x_names(fn: cst.FunctionDef, data: str) -> set[str]:
    """Names the step binds to the x of ``data``: ``x, y = data``, ``x = data[0]``."""
    names: set[str] = set()
    for node in walk(fn):
        if not isinstance(node, cst.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0].target, node.value
        if isinstance(value, cst.Name) and value.value == data and isinstance(target, (cst.Tuple, cst.List)) \
                and target.elements and isinstance(target.elements[0].value, cst.Name):
            names.add(target.elements[0].value.value)
        elif isinstance(target, cst.Name) and isinstance(value, cst.Subscript) \
                and isinstance(value.value, cst.Name) and value.value.value == data and len(value.slice) == 1:
            index = value.slice[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer) and index.value.value == "0":
                names.add(target.value)
    return names


def _forwarding_attrs(call: cst.FunctionDef, inp: str) -> set[str]:
    """The attributes call() calls on its own input, unchanged: ``self.model(x)``, up to the
    statement that rebinds the input's name (its right side still reads the input)."""
    out: set[str] = set()
    body = call.body.body if isinstance(call.body, cst.IndentedBlock) else ()
    for stmt in body:
        for node in _calls(stmt):
            attr = _self_attr(node.func)
            if attr is not None and node.args and node.args[0].keyword is None and not node.args[0].star \
                    and isinstance(node.args[0].value, cst.Name) and node.args[0].value.value == inp:
                out.add(attr)
        if _rebinds(stmt, inp):
            break
    return out


def _rebinds(stmt: cst.CSTNode, name: str) -> bool:
    for node in walk(stmt):
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else \
            [node.target] if isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For, cst.NamedExpr)) else []
        if any(isinstance(n, cst.Name) and n.value == name for t in targets for n in walk(t)):
            return True
    return False


def _calls(fn: cst.CSTNode) -> list[cst.Call]:
    return [n for n in walk(fn) if isinstance(n, cst.Call)]
