"""Following a Model subclass's own ``train_step()`` when ``fit()`` first runs it.

Keras' TensorFlow trainer traces ``train_step(data)`` on one batch of the data (x alone, or the
tuple ``(x, y)``, as the dataset or arrays hand it); the layers and models the step calls are
built then, on the shapes they get there, and those of ``test_step()`` when validation data
is evaluated at the end of the first epoch.  A step that does not call the model itself (a
contrastive trainer running its augmenter, encoder and heads) builds those layers and leaves the
model unbuilt: its summary lists them with those shapes.  We follow the steps on stand-ins of a
batch's shape, when it is known, and keep what their calls of the model's layers compute as the
graph its summary's rows are read from.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Note, Tensor, creation_mark
from layerlint.engine.shapes import built_when_made
from layerlint.extract.custom_layers import Untraceable
from layerlint.extract.data import is_dim
from layerlint.extract.runtime import BreakSignal, ContinueSignal, ReturnSignal, StopSignal, flatten
from layerlint.extract.values import ArrayVal, DatasetVal, FunctionVal, TensorVal, ZippedDatasetVal


class FitSteps:
    """The Interpreter's following of a model's own steps (a mixin: state lives on the Interpreter)."""

    def own_step_builds(self, m: ExtractedModel, ld: LayerDef, args: list, kwargs: dict, node: cst.Call) -> None:
        """fit() of a subclassed model whose own train_step() does not build it as the default one
        does: follow that step (then test_step() on validation data) where the batches' shapes are
        known, else say why its layers stay unbuilt."""
        if m.step_model is not None or m.unbuilt_why is not None:
            return  # an earlier fit() ran the steps: Keras built the layers then
        line = self.span(node).line
        methods = self.custom_instances[id(ld)].cls.methods
        step, test = _method(methods, "train_step"), _method(methods, "test_step")
        x = kwargs.get("x", args[0] if args else None)
        data = self.step_data(x, args, kwargs, node) if step is not None else None
        text = self.arg_text(node, 0, "x")
        if data is None:
            where = f"on batches of `{text}`, whose shape is not followed" if step is not None else \
                "which is not followed"
            m.unbuilt_why = f"Keras builds it when `fit()` at line {line} runs the class's own `train_step()`, {where}"
            return
        inst = self.custom_instances[id(ld)]
        tracked = self.tracked_layers(list(inst.attrs.values()))
        nodes = self.follow_step(inst, tracked, step, data, node)
        if nodes is None:
            m.unbuilt_why = (f"Keras builds it when `fit()` at line {line} runs the class's own `train_step()`, "
                             "which is not followed")
            return
        stand_ins = flatten(data)
        validation = kwargs.get("validation_data")
        val = self.step_data(validation, [], {}, node) if isinstance(validation, DatasetVal) and test else None
        later = self.follow_step(inst, tracked, test, val, node) if val is not None and test is not None else None
        if later:
            nodes += later
            stand_ins += flatten(val)
        if all(n.layer.submodel is not None and n.layer.custom_class is None and built_when_made(n.layer.submodel)
               for n in nodes):
            # it calls only models built when made: what else it does with its layers is not followed
            m.unbuilt_why = (f"Keras builds it when `fit()` at line {line} runs the class's own `train_step()`, "
                             "which is not followed")
            return
        m.step_model = ExtractedModel(self.path, ld.span, "functional", name=ld.cls,
                                      inputs=[t.tensor for t in stand_ins], outputs=[Tensor(n) for n in nodes])
        steps = "`train_step()`" + (" and `test_step()`" if later else "")
        m.unbuilt_why = (f"`fit()` at line {line} runs the class's own {steps}, which, as followed, "
                         f"{'do' if later else 'does'} not call it")
        m.notes.append(Note(self.span(node), f"Keras builds the layers the class's own `train_step()` calls at its "
                                             f"first `fit()`, on batches of `{text}`" +
                            (f", and those `test_step()` calls on batches of `{self.kwarg_text(node, 'validation_data')}`"
                             if later else "")))

    def step_data(self, x: Any, args: list, kwargs: dict, node: cst.Call) -> Any:
        """What a step is given at fit()'s first batch, as stand-in tensors: x alone (fit on x
        only, a dataset of x only) or ``(x, y)``, a tuple of those for zipped datasets; None when
        its shape is not known."""
        if isinstance(x, ZippedDatasetVal):
            parts = [self.step_data(p, [], {}, node) for p in x.parts]
            return None if any(p is None for p in parts) else tuple(parts)
        if isinstance(x, DatasetVal):
            axis = x.batch_axis() if x.kind == "dataset" and x.batched else None
            if axis is None:
                return None
            parts, batch = [x.x] if x.y is None else [x.x, x.y], axis[0]
        else:
            y = kwargs.get("y", args[1] if len(args) > 1 else None)
            if not isinstance(x, ArrayVal) or y is not None and not isinstance(y, ArrayVal):
                return None  # a list of arrays, or data we cannot follow
            parts = [x] if y is None else [x, y]
            batch = self.fit_batch_axis(x.shape[0], args, kwargs) if x.shape else None
        if not all(isinstance(p, ArrayVal) and p.shape and not p.sequences and all(is_dim(d) for d in p.shape[1:])
                   for p in parts):
            return None
        if batch is not None and not isinstance(batch, int):
            return None  # the batch axis depends on what cannot be decided
        tensors = [TensorVal(Tensor(InputDef(tuple(p.shape[1:]), self.span(node), batch_size=batch))) for p in parts]
        return tensors[0] if len(tensors) == 1 else tuple(tensors)

    def follow_step(self, inst: Any, tracked: list[LayerDef], step: FunctionVal, data: Any,
                    node: cst.Call) -> list[Node] | None:
        """Run ``step`` on ``data`` as Keras traces it: the layers it calls are built on what they
        get.  Returns its calls of the ``tracked`` layers, or None when the step cannot be
        followed up to its end."""
        mark, raised = creation_mark(), self.raised_in_calls
        self.context.append(f"`{step.name}()` as fit() first runs it")
        self.tracing += 1
        registered = len(self.result.models)
        try:
            self.call_function(step, [inst, data], {}, node)
        except (Untraceable, StopSignal, ReturnSignal, BreakSignal, ContinueSignal):
            return None
        finally:
            self.tracing -= 1
            self.context.pop()
            del self.result.models[registered:]
        if self.raised_in_calls != raised:
            return None  # it, or a function it calls, stops at a raise: what follows is not followed
        return sorted((n for t in tracked for n in self.layer_calls.get(id(t), ()) if n.created > mark),
                      key=lambda n: n.created)


def _method(methods: dict, name: str) -> FunctionVal | None:
    fn = methods.get(name)
    return fn if isinstance(fn, FunctionVal) and isinstance(fn.node, cst.FunctionDef) else None
