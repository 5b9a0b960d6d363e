"""Evaluating expressions: names, attributes, subscripts, operators,
comparisons and comprehensions over folded values, tensors and symbols."""

from __future__ import annotations

from typing import Any

import libcst as cst
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Span, Tensor
from layerlint.engine.ops.base import ConstTensor, Unfollowed
from layerlint.engine.symbolic import Expr, NumpyInt
from layerlint.extract.building import same_dim
from layerlint.extract.compare import AutoName, compare
from layerlint.extract.formatting import OverBudget, Unformattable, check_size, fstring_part, percent_format
from layerlint.extract.helpers import KERAS_APPLICATIONS_GLOBALS
from layerlint.extract.keras_names import classify
from layerlint.extract.runtime import (
    BUILTIN_NAMES,
    MAX_INT_BITS,
    MAX_LOOP,
    MAX_STEPS,
    UNDECIDED,
    BreakSignal,
    ContinueSignal,
    Frame,
    ReturnSignal,
    StopSignal,
    fits,
    over_budget,
    row_text,
)
from layerlint.extract.tensor_ops import COMPARISONS, MULTI_OUTPUT_OPS, OPERATORS, known_dims
from layerlint.extract.values import (
    ArrayVal,
    BoundMethod,
    ClassVal,
    DatasetVal,
    FunctionVal,
    GeneratorVal,
    InputLayerVal,
    InstanceVal,
    KerasObj,
    LayerObj,
    LazyImport,
    ModelVal,
    ModuleVal,
    OpaqueLayers,
    OpaqueModelVal,
    OpaquePart,
    Ref,
    ShapeVal,
    SuperVal,
    TemplateVal,
    TensorVal,
    WeightVal,
    ZippedDatasetVal,
)


