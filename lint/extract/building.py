"""Building Keras models: layers, inputs, ``Sequential`` and its ``add``, the
functional ``Model(inputs, outputs)``, calling a layer on tensors, and the
attributes and methods of models and layers."""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst
from layerlint.engine.layers.third_party import third_party_key
from layerlint.engine.legacy import KERAS1_CLASSES, translate
from layerlint.engine.model import (
    Construction,
    ExtractedModel,
    GraphCall,
    InputDef,
    LayerDef,
    Node,
    Note,
    Tensor,
    creation_mark,
    gives_input_dim,
)
from layerlint.engine.ops import lookup_op
from layerlint.engine.ops.base import ConstTensor, Unfollowed
from layerlint.engine.symbolic import Expr, is_one_dim
from layerlint.engine.unknown_names import UnsureName, given_name, is_unknown_name
from layerlint.extract.compare import AutoName
from layerlint.extract.custom_layers import as_made
from layerlint.extract.data import NOT_DATA, TRAINING_METHODS, is_dim
from layerlint.extract.keras_names import KerasName, classify, keras_path
from layerlint.extract.runtime import (
    flatten,
    layer_label,
    row_text,
    short,
)
from layerlint.extract.tensor_ops import known_dims
from layerlint.extract.train_step import builds_like_default
from layerlint.extract.values import (
    ArrayVal,
    BoundMethod,
    ClassVal,
    DatasetVal,
    FunctionVal,
    InputLayerVal,
    InstanceVal,
    KerasObj,
    LayerObj,
    ModelVal,
    OpaqueModelVal,
    PartialVal,
    Ref,
    ShapeVal,
    TensorVal,
    WeightVal,
)
from layerlint.extract.variables import TF_INITIALIZERS, is_keras_variable, keras_variable, variable_initial


