"""Calls: arguments, functions defined in the file (followed, with a depth
budget), methods, classes, builtins and ``math`` folded on known values."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import libcst as cst
from layerlint.engine.model import ExtractedModel, LayerDef, Node
from layerlint.engine.ops.base import ConstTensor
from layerlint.engine.symbolic import Expr
from layerlint.extract.compare import is_layer_instance
from layerlint.extract.custom_layers import custom_layer_refusal, functional_arguments, keeps_functional_graph
from layerlint.extract.formatting import (
    OverBudget,
    Unformattable,
    check_size,
    format_builtin,
    is_plain,
    str_format,
    template_substitute,
)
from layerlint.extract.keras_names import classify
from layerlint.extract.lookups import LOOKUP_CLASSES, VOCABULARY_SETTERS, constructed_vocabulary_size
from layerlint.extract.runtime import (
    BUILTIN_KEYWORDS,
    MAX_CALL_DEPTH,
    MAX_INT_BITS,
    MAX_LOOP,
    MAX_SEQUENCE,
    STAR_KWARGS,
    STAR_UNKNOWN,
    BreakSignal,
    ContinueSignal,
    Frame,
    ReturnSignal,
    StopSignal,
    fits,
    flatten,
    layer_label,
    over_budget,
)
from layerlint.extract.tensor_ops import known_dims
from layerlint.extract.values import (
    ArrayVal,
    BoundMethod,
    ClassVal,
    DatasetIterVal,
    DatasetVal,
    FunctionVal,
    GeneratorVal,
    InstanceVal,
    KerasObj,
    LayerObj,
    ModelVal,
    OpaqueModelVal,
    OpaquePart,
    PartialVal,
    Ref,
    ShapeVal,
    SuperVal,
    TemplateVal,
    TensorVal,
    ZippedDatasetVal,
)

if TYPE_CHECKING:
    from layerlint.extract.positions import Positions
from layerlint.extract.variables import initializer_shape, is_initializer

# Methods of the file's own strings that are followed: each computed here on a plain str,
# with any size it asks for checked first.
_STR_CASE = {"lower": str.lower, "upper": str.upper, "strip": str.strip, "lstrip": str.lstrip,
             "rstrip": str.rstrip, "title": str.title, "capitalize": str.capitalize}
_STR_PAD = {"ljust": str.ljust, "rjust": str.rjust, "center": str.center}


def sort_key(items: list) -> Any:
    """How ``sorted()`` may order these items without comparing anything but plain scalars:
    numbers, or strings; or tuples (``dict.items()``) whose first elements are such and distinct,
    so Python would never compare what follows them.  None when neither."""
    def scalars(vs: list) -> bool:
        return all(type(v) in (int, float, bool) for v in vs) or all(type(v) is str for v in vs)

    if scalars(items):
        return lambda v: v
    if all(type(v) is tuple and v for v in items):
        firsts = [v[0] for v in items]
        if scalars(firsts) and len(set(firsts)) == len(firsts):
            return lambda v: v[0]
    return None

# ``type(v)`` is followed for the folded Python values whose type is exactly one of these
# (a symbol's stand-in is an Expr, whose type says nothing of the value it stands for).
_PLAIN_TYPES = (bool, int, float, str, list, tuple, dict)


class Calls:
    """The Interpreter's calls (a mixin: state lives on the Interpreter)."""

    # -- calls -------------------------------------------------------------
    def eval_args(self, node: cst.Call, frame: Frame) -> tuple[list, dict]:
        args: list = []
        kwargs: dict = {}
        for arg in node.args:
            if arg.star == "*":
                v = self.eval(arg.value, frame)
                it = self.iterate(v)
                if it is None:
                    args.append(STAR_UNKNOWN)  # how many arguments it holds is unknown
                else:
                    args.extend(it)
            elif arg.star == "**":
                v = self.eval(arg.value, frame)
                if isinstance(v, dict) and all(isinstance(k, str) for k in v):
                    kwargs.update(v)
                else:
                    kwargs[STAR_KWARGS] = self.text(arg.value)
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = self.eval(arg.value, frame)
            else:
                args.append(self.eval(arg.value, frame))
        return args, kwargs

    def eval_call(self, node: cst.Call, frame: Frame) -> Any:
        if type(node.func) is cst.Name and node.func.value == "super" and not node.args:
            try:
                return SuperVal(*frame.lookup("__self__"))
            except KeyError:
                return self.symbol(node)
        func = self.eval(node.func, frame)
        args, kwargs = self.eval_args(node, frame)
        return self.call(func, args, kwargs, node)

    def call(self, func: Any, args: list, kwargs: dict, node: cst.Call) -> Any:
        unknown = STAR_KWARGS in kwargs or any(a is STAR_UNKNOWN for a in args)
        if unknown and not isinstance(func, FunctionVal):
            return self.call_unknown_arguments(func, args, kwargs, node)
        if isinstance(func, Ref):
            return self.call_ref(func, args, kwargs, node)
        if isinstance(func, LayerObj):
            return self.call_layer(func.layer, args, kwargs, node)
        if isinstance(func, ModelVal):
            m = func.model
            if not self.tracing and (m.api == "functional" or id(m) in self.built_sequentials):
                self.record_data_call(m, args, kwargs, node)
            if m.api == "sequential" and id(m) not in self.built_sequentials and m.layers:
                m.input_made_alone = m.seq_input is None and all(
                    id(t.tensor.producer) in self.data_producers for t in self.tensors_in([args, kwargs]))
                self.first_call_on_data(m, args, kwargs, node)
                self.first_call_on_tensor(m, args, kwargs, node)
                self.build_sequential(m)  # Keras builds it at its first call
            out = self.call_layer(self.model_as_layer(func), args, kwargs, node)
            if m.api == "sequential" and isinstance(out, TensorVal) and isinstance(out.tensor.producer, Node):
                out.tensor.producer.layers_then = len(m.layers)
            return out
        if isinstance(func, FunctionVal):
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node)
        if isinstance(func, ClassVal):
            return self.instantiate(func, args, kwargs, node)
        if isinstance(func, InstanceVal) and isinstance(func.cls.methods.get("__call__"), FunctionVal):
            # an object of a plain class called: its __call__ runs (a builder object, `ResNet34()()`)
            return self.call_function(func.cls.methods["__call__"], [func, *args], kwargs, node)
        if isinstance(func, PartialVal):
            return self.call_partial(func, args, kwargs, node)
        if isinstance(func, OpaqueModelVal):
            return self.opaque_call(self.text(node.func), f"subclassed model `{func.cls.name}` is not analysed", args, kwargs, node)
        if isinstance(func, KerasObj) and is_initializer(func.path) and not self.tracing:
            shape = initializer_shape(args, kwargs)  # an initializer run eagerly: data of that shape
            return ConstTensor(shape, self.text(node)) if shape is not None else self.symbol(node)
        return self.opaque_call(self.text(node.func), None, args, kwargs, node)

    def record_data_call(self, m: ExtractedModel, args: list, kwargs: dict, node: cst.Call) -> None:
        """A built model called on data of known shapes (one array, or a list with one per input):
        Keras runs it eagerly, checking the data against the model's inputs."""
        x = args[0] if args else kwargs.get("inputs")
        items = list(x) if isinstance(x, (list, tuple)) else [x]
        shapes = [v.shape for v in items if isinstance(v, (ArrayVal, ConstTensor)) and known_dims(v.shape)
                  and not (isinstance(v, ArrayVal) and v.sequences)]
        span = self.span(node)
        if not items or len(shapes) != len(items) or any(c[1] == span for c in m.data_calls):
            return  # not all data, or a loop's second pass over the same line
        if len({type(v) for v in items}) > 1:
            return  # arrays and tensors in one list: Keras refuses the mix before it looks at shapes
        texts = [self.arg_text(node, 0, "inputs")] if len(items) == 1 and x is items[0] else [v.text for v in items]
        m.data_calls.append(([tuple(s) for s in shapes], span, texts))

    def call_unknown_arguments(self, func: Any, args: list, kwargs: dict, node: cst.Call) -> Any:
        """``f(*xs)`` or ``f(**cfg)`` where xs or cfg cannot be followed: the arguments are not
        known, so neither is the value; a layer made so is opaque (its config is not known)."""
        starred = ", ".join(a.star + self.text(a.value) for a in node.args if a.star)
        reason = f"its arguments `{starred}` cannot be followed"
        args = [a for a in args if a is not STAR_UNKNOWN]
        kwargs = {k: v for k, v in kwargs.items() if k != STAR_KWARGS}
        k = classify(func.qualname) if isinstance(func, Ref) else None
        if k is not None and k.kind in ("layer", "opaque-layer"):
            ld = LayerDef(k.name, tuple(args), kwargs, self.span(node), known=False,
                          opaque_reason=f"`{self.text(node.func)}`: {reason}")
            self.model_changes += 1
            return LayerObj(ld)
        if starred and isinstance(func, (LayerObj, ModelVal)):
            return self.opaque_call(self.text(node.func), f"`{self.text(node.func)}` called with {reason}", args, kwargs, node)
        return self.opaque_call(self.text(node.func), None, args, kwargs, node)

    def opaque_call(self, callee: str, reason: str | None, args: list, kwargs: dict, node: cst.Call) -> Any:
        """A call we cannot follow: if tensors flow in, an opaque layer node carries them on."""
        tensors = [a for a in flatten(list(args) + list(kwargs.values())) if isinstance(a, TensorVal)]
        if not tensors:
            return self.symbol(node)
        callee = layer_label(callee)
        layer = LayerDef(callee, (), {}, self.span(node), known=False,
                         opaque_reason=reason or f"`{callee}` is not a Keras layer we can follow")
        return self.make_node(layer, [t.tensor for t in tensors], {}, node, list_input=False)

    def positions_of(self, fn: FunctionVal) -> Positions | None:
        """The positions (and source) of the module that defines ``fn``, when at hand."""
        if fn.closure is None:
            return None
        unit = fn.closure.globals.unit
        return self.home[2] if unit is None or unit is self.home[0] else unit.positions

    def method_sources(self, cls: ClassVal) -> list[str] | None:
        """The source texts of the modules defining ``cls``'s methods (None if one is not at hand)."""
        texts: dict[int, str] = {}
        for fn in cls.methods.values():
            positions = self.positions_of(fn)
            text = positions.text if positions is not None else None
            if text is None:
                return None
            texts[id(text)] = text
        return list(texts.values())

    def instantiate(self, cls: ClassVal, args: list, kwargs: dict, node: cst.Call) -> Any:
        if cls.record is not None:
            return self.new_record(cls, args, kwargs, node)
        if cls.kind == "layer":
            if id(cls) not in self.refusals:  # it reads every method's code: once per class
                self.refusals[id(cls)] = (cls, custom_layer_refusal(cls, self.method_sources(cls)))
            refusal = self.refusals[id(cls)][1]
            if refusal is None:
                return self.constructed(self.new_custom_layer(cls, args, kwargs, node))
            ld = LayerDef(cls.name, tuple(args), kwargs, self.span(node), known=False,
                          opaque_reason=f"custom layer `{cls.name}` is not analysed: {refusal}")
            self.model_changes += 1
            return self.constructed(LayerObj(ld))
        if cls.kind == "model":
            if "__init__" not in cls.methods and functional_arguments(args, kwargs) and keeps_functional_graph(cls):
                return self.new_subclassed_model(cls, args, kwargs, node)  # Keras' own __init__: a functional model
            if id(cls) not in self.refusals:
                self.refusals[id(cls)] = (cls, custom_layer_refusal(cls, self.method_sources(cls)))
            if self.refusals[id(cls)][1] is not None:
                return OpaqueModelVal(cls, self.span(node))
            return self.new_subclassed_model(cls, args, kwargs, node)
        inst = InstanceVal(cls)
        init = cls.methods.get("__init__")
        if init is not None:
            self.call_function(init, [inst, *args], kwargs, node)
        elif cls.loss_base is not None:  # the Keras 3 loss class's own __init__ checks reduction=
            self.note_auto_reduction(kwargs, node)
        return inst

    def call_function(self, fn: FunctionVal, args: list, kwargs: dict, node: cst.CSTNode, symbolic: bool = False) -> Any:
        fn.calls += 1
        if self.depth >= MAX_CALL_DEPTH:
            self.note(node, f"call depth limit reached at `{fn.name}`")
            return self.symbol(node) if isinstance(node, cst.BaseExpression) else None
        is_call = not symbolic and isinstance(node, cst.Call)
        if is_call:
            self.sites.append((self.unit, node))
        # The function's code is in the module that defined it (maybe another file of the project).
        unit = fn.closure.globals.unit
        saved = self.enter_unit(unit) if unit is not self.unit else None
        try:
            result = self._call_function(fn, args, kwargs, node, is_call)
        finally:
            if saved is not None:
                self.unit, self.module, self.positions = saved
            if is_call:
                self.sites.pop()
        if saved is not None and self.unit is None:
            self.keep(result)  # a model a helper module built, handed to the analysed file
        return result

    def _call_function(self, fn: FunctionVal, args: list, kwargs: dict, node: cst.CSTNode, is_call: bool) -> Any:
        local = Frame(fn.closure, fn.closure.globals)
        params = fn.node.params
        positional = list(params.posonly_params) + list(params.params)
        # After `*xs` of unknown length, or with `**cfg` unknown, a parameter not given
        # explicitly may come from them: it is a symbol, not its default.
        cut = next((i for i, a in enumerate(args) if a is STAR_UNKNOWN), None)
        remaining = list(args if cut is None else args[:cut])
        unknown_rest = cut is not None or STAR_KWARGS in kwargs
        kwargs = {k: v for k, v in kwargs.items() if k != STAR_KWARGS}
        for p in positional:
            name = p.name.value
            if remaining:
                local.vars[name] = remaining.pop(0)
            elif unknown_rest and name not in kwargs:
                local.vars[name] = Expr.symbol(name)
            elif name in kwargs:
                local.vars[name] = kwargs.pop(name)
            elif p.default is not None:
                local.vars[name] = self.eval(p.default, fn.closure)
            else:
                local.vars[name] = Expr.symbol(name)
        if isinstance(params.star_arg, cst.Param):
            local.vars[params.star_arg.name.value] = tuple(remaining) if cut is None else Expr.symbol(params.star_arg.name.value)
        for p in params.kwonly_params:
            name = p.name.value
            if name in kwargs:
                local.vars[name] = kwargs.pop(name)
            elif unknown_rest:
                local.vars[name] = Expr.symbol(name)
            elif p.default is not None:
                local.vars[name] = self.eval(p.default, fn.closure)
            else:
                local.vars[name] = Expr.symbol(name)
        if params.star_kwarg is not None:
            name = params.star_kwarg.name.value
            local.vars[name] = Expr.symbol(name) if unknown_rest else dict(kwargs)
        if fn.owner is not None and args:
            local.vars["__self__"] = (args[0], fn.owner)  # what super() refers to in this method
        if is_call:
            # Worked out into words only for a model made under this call (Building.register):
            # the call's line costs locating its statement, for each of thousands of calls.
            self.context.append((fn.name, self.sites[-1][0], node))
        self.depth += 1
        try:
            if isinstance(fn.node, cst.Lambda):
                return self.eval(fn.node.body, local)
            body = fn.node.body
            stmts = body.body if isinstance(body, cst.IndentedBlock) else [body]
            self.exec_block(stmts, local)
        except ReturnSignal as r:
            return r.value
        except StopSignal as stop:
            self.raised_in_calls += 1
            if is_call:
                self.note_raise(stop, f"`{fn.name}()` does not return, so what it builds is not followed", node)
            return None
        except (BreakSignal, ContinueSignal):
            return None
        finally:
            self.depth -= 1
            if is_call:
                self.context.pop()
        return None

    def call_method(self, bm: BoundMethod, args: list, kwargs: dict, node: cst.Call) -> Any:
        obj, name = bm.obj, bm.name
        if isinstance(obj, ModelVal):
            return self.model_method(obj, name, args, kwargs, node)
        if isinstance(obj, ArrayVal):
            return self.array_method(obj, name, args, kwargs, node)
        if isinstance(obj, GeneratorVal):
            return self.generator_method(obj, name, args, kwargs, node)
        if isinstance(obj, DatasetVal):
            return self.dataset_method(obj, name, args, kwargs, node)
        if isinstance(obj, ZippedDatasetVal):
            return self.zipped_dataset_method(obj, name, node)
        if isinstance(obj, list):
            return self.list_method(obj, name, args, kwargs, node)
        if isinstance(obj, dict):
            if name == "get" and args:
                try:
                    return obj.get(args[0], args[1] if len(args) > 1 else None)
                except TypeError:
                    return self.symbol(node)
            if name == "keys":
                return list(obj)
            if name == "values":
                return list(obj.values())
            if name == "items":
                return list(obj.items())
            if name == "copy" and not args:
                return dict(obj)
            if name in ("update", "pop", "setdefault", "clear", "popitem"):
                return self.dict_change(obj, name, args, kwargs, node)
            return self.symbol(node)
        if isinstance(obj, str):
            return self.str_method(obj, name, args, kwargs, node)
        if isinstance(obj, TemplateVal) and name in ("substitute", "safe_substitute"):
            mapping = dict(args[0]) if len(args) == 1 and isinstance(args[0], dict) else {}
            mapping.update(kwargs)
            return self.formatted(node, lambda: template_substitute(obj.template, mapping, name == "safe_substitute"))
        if isinstance(obj, ShapeVal) and name == "as_list":
            return obj
        if isinstance(obj, InstanceVal):
            fn = obj.cls.methods.get(name)
            if fn is not None:
                first = [] if fn.binding == "static" else [obj.cls] if fn.binding == "class" else [obj]
                return self.call_function(fn, [*first, *args], kwargs, node)
            if name == "add_weight" and obj.cls.kind in ("layer", "model"):
                return self.add_weight(obj, args, kwargs, node)
        if isinstance(obj, ClassVal):
            fn = obj.methods.get(name)
            if fn is not None:  # a classmethod called on the class
                return self.call_function(fn, [obj, *args], kwargs, node)
        if isinstance(obj, SuperVal):
            return self.super_method(obj, name, args, kwargs, node)
        if isinstance(obj, LayerObj) and name == "get_layer" and not obj.layer.known and obj.layer.submodel is None:
            return OpaquePart(obj, self.text(node))
        if isinstance(obj, LayerObj) and name == "__call__":
            return self.call_layer(obj.layer, args, kwargs, node)
        if isinstance(obj, LayerObj) and obj.layer.cls in LOOKUP_CLASSES and obj.layer.custom_class is None:
            return self.lookup_method(obj.layer, name, args, kwargs, node)
        if name == "compile" and (isinstance(obj, OpaqueModelVal) or isinstance(obj, LayerObj) and not obj.layer.known):
            # a model layerlint cannot build (loaded from a file, ...): its loss and metrics still run at fit()
            bound = dict(zip(("optimizer", "loss", "loss_weights", "metrics"), args)) | kwargs
            self.called_by_keras([bound.get("loss"), bound.get("metrics")], node)
        return self.symbol(node)

    def lookup_method(self, ld: LayerDef, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """A StringLookup's or IntegerLookup's method: vocabulary_size() is known from a literal
        vocabulary until adapt() or set_vocabulary() replaces it."""
        if name in VOCABULARY_SETTERS:
            self.vocabulary_replaced.add(id(ld))
        elif name == "vocabulary_size" and not args and not kwargs and ld.known \
                and id(ld) not in self.vocabulary_replaced:
            size = constructed_vocabulary_size(ld)
            if size is not None:
                return size
        return self.symbol(node)

    def str_method(self, obj: str, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        if name in _STR_CASE and not args and not kwargs:
            return _STR_CASE[name](obj)
        if name == "format":
            return self.formatted(node, lambda: str_format(obj, args, kwargs))
        if name == "format_map" and len(args) == 1 and isinstance(args[0], dict):
            return self.formatted(node, lambda: str_format(obj, [], args[0]))
        fill = args[1] if len(args) > 1 else " "
        if name in _STR_PAD and 1 <= len(args) <= 2 and type(args[0]) is int and type(fill) is str and len(fill) == 1:
            return self.formatted(node, lambda: check_size(args[0]) or _STR_PAD[name](obj, args[0], fill))
        if name == "zfill" and len(args) == 1 and type(args[0]) is int:
            return self.formatted(node, lambda: check_size(args[0]) or obj.zfill(args[0]))
        if name in ("startswith", "endswith") and len(args) == 1 and type(args[0]) is str:
            return obj.startswith(args[0]) if name == "startswith" else obj.endswith(args[0])
        return self.symbol(node)

    def formatted(self, node: cst.Call, make: Any) -> Any:
        """A string made by our formatter: unknown if it asks for what we do not model,
        reported as well if it would be over the size budget."""
        try:
            return make()
        except Unformattable:
            return self.symbol(node)
        except OverBudget as e:
            return self.too_big(node, str(e))

    def call_builtin(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        # A keyword we do not model would change the answer (sorted(key=...), max(key=...)):
        # the value is unknown rather than computed without it.
        if name != "dict" and set(kwargs) - BUILTIN_KEYWORDS.get(name, set()) or any(a is STAR_UNKNOWN for a in args):
            return self.symbol(node)
        result = self._call_builtin(name, args, kwargs, node)
        if not fits(result):
            return self.too_big(node, over_budget(result))
        return result

    def _call_builtin(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        try:
            if name == "len" and len(args) == 1:
                self.refuse_graph_tensor(args[0], "len", node)
                if isinstance(args[0], (tuple, list, str, dict)):
                    return len(args[0])
                if isinstance(args[0], ArrayVal) and args[0].shape:
                    return args[0].shape[0]
                outputs = self.output_list(args[0]) if isinstance(args[0], TensorVal) else None
                if outputs is not None:
                    return len(outputs)
                if isinstance(args[0], ShapeVal) and not args[0].graph:  # the rank, static even where dims are not
                    shape = self.known_shape(args[0].tensor)
                    if shape is not None:
                        return len(shape)
                return self.symbol(node)
            if name == "iter" and len(args) == 1 and isinstance(args[0], (DatasetVal, ZippedDatasetVal)):
                return DatasetIterVal(args[0])
            if name == "next" and len(args) == 1 and isinstance(args[0], DatasetIterVal):
                d = args[0].dataset
                if isinstance(d, ZippedDatasetVal):
                    return tuple(self.dataset_first(p, node) for p in d.parts)
                return self.dataset_first(d, node)
            if name == "range":
                if all(isinstance(a, int) for a in args) and 1 <= len(args) <= 3:
                    r = range(*args)
                    if len(r) > MAX_SEQUENCE:
                        return self.too_big(node, f"a range of {len(r):,} numbers is over the size budget of {MAX_SEQUENCE:,}")
                    return list(r) if len(r) <= MAX_LOOP else self.symbol(node)
                return self.symbol(node)
            if name == "abs" and len(args) == 1 and isinstance(args[0], TensorVal):
                return self.make_op("ops.absolute", "Absolute", (args[0],), {}, node)
            if name == "format" and 1 <= len(args) <= 2:
                return self.formatted(node, lambda: format_builtin(*args))
            if name == "str" and len(args) == 1 and is_plain(args[0]):
                return self.formatted(node, lambda: format_builtin(args[0]))
            if name in ("int", "float", "round", "abs", "bool") and len(args) == 1 and isinstance(args[0], (int, float, str, bool)):
                if not isinstance(args[0], str):
                    return {"int": int, "float": float, "round": round, "abs": abs, "bool": bool}[name](args[0])
            if name in ("int", "round", "abs") and len(args) == 1 and isinstance(args[0], Expr):
                return args[0] if self.whole_dim(args[0], signed=name != "abs") else self.symbol(node)
            if name in ("min", "max") and args:
                vals = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
                if not vals and "default" in kwargs and len(args) == 1:
                    return kwargs["default"]
                if vals and all(isinstance(v, (int, float)) for v in vals):
                    return (min if name == "min" else max)(vals)
            if name == "sum" and len(args) == 1 and isinstance(args[0], (list, tuple)):
                total: Any = 0
                for v in args[0]:
                    if not isinstance(v, (int, float, Expr)):
                        return self.symbol(node)
                    total = total + v
                return total
            if name in ("list", "tuple", "sorted", "reversed") and len(args) <= 1:
                if not args:
                    return [] if name != "tuple" else ()
                it = self.iterate(args[0])
                if it is None:
                    return self.symbol(node)
                if name == "sorted":
                    reverse = kwargs.get("reverse", False)
                    key = sort_key(it)
                    if key is None or not isinstance(reverse, bool):
                        return self.symbol(node)
                    it = sorted(it, key=key, reverse=reverse)
                if name == "reversed":
                    it = list(reversed(it))
                return tuple(it) if name == "tuple" else it
            if name == "enumerate" and 1 <= len(args) <= 2 and set(kwargs) <= {"start"}:
                it = self.iterate(args[0])
                start = args[1] if len(args) > 1 else kwargs.get("start", 0)
                if it is None or not isinstance(start, (int, Expr)) or isinstance(start, bool):
                    return self.symbol(node)
                return [(start + i, x) for i, x in enumerate(it)]
            if name == "zip" and args and not kwargs.get("strict"):
                its = [self.iterate(a) for a in args]
                if any(i is None for i in its):
                    return self.symbol(node)
                return [tuple(t) for t in zip(*its)]
            if name == "dict" and len(args) <= 1:
                base: dict = {}
                if args and isinstance(args[0], dict):
                    base = dict(args[0])
                elif args:
                    pairs = self.iterate(args[0])
                    if pairs is None or not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
                        return self.symbol(node)
                    base = dict(pairs)
                base.update(kwargs)
                return base
            if name == "divmod" and len(args) == 2 and all(isinstance(a, int) for a in args) and args[1]:
                return divmod(args[0], args[1])
            if name == "pow" and len(args) == 2:
                return self.binop("Power", args[0], args[1], node)
            if name == "print":
                return None
            if name == "isinstance" and len(args) == 2 and isinstance(args[0], LayerObj):
                return is_layer_instance(args[0].layer, args[1])
            if name == "isinstance" and len(args) == 2:
                return self.plain_isinstance(args[0], args[1], node)
            if name == "type" and len(args) == 1 and not kwargs and type(args[0]) in _PLAIN_TYPES:
                return Ref(f"builtins.{type(args[0]).__name__}")
            if name in ("getattr", "hasattr") and len(args) in (2, 3) and isinstance(args[1], str):
                return self.get_attribute(name, args, node)
            if name == "callable" and len(args) == 1:
                v = args[0]
                if isinstance(v, (FunctionVal, BoundMethod, ClassVal, PartialVal, LayerObj, ModelVal)):
                    return True
                if v is None or isinstance(v, (bool, int, float, str, list, tuple, dict)):
                    return False
        except (TypeError, ValueError, OverflowError):
            pass
        return self.symbol(node)

    def changed(self, obj: list | dict) -> None:
        if self.mutated:
            self.mutated[-1].add(id(obj))

    def list_method(self, obj: list, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """Python's list methods, followed exactly; a change we cannot follow makes the list unknown."""
        if name in ("index", "count") and len(args) == 1 and not kwargs:
            try:
                return obj.index(args[0]) if name == "index" else obj.count(args[0])
            except ValueError:
                return self.symbol(node)
        if name == "copy" and not args:
            return list(obj)
        self.changed(obj)
        done, result = False, None
        if kwargs or any(a is STAR_UNKNOWN for a in args):
            pass
        elif name == "append" and len(args) == 1:
            obj.append(args[0])
            done = True
        elif name == "extend" and len(args) == 1:
            it = self.iterate(args[0])
            if it is not None and len(obj) + len(it) <= MAX_SEQUENCE:
                obj.extend(it)
                done = True
        elif name == "insert" and len(args) == 2 and isinstance(args[0], int) and not isinstance(args[0], bool):
            obj.insert(args[0], args[1])
            done = True
        elif name == "pop" and len(args) <= 1 and obj:
            i = args[0] if args else -1
            if isinstance(i, int) and not isinstance(i, bool) and -len(obj) <= i < len(obj):
                result, done = obj.pop(i), True
        elif name in ("reverse", "clear") and not args:
            obj.reverse() if name == "reverse" else obj.clear()
            done = True
        elif name == "remove" and len(args) == 1 and all(isinstance(v, (int, float, str)) for v in obj + args):
            if args[0] in obj:
                obj.remove(args[0])
                done = True
        elif name == "sort" and not args and all(isinstance(v, (int, float, str)) for v in obj):
            try:
                obj.sort()
                done = True
            except TypeError:
                pass
        if not done:
            self.forget({id(obj)}, self.current_frame)
            return self.symbol(node)
        return result

    def dict_change(self, obj: dict, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        self.changed(obj)
        try:
            if name == "update" and len(args) <= 1 and (not args or isinstance(args[0], dict)):
                obj.update(*args, **kwargs)
                return None
            if name in ("pop", "setdefault") and 1 <= len(args) <= 2 and not kwargs:
                if name == "pop" and args[0] not in obj and len(args) == 1:
                    return self.symbol(node)  # KeyError in Python
                return obj.pop(*args) if name == "pop" else obj.setdefault(*args)
            if name == "clear" and not args and not kwargs:
                obj.clear()
                return None
        except TypeError:  # an unhashable key
            pass
        self.forget({id(obj)}, self.current_frame)
        return self.symbol(node)

    def get_attribute(self, name: str, args: list, node: cst.Call) -> Any:
        """``getattr(obj, "name"[, default])`` / ``hasattr``: as ``obj.name`` where we can tell."""
        obj, attr = args[0], args[1]
        if not isinstance(attr, str) or attr.startswith("__") and attr.endswith("__"):
            return self.symbol(node)  # a computed or dunder name is never followed
        if isinstance(obj, InstanceVal):
            found = attr in obj.attrs or attr in obj.cls.methods or attr in obj.cls.attrs
            if name == "hasattr":
                return found
            if attr in obj.attrs:
                return obj.attrs[attr]
            if attr in obj.cls.methods:
                fn = obj.cls.methods[attr]
                if fn.binding == "property":
                    return self.call_function(fn, [obj], {}, node.func)
                return fn if fn.binding == "static" else BoundMethod(obj, attr)
            if attr in obj.cls.attrs:
                return obj.cls.attrs[attr]
            return args[2] if len(args) == 3 else self.symbol(node)
        if isinstance(obj, Ref) and name == "getattr":
            return Ref(f"{obj.qualname}.{attr}")
        return self.symbol(node)

    def plain_isinstance(self, v: Any, types: Any, node: cst.Call) -> Any:
        """``isinstance`` of a folded Python value against builtin types; unknown otherwise."""
        wanted = types if isinstance(types, tuple) else (types,)
        names = [t.qualname[9:] for t in wanted if isinstance(t, Ref) and t.qualname.startswith("builtins.")]
        if len(names) != len(wanted) or isinstance(v, Expr) or not (
                v is None or isinstance(v, (bool, int, float, str, list, tuple, dict))):
            return self.symbol(node)
        py = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "tuple": tuple, "dict": dict}
        if any(n not in py for n in names):
            return self.symbol(node)
        return isinstance(v, tuple(py[n] for n in names))

    def call_template(self, args: list, kwargs: dict, node: cst.Call) -> Any:
        """``string.Template(text)``: its substitutions are done by our formatter."""
        if len(args) == 1 and type(args[0]) is str and not kwargs:
            return TemplateVal(args[0])
        return self.symbol(node)

    def whole_dim(self, v: Expr, signed: bool = True) -> bool:
        """Whether ``v`` is a whole number whatever its symbols turn out to be, so that int() or
        round() of it is itself: sums and products of dims and lengths, floor divisions.  A true
        quotient or a symbol for anything else (``math.sqrt(n)``) may be a fraction; abs() keeps
        only a dim or length alone, which cannot be negative.  A quotient of whole numbers
        counts: it becomes a number only where it divides exactly."""
        def whole_atom(atom: Any) -> bool:
            if atom.op == "sym":
                return atom.text in self.shape_refs or atom.text.startswith(("len(", "int("))
            return atom.op in ("//", "%", "/") and all(not isinstance(a, Expr) or self.whole_dim(a) for a in atom.args)

        if not signed:
            return len(v.terms) == 1 and all(c == 1 and len(m) == 1 and m[0][1] == 1 and m[0][0].op == "sym"
                                              and whole_atom(m[0][0]) for m, c in v.terms.items())
        return all(isinstance(c, int) and all(whole_atom(a) for a, _ in m) for m, c in v.terms.items())

    def call_math(self, name: str, args: list, node: cst.Call) -> Any:
        if name == "prod" and args:
            it = self.iterate(args[0])
            if it is not None and all(isinstance(v, (int, Expr)) for v in it):
                total: Any = 1
                for v in it:
                    total = total * v
                    if not fits(total):
                        return self.too_big(node, over_budget(total))
                return total
        if name in ("round", "around") and len(args) == 1 and type(args[0]) in (int, float):
            # numpy rounds half to even, as Python's round() does; an int stays an int, a float a float
            return args[0] if type(args[0]) is int else float(round(args[0])) if abs(args[0]) < 2.0 ** 52 else args[0]
        numbers = all(isinstance(a, (int, float)) and not isinstance(a, bool) for a in args)
        if args and numbers and (len(args) == 1 or name == "log" and len(args) == 2):
            if name in ("ceil", "floor") and abs(args[0]) > 2.0 ** MAX_INT_BITS:
                return self.symbol(node)
            try:
                return {"ceil": math.ceil, "floor": math.floor, "sqrt": math.sqrt, "log2": math.log2, "log": math.log,
                        "log10": math.log10, "exp": math.exp}[name](*args)
            except (KeyError, ValueError, OverflowError, ZeroDivisionError):
                pass
        return self.symbol(node)

