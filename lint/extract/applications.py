"""``keras.applications``: a constructor call becomes the functional model Keras builds, layer
by layer from the applications table; ``preprocess_input`` the operations it records."""

from __future__ import annotations

from typing import Any

import libcst as cst
from layerlint.engine.applications.configure import _fmt, configure
from layerlint.engine.applications.table import find_entry, preprocess_operations
from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.model import Application, ExtractedModel, InputDef, LayerDef, Node, RecordedLayer, Tensor
from layerlint.engine.symbolic import Expr
from layerlint.extract.keras_names import classify
from layerlint.extract.values import LayerObj, ModelVal, Ref, TensorVal

# imagenet_utils.preprocess_input(x, mode=...) does what these modules' preprocess_input do.
_MODE_MODULES = {"caffe": "vgg16", "tf": "mobilenet_v2", "torch": "densenet"}
# Arguments that change the backbone in ways the table does not record, with the value it records.
_RECORDED_ONLY = {"depth_multiplier": 1, "include_preprocessing": True}


def source_inputs(t: Tensor) -> list[InputDef]:
    """The keras.Input tensors a tensor is computed from, as Keras' get_source_inputs finds them."""
    out: list[InputDef] = []
    seen: set[int] = set()
    stack = [t]
    while stack:
        p = stack.pop().producer
        if id(p) in seen:
            continue
        seen.add(id(p))
        if isinstance(p, InputDef):
            out.append(p)
        else:
            stack.extend(reversed(p.inputs))
    return out


