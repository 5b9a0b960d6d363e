"""Lambda layers without ``output_shape=``: shaped by following their function, as Keras 3 does.

Keras 3 infers such a Lambda's output by calling its function once per call on symbolic
stand-ins of the inputs (``compute_output_spec``), with ``arguments=`` as keywords; the
layer has no weights.  When the function is one we can follow (a ``def`` or ``lambda`` of
the project, a ``functools.partial`` of one, or a Keras/TensorFlow function in our op
tables), we call it the same way on the first call and the ops it makes give the layer's
output.  Whatever keeps it from being followed leaves the layer unknown with the reason.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from layerlint.engine.model import InputDef, LayerDef, Node, Tensor
from layerlint.extract.custom_layers import Untraceable, followed_outputs
from layerlint.extract.keras_names import keras_path
from layerlint.extract.runtime import flatten
from layerlint.extract.values import FunctionVal, LayerObj, PartialVal, Ref

# Lambda's own arguments; the rest (name, trainable, dtype) configure the layer.
_LAMBDA_PARAMS = ("function", "output_shape", "mask", "arguments")


class Lambdas:
    """The Interpreter's Lambda layers (a mixin: state lives on the Interpreter)."""

    def new_traced_lambda(self, args: list, kwargs: dict, node: cst.Call) -> LayerObj | None:
        """``Lambda(fn, arguments={...})`` with no declared output shape or mask: a Lambda row
        whose output comes from following ``fn`` at its first call (None: not one we follow)."""
        given = dict(zip(_LAMBDA_PARAMS, args))
        if len(args) > len(_LAMBDA_PARAMS) or any(k in given for k in kwargs):
            return None
        given.update({k: v for k, v in kwargs.items() if k in _LAMBDA_PARAMS})
        fn = given.get("function")
        arguments = given.get("arguments")
        if not _followable(fn) or given.get("output_shape") is not None \
                or given.get("mask") is not None or not (arguments is None or isinstance(arguments, dict)):
            return None
        own = {k: v for k, v in kwargs.items() if k not in _LAMBDA_PARAMS}
        ld = LayerDef("Lambda", (), own, self.span(node), custom_class="Lambda")
        self.pending_lambdas[id(ld)] = (ld, fn, dict(arguments or {}))
        self.model_changes += 1
        return LayerObj(ld)

    def trace_lambda(self, ld: LayerDef, first: Any, rest: list, kwargs: dict, node: cst.CSTNode) -> None:
        """Follow the Lambda's function on stand-ins of its first call's inputs; what it returns
        is the layer's output (its ``submodel``)."""
        _, fn, arguments = self.pending_lambdas.pop(id(ld))
        arg0, others, stand_ins, shapes = self.stand_ins(ld, first, rest)
        if all(isinstance(s, tuple) for s in shapes):
            ld.traced_inputs = [tuple(s) for s in shapes]
        eager = not self.tensors_in([first, *rest])
        with self.first_call(ld, "the function of a `Lambda` layer", "Lambda", eager):
            if others or kwargs:
                raise Untraceable("it is called with more than its inputs, which is not followed")
            takes = _parameter_names(fn)
            if takes is None or "mask" in takes:
                raise Untraceable("what Keras passes its function cannot be followed")
            call_kwargs = dict(arguments)
            if "training" in takes:
                call_kwargs["training"] = None
            out = self.call(fn, [arg0], call_kwargs, node)
            outs = followed_outputs(out, "its function")
            _check_ops_only([o.tensor for o in outs], {id(t.tensor.producer) for t in stand_ins})
            ld.submodel = self.traced_model(ld, "lambda", out, outs, stand_ins)


def _followable(fn: Any) -> bool:
    """A function of the project, or one of Keras' or TensorFlow's (our op tables say which)."""
    if isinstance(fn, PartialVal):
        return _followable(fn.func)
    if isinstance(fn, Ref):
        return keras_path(fn.qualname) is not None or fn.qualname.startswith("tensorflow.")
    return isinstance(fn, FunctionVal)


def _parameter_names(fn: Any) -> list[str] | None:
    """The names Keras' ``getfullargspec(function).args`` would list (None: not known)."""
    if isinstance(fn, PartialVal):
        return _parameter_names(fn.func)
    if isinstance(fn, Ref):
        return []  # Keras' and TensorFlow's own functions take no `mask` or `training`
    if isinstance(fn, FunctionVal):
        params = fn.node.params
        return [p.name.value for p in list(params.posonly_params) + list(params.params)]
    return None


def _check_ops_only(tensors: list[Tensor], stand_ins: set[int]) -> None:
    """Keras tracks no layer a Lambda's function makes and reads no tensor from outside its
    inputs: a function doing either is not followed."""
    seen: set[int] = set()
    todo = list(tensors)
    while todo:
        t = todo.pop()
        p = t.producer
        if id(p) in seen:
            continue
        seen.add(id(p))
        if isinstance(p, InputDef):
            if id(p) not in stand_ins and p.unknown_reason is None:
                raise Untraceable("its function reads a tensor other than its inputs")
            continue
        assert isinstance(p, Node)
        if not p.layer.known:
            raise Untraceable(f"in its function, {p.layer.opaque_reason or f'`{p.layer.cls}` cannot be followed'}")
        if p.layer.op is None:
            what = p.layer.custom_class or p.layer.cls
            raise Untraceable(f"its function calls the layer `{what}`, which Keras does not track")
        todo.extend(x for x in flatten([p.inputs, list(p.layer.args), list(p.layer.kwargs.values())])
                    if isinstance(x, Tensor))
