"""Custom layers: ``Layer`` subclasses of the file, shaped as Keras shapes them.

Keras builds a custom layer on its first call: ``build(input_shape)`` (its own
weights from ``add_weight``, the layers it makes there), then the output shape
from ``compute_output_shape`` when declared, else by tracing ``call()``.  We do
the same on the first call's input shapes, known from the graph built so far
(or, when they are not known yet, on stand-ins whose dims the engine fills in).
A subclass of a Keras layer that keeps its ``call`` is shaped as that layer.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from typing import Any

import libcst as cst
from layerlint.engine.graph import model_nodes
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Span, Tensor, creation_mark
from layerlint.engine.ops.base import ConstTensor
from layerlint.engine.symbolic import Expr
from layerlint.engine.unknown_names import given_name, is_unknown_name
from layerlint.extract.runtime import flatten
from layerlint.extract.values import (
    ArrayVal,
    ClassVal,
    FunctionVal,
    InstanceVal,
    LayerObj,
    ModelVal,
    OpaqueModelVal,
    ShapeVal,
    SuperVal,
    TensorVal,
    WeightVal,
)
from layerlint.extract.variables import loose_variables

# Custom layers followed again on new shapes after one call of a model: one per layer of a chain.
_MAX_RETRACES = 64
# Methods whose override changes what a Keras layer subclass computes or makes.
_SHAPING_METHODS = ("call", "build", "compute_output_shape", "compute_output_spec", "__call__")
# Keras layers whose class declares compute_output_shape(): Keras 3 shapes a symbolic call of theirs
# by it and never traces call(), so a subclass overriding call() alone is summarised as the layer
# itself (its weights are build()'s).  Held to live Keras by tests/test_custom_layers.py.
SHAPED_WITHOUT_CALL = frozenset({
    "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D",
})


class Untraceable(Exception):
    """What a custom layer does on its first call cannot be followed; the message says why."""


class SizedByUnknownInput(Untraceable):
    """build() sized a weight by the shape of a stand-in input: known once the layer is built on a real one."""


def as_made(inst: InstanceVal) -> InstanceVal:
    """A copy of an instance not yet built, to build it later: the lists and dicts its __init__
    made are copied too, as build() may fill them."""
    attrs = {k: copy.copy(v) if isinstance(v, (list, dict)) else v for k, v in inst.attrs.items()}
    return InstanceVal(inst.cls, attrs, list(inst.weights), inst.base_call)


class TraceRaises(Untraceable):
    """Keras itself raises while it traces the layer's first call: ``message`` says what, in
    TensorFlow's words, at the user's expression ``text`` (``span``); ``use`` is what was done to it."""

    def __init__(self, text: str, message: str, span: Span, use: str) -> None:
        super().__init__(f"Keras raises {message} at `{text}`")
        self.text, self.message, self.span, self.use = text, message, span, use


# Python refusing a TensorFlow graph tensor (Keras 3 traces call() in a graph, without AutoGraph),
# as TensorFlow words it.
_GRAPH_REFUSALS = {
    "len": "TypeError: len is not well defined for a symbolic Tensor",
    "iterate": "OperatorNotAllowedInGraphError: Iterating over a symbolic `tf.Tensor` is not allowed",
    # keras.ops.tile iterates over its repeats (TensorFlow backend): a tensor there is refused the same way
    "tile": "OperatorNotAllowedInGraphError: Iterating over a symbolic `tf.Tensor` is not allowed",
}


def data_stand_in(v: Any, ld: LayerDef) -> Any:
    """A first call on data (``model(ops.ones((2, 224, 224, 3)))``): Keras builds the layer on
    that array's shape, batch included, so the stand-in has it; other values are left as given.
    The arrays of a dict (``model({"title": title_data, ...})``) are each converted, as Keras
    converts the first argument's whole structure (a list or tuple of arrays is converted where
    the call is made)."""
    if type(v) is dict:
        made = {k: data_stand_in(x, ld) for k, x in v.items()}
        return made if any(made[k] is not v[k] for k in v) else v  # no array in it: the user's own dict
    shape = v.shape if isinstance(v, (ConstTensor, ArrayVal)) else None
    if isinstance(shape, tuple) and shape and all(isinstance(d, int) and not isinstance(d, bool) for d in shape):
        return TensorVal(Tensor(InputDef(tuple(shape[1:]), ld.span, batch_size=shape[0])))
    return v


def followed_outputs(out: Any, what: str) -> list[TensorVal]:
    """The tensors a traced function returned; Untraceable when it returned anything else."""
    outs = flatten(out)
    if not outs or not all(isinstance(o, TensorVal) for o in outs):
        raise Untraceable(f"what {what} returns cannot be followed")
    return outs


class CustomLayers:
    """The Interpreter's custom layers (a mixin: state lives on the Interpreter)."""

    def new_custom_layer(self, cls: ClassVal, args: list, kwargs: dict, node: cst.Call, keep_models: bool = False) -> LayerObj:
        inst = InstanceVal(cls)
        init = cls.methods.get("__init__")
        registered = len(self.result.models)
        self.layer_inits += 1  # what __init__ makes is named with the layer (LayerDef.made)
        try:
            if init is not None:
                self.call_function(init, [inst, *args], kwargs, node)
            elif cls.keras_base is not None:
                inst.base_call = (list(args), dict(kwargs))  # no __init__ of its own: Keras' takes the arguments
        except Untraceable as e:
            reason = f"custom layer `{cls.name}`: {e}"
            return LayerObj(LayerDef(cls.name, (), kwargs, self.span(node), known=False, opaque_reason=reason))
        finally:
            self.layer_inits -= 1
            if not keep_models:  # a Sequential a layer holds is one of its layers, not a model of the file
                del self.result.models[registered:]
        if cls.keras_base is not None:
            return self.keras_subclass_layer(cls, inst, kwargs, node)
        # Layer.__init__ takes these through **kwargs; the rest configure the class itself.
        own = {k: v for k, v in kwargs.items() if k in ("name", "trainable", "dtype") and cls.kind == "layer"}
        if cls.kind == "layer" and inst.base_call is not None:  # super().__init__(name="FeaturePyramid", **kwargs)
            own.update((k, v) for k, v in inst.base_call[1].items() if k in ("name", "trainable", "dtype"))
        ld = LayerDef(cls.name, (), own, self.span(node), custom_class=cls.name,
                      no_output_shape="compute_output_shape" not in cls.methods)
        ld.tracked = self.tracked_layers(list(inst.attrs.values()))
        ld.made = [(cls_name, name) for _, cls_name, name in sorted(self.made_by(list(inst.attrs.values())), key=lambda e: e[0])]
        ld.own_weights = [(w.name, w.shape, w.trainable, w.itemsize) for w in inst.weights]
        self.custom_instances[id(ld)] = inst
        self.model_changes += 1
        return LayerObj(ld)

    def new_subclassed_model(self, cls: ClassVal, args: list, kwargs: dict, node: cst.Call) -> Any:
        """An instance of a ``keras.Model`` subclass: a custom layer whose tracked layers are the
        summary's rows, built when it is first called on tensors."""
        # The models its __init__ builds (a GAN's generator) are models of the file, as in Keras.
        obj = self.new_custom_layer(cls, args, kwargs, node, keep_models=True)
        ld = obj.layer
        if not ld.known:
            return OpaqueModelVal(cls, self.span(node))
        inst = self.custom_instances[id(ld)]
        functional = self.functional_subclass(cls, inst, ld, args, kwargs, node)
        if functional is not None:
            return functional
        given = dict(inst.base_call[1]) if inst.base_call is not None else {}
        name = given.get("name", kwargs.get("name"))
        if isinstance(name, str) or is_unknown_name(name):
            ld.kwargs["name"] = name
        m = ExtractedModel(self.path, self.span(node), "subclassed", name=given_name(name),
                           layers=list(ld.tracked), subclass_layer=ld,
                           name_value=name if is_unknown_name(name) else None)
        self.result.models = [x for x in self.result.models if x is not cls.placeholder]
        self.register(m)
        return ModelVal(m, as_layer=ld, instance=inst)

    def functional_subclass(self, cls: ClassVal, inst: InstanceVal, ld: LayerDef, given: list, given_kwargs: dict,
                            node: cst.Call) -> ModelVal | None:
        """``super().__init__(inputs=..., outputs=...)`` in a Model subclass's __init__, or a subclass
        without __init__ made with them (``MaskedLM(inputs, outputs)``): Keras makes the instance a
        functional model of that graph (its class joins Functional), named after the class.
        Followed only when the class changes nothing a functional model computes or holds."""
        if inst.base_call is not None:
            args, kwargs = inst.base_call
        elif "__init__" not in cls.methods and "__init__" not in cls.inherited:
            args, kwargs = given, given_kwargs
        else:
            return None
        if not functional_arguments(args, kwargs) or not keeps_functional_graph(cls) or inst.weights or ld.tracked:
            return None
        from layerlint.engine.shapes import snake_case  # Keras' naming rule lives with the engine

        kwargs = dict(kwargs)
        auto = None
        if given_name(kwargs.get("name")) is None:
            kwargs["name"] = auto = self.auto_name(snake_case(cls.name))
        mv = self.new_functional(list(args), kwargs, node)
        mv.model.named = auto is None
        mv.model.class_name = cls.name
        self.custom_instances.pop(id(ld), None)
        self.result.models = [x for x in self.result.models if x is not cls.placeholder]
        return mv

    def subclassed_build(self, m: ExtractedModel, node: cst.Call) -> None:
        """``model.build(shape)``: Keras 3 runs a build() the class defines; without one it marks
        the model built and leaves its layers unbuilt."""
        ld = m.subclass_layer
        if ld is not None and id(ld) in self.custom_instances and "build" in self.custom_instances[id(ld)].cls.methods:
            self.custom_instances.pop(id(ld))
            ld.known, ld.opaque_reason = False, f"subclassed model `{ld.cls}`: its own build() is not followed"

    def keras_subclass_layer(self, cls: ClassVal, inst: InstanceVal, kwargs: dict, node: cst.Call) -> LayerObj:
        """``class LSA(layers.MultiHeadAttention)`` keeping Keras' call: that layer, configured by
        what its __init__ passed to ``super().__init__``, named after the subclass."""
        if inst.base_call is None:
            reason = f"custom layer `{cls.name}`: what its __init__ passes to {cls.keras_base} cannot be followed"
            return LayerObj(LayerDef(cls.name, (), kwargs, self.span(node), known=False, opaque_reason=reason))
        if inst.weights:
            reason = f"custom layer `{cls.name}` adds weights of its own to {cls.keras_base}'s"
            return LayerObj(LayerDef(cls.name, (), kwargs, self.span(node), known=False, opaque_reason=reason))
        args, base_kwargs = inst.base_call
        ld = LayerDef(cls.keras_base, tuple(self.layer_arg(a) for a in args),
                      {k: self.layer_arg(v) for k, v in base_kwargs.items()}, self.span(node), custom_class=cls.name)
        self.model_changes += 1
        return LayerObj(ld)

    def super_method(self, sup: SuperVal, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """``super().m(...)``: a base class of the file runs its method; Keras' __init__
        records what the Keras base class is configured with; other Keras methods do nothing
        we follow."""
        fn = sup.owner.inherited.get(name)
        if isinstance(fn, FunctionVal):
            return self.call_function(fn, [sup.obj, *args], kwargs, node)
        if name == "__init__" and isinstance(sup.obj, InstanceVal):
            if sup.owner.loss_base is not None:  # a Keras 3 loss class's __init__ checks reduction=
                self.note_auto_reduction(kwargs, node)
            sup.obj.base_call = (list(args), dict(kwargs))
            return None
        return self.symbol(node) if name not in ("build", "__init__") else None

    def add_weight(self, inst: InstanceVal, args: list, kwargs: dict, node: cst.Call) -> Any:
        """``self.add_weight(shape=..., trainable=...)``: Keras 3 takes shape, initializer and
        dtype positionally and refuses a positional name."""
        if args and isinstance(args[0], str):
            raise Untraceable(f"Keras raises: `name` must be passed as a keyword argument. Received: "
                              f"add_weight('{args[0]}', ...)")
        shape = kwargs.get("shape", args[0] if args else ())
        if isinstance(shape, list):
            shape = tuple(shape)
        if not isinstance(shape, tuple) or not all(d is None or isinstance(d, (int, Expr)) and not isinstance(d, bool)
                                                   for d in shape):
            raise Untraceable(f"the shape of `{self.text(node)}` cannot be followed")
        trainable = kwargs.get("trainable", True)
        if not isinstance(trainable, bool):
            raise Untraceable(f"whether `{self.text(node)}` is trainable cannot be decided")
        name = kwargs.get("name")
        w = WeightVal(name if isinstance(name, str) else "variable", shape, trainable)
        inst.weights.append(w)
        return w

    def hold_variables(self, inst: InstanceVal, value: Any, target: str) -> None:
        """``self.w = keras.Variable(...)`` in a layer or model: Keras' attribute tracker makes the
        variable one of its weights, after those made before it, as add_weight would."""
        loose = loose_variables(value)
        if not loose:
            return
        if not isinstance(value, WeightVal):  # a list or dict of variables: tracked too, not followed
            raise Untraceable(f"the keras.Variable in `{target}` is held in a container, which is not followed")
        if value.why is not None:
            raise Untraceable(f"`{target}` holds a keras.Variable: {value.why}")
        if value.shape is None:
            raise Untraceable(f"the shape or trainable flag of the keras.Variable stored in `{target}` cannot be followed")
        if value.itemsize is None:  # Keras' summary sizes each weight by its dtype
            raise Untraceable(f"the dtype of the keras.Variable stored in `{target}` is its value's, which is not followed")
        value.loose = False
        inst.weights.append(value)

    def tracked_layers(self, values: list) -> list[LayerDef]:
        """Layers held by attributes, in assignment order, as Keras' tracker lists them."""
        out: list[LayerDef] = []
        for v in values:
            if isinstance(v, LayerObj):
                out.append(v.layer)
            elif isinstance(v, ModelVal):
                out.append(self.model_as_layer(v))
            elif isinstance(v, (list, tuple)):
                out.extend(self.tracked_layers(list(v)))
            elif isinstance(v, dict):
                out.extend(self.tracked_layers(list(v.values())))
        return out

    def made_by(self, values: list) -> list[tuple[float, str, str | None]]:
        """(creation order, class, explicit name) of the layers and models held here.  What a layer
        given to this one made (a Switch's experts, given to a TransformerBlock) is not listed when the
        file made that layer where Keras names it (FileResult.constructions): it was named then."""
        out: list[tuple[float, str, str | None]] = []
        for v in values:
            if isinstance(v, LayerObj):
                out.append((v.layer.created, v.layer.custom_class or v.layer.cls, v.layer.given_name))
                if id(v.layer) not in self.constructed_ids:
                    out.extend((v.layer.created + 0.5, c, n) for c, n in v.layer.made)
            elif isinstance(v, ModelVal):
                from layerlint.extract.building import model_layers

                inner = self.made_by([LayerObj(ld) for ld in model_layers(v.model)
                                      if isinstance(ld, LayerDef) and id(ld) not in self.constructed_ids])
                # A model is constructed after the layers its constructor is given.
                last = max((e[0] for e in inner), default=0)
                cls_name = "Sequential" if v.model.api == "sequential" else "Functional"
                out.extend(inner)
                out.append((last + 0.25, cls_name, None))
            elif isinstance(v, (list, tuple)):
                out.extend(self.made_by(list(v)))
            elif isinstance(v, dict):
                out.extend(self.made_by(list(v.values())))
        return out

    # -- the first call --------------------------------------------------------
    def trace_custom_layer(self, ld: LayerDef, first: Any, rest: list, kwargs: dict, node: cst.CSTNode) -> None:
        """Build the custom layer on its first call and follow what it computes: on stand-in
        inputs (one per tensor it is called with, in the order the call's node lists them)
        of the shapes the graph gives them now, or symbolic when those are not known."""
        inst = self.custom_instances.pop(id(ld), None)
        if inst is None:
            return
        if "call" not in inst.cls.methods:
            ld.known, ld.opaque_reason = False, f"`{ld.cls}` defines no call(): Keras raises NotImplementedError " \
                                                "when it is called"
            return
        eager = not self.tensors_in([first, *rest])  # called on data, Keras runs call() eagerly
        ld.first_call_eager = eager
        if eager:
            first = data_stand_in(first, ld)
        if not isinstance(first, (list, tuple, TensorVal)) and not _tensor_dict(first):
            first = TensorVal(Tensor(InputDef(Expr.symbol(f"{ld.cls}.input.shape"), ld.span)))
        real = [v for v in flatten([first, *rest]) if isinstance(v, TensorVal)]
        # the keras.Input()s it is called on; a call on data makes no InputLayer (nor takes a name)
        ld.first_call_inputs = [] if eager else [t.tensor.producer for t in real if isinstance(t.tensor.producer, InputDef)]
        arg0, others, stand_ins, shapes = self.stand_ins(ld, first, rest)
        concrete = all(isinstance(s, tuple) for s in shapes)
        if concrete:
            ld.traced_inputs = [tuple(s) for s in shapes]
        methods = inst.cls.methods
        unbuilt = as_made(inst) if not concrete and "build" in methods else None
        with self.first_call(ld, f"first call of custom layer `{ld.cls}`", f"custom layer `{ld.cls}`", eager, unbuilt):
            before = set(map(id, self.tracked_layers(list(inst.attrs.values()))))
            if "build" in methods:
                self.call_shape_method(methods["build"], inst, arg0, others, kwargs, node)
                # On a stand-in (a Sequential not called yet) a weight sized by the input shape is not readable.
                if not concrete and any(not all(d is None or isinstance(d, int) for d in w.shape) for w in inst.weights):
                    raise SizedByUnknownInput("build() sizes its weights by an input shape that is not known here")
                made = [v for v in self.tracked_layers(list(inst.attrs.values())) if id(v) not in before]
                ld.built_made = [(v.custom_class or v.cls, v.given_name) for v in made]
            ld.own_weights = [(w.name, w.shape, w.trainable, w.itemsize) for w in inst.weights]
            ld.tracked = self.tracked_layers(list(inst.attrs.values()))
            if "compute_output_shape" in methods:
                ld.declared_output = self.declared_shape(
                    self.call_shape_method(methods["compute_output_shape"], inst, arg0, others, kwargs, node), concrete)
            # Keras follows call() for the output unless compute_output_shape gives it, and to
            # build the layers it holds when build() does not.
            if "compute_output_shape" not in methods or ("build" not in methods and ld.tracked):
                out = self.call_function(methods["call"], [inst, arg0, *others], dict(kwargs), node)
                ld.submodel = self.traced_model(ld, ld.cls, out, followed_outputs(out, "call()"), stand_ins)
                if eager and kwargs.get("training") is False and _crops(ld.submodel):
                    ld.submodel = None
                    raise Untraceable("called on data with training=False, where Keras 3's RandomCrop returns its "
                                      "input uncropped: what follows it is not followed")
            if "compute_mask" in methods and not eager and not self.mask_followable(methods["compute_mask"], inst,
                                                                                     arg0, others, node):
                ld.submodel = None  # what call() computes is moot: Keras stops at the mask
                raise Untraceable("its compute_mask() gives a TensorFlow function a Keras tensor, which Keras 3 "
                                  "refuses")
        if concrete and ld.known and ld.submodel is not None and "compute_output_shape" not in methods \
                and "compute_mask" not in methods:
            self.retrace_sources[id(ld)] = (inst, first, rest, dict(kwargs), node)

    def follow_new_shapes(self, tensor: Tensor) -> None:
        """Keras runs a custom layer's call() at every call: where ``tensor``'s call reaches custom
        layers (itself, or inside a model) on input shapes other than their first call's, what
        their call() computes on those is followed too, one layer after another along the graph."""
        from layerlint.engine.shapes import untraced_calls

        for _ in range(_MAX_RETRACES):
            shaped = self.probe(tensor)
            if shaped is None:
                return
            todo: list[tuple[LayerDef, tuple]] = []
            for ld, shapes in untraced_calls(shaped):
                # a layer called twice on the same new shapes (shared in a model) is followed once
                if id(ld) in self.retrace_sources and shapes not in ld.retraced \
                        and not any(ld is d and shapes == s for d, s in todo):
                    todo.append((ld, shapes))
            if not todo:
                self.keep_probed(shaped)
                return
            for ld, shapes in todo:
                self.retrace(ld, shapes)

    def retrace(self, ld: LayerDef, shapes: tuple) -> None:
        """Follow the custom layer's call() again, on inputs of ``shapes`` (its weights, made at
        the first call, do not change)."""
        inst, first, rest, kwargs, node = self.retrace_sources[id(ld)]
        # tried once: what cannot be followed stays unknown (shaped as before, so kept runs stand)
        ld.retraced[shapes] = None
        made: list[TensorVal] = []
        arg0 = _stand_in(first, ld, list(shapes), made)
        others = [_stand_in(a, ld, list(shapes), made) if isinstance(a, TensorVal) else a for a in rest]
        if len(made) != len(shapes):
            return
        self.context.append(f"call of custom layer `{ld.cls}` on other shapes")
        self.tracing += 1
        registered = len(self.result.models)
        before = creation_mark()
        try:
            out = self.call_function(inst.cls.methods["call"], [inst, arg0, *others], dict(kwargs), node)
            traced = self.traced_model(ld, ld.cls, out, followed_outputs(out, "call()"), made)
            # a call() that makes layers makes new ones at each call in Keras, each taking a name
            # from the file's counters: not followed
            if not any(n.layer.created > before and n.layer.op is None for n in model_nodes(traced)):
                ld.retraced[shapes] = traced
                self.nested_memo.retraced(ld, shapes)
        except Untraceable:
            pass
        finally:
            self.tracing -= 1
            self.context.pop()
            del self.result.models[registered:]

    @contextlib.contextmanager
    def first_call(self, ld: LayerDef, doing: str, refused: str, eager: bool = False,
                   unbuilt: InstanceVal | None = None) -> Iterator[None]:
        """Bracket the trace of a layer's first call: models made while tracing are not models of
        the file, and what cannot be followed leaves the layer opaque, naming why.  ``eager``: the
        call is on data, not Keras tensors, so Keras runs it (and the calls it makes) eagerly.
        ``unbuilt``: the instance to build again if build() sized weights by a stand-in's shape."""
        self.context.append(doing)
        self.tracing += 1
        self.eager_calls += eager
        registered = len(self.result.models)
        # The layer takes what its first call gives it (weights, the graph it computes): runs kept
        # before may hold it as it was.  No model made while tracing holds it, so those kept
        # during the trace stand, unless the trace fails and the layer turns opaque.
        self.layers_changed()
        try:
            yield
        except TraceRaises as e:
            ld.known, ld.opaque_reason = False, f"{refused}: {e}"
            ld.trace_error = (f"`{e.text}` while Keras traces the first call of `{ld.cls}`: {e.message}", e.span, e.use)
            self.layers_changed()
        except Untraceable as e:
            ld.known, ld.opaque_reason = False, f"{refused}: {e}"
            if isinstance(e, SizedByUnknownInput) and unbuilt is not None:
                self.awaiting_build[id(ld)] = unbuilt
            self.build_held_sequentials(ld)
            self.layers_changed()
        finally:
            self.tracing -= 1
            self.eager_calls -= eager
            self.context.pop()
            del self.result.models[registered:]

    def build_held_sequentials(self, ld: LayerDef) -> None:
        """Keras runs the whole call() of a layer whose first call we could not follow to its end, building
        the Sequentials it holds and calls: each makes its Functional then, taking a `functional` name
        before the models made after it.  The engine already names each one's InputLayer at that call
        (shapes._build_helpers); those the followed part of call() built are not built twice."""
        for t in ld.tracked:
            sub = t.submodel
            if t.custom_class is None and sub is not None and sub.api == "sequential" and sub.layers \
                    and id(sub) not in self.built_sequentials:
                self.build_sequential(sub)

    def mask_followable(self, fn: FunctionVal, inst: InstanceVal, arg0: Any, others: list, node: cst.CSTNode) -> bool:
        """Keras 3 calls an overridden compute_mask() on the Keras tensors themselves, outside the
        traced graph: False when a TensorFlow function there meets a Keras tensor, which Keras
        refuses.  What the mask is does not change the layer's shapes and is not followed further."""
        saved, before = self.tracing, self.refused_tf_calls
        self.tracing = 0
        nested = saved > 1  # this layer's own first call counts one
        self.nested_mask_probes += nested
        try:
            self.call_function(fn, [inst, arg0, *others], {}, node)
        except Untraceable:
            return True
        finally:
            self.tracing = saved
            self.nested_mask_probes -= nested
        return self.refused_tf_calls == before

    def refuse_graph_tensor(self, v: Any, use: str, node: cst.CSTNode, text: str | None = None) -> None:
        """``len(tf.shape(x))`` or ``a, b, c = tf.shape(x)`` in a call() Keras traces, or a tensor as
        ``keras.ops.tile``'s repeats: Python refuses the graph tensor there, so building the layer
        raises.  Claimed only where Keras traces in a graph (not in a call on data, which runs
        eagerly) and nothing could have kept it from reaching the line (an undecided branch, a try
        block)."""
        # ``keras.ops.tile(x, repeats)``: the caller found ``repeats`` a tensor, which Keras' tile
        # converts to one of the graph (an eager tensor made outside call() too) and iterates over
        graph = use == "tile" or isinstance(v, ShapeVal) and v.graph
        if graph and self.tracing and not (self.eager_calls or self.undecided or self.guarded):
            raise TraceRaises(text or self.text(node), _GRAPH_REFUSALS[use], self.span(node), use)

    def build_awaiting(self, layers: list[LayerDef], shape: tuple, node: cst.CSTNode) -> None:
        """Keras builds a Sequential by calling its layers on its input, ``shape``: the custom layers
        among them whose weights waited for that shape are built and traced now, each on what the
        layers before it give."""
        if not any(id(ld) in self.awaiting_build for ld in layers):
            return
        x = TensorVal(Tensor(InputDef(tuple(shape[1:]), self.span(node), batch_size=shape[0])))
        self.layers_changed()
        for ld in layers:
            inst = self.awaiting_build.pop(id(ld), None)
            if inst is not None:
                ld.known, ld.opaque_reason = True, None
                self.custom_instances[id(ld)] = inst
                self.trace_custom_layer(ld, x, [], {}, node)
                ld.first_call_inputs = []  # the Sequential's input: its InputLayer is the Sequential's own
                self.model_changes += 1
            x = TensorVal(Tensor(Node(ld, [x.tensor], {}, ld.span)))

    def traced_model(self, ld: LayerDef, name: str, out: Any, outs: list[TensorVal],
                     stand_ins: list[TensorVal]) -> ExtractedModel:
        """What a traced first call computes, as a functional model from its stand-in inputs."""
        return ExtractedModel(self.path, ld.span, "functional", name=name, inputs=[t.tensor for t in stand_ins],
                              outputs=[o.tensor for o in outs], outputs_nested=isinstance(out, (list, tuple)),
                              shape_refs=self.shape_refs, dynamic_refs=self.dynamic_refs)

    def stand_ins(self, ld: LayerDef, first: Any, rest: list) -> tuple[Any, list, list[TensorVal], list]:
        """Stand-ins for the tensors a layer is first called with, as Keras makes them to trace it
        (one per tensor, in the order the call's node lists them): of the shapes the graph gives
        them now, or symbolic when those are not all known.  Returns the first argument and the
        others with tensors replaced, the stand-ins, and the shapes found."""
        if not isinstance(first, (list, tuple, TensorVal)) and not _tensor_dict(first):
            first = TensorVal(Tensor(InputDef(Expr.symbol(f"{ld.cls}.input.shape"), ld.span)))
        real = [v for v in flatten([first, *rest]) if isinstance(v, TensorVal)]
        shapes = [self.known_shape(t.tensor) for t in real]
        concrete = all(isinstance(s, tuple) for s in shapes)
        made: list[TensorVal] = []
        arg0 = _stand_in(first, ld, shapes if concrete else None, made)
        others = [_stand_in(a, ld, shapes if concrete else None, made) if isinstance(a, TensorVal) else a for a in rest]
        return arg0, others, made, shapes

    def call_shape_method(self, fn: FunctionVal, inst: InstanceVal, arg0: Any, others: list, kwargs: dict,
                          node: cst.CSTNode) -> Any:
        """Call build() or compute_output_shape() as Keras does: one parameter gets the first
        argument's shape; several get ``<name>_shape`` for call()'s argument ``<name>``."""
        params = [p.name.value for p in list(fn.node.params.posonly_params) + list(fn.node.params.params)][1:]
        params += [p.name.value for p in fn.node.params.kwonly_params]
        if len(params) == 1:
            return self.call_function(fn, [inst, self.shape_of(arg0)], {}, node)
        call_params = [p.name.value for p in inst.cls.methods["call"].node.params.params][1:]
        given = dict(zip(call_params, [arg0, *others]))
        given.update(kwargs)
        shapes = {}
        for p in params:
            if not p.endswith("_shape") or p[:-6] not in given:
                raise Untraceable(f"{fn.name}() takes `{p}`, which names no argument of call()")
            shapes[p] = self.shape_of(given[p[:-6]])
        return self.call_function(fn, [inst], shapes, node)

    def shape_of(self, v: Any) -> Any:
        """What Keras passes build() for an argument: its shape as a tuple (a list for a list)."""
        if isinstance(v, TensorVal):
            producer = v.tensor.producer
            if isinstance(producer, InputDef) and isinstance(producer.shape, tuple):
                return (producer.batch_size, *producer.shape)
            return ShapeVal(v.tensor, "input_shape")
        if isinstance(v, (list, tuple)):
            return [self.shape_of(x) for x in v]
        if isinstance(v, dict):
            return {k: self.shape_of(x) for k, x in v.items()}
        return None

    def declared_shape(self, v: Any, concrete: bool) -> Any:
        """compute_output_shape()'s answer as a shape (or list of shapes) of dims."""
        if not concrete:
            raise Untraceable("compute_output_shape() is followed only when the input shape is known")

        def one(s: Any) -> tuple | None:
            if isinstance(s, (tuple, list)) and all(d is None or isinstance(d, (int, Expr)) and not isinstance(d, bool)
                                                    for d in s):
                return tuple(s)
            return None

        shape = one(v)
        if shape is not None:
            return shape
        if isinstance(v, (list, tuple)) and v and all(one(s) is not None for s in v):
            return [one(s) for s in v]
        raise Untraceable("what compute_output_shape() returns cannot be followed")


def _stand_in(v: Any, ld: LayerDef, shapes: list | None, made: list[TensorVal]) -> Any:
    """``v`` with each tensor replaced by a new input: of the next of ``shapes``, or symbolic
    when they are not all known (None).  (Not a recursive closure: that would be a reference
    cycle, which only the cyclic collector frees.)"""
    if isinstance(v, TensorVal):
        if shapes is not None:
            shape = shapes[len(made)]
            inp = InputDef(tuple(shape[1:]), ld.span, batch_size=shape[0])
        else:
            inp = InputDef(Expr.symbol(f"{ld.cls}.input.shape"), ld.span)
        t = TensorVal(Tensor(inp))
        made.append(t)
        return t
    if isinstance(v, (list, tuple)):
        return type(v)(_stand_in(x, ld, shapes, made) for x in v)
    if _tensor_dict(v):  # made in Keras' flattening order, by key
        return {k: _stand_in(v[k], ld, shapes, made) for k in sorted(v)}
    return v


def _crops(m: ExtractedModel, depth: int = 0) -> bool:
    """Whether a RandomCrop runs in ``m`` or a model or traced layer it calls."""
    if depth > 8:
        return True  # too deep to tell: taken as cropping, which leaves the call unknown
    layers = list(m.layers) if m.api == "sequential" else [n.layer for n in model_nodes(m)]
    return any(ld.cls == "RandomCrop" or ld.submodel is not None and _crops(ld.submodel, depth + 1) for ld in layers)


def _tensor_dict(v: Any) -> bool:
    """A dict of tensors by name, as a layer or model may be called with."""
    return isinstance(v, dict) and bool(v) and all(isinstance(k, str) and isinstance(x, TensorVal) for k, x in v.items())


# What makes a layer's weights out of reach: the method's code is searched for these.
_VARIABLE_MAKERS = ("keras.Variable", "add_variable")


def functional_arguments(args: list, kwargs: dict) -> bool:
    """Keras' own test (functional_init_arguments) for a Model made of an input and output graph."""
    return len(args) == 2 or len(args) == 1 and "outputs" in kwargs or "inputs" in kwargs and "outputs" in kwargs


def keeps_functional_graph(cls: ClassVal) -> bool:
    """A Model subclass that changes nothing its functional graph computes (a train_step of its
    own only changes fit())."""
    return not any(m in cls.methods for m in _SHAPING_METHODS)


def custom_layer_refusal(cls: ClassVal, sources: list[str] | None = None) -> str | None:
    """Why a custom layer class is left opaque, or None when it can be followed.
    ``sources``: the source texts of the modules that define the class's methods, when
    known: a method's code is a part of them, so where they never mention what makes a
    variable, no method is rendered to look (rendering costs as much as parsing)."""
    if cls.keras_base is not None:
        changed = [m for m in _SHAPING_METHODS if m in cls.methods]
        if changed and not (changed == ["call"] and cls.keras_base in SHAPED_WITHOUT_CALL):
            return f"it overrides {changed[0]}() of Keras' {cls.keras_base}"
    elif "call" not in cls.methods and not (cls.kind == "model" and "__init__" in cls.methods):
        # a Model subclass may leave call() out (a trainer wrapping the models its __init__ makes in its
        # train_step): its layers are still its summary's rows; calling it is what Keras refuses
        return "it defines no call() of its own"
    if "compute_output_spec" in cls.methods:
        return "it declares its output spec itself"
    if sources is not None and not any(w in text for text in sources for w in _VARIABLE_MAKERS):
        return None
    for name, fn in cls.methods.items():
        code = cst.Module(body=[fn.node]).code
        if "add_variable" in code:
            return "it makes weights with add_variable"
        # a keras.Variable an attribute holds is a weight (the interpreter's bind()); one made in
        # call(), or stored by setattr(), is not followed
        if "keras.Variable" in code and (name == "call" or "setattr(" in code):
            return "it makes weights with keras.Variable" + (" in call()" if name == "call" else " and setattr()")
    return None