class Applications:
    """The Interpreter's keras.applications calls (a mixin: state lives on the Interpreter)."""

    def new_application(self, ctor: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        from layerlint.engine.applications.table import _table

        entries = _table()["applications"].get(ctor, [])
        params = entries[0]["params"] if entries else []
        kw = {**dict(zip(params, args)), **kwargs}
        entry, why = find_entry(ctor, kw)
        if entry is None:
            return self.opaque_application(ctor, kw, why, node)
        for key, recorded in _RECORDED_ONLY.items():
            if key in kw and kw[key] != recorded:
                return self.opaque_application(ctor, kw, f"{key}={_fmt(kw[key])} is not in the applications table", node)
        tensor = kw.pop("input_tensor", None)
        tensor_shape = None
        if tensor is not None:
            if not isinstance(tensor, TensorVal):
                return self.opaque_application(ctor, kw, "its input_tensor cannot be followed", node)
            tensor_shape = self.static_shape(tensor.tensor)
            if tensor_shape is None:
                return self.opaque_application(ctor, kw, "the shape of its input_tensor is not known", node)
        for key in ("include_top", "input_shape", "pooling", "classes", "weights", "name"):
            if isinstance(kw.get(key), Expr) or key in kw and _has_symbol(kw[key]):
                return self.opaque_application(ctor, kw, f"{key}={_fmt(kw[key])} is not known", node)
        span = self.span(node)
        app = Application(ctor, {k: v for k, v in kw.items() if k != "weights"}, tensor.tensor if tensor else None)
        try:
            conf = configure(entry, kw, tensor_shape[1:] if tensor_shape else None)
        except Unanalysable as e:
            return self.opaque_application(ctor, kw, str(e), node)
        except ShapeError as e:  # Keras' constructor raises here: one row that carries the error
            inp = InputDef(tuple(kw["input_shape"]) if isinstance(kw.get("input_shape"), (tuple, list))
                           else (None, None, 3), span)
            ld = LayerDef(ctor, (), {}, span, recorded=RecordedLayer([ctor], [], app, error=e))
            n = Node(ld, [Tensor(inp)], {}, span)
            m = ExtractedModel(self.path, span, "functional", name=ctor, inputs=[Tensor(inp)], outputs=[Tensor(n)],
                               application=app)
            app.model = m
            self.register(m)  # Keras raises at this line: the file's error, whether or not it is used
            return ModelVal(m)
        if tensor is not None:
            start = tensor.tensor
            inputs = [Tensor(i) for i in source_inputs(start)]
        else:
            start = Tensor(InputDef(conf.input_shape, span))
            inputs = [start]
            # Keras makes the model's InputLayer here, named from the file's counter, used or not
            self.constructed(TensorVal(start))
        tensors: list[Tensor] = []
        used = 0
        for row in conf.layers:
            if not row[2]:
                tensors.append(start)
                continue
            weights = conf.weights[used:used + row[5]]
            used += row[5]
            ld = LayerDef(row[1], (), {"name": row[0]}, span, recorded=RecordedLayer(row, weights, app))
            ins = [tensors[i] for i in row[2]]
            n = Node(ld, ins, {}, span, list_input=len(ins) > 1)
            self.layer_calls.setdefault(id(ld), []).append(n)
            tensors.append(Tensor(n))
        m = ExtractedModel(self.path, span, "functional", name=conf.name, inputs=inputs, outputs=[tensors[-1]],
                           application=app)
        app.model = m
        # Keras builds it, not the file: a model of the file once the file builds one with it.
        self.touch(m)
        return ModelVal(m)

    def opaque_application(self, ctor: str, kw: dict, why: str | None, node: cst.Call) -> LayerObj:
        reason = f"application `{ctor}` is not analysed: {why}" if why else f"application `{ctor}` is not analysed"
        ld = LayerDef(ctor, (), {k: v for k, v in kw.items() if k == "name"}, self.span(node), known=False,
                      opaque_reason=reason)
        self.model_changes += 1
        return LayerObj(ld)

    def static_shape(self, t: Tensor) -> tuple | None:
        """A tensor's shape as the engine computes it from the inputs it comes from."""
        from layerlint.engine.shapes import Engine

        if isinstance(t.producer, InputDef):
            shape = t.producer.shape
            return (None, *shape) if isinstance(shape, tuple) else None
        m = ExtractedModel(self.path, t.producer.span, "functional",
                           inputs=[Tensor(i) for i in source_inputs(t)], outputs=[t])
        out = Engine(m, outputs_only=True).run().outputs
        shape = out[0] if out else None
        if not isinstance(shape, tuple) or any(isinstance(d, Expr) for d in shape):
            return None
        return shape

    def preprocess(self, module: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        x = kwargs.get("x", args[0] if args else None)
        if module == "imagenet_utils":
            mode = kwargs.get("mode", args[2] if len(args) > 2 else "caffe")
            module = _MODE_MODULES.get(mode) if isinstance(mode, str) else None
        ops = preprocess_operations(module) if module else None
        data_format = kwargs.get("data_format", args[1] if len(args) > 1 else None)
        if not isinstance(x, TensorVal) or ops is None or data_format not in (None, "channels_last"):
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        made: list[Tensor] = []
        group: list[LayerDef] = []
        for cls, inbound, _shape in ops:
            ins = [x.tensor if i < 0 else made[i] for i in inbound]
            ld = LayerDef(cls, (), {}, self.span(node),
                          recorded=RecordedLayer([cls, inbound, _shape], [], preprocess=(module, x.tensor, group)))
            group.append(ld)
            made.append(self.make_node(ld, ins, {}, node, list_input=cls == "Stack").tensor)
        return TensorVal(made[-1]) if made else x


    def preprocess_lambda(self, args: list, kwargs: dict) -> bool:
        """``Lambda(keras.applications.inception_v3.preprocess_input)``: Keras infers the shape by
        calling it, and preprocess_input keeps the shape."""
        fn = kwargs.get("function", args[0] if args else None)
        if not isinstance(fn, Ref):
            return False
        k = classify(fn.qualname)
        return k is not None and k.kind == "preprocess" and preprocess_operations(k.name) is not None

    def new_preprocess_lambda(self, args: list, kwargs: dict, node: cst.Call) -> LayerObj:
        ld = LayerDef("Lambda", tuple(args), kwargs, self.span(node), recorded=RecordedLayer(["Lambda", [-1], "same"], []))
        self.model_changes += 1
        return LayerObj(ld)


def _has_symbol(v: Any) -> bool:
    if isinstance(v, Expr):
        return True
    if isinstance(v, (tuple, list)):
        return any(_has_symbol(x) for x in v)
    return False