class Building:
    """The Interpreter's Keras calls (a mixin: state lives on the Interpreter)."""

    def model_attribute(self, mv: ModelVal, attr: str, node: cst.CSTNode) -> Any:
        m = mv.model
        if attr in ("add", "compile", "summary", "build", "pop", "get_layer", "save") or attr in TRAINING_METHODS:
            return BoundMethod(mv, attr)
        if attr == "layers":
            return [LayerObj(op) if isinstance(op, LayerDef) else InputLayerVal(op) for op in model_layers(m)]
        if attr == "name" and m.api in ("functional", "sequential"):  # blk.name in a loop over blocks
            if m.name_unknown:
                return self.symbol(node)
            return m.name if m.named else AutoName("Sequential" if m.api == "sequential" else "Functional")
        if m.api == "functional":
            if attr in ("input", "inputs"):
                return TensorVal(m.inputs[0]) if attr == "input" and len(m.inputs) == 1 else [TensorVal(t) for t in m.inputs]
            if attr in ("output", "outputs"):
                return TensorVal(m.outputs[0]) if attr == "output" and len(m.outputs) == 1 else [TensorVal(t) for t in m.outputs]
            if attr in ("output_shape", "input_shape"):
                # Keras: one tensor's shape (batch axis included), or a list for several.
                ts = m.outputs if attr == "output_shape" else m.inputs
                shapes = [ShapeVal(t, f"{self.text(node)}[{i}]" if len(ts) > 1 else self.text(node))
                          for i, t in enumerate(ts)]
                return shapes[0] if len(shapes) == 1 else shapes
        if mv.instance is not None and attr in mv.instance.attrs:
            # simsiam.encoder: a model or layer the subclass' __init__ set on self
            return mv.instance.attrs[attr]
        if m.api == "sequential" and attr in ("input", "output", "inputs", "outputs"):
            # Keras 3 answers .inputs/.outputs from the Sequential's own graph of
            # its layers (.input/.output only once it was called; older Keras always).
            inp, outs = self.seq_chain(m)
            t = inp if attr.startswith("input") or not outs else outs[-1]
            return t if attr in ("input", "output") else [t]
        if attr in ("input_shape", "output_shape"):  # Keras: the shape of its only input or output
            t = self.model_attribute(mv, attr.removesuffix("_shape"), node)
            if isinstance(t, TensorVal):
                return ShapeVal(t.tensor, self.text(node))
        return self.symbol(node)

    def implicit_seq_input(self, m: ExtractedModel) -> InputDef:
        first = m.layers[0] if m.layers else None
        if first is not None:  # Dense(12, input_dim=8) / LSTM(.., input_shape=(10, 3))
            shape = first.kwargs.get("input_shape")
            if shape is None and gives_input_dim(first.cls, first.kwargs):
                shape = (first.kwargs["input_dim"],)
            if isinstance(shape, list):
                shape = tuple(shape)
            if isinstance(shape, tuple):
                return InputDef(shape, first.span, of_sequential=id(m))
        return InputDef(Expr.symbol(f"{m.variable or 'model'}.input_shape"), m.span)

    def seq_chain(self, m: ExtractedModel) -> tuple[TensorVal, list[TensorVal]]:
        """A Sequential's input and each layer's output, built once per layer count."""
        cached = self.seq_chains.get(id(m))
        if cached is not None and cached[0] == len(m.layers):
            return cached[1], cached[2]
        x = inp = TensorVal(Tensor(m.seq_input or self.implicit_seq_input(m)))
        outs: list[TensorVal] = []
        for ld in m.layers:
            n = Node(ld, [x.tensor], {}, ld.span)
            self.layer_calls.setdefault(id(ld), []).insert(0, n)  # Keras built it when it was added
            x = TensorVal(Tensor(n))
            outs.append(x)
        self.seq_chains[id(m)] = (len(m.layers), inp, outs)
        return inp, outs

    def layer_tensor(self, ld: LayerDef, attr: str) -> Any:
        """``layer.output`` / ``layer.input``: Keras answers from the layer's first call."""
        owner = self.seq_owner.get(id(ld))
        if owner is not None:
            self.seq_chain(owner)
        calls = self.layer_calls.get(id(ld))
        if not calls:
            return None
        n = calls[0]
        if attr == "output":
            return TensorVal(Tensor(n))
        ins = [TensorVal(t) for t in n.inputs]
        return ins[0] if len(ins) == 1 and not n.list_input else ins

    def build_by_fit(self, ld: LayerDef, x: Any, args: list, kwargs: dict, node: cst.Call) -> None:
        """A subclassed model first trained by fit() is built by Keras then, by a call on the shape
        of one batch of its data: follow that call (it makes no InputLayer).  The batch axis is
        the one Keras' data adapter gives every batch: for arrays a fixed size when all batches are
        full, for a tf.data dataset the size drop_remainder=True fixes, else None."""
        keys = None  # x as a dict of arrays by name: the call gets a dict of batches
        if isinstance(x, DatasetVal):
            axis = x.batch_axis() if x.kind == "dataset" and x.batched else None
            parts, batch = ([x.x], axis[0]) if axis is not None else ([], None)
        else:
            keys = list(x) if isinstance(x, dict) and x and all(isinstance(k, str) for k in x) else None
            parts = list(x.values()) if keys is not None else list(x) if isinstance(x, (list, tuple)) and x else [x]
            first = parts[0]
            batch = self.fit_batch_axis(first.shape[0], args, kwargs) \
                if isinstance(first, ArrayVal) and first.shape else None
        if not parts or not all(isinstance(p, ArrayVal) and p.shape and not p.sequences for p in parts):
            return
        samples = [tuple(p.shape[1:]) for p in parts]
        if not all(s and all(is_dim(d) for d in s) for s in samples):
            return
        if keys is not None and len({p.shape[0] for p in parts}) != 1:
            return  # Keras refuses arrays of different sample counts
        tensors = [TensorVal(Tensor(InputDef(s, self.span(node), batch_size=batch))) for s in samples]
        first_arg: Any = dict(zip(keys, tensors)) if keys is not None else \
            tensors[0] if len(parts) == 1 and not isinstance(x, (list, tuple)) else \
            (list(tensors) if isinstance(x, list) else tuple(tensors))
        self.trace_custom_layer(ld, first_arg, [], {}, node)
        ld.first_call_inputs = []

    def fit_builds(self, m: ExtractedModel, ld: LayerDef, args: list, kwargs: dict, node: cst.Call) -> None:
        """The first fit() of a subclassed model not called yet: Keras' TensorFlow trainer builds it
        when it traces train_step(); the default one calls the model on a batch of x, one of the
        user's own may call anything."""
        line = self.span(node).line
        methods = self.custom_instances[id(ld)].cls.methods
        step, call = methods.get("train_step"), methods.get("call")
        if step is not None and not (isinstance(step.node, cst.FunctionDef) and isinstance(call, FunctionVal)
                                     and isinstance(call.node, cst.FunctionDef)
                                     and builds_like_default(step.node, call.node, self.fit_x_only(args, kwargs))):
            self.own_step_builds(m, ld, args, kwargs, node)
            return
        text = self.arg_text(node, 0, "x")
        self.build_by_fit(ld, kwargs.get("x", args[0] if args else None), args, kwargs, node)
        if ld.traced_inputs is not None:
            m.notes.append(Note(self.span(node), f"Keras builds this model at its first `fit()`, calling it "
                                                 f"on batches of `{text}`"))
        elif id(ld) in self.custom_instances:
            m.unbuilt_why = f"Keras builds it at the model's first `fit()`, line {line}, on batches of `{text}`, " \
                            "whose shape cannot be followed"

    @staticmethod
    def fit_x_only(args: list, kwargs: dict) -> bool:
        """fit() given x alone (no y, a dataset of x only): train_step's data is then x itself."""
        x = kwargs.get("x", args[0] if args else None)
        if isinstance(x, DatasetVal):
            return x.y is None
        return kwargs.get("y", args[1] if len(args) > 1 else None) is None

    def first_call_on_data(self, m: ExtractedModel, args: list, kwargs: dict, node: cst.Call) -> None:
        """A Sequential declaring no input, first called on data rather than a Keras tensor: Keras
        builds it then on the data's whole shape, its batch axis included (an eager call on 7 images
        shows (7, 24, 24, 3) in the summary; a dataset's map() hands its function unbatched
        elements, or batches of unknown size)."""
        x = args[0] if args else kwargs.get("inputs")
        if isinstance(x, ConstTensor):  # a TensorFlow or Keras tensor made eagerly (tf.zeros((2, 9))) is data too
            x = ArrayVal(x.shape, None, None, x.text)
        if m.seq_input is not None or m.training or not isinstance(x, ArrayVal) or not x.shape or x.sequences:
            return
        if all(d is None or isinstance(d, (int, Expr)) and not isinstance(d, bool) for d in x.shape):
            text = self.arg_text(node, 0, "inputs")
            m.built_on_data = (tuple(x.shape), self.span(node), f"`{text}`" if x.text in (text, "") else f"`{text}`, {x.text}")
            self.build_awaiting(m.layers, tuple(x.shape), node)

    def first_call_on_tensor(self, m: ExtractedModel, args: list, kwargs: dict, node: cst.Call) -> None:
        """A Sequential declaring no input, first called on a Keras tensor of known shape: Keras
        builds it on that shape (custom layers waiting for it are built then)."""
        x = args[0] if args else kwargs.get("inputs")
        if m.seq_input is None and not m.training and isinstance(x, TensorVal):
            shape = self.known_shape(x.tensor)
            if shape is not None and all(d is None or isinstance(d, int) and not isinstance(d, bool) for d in shape):
                m.built_on_call = (tuple(shape), self.span(node), self.arg_text(node, 0, "inputs"))
                self.build_awaiting(m.layers, shape, node)

    def model_method(self, mv: ModelVal, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        m = mv.model
        if m.application is not None and (name == "summary" or name in ("compile", *TRAINING_METHODS)) \
                and not any(x is m for x in self.result.models):
            # a keras.applications model the file uses as it is (`VGG16().summary()`, `.predict(x)`): its model
            self.register(m)
        if name in ("pop", "compile", "build"):
            self.touch(m)
        if name in TRAINING_METHODS:
            if m.api == "sequential" and id(m) not in self.built_sequentials and m.layers:
                self.build_sequential(m)  # Keras builds it at its first training call
            ld = m.subclass_layer
            if name == "fit" and ld is not None and id(ld) in self.custom_instances:
                self.fit_builds(m, ld, args, kwargs, node)
            if name in ("fit", "train_on_batch", "fit_generator"):
                m.trainings += 1  # a compile() after this one no longer replaces an untrained one (LL412)
            first = not m.training
            self.record_training(mv, name, args, kwargs, node)
            shape = m.training[0].build_shape() if first and m.training else None
            if m.api == "sequential" and m.seq_input is None and m.built_on_data is None and shape is not None:
                self.build_awaiting(m.layers, shape, node)  # fit() built it
            return self.symbol(node)
        if name == "add" and m.api == "sequential" and args:
            first = node.args[0] if node.args and not node.args[0].star else None
            item = args[0]
            if self.undecided and isinstance(item, LayerObj):  # Keras may never add it: its row is not shown as built
                item = LayerObj(LayerDef(item.layer.cls, (), {}, self.span(node), known=False,
                                         opaque_reason=f"added only if `{self.undecided[-1]}`, which cannot be decided"))
            elif len(self.unknown_loops) > self.made_in_loops.get(id(m), 0) and isinstance(item, LayerObj):
                # added in a loop the model outlives, of a count not known: Keras may add it any number of times
                item = LayerObj(LayerDef(item.layer.cls, (), {}, self.span(node), known=False, opaque_reason=(
                    f"added in the loop `{self.unknown_loops[-1]}`, whose count is not known")))
            self.seq_append(m, item, node, self.text(first.value) if first is not None else None)
            self.rebuild_sequential(m)
        elif name == "pop" and m.api == "sequential" and m.layers:
            m.layers.pop()
            self.built_sequentials.discard(id(m))
            self.rebuild_sequential(m)
        elif name == "compile":
            names = ("optimizer", "loss", "loss_weights", "metrics")
            m.compile = dict(zip(names, args))
            m.compile.update(kwargs)
            m.compile_span = self.span(node)
            m.compile_calls.append((m.compile, m.compile_span, m.trainings))
            self.called_by_keras([m.compile.get("loss"), m.compile.get("metrics")], node)
        elif name == "get_layer":
            wanted, index = kwargs.get("name", args[0] if args else None), kwargs.get("index")
            ops = model_layers(m)
            for op in ops:
                if isinstance(wanted, str) and isinstance(op, LayerDef) and op.explicit_name == wanted:
                    return LayerObj(op)
                if isinstance(wanted, str) and isinstance(op, InputDef) and op.name == wanted:
                    return InputLayerVal(op)  # keras.Input(..., name="image")
                if isinstance(op, LayerDef) and op.explicit_name is None and op.given_name is not None \
                        or isinstance(op, InputDef) and op.unknown_name is not None:
                    break  # Keras returns the first layer of that name: this one's is not known
            if isinstance(index, int) and -len(ops) <= index < len(ops):
                op = ops[index]
                return LayerObj(op) if isinstance(op, LayerDef) else InputLayerVal(op)
            return self.symbol(node)
        elif name == "build" and m.api == "subclassed":
            self.subclassed_build(m, node)
        elif name == "build" and m.api == "sequential" and (args or "input_shape" in kwargs) and m.seq_input is None:
            shape = args[0] if args else kwargs["input_shape"]  # build(input_shape=(None, 3)) as Keras' own docs write it
            if isinstance(shape, (tuple, list)) and shape:
                m.seq_input = InputDef(tuple(shape[1:]), self.span(node), batch_size=shape[0])
                if m.layers:
                    self.build_sequential(m)
                    self.build_awaiting(m.layers, tuple(shape), node)
        return None

    # -- Keras things --------------------------------------------------------
    def call_ref(self, ref: Ref, args: list, kwargs: dict, node: cst.Call) -> Any:
        q = ref.qualname
        if q.startswith("keras.backend."):
            self.note_backend_call(node)
            made = self.keras2_backend_call(ref, args, kwargs, node)
            if made is not None:
                return made
        self.note_removed_call(ref, kwargs, node)
        if q.startswith("tensorflow.keras.backend."):
            made = self.tf_backend_call(q[len("tensorflow.keras.backend."):], args, kwargs, node)
            if made is not None:
                return made
        # tf.shape on a Keras tensor between layers is Keras 3's refusal (tensor_ops); in a traced
        # call() the tensors are TensorFlow's and it gives the shape.
        if (q == "tensorflow.shape" and self.tracing or keras_path(q) in ("ops.shape", "backend.shape")) and args \
                and isinstance(args[0], TensorVal):
            graph = q == "tensorflow.shape" and self.keras_version != 2
            return ShapeVal(args[0].tensor, self.text(node), dynamic=True, graph=graph)
        if q.startswith("builtins."):
            return self.call_builtin(q[9:], args, kwargs, node)
        if q == "string.Template":
            return self.call_template(args, kwargs, node)
        data = self.data_call(q, args, kwargs, node)
        if data is not NOT_DATA:
            return data
        if q in TF_INITIALIZERS:
            return KerasObj(q, tuple(args), kwargs)
        if is_keras_variable(q):
            if self.keras_version == 2:  # a layer holding one is unknown, as its weights are
                return WeightVal("variable", None, True, loose=True, why="tf-keras has none (AttributeError)")
            return keras_variable(args, kwargs)
        if q == "tensorflow.Variable" and self.keras_version != 2:
            init = variable_initial(args, kwargs)
            if isinstance(init, ConstTensor):
                return ConstTensor(init.shape, self.text(node))
            return self.symbol(node)
        if q in ("math.ceil", "math.floor", "math.prod", "math.sqrt", "numpy.prod", "np.prod", "math.log2", "numpy.sqrt",
                 "math.log", "math.log10", "math.exp", "numpy.round", "numpy.around", "numpy.log2", "numpy.log10"):
            # math.prod(xs, start=2): a keyword changes the value, and is not modelled
            return self.call_math(q.rsplit(".", 1)[-1], args, node) if not kwargs else self.symbol(node)
        if q.startswith(("functools.", "keras_applications", "collections.", "typing.", "copy.")):
            done = self.call_helper(q, args, kwargs, node)
            if done is not NotImplemented:
                return done
        if q == "ast.literal_eval" and len(args) == 1 and not kwargs:
            return literal_value(args[0]) if isinstance(args[0], str) else self.symbol(node)
        if keras_path(q) == "activations.get" and len(args) == 1 and not kwargs:
            got = activation_by_name(q, args[0])
            if got is not None:
                return got
        applied = self.call_tensor_function(q, args, kwargs, node)
        if applied is not None:
            return applied
        written = q.rsplit(".", 1)[-1]
        k = classify(q)
        if written in KERAS1_CLASSES and keras_path(q) is not None:
            k = KerasName("layer", KERAS1_CLASSES[written])
        if k is None:
            declared = third_party_key(q)
            if declared is not None:
                return self.new_layer(declared, args, kwargs, node)
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        if k.kind == "layer":
            return self.new_layer(k.name, args, kwargs, node, written)
        if k.kind == "application":
            return self.new_application(k.name, args, kwargs, node)
        if k.kind == "preprocess":
            return self.preprocess(k.name, args, kwargs, node)
        if k.kind == "opaque-layer":
            reason = f"`{k.name}` is not a layer layerlint models"
            if k.name == "Lambda":
                from layerlint.engine.layers.core import declared_output_shape

                if declared_output_shape(args, kwargs) is not None:
                    return self.new_layer("Lambda", args, kwargs, node)
                if self.preprocess_lambda(args, kwargs):
                    return self.new_preprocess_lambda(args, kwargs, node)
                traced = self.new_traced_lambda(args, kwargs, node)
                if traced is not None:
                    return traced
                reason = (f"Lambda layers run arbitrary code: `{self.argument_text(node, 0, 'function')}` is not a "
                          "function layerlint can follow, and no output_shape= declares the output shape")
            elif ".applications." in q or q.split(".")[-2:-1] == ["applications"] or "applications" in q:
                reason = f"pretrained application `{k.name}` is not analysed"
            ld = LayerDef(k.name, tuple(args), kwargs, self.span(node), known=False, opaque_reason=reason)
            self.model_changes += 1
            return self.constructed(LayerObj(ld))
        if k.kind == "sequential":
            return self.new_sequential(args, kwargs, node)
        if k.kind == "model":
            return self.new_functional(args, kwargs, node)
        if k.kind == "input":
            return self.constructed(TensorVal(Tensor(self.new_input(args, kwargs, node))))
        if k.kind == "input-layer":
            return self.constructed(InputLayerVal(self.new_input(args, kwargs, node, layer=True)))
        if k.kind == "merge-fn":
            if not args:
                return self.symbol(node)
            ld = LayerDef(k.name, tuple(args[1:]), kwargs, self.span(node))
            return self.call_layer(ld, [args[0]], {}, node)
        if k.name == "clear_session" and k.kind in ("backend-fn", "module"):
            self.name_uids.clear()  # Keras starts numbering names again
            self.names_unknown.clear()
            self.result.name_resets.append(creation_mark())
            return None
        if k.kind == "backend-fn":
            answer = self.backend_query(k.name, args)
            if answer is not NotImplemented:
                return answer
            if k.name == "int_shape" and args and isinstance(args[0], TensorVal):
                return ShapeVal(args[0].tensor, self.text(node))
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        if k.kind == "module" and k.name == "load_model":
            # its custom objects are the losses and metrics the saved model was compiled with, among others
            objects = kwargs.get("custom_objects", args[1] if len(args) > 1 else None)
            self.called_by_keras(list(objects.values()) if isinstance(objects, dict) else [], node)
            callee = self.text(node.func)
            ld = LayerDef(callee, (), {}, self.span(node), known=False,
                          opaque_reason=f"loaded by `{callee}(...)` from a file layerlint does not read")
            return LayerObj(ld)
        if k.kind == "module" and any(isinstance(a, TensorVal) for a in flatten(list(args) + list(kwargs.values()))):
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        return KerasObj(q, tuple(args), kwargs, self.span(node))

    def called_by_keras(self, values: list, node: cst.Call) -> None:
        """Functions Keras 3 calls later (the losses and metrics of compile(), load_model's custom objects: when
        fit() or evaluate() first traces them), a ``functools.partial``'s function and a ``keras.losses.Loss``
        subclass's ``call()`` included: their Keras 2 backend names are read then (LL504)."""
        if self.keras_version != 3:
            return
        for f in flatten(values):
            while isinstance(f, PartialVal):
                f = f.func
            if isinstance(f, InstanceVal) and f.cls.loss:
                f = f.cls.methods.get("call")
            elif isinstance(f, ClassVal) and f.loss:  # a custom object given as its class
                f = f.methods.get("call")
            if isinstance(f, FunctionVal):
                self.compiled_functions.setdefault(f, (self.unit, node))

    def new_layer(self, cls: str, args: list, kwargs: dict, node: cst.Call, written: str | None = None) -> LayerObj:
        args = [self.layer_arg(a) for a in args]
        kwargs = {k: self.layer_arg(v) for k, v in kwargs.items()}
        # Old spellings are read with their authors' meaning where Keras 3 has none (engine/legacy.py).
        as_written = (written or cls, tuple(args), dict(kwargs))
        args, kwargs, legacy = translate(written or cls, cls, args, kwargs)
        self.model_changes += 1
        changed = (tuple(args), dict(kwargs)) != as_written[1:] or any(u.keras3_rejects for u in legacy)
        return self.constructed(LayerObj(LayerDef(cls, tuple(args), kwargs, self.span(node), legacy=legacy,
                                                  as_written=as_written if changed else None)))

    def constructed(self, v: Any, once: bool = False) -> Any:
        """Record a layer or input made where Keras makes it (FileResult.constructions): Keras names it
        then, whether or not a model lists it.  Not while a custom layer's __init__ or call() runs (what
        those make is named with the layer), nor in a builder analysed on symbols (Keras never runs it).
        ``once``: made at most once however often the code runs (a Sequential's build InputLayer), so a
        loop of unknown count around it leaves no count unknown (the build it belongs to is assumed)."""
        made = v.layer if isinstance(v, LayerObj) else v.tensor.producer if isinstance(v, TensorVal) \
            else v.input if isinstance(v, InputLayerVal) else v if isinstance(v, (Node, ExtractedModel)) else None
        if made is not None and self.recording and not self.tracing and not self.layer_inits:
            why = self.undecided[-1] if self.undecided else self.unknown_loops[-1] if self.unknown_loops and not once \
                else None
            created = made.created if not isinstance(made, ExtractedModel) else creation_mark()
            eager = isinstance(made, Node) and id(made) in self.data_producers
            self.result.constructions.append(Construction(made, created, why, eager))
            self.constructed_ids.add(id(made))
        return v

    def graph_call(self, node: Node | None, model: ExtractedModel | None, layers: tuple, created: int) -> None:
        """Record a call that gives layers a node in Keras' graph (FileResult.graph_calls): where the
        file's own run makes it (a custom layer's traced call() runs on a scratch graph, which adds no node)."""
        if self.recording and not self.tracing and not self.layer_inits:
            why = self.undecided[-1] if self.undecided else self.unknown_loops[-1] if self.unknown_loops else None
            self.result.graph_calls.append(GraphCall(node, model, layers, created, why))

    def layer_arg(self, v: Any) -> Any:
        """Nested layer arguments (Bidirectional(LSTM(8))) become LayerArg values."""
        from layerlint.engine.layers.base import LayerArg
        from layerlint.engine.layers.rnn import CELL_SPECS

        # RNN cells are not layers of their own, but RNN(LSTMCell(4)) reads them as arguments.
        if isinstance(v, LayerObj) and (v.layer.known or v.layer.cls in CELL_SPECS or v.layer.cls == "StackedRNNCells"):
            self.as_arguments.add(id(v.layer))  # named with the layer it configures (Engine._name_nested)
            return LayerArg(v.layer.cls, tuple(self.layer_arg(a) for a in v.layer.args),
                            tuple(sorted((k, self.layer_arg(x)) for k, x in v.layer.kwargs.items())))
        if isinstance(v, list):
            return [self.layer_arg(x) for x in v]
        return v

    def new_input(self, args: list, kwargs: dict, node: cst.Call, layer: bool = False) -> InputDef:
        shape = kwargs.get("shape", args[0] if args else None)
        batch = kwargs.get("batch_size", args[1] if len(args) > 1 and not layer else None)
        if layer and shape is None:
            shape = kwargs.get("input_shape")
        bs = kwargs.get("batch_shape", kwargs.get("batch_input_shape"))
        if isinstance(bs, (tuple, list)) and bs:
            shape, batch = tuple(bs[1:]), bs[0]
        if isinstance(shape, list):
            shape = tuple(shape)
        scalar = None
        if isinstance(shape, int) and not isinstance(shape, bool) or is_one_dim(shape):
            # tf-keras reads one number as a 1-tuple; Keras 3 refuses it (the engine tells which)
            scalar = self._shape_arg_text(node, "input_shape" if layer and "shape" not in kwargs else "shape")
            shape = (shape,)
        unknown = None
        if shape is None:
            shape = Expr.symbol("shape")
        elif not isinstance(shape, tuple):
            # keras.Input(shape=x_train.shape[1:]) of data we cannot follow: the user's expression says why
            given = "batch_shape" if bs is not None else "input_shape" if layer and "input_shape" in kwargs else "shape"
            text = self.argument_text(node, 0, given)
            origin = str(shape) if isinstance(shape, Expr) else text
            unknown = f"its shape `{text}`" + (f" (`{origin}`)" if origin != text else "") + " is not known"
        name = kwargs.get("name")
        return InputDef(shape, self.span(node), batch_size=batch, name=name if isinstance(name, str) else None,
                        dtype=kwargs.get("dtype") if isinstance(kwargs.get("dtype"), str) else None,
                        scalar_shape=scalar, shape_reason=unknown,
                        unknown_name=given_name(name) if is_unknown_name(name) else None)

    def _shape_arg_text(self, node: cst.Call, keyword: str) -> str:
        for a in node.args:
            if a.keyword is not None and a.keyword.value == keyword or a.keyword is None and not a.star:
                text = self.text(a.value)
                # `(n)` is n: the parentheses the author wrote are what the message is about
                parens = len(getattr(a.value, "lpar", ()))
                return text[parens:len(text) - parens].strip() if parens else text
        return keyword

    def register(self, m: ExtractedModel) -> None:
        self.touch(m)
        if self.context:
            m.context = self.context_text(self.context[-1])
        self.result.models.append(m)

    def context_text(self, entry: str | tuple) -> str:
        """What is being analysed, in words: a call of a function is kept as (name, unit, call node)."""
        if isinstance(entry, str):
            return entry
        name, unit, node = entry
        line = self.span_in(unit, node).line
        return f"{name}() called at line {line}" if unit is None else f"{name}() called at {unit.shown}:{line}"

    def new_sequential(self, args: list, kwargs: dict, node: cst.Call) -> ModelVal:
        m = ExtractedModel(self.path, self.span(node), "sequential")
        name = kwargs.get("name", args[1] if len(args) > 1 else None)
        self.name_model(m, name, "sequential")
        if self.undecided or self.unknown_loops:
            self.made_uncertain.add(id(m))
        self.made_in_loops[id(m)] = len(self.unknown_loops)
        layers = kwargs.get("layers", args[0] if args else None)
        self.register(m)
        mv = ModelVal(m)
        if isinstance(layers, (list, tuple)):
            for item, text in zip(layers, self.element_texts(node, len(layers))):
                self.seq_append(m, item, node, text)
            self.rebuild_sequential(m)
        elif layers is not None:
            # what the list holds is not known (the layers of a loaded model, a comprehension over them):
            # one opaque row stands for them all, so the model is never shown empty and complete
            arg = self.layers_argument(node)
            text = self.short_text(arg.value) if arg is not None else short(layers)
            m.layers.append(LayerDef(row_text(text), (), {}, self.span(node), known=False, auto_name="layers",
                                     opaque_reason=f"layers `{text}` cannot be followed"))
        return mv

    @staticmethod
    def layers_argument(node: cst.Call) -> cst.Arg | None:
        """The argument of ``Sequential(...)`` that gives its layers, when written as one."""
        arg = next((a for a in node.args if a.keyword is not None and a.keyword.value == "layers"), None)
        if arg is None and node.args and node.args[0].keyword is None and not node.args[0].star:
            arg = node.args[0]
        return arg

    def element_texts(self, node: cst.Call, n: int) -> list[str | None]:
        """The source text of each item of ``Sequential([...])``'s list, when it is written out."""
        arg = self.layers_argument(node)
        value = arg.value if arg is not None else None
        if isinstance(value, (cst.List, cst.Tuple)) and len(value.elements) == n and not any(
                isinstance(el, cst.StarredElement) for el in value.elements):
            return [self.text(el.value) for el in value.elements]
        return [None] * n

    # -- Keras' automatic model names ---------------------------------------------
    # Keras names an unnamed model when it is made, counting per class name in the
    # process; a Sequential makes an unnamed Functional each time it is (re)built,
    # which takes a `functional` number too.

    def name_model(self, m: ExtractedModel, name: Any, stem: str) -> None:
        """``m``'s name: the one given (``name=``), the user's expression where that cannot be computed (which
        takes no automatic name either: engine/unknown_names.py), else Keras' next automatic ``stem`` name."""
        m.name_value = name if is_unknown_name(name) else None
        m.named = isinstance(name, str) or m.name_unknown
        m.name = given_name(name) if m.named else self.auto_name(stem)
        if isinstance(m.name, UnsureName):  # None at run time would take the next automatic name
            self.names_unknown.setdefault(stem, f"name={m.name}")

    def auto_name(self, stem: str, once: bool = False) -> str:
        """Keras' next automatic name of ``stem``.  Taken under an undecided condition or in a loop of unknown
        count (unless ``once``: at most once however often the loop runs), Keras may have taken it no times or
        many, so the names of ``stem`` after it are `<stem>_?`, never a guessed number."""
        n = self.name_uids.get(stem, 0)
        self.name_uids[stem] = n + 1
        name = f"{stem}_?" if stem in self.names_unknown else stem if n == 0 else f"{stem}_{n}"
        why = self.undecided[-1] if self.undecided else self.unknown_loops[-1] if self.unknown_loops and not once \
            else None
        if why is not None:
            self.names_unknown.setdefault(stem, why)
        return name

    def rebuild_sequential(self, m: ExtractedModel) -> None:
        """Sequential's _maybe_rebuild: with an input and more than one layer it builds."""
        first = m.layers[0] if m.layers else None
        legacy = first is not None and first.declares_input
        input_layer = m.seq_input is not None or legacy or id(m) in self.input_layered
        # a model as its first layer has an input_shape to build on (a custom layer has none)
        has_input = input_layer or (
            first is not None and first.submodel is not None and first.custom_class is None
            and (first.submodel.api == "functional" or id(first.submodel) in self.built_sequentials))
        if has_input and len(m.layers) + input_layer > 1:
            if not input_layer:  # built on its first layer's input: Keras makes an InputLayer for it now
                m.input_made_alone = m.built_on_first_layer = True
            self.build_sequential(m, rebuilt=True)

    def build_sequential(self, m: ExtractedModel, rebuilt: bool = False) -> None:
        """Keras builds Sequential ``m``: at its first call, fit(), ... or (``rebuilt``) again at each add()
        or pop() once it has an input."""
        first = m.layers[0] if m.layers else None
        # The summary shows a Sequential made before a loop of unknown count built by a call in it, so the loop
        # is taken to run and build it, once; one made in such a loop is made, and built, as often as it runs,
        # and an add() in it builds again at each pass.
        once = id(m) not in self.made_uncertain and not rebuilt
        if self.keras_version == 3 and m.seq_input is None and id(m) not in self.input_layered and first is not None \
                and not first.declares_input:
            # Keras 3's build() makes the InputLayer of a Sequential declaring no input now (its first call,
            # fit(), a model as its first layer), before the layers it then calls: it is named here
            # (tf-keras names it `<layer>_input`, taking no number).
            self.constructed(m, once=once)
        self.built_sequentials.add(id(m))
        self.input_layered.add(id(m))
        self.graph_call(None, m, tuple(m.layers), creation_mark())
        for ld in m.layers:  # building calls each layer: a Sequential among them builds first
            sub = ld.submodel
            if sub is not None and sub.api == "sequential" and id(sub) not in self.built_sequentials and sub.layers:
                self.build_sequential(sub)
        self.auto_name("functional", once=once)  # Keras 3's build makes a Functional, named from that counter

    def seq_append(self, m: ExtractedModel, item: Any, node: cst.CSTNode, text: str | None = None) -> None:
        self.touch(m)
        if isinstance(item, TensorVal) and isinstance(item.tensor.producer, InputDef) and not m.layers:
            m.seq_input = item.tensor.producer
        elif isinstance(item, InputLayerVal) and not m.layers:
            m.seq_input = item.input
        elif isinstance(item, LayerObj):
            if not m.layers and m.seq_input is None and self.keras_version == 3 \
                    and item.layer.declares_input:
                # Keras 3's add() makes an InputLayer of a first layer's input_shape= then, automatically named
                # (tf-keras names it `<layer>_input`, taking no number)
                self.constructed(m)
            traced = id(item.layer) in self.custom_instances or id(item.layer) in self.pending_lambdas
            if traced:  # Sequential calls it on the last layer's output
                if m.layers or m.seq_input is not None:
                    x = self.seq_chain(m)[1][-1] if m.layers else TensorVal(Tensor(m.seq_input))
                else:
                    x = TensorVal(Tensor(InputDef(Expr.symbol("x"), item.layer.span)))
                if id(item.layer) in self.custom_instances:
                    made = as_made(self.custom_instances[id(item.layer)])
                    self.trace_custom_layer(item.layer, x, [], {}, node)
                    if item.layer.traced_inputs is None and item.layer.known:
                        # followed on symbols: Keras builds it when the Sequential gets its input
                        self.awaiting_build.setdefault(id(item.layer), made)
                else:
                    self.trace_lambda(item.layer, x, [], {}, node)
            m.layers.append(item.layer)
            self.seq_owner.setdefault(id(item.layer), m)
        elif isinstance(item, ModelVal):
            m.layers.append(self.model_as_layer(item))
            self.seq_owner.setdefault(id(m.layers[-1]), m)
        elif isinstance(item, OpaqueModelVal):
            m.layers.append(LayerDef(item.cls.name, (), {}, item.span, known=False,
                                     opaque_reason=f"subclassed model `{item.cls.name}` is not analysed"))
        else:
            span = self.span(node)
            label = layer_label(text or short(item))
            m.layers.append(LayerDef(label, (), {}, span, known=False,
                                     opaque_reason=f"`{label}` is not a layer layerlint can follow"))


    def model_as_layer(self, mv: ModelVal) -> LayerDef:
        if mv.as_layer is None:
            mv.as_layer = LayerDef(
                "Sequential" if mv.model.api == "sequential" else "Functional",
                (), {"name": mv.model.name_value if mv.model.name_unknown else mv.model.name} if mv.model.name else {},
                mv.model.span, submodel=mv.model)
        return mv.as_layer

    def new_functional(self, args: list, kwargs: dict, node: cst.Call) -> ModelVal:
        m = ExtractedModel(self.path, self.span(node), "functional")
        inputs = kwargs.get("inputs", args[0] if args else None)
        outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
        # tf-keras 2 named its functional models `model`, `model_1`, ...
        self.name_model(m, kwargs.get("name"), "model" if self.keras_version == 2 else "functional")
        m.inputs = [t.tensor for t in flatten(inputs) if isinstance(t, TensorVal)]
        if isinstance(inputs, TensorVal):
            m.input_paths = [""]
        elif isinstance(inputs, (list, tuple)) and all(isinstance(t, TensorVal) for t in inputs):
            m.input_paths = [str(i) for i in range(len(inputs))]
        m.outputs = [t.tensor for t in flatten(outputs) if isinstance(t, TensorVal)]
        m.outputs_nested = isinstance(outputs, (list, tuple, dict))
        m.outputs_list = isinstance(outputs, list)
        m.input_keys, m.output_keys = dict_keys(inputs, len(m.inputs)), dict_keys(outputs, len(m.outputs))
        lost = [(k, self.argument_text(node, i, k)) for i, (k, v) in enumerate((("inputs", inputs), ("outputs", outputs)))
                if not followed(v)]
        if lost:
            # Never an empty model: what cannot be followed is one opaque row named by the user's
            # code.  Without its inputs, where the model starts is unknown, so nothing of it is kept.
            what = " and ".join(f"{k} `{t}`" for k, t in lost)
            reason = f"the model's {what} cannot be followed"
            if isinstance(inputs, (list, tuple)) and not inputs:
                # an InputLayer's .input in Keras 3 (its .output is the Input)
                reason = f"the model's inputs `{lost[0][1]}` are empty, which Keras 3 refuses (ValueError)"
                m.refused = (self.span(node), f"`inputs` argument cannot be empty: `{lost[0][1]}` is `[]` in "
                                              "Keras 3 (an InputLayer's `.input`; its `.output` is the Input)")
            ld = LayerDef(layer_label(lost[-1][1]), (), {}, self.span(node), known=False, opaque_reason=reason)
            if lost[0][0] == "inputs":
                m.inputs = []
            cut = Node(ld, list(m.inputs), {}, self.span(node))
            self.node_counter += 1
            m.outputs, m.outputs_nested = [Tensor(cut)], False
            m.input_keys = m.output_keys = None
        self.register(m)
        return ModelVal(m)

    def argument_text(self, node: cst.Call, index: int, keyword: str) -> str:
        """The source text of a call's argument, positional or by keyword."""
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for a in node.args:
            if a.keyword is not None and a.keyword.value == keyword:
                return clipped(self.text(a.value))
        if index < len(positional):
            return clipped(self.text(positional[index].value))
        return f"{keyword}=..."

    def call_layer(self, layer: LayerDef, args: list, kwargs: dict, node: cst.Call) -> Any:
        first_name = self.first_call_parameter(layer)
        if not args and first_name is not None and first_name in kwargs:
            # Keras takes a call's first argument by the name call() gives it (`logits=`)
            kwargs = dict(kwargs)
            args = [kwargs.pop(first_name)]
        if not args:
            x = kwargs.pop("inputs", None)
            if x is None and layer.cls == "keras_nlp.TransformerDecoder" and "decoder_sequence" in kwargs:
                x = kwargs.pop("decoder_sequence")  # its call()'s first parameter
            if x is None:
                x = kwargs.pop("query", None)
                if x is not None:
                    args = [x, kwargs.pop("value", None)]
            else:
                args = [x]
        if not args:
            return self.symbol(node)
        first = args[0]
        # A custom layer or a model called with a dict of tensors gets them in Keras' flattening
        # order, by key, as with a list.
        keyed = isinstance(first, dict) and (layer.submodel is not None or id(layer) in self.custom_instances) \
            and dict_keys(first, len(first)) is not None
        if id(layer) in self.custom_instances:
            self.trace_custom_layer(layer, first, list(args[1:]), kwargs, node)
        elif id(layer) in self.pending_lambdas:
            self.trace_lambda(layer, first, list(args[1:]), kwargs, node)
        list_input = isinstance(first, (list, tuple)) or keyed
        tensors = [a for a in flatten(first)] if list_input else [first]
        extra = [a for a in args[1:] if isinstance(a, TensorVal)]
        inputs = []
        for t in tensors + extra:
            if isinstance(t, TensorVal):
                inputs.append(t.tensor)
            else:
                # A constant (``ops.arange(n)``, data in a traced call()) is data of a known shape,
                # its first axis the batch's.
                data = isinstance(t, ConstTensor) or (self.tracing and isinstance(t, ArrayVal) and known_dims(t.shape))
                shape = t.shape if data else None
                stand_in = InputDef(tuple(shape[1:]), self.span(node), batch_size=shape[0]) if shape \
                    else InputDef(Expr.symbol(short(t)), self.span(node),
                                  unknown_reason=f"`{clipped(short(t))}` is not a tensor layerlint can follow")
                self.data_producers.add(id(stand_in))
                inputs.append(Tensor(stand_in))
        call_kwargs = {k: tensors_to_refs(v) if k not in TENSOR_KWARGS or tensor_like(v) else Unfollowed(self.kwarg_text(node, k))
                       for k, v in kwargs.items()}
        out = self.make_node(layer, inputs, call_kwargs, node, list_input)
        if self.retrace_sources and (id(layer) in self.retrace_sources
                                     or layer.submodel is not None and layer.custom_class is None):
            self.follow_new_shapes(out.tensor)
        if not self.tracing and layer.submodel is None and layer.known \
                and all(isinstance(t, ConstTensor) and t.shape for t in tensors + extra):
            # Between layers, a layer run on constants runs eagerly: its result is data, no row.
            # (A whole model run on data, in a training loop, stays data as any call on data does.)
            shape = self.probe_output(out.tensor)
            return self.constant_of(shape, "", node) if shape is not None else self.symbol(node)
        return out

    def first_call_parameter(self, layer: LayerDef) -> str | None:
        """The name of the first parameter of a custom layer's call(), before its first call."""
        inst = self.custom_instances.get(id(layer))
        fn = inst.cls.methods.get("call") if inst is not None else None
        if not isinstance(fn, FunctionVal) or not isinstance(fn.node, cst.FunctionDef):
            return None
        params = list(fn.node.params.posonly_params) + list(fn.node.params.params)
        return params[1].name.value if len(params) > 1 else None

    def kwarg_text(self, node: cst.CSTNode, key: str) -> str:
        """The source text of keyword argument ``key`` of a call (the call's own text if not found)."""
        for arg in getattr(node, "args", ()):
            if arg.keyword is not None and arg.keyword.value == key:
                return self.text(arg.value)
        return self.text(node)

    def make_node(self, layer: LayerDef, inputs: list, call_kwargs: dict, node: cst.CSTNode, list_input: bool) -> TensorVal:
        self.node_counter += 1
        n = Node(layer, inputs, call_kwargs, self.span(node), list_input=list_input)
        # A call on values that are not Keras tensors (data in a training loop, say), and
        # everything computed from it, adds nothing to a model built from keras.Input.
        if inputs and all(id(t.producer) in self.data_producers for t in inputs):
            self.data_producers.add(id(n))
        else:
            self.model_changes += 1
        calls = self.layer_calls.setdefault(id(layer), [])
        calls.append(n)
        if len(calls) == 1 and layer.op is None:  # its first call builds it: what building makes is named then
            self.constructed(n)
        if layer.op is None and id(n) not in self.data_producers:
            self.graph_call(n, None, (layer,), n.created)
        return TensorVal(Tensor(n))




# Keyword arguments of a layer call that take tensors: a value there we could not follow
# leaves the call unknown (its result, or Keras' refusal of it, is not known).
TENSOR_KWARGS = frozenset({"mask", "attention_mask", "initial_state", "constants", "query", "value", "key",
                           "query_mask", "value_mask", "key_mask"})


def tensor_like(v: Any) -> bool:
    """A value Keras takes where a tensor goes: a tensor, a constant, None, a bool, or a list of them."""
    if isinstance(v, (list, tuple)):
        return all(tensor_like(x) for x in v)
    return v is None or isinstance(v, (TensorVal, ConstTensor, bool))


def clipped(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def followed(v: Any) -> bool:
    """Model inputs or outputs made of tensors only (not empty, no value we could not follow)."""
    items = flatten(v)
    return bool(items) and all(isinstance(t, TensorVal) for t in items)


def tensors_to_refs(v: Any) -> Any:
    if isinstance(v, TensorVal):
        return v.tensor
    if isinstance(v, (list, tuple)):
        return type(v)(tensors_to_refs(x) for x in v)
    return v


def same_dim(a: tuple, b: tuple) -> bool:
    (ta, axis_a), (tb, axis_b) = a, b
    return ta.producer is tb.producer and ta.index == tb.index and axis_a == axis_b


def held_layers(obj: Any) -> list[LayerDef]:
    """A layer or model and, recursively, the layers inside it."""
    if isinstance(obj, LayerObj):
        defs = [obj.layer]
    elif isinstance(obj, ModelVal):
        m = obj.model
        defs = list(m.layers) if m.api in ("sequential", "subclassed") else [n.layer for n in functional_nodes(m)]
    else:
        return []
    out: list[LayerDef] = []
    for ld in defs:
        out.append(ld)
        if ld.submodel is not None:
            out.extend(held_layers(ModelVal(ld.submodel)))
    return out


def model_layers(m: ExtractedModel) -> list:
    """Keras' ``model.layers``: a functional model lists its InputLayers too."""
    if m.api in ("sequential", "subclassed"):
        return list(m.layers)
    from layerlint.engine.graph import ordered_operations

    return ordered_operations(m)


def functional_nodes(m: ExtractedModel) -> list[Node]:
    from layerlint.engine.graph import model_nodes

    return model_nodes(m)


def dict_keys(value: Any, count: int) -> list[str] | None:
    """The keys of a dict of one tensor each, in the order flatten() gives its tensors."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, TensorVal) for k, v in value.items()):
        return None
    keys = sorted(value)
    return keys if len(keys) == count else None


def activation_by_name(get: str, v: Any) -> Ref | None:
    """``keras.activations.get(v)``: the activation function Keras looks up by its name (linear
    for None), one the op table has a rule for; a function is returned as it is."""
    if isinstance(v, Ref):
        return v
    name = "linear" if v is None else v if isinstance(v, str) else None
    if name is None or lookup_op(f"activations.{name}") is None:
        return None
    return Ref(f"{get.rpartition('.')[0]}.{name}")


_LITERAL_BUDGET = 20_000  # characters: parsing is linear, but deep nesting is not worth following


def literal_value(text: str) -> Any:
    """``ast.literal_eval`` of a string the file holds (a charset written as a list literal):
    Python parses it as literals only, nothing runs.  What it gives must be plain values."""
    if len(text) > _LITERAL_BUDGET:
        return Expr.symbol("ast.literal_eval(...)")
    try:
        value = ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Expr.symbol("ast.literal_eval(...)")

    def plain(v: Any) -> bool:
        if isinstance(v, (list, tuple)):
            return all(plain(x) for x in v)
        if isinstance(v, dict):
            return all(plain(k) and plain(x) for k, x in v.items())
        return v is None or isinstance(v, (str, int, float, bool))

    return value if plain(value) else Expr.symbol("ast.literal_eval(...)")