class Expressions:
    """The Interpreter's expression half (a mixin: state lives on the Interpreter)."""

    # -- expressions -------------------------------------------------------
    def eval(self, node: cst.BaseExpression, frame: Frame) -> Any:
        steps = self.steps = self.steps + 1  # Interpreter.tick(), inline: this runs for every expression
        if steps > MAX_STEPS or steps % 1000 == 0:
            self.check_budget()
        # The commonest nodes first, by exact type: isinstance() against libcst's classes goes
        # through ABCMeta, and this is the interpreter's hottest function.
        kind = type(node)
        if kind is cst.Name:
            return self.lookup(node.value, node, frame)
        if kind is cst.Attribute:
            return self.eval_attribute(node, frame)
        if kind is cst.Call:
            return self.eval_call(node, frame)
        if kind is cst.SimpleString:
            text = node.value
            # No prefix, escape or CR: the value is what the quotes hold (literal_eval compiles).
            if text[0] in "'\"" and "\\" not in text and "\r" not in text:
                return text[3:-3] if len(text) >= 6 and text[:3] in ('"""', "'''") else text[1:-1]
        if kind is cst.Integer:
            try:
                value = int(node.value, 0)  # what literal_eval gives, without compiling
            except ValueError:  # over Python's int-string digit limit
                return self.symbol(node)
            if not fits(value):
                return self.too_big(node, f"an integer of {value.bit_length():,} bits is over the budget of {MAX_INT_BITS}")
            return value
        if kind is cst.Float:
            return float(node.value)  # what literal_eval gives, without compiling
        if kind is cst.SimpleString:
            try:
                return node.evaluated_value
            except (ValueError, SyntaxError):  # an escape Python rejects, or a bytes literal with non-ASCII
                return self.symbol(node)
        if kind is cst.ConcatenatedString:
            left, right = self.eval(node.left, frame), self.eval(node.right, frame)
            return left + right if isinstance(left, str) and isinstance(right, str) else self.symbol(node)
        if kind is cst.FormattedString:
            return self.eval_fstring(node, frame)
        if kind in (cst.Tuple, cst.List, cst.Set):
            items = self.eval_elements(node.elements, frame)
            if items is None:  # `(None, *x.shape[2:])` with x unknown: not even the length is known
                return self.symbol(node)
            return tuple(items) if kind is cst.Tuple else items
        if kind is cst.Dict:
            out = {}
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    k = self.eval(el.key, frame)
                    try:
                        out[k] = self.eval(el.value, frame)
                    except TypeError:  # an unhashable key (a symbol's stand-in): the dict is unknown
                        return self.symbol(node)
                else:
                    v = self.eval(el.value, frame)
                    if not isinstance(v, dict):
                        return self.symbol(node)
                    out.update(v)
            return out
        if kind is cst.Subscript:
            return self.eval_subscript(node, frame)
        if kind is cst.BinaryOperation:
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            return self.binop(type(node.operator).__name__, left, right, node)
        if kind is cst.UnaryOperation:
            v = self.eval(node.expression, frame)
            op = type(node.operator).__name__
            if op == "Not":
                t = self.truth(v)
                # an undecided value is named by its source: it may end up as an argument, shown to the user
                return self.compound_symbol(node) if t is UNDECIDED else (not t)
            if isinstance(v, TensorVal):
                out = self.tensor_unary(op, v, node)
                return out if out is not None else self.unfollowed_tensor(node, [v])
            if isinstance(v, ConstTensor) and op in ("Minus", "Plus"):
                return ConstTensor(v.shape, self.text(node))
            if isinstance(v, (int, float, Expr)) and not isinstance(v, bool) or isinstance(v, bool):
                if op == "Minus":
                    return -v
                if op == "Plus":
                    return v
                if op == "BitInvert" and isinstance(v, int):
                    return ~v
            return self.symbol(node)
        if kind is cst.BooleanOperation:
            left = self.eval(node.left, frame)
            t = self.truth(left)
            if t is UNDECIDED:
                return self.compound_symbol(node)
            if isinstance(node.operator, cst.And):
                return self.eval(node.right, frame) if t else left
            return left if t else self.eval(node.right, frame)
        if kind is cst.Comparison:
            return self.eval_comparison(node, frame)
        if kind is cst.IfExp:
            t = self.truth(self.eval(node.test, frame))
            if t is UNDECIDED:
                return self.eval_undecided_ifexp(node, frame)
            return self.eval(node.body if t else node.orelse, frame)
        if kind is cst.Lambda:
            return self.made(FunctionVal(node, frame, "<lambda>", "<lambda>"))
        if kind in (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp):
            return self.eval_comprehension(node, frame)
        if kind is cst.NamedExpr:
            v = self.eval(node.value, frame)
            self.bind(node.target, v, frame)
            return v
        if kind is cst.Ellipsis:
            return Ellipsis
        return self.symbol(node)

    def eval_elements(self, elements: Any, frame: Frame) -> list | None:
        """The items, or None when a starred part cannot be iterated (its length is unknown)."""
        items: list = []
        for el in elements:
            if type(el) is cst.StarredElement:
                v = self.eval(el.value, frame)
                it = self.iterate(v)
                if it is None:
                    return None
                items.extend(it)
            else:
                items.append(self.eval(el.value, frame))
        return items

    def eval_fstring(self, node: cst.FormattedString, frame: Frame) -> Any:
        try:
            return self.fstring_text(node.parts, frame, node)
        except Unformattable:
            return self.symbol(node)
        except OverBudget as e:
            return self.too_big(node, str(e))

    def fstring_text(self, parts: Any, frame: Frame, node: cst.FormattedString) -> str:
        """The parts of an f-string (or of one field's spec), formatted by our own formatter."""
        out: list[str] = []
        size = 0
        for part in parts:
            if isinstance(part, cst.FormattedStringText):
                piece = part.value
                if "\\" in piece or "{{" in piece or "}}" in piece:
                    if "{" in piece.replace("{{", "").replace("}}", "") or "\\N" in piece:
                        raise Unformattable(piece)
                    piece = self.fstring_literal(node, piece)
            else:
                if part.equal is not None:  # f"{x=}" prints source text: not followed
                    raise Unformattable("=")
                v = self.eval(part.expression, frame)
                spec = "" if part.format_spec is None else self.fstring_text(part.format_spec, frame, node)
                piece = fstring_part(v, part.conversion, spec)
            size += len(piece)
            check_size(size)
            out.append(piece)
        return "".join(out)

    def fstring_literal(self, node: cst.FormattedString, text: str) -> str:
        """A literal part with escapes or doubled braces, read as Python reads it."""
        import ast

        if "r" in node.prefix.lower():
            return text.replace("{{", "{").replace("}}", "}")
        quote = node.quote
        try:
            value = ast.literal_eval(quote + text.replace("{{", "{").replace("}}", "}") + quote)
        except (ValueError, SyntaxError):
            raise Unformattable(text) from None
        if type(value) is not str:
            raise Unformattable(text)
        return value

    def lookup(self, name: str, node: cst.CSTNode, frame: Frame) -> Any:
        try:
            value = frame.lookup(name)
            return self.resolve_lazy(value) if type(value) is LazyImport else value
        except KeyError:
            pass
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        for mod in frame.globals.star_modules:
            k = classify(f"{mod}.{name}")
            # keras.layers holds no models: `from keras.layers import *` does not bind Sequential or Model
            if k is not None and k.kind != "module" and not (k.kind in ("sequential", "model") and mod.endswith("layers")):
                return Ref(f"{mod}.{name}")
        if name in BUILTIN_NAMES:
            return Ref(f"builtins.{name}")
        qualname = self.free_names.assume(name, self.span(node))
        if qualname is not None:  # a pasted snippet's Keras name; bound once, so later lookups are plain
            self.globals.assign(name, Ref(qualname))
            return Ref(qualname)
        return Expr.symbol(name)

    def eval_attribute(self, node: cst.Attribute, frame: Frame) -> Any:
        obj = self.eval(node.value, frame)
        attr = node.attr.value
        if attr.startswith("__") and attr.endswith("__") and not (isinstance(obj, SuperVal) and attr == "__init__"):
            # Dunder paths (__class__, __globals__, __init__, __dict__, ...) lead into the
            # interpreter's own objects, never into anything the file built: not followed.
            # super().__init__ is the one spelling modelled: the file's own class chain, by our rules.
            return self.symbol(node)
        if isinstance(obj, Ref):
            ref = obj.attr(attr)
            if ref.qualname.startswith("keras.backend.") and ref.undecided is None:
                self.note_backend_name(ref.qualname, node)
            self.note_removed_name(ref, node)
            return Ref(KERAS_APPLICATIONS_GLOBALS[ref.qualname]) if ref.qualname in KERAS_APPLICATIONS_GLOBALS else ref
        if isinstance(obj, ModuleVal):
            return self.module_attribute(obj, attr, node)
        if isinstance(obj, TensorVal):
            if attr == "shape":
                return ShapeVal(obj.tensor, self.text(node))
            return self.symbol(node)
        if isinstance(obj, ConstTensor):
            return obj.shape if attr == "shape" else (len(obj.shape) if attr == "ndim" else self.symbol(node))
        if isinstance(obj, ModelVal):
            return self.model_attribute(obj, attr, node)
        if isinstance(obj, ArrayVal):
            return self.array_attribute(obj, attr, node)
        if isinstance(obj, (DatasetVal, GeneratorVal, ZippedDatasetVal)):
            return BoundMethod(obj, attr)
        if isinstance(obj, LayerObj):
            if attr == "name":
                if obj.layer.explicit_name:
                    return obj.layer.explicit_name
                if obj.layer.given_name is not None:  # given, not computable: the user's value, never an automatic name
                    name = obj.layer.kwargs.get("name")
                    return name if isinstance(name, Expr) else self.symbol(node)
                return AutoName(obj.layer.cls)
            if not obj.layer.known and obj.layer.submodel is None:
                return self.opaque_attribute(obj, attr, node)
            if attr in ("output", "input"):
                return self.layer_tensor(obj.layer, attr) or self.symbol(node)
            return BoundMethod(obj, attr)
        if isinstance(obj, OpaquePart):
            return self.opaque_attribute(obj.owner, attr, node) if attr != "name" else self.symbol(node)
        if isinstance(obj, InputLayerVal) and attr == "input" and self.keras_version != 2:
            return []  # Keras 3: an InputLayer's node reads no tensor (its .output is the Input)
        if isinstance(obj, InputLayerVal) and attr in ("output", "input"):
            return TensorVal(Tensor(obj.input))
        if isinstance(obj, InputLayerVal) and attr == "name":  # model.layers[0].name in a freezing loop
            return obj.input.name or (self.symbol(node) if obj.input.unknown_name is not None else AutoName("InputLayer"))
        if isinstance(obj, InstanceVal):
            if attr in obj.attrs:
                return obj.attrs[attr]
            fn = obj.cls.methods.get(attr)
            if fn is not None:
                if fn.binding == "property":
                    return self.call_function(fn, [obj], {}, node)
                return fn if fn.binding == "static" else BoundMethod(obj, attr)
            if attr == "add_weight" and obj.cls.kind in ("layer", "model"):
                return BoundMethod(obj, attr)
            if attr in obj.cls.attrs:
                return obj.cls.attrs[attr]
            return self.symbol(node)
        if isinstance(obj, ClassVal):
            fn = obj.methods.get(attr)
            if fn is not None:
                return BoundMethod(obj, attr) if fn.binding == "class" else fn
            if attr in obj.attrs:
                return obj.attrs[attr]
            return self.symbol(node)
        if isinstance(obj, (list, dict, str, ShapeVal, OpaqueModelVal, KerasObj, SuperVal, TemplateVal)):
            return BoundMethod(obj, attr)
        return self.symbol(node)

    def opaque_attribute(self, obj: LayerObj, attr: str, node: cst.CSTNode) -> Any:
        """An attribute of a model or layer we cannot see into (a pretrained application,
        a model loaded from a file): its tensors are unknown, and carry why."""
        if attr in ("output", "input", "outputs", "inputs"):
            # How many inputs or outputs it has is unknown too: one tensor stands for them all.
            return self.opaque_output(obj, attr.removesuffix("s"))
        if attr == "layers":
            return OpaqueLayers(obj)
        if attr == "name":
            return obj.layer.explicit_name or self.symbol(node)
        return BoundMethod(obj, attr)

    def opaque_output(self, obj: LayerObj, attr: str) -> Any:
        """``base.output`` of a Keras application or custom layer: an unknown tensor."""
        if obj.output_cache is None:
            inp = InputDef(Expr.symbol(f"{obj.layer.cls}.input.shape"), obj.layer.span,
                           unknown_reason=f"the input of `{obj.layer.cls}`, which is not analysed")
            node = Node(obj.layer, [Tensor(inp)], {}, obj.layer.span)
            self.node_counter += 1
            obj.output_cache = (TensorVal(Tensor(inp)), TensorVal(Tensor(node)))
        return obj.output_cache[0] if attr == "input" else obj.output_cache[1]

    def eval_subscript(self, node: cst.Subscript, frame: Frame) -> Any:
        obj = self.eval(node.value, frame)
        if isinstance(obj, ArrayVal):
            return self.array_subscript(obj, node, frame)
        if isinstance(obj, TensorVal):
            return self.tensor_subscript(obj, node, frame)
        if isinstance(obj, ConstTensor):
            key = self.subscript_key(node, frame)  # TensorFlow's indexing: c[None] is c[None,]
            if obj.values is not None and isinstance(key, int):
                row = const_row(obj, key, self.text(node))
                if row is not None:
                    return row
            return self.constant_operator("get_item", (obj, key if isinstance(key, tuple) else (key,)), node)
        if len(node.slice) != 1:
            return self.symbol(node)
        sl = node.slice[0].slice
        if isinstance(sl, cst.Index):
            idx = self.eval(sl.value, frame)
            if isinstance(obj, ShapeVal) and isinstance(idx, int):
                return self.shape_dim(obj, idx, self.text(node))
            if isinstance(obj, (tuple, list, str)) and isinstance(idx, int) and not isinstance(idx, bool):
                if -len(obj) <= idx < len(obj):
                    return obj[idx]
            if isinstance(obj, dict):
                try:
                    if idx in obj:
                        return obj[idx]
                except TypeError:
                    pass
            if isinstance(obj, OpaqueLayers) and isinstance(idx, int):
                return OpaquePart(obj.owner, self.text(node))
            if isinstance(obj, Expr) and isinstance(idx, int):
                return Expr.symbol(self.text(node))
            return self.symbol(node)
        # slice
        parts = []
        for p in (sl.lower, sl.upper, sl.step):
            parts.append(None if p is None else self.eval(p, frame))
        if isinstance(obj, (tuple, list, str)) and all(p is None or isinstance(p, int) for p in parts):
            return obj[slice(*parts)]
        if isinstance(obj, ShapeVal) and all(p is None or isinstance(p, int) for p in parts):
            shape = self.known_shape(obj.tensor)
            if shape is not None:
                return shape[slice(*parts)]
        return self.symbol(node)

    def known_shape(self, tensor: Tensor) -> tuple | None:
        """The shape the graph built so far gives ``tensor``, as Keras has it at this line.

        Builders branch on ``x.shape[-1]`` and size layers from it; shaping the
        sub-graph that produced ``x`` now lets both follow what Keras does.
        """
        out = self.probe_output(tensor, report=True)
        return out if isinstance(out, tuple) else None

    def shape_dim(self, sv: ShapeVal, axis: int, name: str) -> Any:
        shape = self.known_shape(sv.tensor)
        # In a call() Keras 3 traces, ops.shape(x) / tf.shape(x) give a dim Keras does not know as a
        # TensorFlow tensor: a symbol the engine makes None, with what is computed from it.
        traced_unknown = sv.dynamic and self.tracing and self.keras_version != 2
        if shape is not None and -len(shape) <= axis < len(shape) and (shape[axis] is not None or sv.dynamic
                                                                        and not traced_unknown):
            return shape[axis]
        # Unknown now: a symbol the engine resolves once x is shaped.  Named by
        # source text plus the tensor, so one helper called twice keeps two names.
        base, k = name, 1
        while name in self.shape_refs and not same_dim(self.shape_refs[name], (sv.tensor, axis)):
            k += 1
            name = f"{base}'{k}"
        self.shape_refs[name] = (sv.tensor, axis)
        if sv.dynamic and (sv.graph or traced_unknown):
            self.dynamic_refs.add(name)
        if traced_unknown and shape is not None and -len(shape) <= axis < len(shape):
            self.unsized_reads.add(name)
        return Expr.symbol(name)

    def none_dim_test(self, op: str, left: Any, right: Any) -> bool | None:
        """``x.shape[i] is None``: a dim Keras leaves None (the batch, an unsized axis) stands here as
        a symbol, so that using it as a number stays unknown; Keras' test of it is still decided."""
        if op not in ("Is", "IsNot") or (left is None) == (right is None):
            return None
        dim = right if left is None else left
        if not (isinstance(dim, Expr) and dim == Expr.symbol(next(iter(dim.symbols()), ""))):
            return None
        ref = self.shape_refs.get(next(iter(dim.symbols())))
        if ref is None:
            return None
        shape = self.known_shape(ref[0])
        if shape is None or not -len(shape) <= ref[1] < len(shape) or shape[ref[1]] is not None:
            return None
        return op == "Is"

    def eval_comparison(self, node: cst.Comparison, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            op = type(target.operator).__name__
            if isinstance(left, TensorVal) or isinstance(right, TensorVal):
                if len(node.comparisons) > 1:
                    return UNDECIDED  # Python asks the truth of a tensor between the two comparisons
                return self.tensor_compare(op, left, right, node)
            if isinstance(left, ConstTensor) or isinstance(right, ConstTensor):
                name = COMPARISONS.get(op)
                if name is None or len(node.comparisons) > 1:
                    return self.symbol(node)
                return self.constant_operator(name, (self.operand(left, node, 0), self.operand(right, node, 1)), node)
            r = self.none_dim_test(op, left, right)
            if r is None:
                r = compare(op, left, right)
            if r is UNDECIDED:
                return UNDECIDED
            if not r:
                return False
            left = right
        return True

    def eval_comprehension(self, node: Any, frame: Frame) -> Any:
        results: list = []
        inner = Frame(frame, frame.globals)
        start = (self.steps, self.model_changes)

        is_dict = isinstance(node, cst.DictComp)

        def run(fors: cst.CompFor | None) -> None:
            if fors is None:
                # As a loop: a long comprehension that builds no layers (5,000 random colours) is not followed.
                if self.loop_builds_nothing(start):
                    self.note(node, f"comprehension stopped after {len(results):,} items: it builds no layers, "
                                    "so its value is unknown")
                    raise StopSignal
                if is_dict:
                    results.append((self.eval(node.key, inner), self.eval(node.value, inner)))
                else:
                    results.append(self.eval(node.elt, inner))
                return
            items = self.iterate(self.eval(fors.iter, inner))
            if items is None:
                self.count_unknown(node, fors, inner)
                raise StopSignal
            for item in items:
                self.bind(fors.target, item, inner)
                ok = True
                for cond in fors.ifs:
                    t = self.truth(self.eval(cond.test, inner))
                    if t is UNDECIDED:  # which items are kept is unknown
                        self.count_unknown(node, fors, inner)
                        raise StopSignal
                    if not t:
                        ok = False
                        break
                if ok:
                    run(fors.inner_for_in)

        try:
            run(node.for_in)
        except StopSignal:
            return self.symbol(node)
        finally:
            # `run` calls itself through its own closure cell, a cycle that would keep this
            # interpreter and the whole parse tree alive until the cyclic collector found them.
            run = None  # type: ignore[assignment]
        if is_dict:
            try:
                return dict(results)
            except TypeError:
                return self.symbol(node)
        return results

    def count_unknown(self, node: Any, fors: cst.CompFor, inner: Frame) -> None:
        """A comprehension whose items cannot be counted is left unknown; its element is evaluated once
        more, for nothing but the layers it makes: Keras named each as many times as it ran, which is not
        known, so their names' counts are unknown after it (Building.constructed).  Layers only: a
        comprehension that makes none leaves nothing to count, and what the pass makes is dropped."""
        if not self.recording or "(" not in self.text(node.elt if not isinstance(node, cst.DictComp) else node.value):
            return
        models = len(self.result.models)
        try:
            with self.followed_once(self.unknown_loops, f"for {self.text(fors.target)} in {self.text(fors.iter)}") \
                    as changed:
                self.bind(fors.target, self.symbol(fors.target), inner)
                self.eval(node.value if isinstance(node, cst.DictComp) else node.elt, inner)
        except (StopSignal, ReturnSignal, BreakSignal, ContinueSignal):
            pass
        finally:
            del self.result.models[models:]  # what the comprehension gives is unknown: no model of it is the file's
        if changed:
            self.forget(changed, inner)

    def subscript_key(self, node: cst.Subscript, frame: Frame) -> Any:
        """What Python passes to ``__getitem__``: one value, or a tuple of the comma's parts."""
        parts: list = []
        for el in node.slice:
            sl = el.slice
            if isinstance(sl, cst.Index):
                parts.append(self.eval(sl.value, frame))
            else:
                parts.append(slice(*(None if p is None else self.eval(p, frame) for p in (sl.lower, sl.upper, sl.step))))
        return parts[0] if len(parts) == 1 and not isinstance(node.slice[0].comma, cst.Comma) else tuple(parts)

    def tensor_subscript(self, obj: TensorVal, node: cst.Subscript, frame: Frame) -> Any:
        """``x[...]``: an output of a layer returning several tensors, or Keras' get_item on a tensor."""
        key = self.subscript_key(node, frame)
        if isinstance(key, int) and not isinstance(key, bool) and obj.tensor.index is None:
            out = self.probe_output(obj.tensor)
            p = obj.tensor.producer
            many = isinstance(out, list) or out is None and isinstance(p, Node) and (
                p.layer.op is None or p.layer.op in MULTI_OUTPUT_OPS)
            if many:  # a layer's list of outputs: Python indexes the list
                return TensorVal(Tensor(p, key))
        if isinstance(key, slice) and obj.tensor.index is None and all(
                b is None or isinstance(b, int) and not isinstance(b, bool) for b in (key.start, key.stop, key.step)):
            outs = self.output_list(obj)
            if outs is not None:  # `skips[:-1]` of a model's several outputs: a slice of Python's list of them
                return outs[key]
        return self.tensor_item(obj, key, node)

    def tensor_binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        operands = [self.operand(v, node, i) for i, v in enumerate((a, b))]
        out = self.tensor_operator(op, operands[0], operands[1], node)
        if out is None:
            return self.unfollowed_tensor(node, [v for v in (a, b) if isinstance(v, TensorVal)])
        return out

    def tensor_compare(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        if op in ("Equal", "NotEqual", "Is", "IsNot"):
            # KerasTensor keeps Python's identity comparison: no op, a plain bool.
            same = isinstance(a, TensorVal) and isinstance(b, TensorVal) and a.tensor.producer is b.tensor.producer \
                and a.tensor.index == b.tensor.index
            return same if op in ("Equal", "Is") else not same
        if op in ("In", "NotIn"):
            return UNDECIDED
        operands = [self.operand(v, node, i) for i, v in enumerate((a, b))]
        out = self.tensor_comparison(op, operands[0], operands[1], node)
        return out if out is not None else self.unfollowed_tensor(node, [v for v in (a, b) if isinstance(v, TensorVal)])

    def operand(self, v: Any, node: cst.CSTNode, side: int) -> Any:
        """An operand as the op table reads it: tensors and numbers as they are; anything
        else by its source text, so a row we cannot shape names it."""
        if isinstance(v, (TensorVal, WeightVal, ConstTensor, int, float)) and not isinstance(v, Expr):
            return v
        if isinstance(v, ArrayVal) and known_dims(v.shape) and not v.sequences:
            return ConstTensor(v.shape, v.text)  # data (a NumPy array): a constant operand
        if isinstance(v, (list, tuple)) and all(isinstance(x, (int, float)) for x in v):
            return v
        part = None
        if isinstance(node, (cst.BinaryOperation, cst.Comparison)):
            part = node.left if side == 0 else (node.right if isinstance(node, cst.BinaryOperation)
                                                 else node.comparisons[0].comparator)
        elif isinstance(node, cst.AugAssign):
            part = node.target if side == 0 else node.value
        return Unfollowed(self.text(part) if part is not None else self.text(node))

    def unfollowed_tensor(self, node: cst.CSTNode, tensors: list) -> Any:
        """A tensor expression we do not follow: an opaque row carrying its inputs on, never a symbol."""
        text = self.text(node)
        layer = LayerDef(row_text(text), (), {}, self.span(node), known=False, opaque_reason=f"`{text}` is not followed")
        return self.make_node(layer, [t.tensor for t in tensors], {}, node, list_input=False)

    def probe_output(self, tensor: Tensor, report: bool = False) -> Any:
        """What the graph built so far gives ``tensor``: a shape, a list of shapes, or None.

        What is upstream of a node never changes once the node is made, so each node's
        output is kept: a later probe starts from the nodes already shaped (declared as
        the probe's inputs) instead of reshaping the whole graph at every ``x.shape`` read.
        """

        cache = self.probe_cache
        p = tensor.producer
        if isinstance(p, Node) and id(p) in cache:
            out = cache[id(p)][1]
            if tensor.index is None:
                return out
            return out[tensor.index] if isinstance(out, list) and -len(out) <= tensor.index < len(out) else None
        shaped = self.probe(tensor, report)
        if shaped is None:
            return None
        self.keep_probed(shaped)
        return shaped.outputs[0]

    def keep_probed(self, shaped: Any) -> None:
        """Keep the output of each node a probe shaped, for the probes after it."""
        cache = self.probe_cache
        for call in shaped.calls:
            if call.node is not None and id(call.node) not in cache:
                cache[id(call.node)] = (call.node, call.output)

    def probe(self, tensor: Tensor, report: bool = False) -> Any:
        """The sub-graph producing ``tensor``, shaped from the nodes already shaped (None: the
        engine crashed, reported when ``report``)."""
        from layerlint.engine.shapes import shape_model

        cache = self.probe_cache
        known = self._probe_boundary(tensor)
        probe = ExtractedModel(self.path, Span(0, 0, 0, 0), "functional", inputs=[Tensor(n) for n in known],
                               outputs=[tensor], known_outputs={id(n): cache[id(n)][1] for n in known})
        try:
            return shape_model(probe, outputs_only=True, memo=self.nested_memo)
        except Exception as e:  # the engine reports what it cannot shape as unknown: this is a crash of ours
            if report:
                self.engine_crash(e)
            return None

    def _probe_boundary(self, tensor: Tensor) -> list[Node]:
        """The shaped nodes the sub-graph producing ``tensor`` starts from: what a probe
        declares as its inputs.  Shaped nodes it does not reach would only be declared to
        be skipped, and declaring every one made each probe cost the size of the graph."""
        cache = self.probe_cache
        boundary: list[Node] = []
        seen: set[int] = set()
        stack: list[Any] = [tensor.producer]
        while stack:
            p = stack.pop()
            if id(p) in seen:
                continue
            seen.add(id(p))
            if id(p) in cache:
                boundary.append(p)
            elif isinstance(p, Node):
                stack.extend(t.producer for t in _tensors_of(p))
        return boundary

    # -- operators ---------------------------------------------------------
    def binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        try:
            result = self._binop(op, a, b, node)
        except OverBudget as e:
            return self.too_big(node, str(e))
        if not fits(result):
            return self.too_big(node, over_budget(result))
        if type(result) is NumpyInt:  # named by the whole expression, as a finding quotes it
            return NumpyInt(int(result), self.text(node), result.dtype)
        return result

    def _binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        if isinstance(a, TensorVal) or isinstance(b, TensorVal):
            return self.tensor_binop(op, a, b, node)
        if isinstance(a, ConstTensor) or isinstance(b, ConstTensor):
            name = OPERATORS.get(op)
            if name is None:
                return self.symbol(node)
            return self.constant_operator(name, tuple(self.operand(v, node, i) for i, v in enumerate((a, b))), node)
        if isinstance(a, ArrayVal) or isinstance(b, ArrayVal):
            return self.array_binop(op, a, b, node)
        num = (int, float, Expr)
        try:
            if isinstance(a, num) and isinstance(b, num):
                if isinstance(a, float) and isinstance(b, Expr) or isinstance(b, float) and isinstance(a, Expr):
                    return self.symbol(node)
                if op == "Add":
                    return a + b
                if op == "Subtract":
                    return a - b
                if op == "Multiply":
                    return a * b
                if op == "FloorDivide":
                    if isinstance(b, int) and b == 0:
                        return self.symbol(node)
                    return a // b
                if op == "Divide":
                    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, Expr) \
                            and not isinstance(b, Expr) and b != 0:
                        return a / b  # as Python computes it (473 / 8.0 is 59.125)
                    if isinstance(a, Expr) and isinstance(b, int) and b > 0 and a // b * b == a:
                        return a // b  # exact division keeps the dim an integer expression
                    return self.symbol(node)
                if op == "Modulo":
                    if isinstance(b, (int, float)) and b == 0:
                        return self.symbol(node)
                    return a % b
                if op == "Power":
                    if isinstance(a, int) and isinstance(b, int) and b >= 0 and abs(a) > 1:
                        # Sized before it is computed: 10 ** 10 ** 8 would take seconds and megabytes.
                        if b * (abs(a).bit_length() - 1) > MAX_INT_BITS:
                            raise OverBudget(f"`{self.text(node)}` would be an integer over {MAX_INT_BITS} bits")
                        return a**b
                    if isinstance(a, (int, float)) and isinstance(b, int) and abs(b) <= 64 and abs(a) < 1e6:
                        return a**b
                    if isinstance(a, Expr) and isinstance(b, int):
                        return a**b
                    if isinstance(a, (int, float)) and isinstance(b, float) and a >= 0 and abs(a) < 1e6 and abs(b) <= 64:
                        return a**b  # a square root, say: a float like Python's
                    return self.symbol(node)
                if op in ("LeftShift", "RightShift", "BitAnd", "BitOr", "BitXor") and isinstance(a, int) and isinstance(b, int):
                    if op == "LeftShift":
                        if b > MAX_INT_BITS and a != 0:
                            raise OverBudget(f"`{self.text(node)}` would be an integer over {MAX_INT_BITS} bits")
                        return a << b if b >= 0 else self.symbol(node)
                    return {"RightShift": a >> b if b >= 0 else 0, "BitAnd": a & b, "BitOr": a | b, "BitXor": a ^ b}[op]
            if op == "Add" and isinstance(a, (tuple, list, str)) and type(a) is type(b):
                return a + b
            if op == "Multiply":
                seq, n = (a, b) if isinstance(a, (tuple, list, str)) else (b, a)
                if isinstance(seq, (tuple, list, str)) and isinstance(n, int) and not isinstance(n, bool):
                    check_size(len(seq) * max(n, 0))  # before the repetition is made
                    return seq * n
            if op == "Modulo" and isinstance(a, str):
                try:
                    return percent_format(a, b)
                except Unformattable:
                    return self.symbol(node)
        except (ArithmeticError, ValueError, OverflowError, TypeError):
            pass
        return self.symbol(node)

    def truth(self, v: Any) -> Any:
        if v is UNDECIDED or isinstance(v, (Expr, TensorVal, ShapeVal, Ref, BoundMethod)):
            return UNDECIDED
        if isinstance(v, ConstTensor):
            # An eager scalar's truth is its value's; a bigger tensor's is an error, and a graph
            # tensor's (in a traced call()) is refused: none of those is decided here.
            return bool(v.values[0]) if v.shape == () and v.values is not None and not self.tracing else UNDECIDED
        if isinstance(v, (int, float, str, bool, tuple, list, dict, type(None))):
            return bool(v)
        return True

    def iterate(self, v: Any) -> list | None:
        if isinstance(v, (list, tuple, str)):
            return list(v)
        if isinstance(v, ShapeVal) and not v.dynamic:  # list(x.shape): a Keras tensor's static dims
            shape = self.known_shape(v.tensor)
            return list(shape) if shape is not None else None
        if isinstance(v, dict):
            return list(v.keys())
        if isinstance(v, range):
            return list(v) if len(v) <= MAX_LOOP else None
        if isinstance(v, ConstTensor) and not self.tracing:
            return const_rows(v)
        if isinstance(v, ArrayVal) and v.values is not None:
            return list(v.values)
        if isinstance(v, TensorVal):
            return self.output_list(v)
        return None

    def output_list(self, v: TensorVal) -> list[TensorVal] | None:
        """A layer's result that is a list of tensors (a custom layer whose call() returns a
        list, a model of several outputs): Python iterates and measures that list itself.
        None for one tensor, or where the outputs are not known yet."""
        p = v.tensor.producer
        if v.tensor.index is not None or not isinstance(p, Node):
            return None
        out = self.probe_output(v.tensor)
        if not isinstance(out, list) or len(out) > MAX_LOOP:
            return None
        return [TensorVal(Tensor(p, i)) for i in range(len(out))]



def const_rows(v: ConstTensor) -> list | None:
    """Iterating an eager tensor: its rows along the first axis (elements, with their values
    where known); None where that axis' length is not a known number."""
    n = v.shape[0] if v.shape else None
    if not isinstance(n, int) or isinstance(n, bool) or n > MAX_LOOP:
        return None
    return [const_row(v, i, f"{v.text}[{i}]") for i in range(n)]


def const_row(v: ConstTensor, i: Any, text: str) -> ConstTensor | None:
    """``v[i]`` for an int ``i`` within a known first axis (an element, its value carried where
    known); None otherwise."""
    n = v.shape[0] if v.shape else None
    if not isinstance(i, int) or isinstance(i, bool) or not isinstance(n, int) or not -n <= i < n:
        return None
    if v.values is not None and len(v.shape) == 1:
        return ConstTensor((), text, (v.values[i],))
    return ConstTensor(v.shape[1:], text)


def _tensors_of(node: Node) -> list[Tensor]:
    """Every tensor a call reads: its inputs and those in its keyword arguments."""
    out: list[Tensor] = []
    pending: list[Any] = [*node.inputs, *node.call_kwargs.values()]
    while pending:
        v = pending.pop()
        if isinstance(v, Tensor):
            out.append(v)
        elif isinstance(v, (list, tuple)):
            pending.extend(v)
    return out
