"""An abstract interpreter over a libcst module that records Keras models.

It walks statements in order, folding constants, following imports, calls to
functions defined in the same file, loops over known iterables and ``if`` on
known conditions.  It never imports or executes user code: every value is
computed here from the syntax tree.  What it cannot follow becomes a symbol
named by its source text, and a note says where.
"""

from __future__ import annotations

import ast
import math
import re
import time
from typing import Any

import libcst as cst

from ..model import ExtractedModel, FileResult, InputDef, LayerDef, Node, Note, Span, Tensor
from ..symbolic import Expr
from .keras_names import classify
from .positions import Positions
from .values import (
    BoundMethod,
    ClassVal,
    FunctionVal,
    InputLayerVal,
    InstanceVal,
    KerasObj,
    LayerObj,
    ModelVal,
    OpaqueModelVal,
    Ref,
    ShapeVal,
    TensorVal,
)

MAX_STEPS = 200_000
MAX_SECONDS = 10.0
MAX_CALL_DEPTH = 24
MAX_LOOP = 10_000
# Values the interpreter folds stay small, so hostile code (``x = x * x`` in a
# loop, ``s = s + s``, a 5,000-digit literal) cannot exhaust time or memory.
MAX_INT_BITS = 256
MAX_SEQUENCE = 100_000
_WIDE_FORMAT = re.compile(r"\{[^{}]*?[0-9]{5,}")  # a format field with a width or precision over 9999

UNDECIDED = object()  # a condition we cannot evaluate


class BudgetExceeded(Exception):
    pass


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Stop(Exception):
    """A ``raise`` statement: the rest of this path does not run."""


class Frame:
    def __init__(self, parent: Frame | None, globals_: Frame | None = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.globals = globals_ or self
        self.global_names: set[str] = set()

    def lookup(self, name: str) -> Any:
        frame: Frame | None = self
        while frame is not None:
            if name in frame.vars:
                return frame.vars[name]
            frame = frame.parent
        raise KeyError(name)

    def assign(self, name: str, value: Any) -> None:
        if name in self.global_names:
            self.globals.vars[name] = value
        else:
            self.vars[name] = value


BUILTIN_NAMES = {"len", "range", "int", "float", "min", "max", "abs", "sum", "list", "tuple", "enumerate",
                 "zip", "round", "str", "bool", "print", "reversed", "sorted", "isinstance", "dict", "divmod", "pow"}


class Interpreter:
    def __init__(self, module: cst.Module, path: str, text: str | None = None, tree: ast.Module | None = None) -> None:
        self.module = module
        self.path = path
        self.positions = Positions(module, text, tree)
        self.result = FileResult(path)
        self.globals = Frame(None)
        self.star_modules: list[str] = []
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.depth = 0
        self.context: list[str] = []
        self.functions: list[FunctionVal] = []
        self.shape_refs: dict[str, tuple] = {}
        self.node_counter = 0
        self.layer_calls: dict[int, list[Node]] = {}  # id(LayerDef) -> its nodes, first first
        self.seq_owner: dict[int, ExtractedModel] = {}  # id(LayerDef) -> the Sequential holding it
        self.seq_chains: dict[int, tuple] = {}  # id(model) -> (layer count, input, outputs)

    # -- entry point ----------------------------------------------------
    def run(self) -> FileResult:
        try:
            self.exec_block(self.module.body, self.globals)
        except (_Return, _Break, _Continue, _Stop):
            pass
        # Builder functions never called in this file: analyse them with their
        # parameters as symbols (defaults where given).
        for fn in list(self.functions):
            if fn.calls == 0 and isinstance(fn.node, cst.FunctionDef) and _may_build(fn.node):
                self.context.append(f"{fn.name}() analysed with its parameters as symbols")
                try:
                    self.call_function(fn, [], {}, fn.node, symbolic=True)
                except (_Return, _Break, _Continue, _Stop):
                    pass
                self.context.pop()
        for m in self.result.models:
            m.shape_refs = self.shape_refs
        return self.result

    # -- helpers -----------------------------------------------------------
    def span(self, node: cst.CSTNode) -> Span:
        return self.positions.span(node)

    def text(self, node: cst.CSTNode) -> str:
        t = self.module.code_for_node(node).strip()
        return " ".join(t.split()) if "\n" in t else t

    def note(self, node: cst.CSTNode, message: str) -> None:
        self.result.notes.append(Note(self.span(node), message))

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS or (self.steps % 1000 == 0 and time.monotonic() > self.deadline):
            raise BudgetExceeded("analysis budget exceeded")

    def symbol(self, node: cst.CSTNode) -> Expr:
        t = self.text(node)
        if len(t) > 80:
            t = t[:77] + "..."
        return Expr.symbol(t)

    # -- statements --------------------------------------------------------
    def exec_block(self, stmts: Any, frame: Frame) -> None:
        executing = self.positions.stack  # spans are computed for the statements on it
        for stmt in stmts:
            executing.append(stmt)
            try:
                self.exec_stmt(stmt, frame)
            finally:
                executing.pop()

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        self.tick()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.exec_small(small, frame)
        elif isinstance(stmt, cst.FunctionDef):
            fn = FunctionVal(stmt, frame, stmt.name.value, stmt.name.value)
            frame.assign(stmt.name.value, fn)
            self.functions.append(fn)
        elif isinstance(stmt, cst.ClassDef):
            self.exec_class(stmt, frame)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, frame)
        elif isinstance(stmt, cst.For):
            self.exec_for(stmt, frame)
        elif isinstance(stmt, cst.While):
            self.exec_while(stmt, frame)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                v = self.eval(item.item, frame)
                if item.asname is not None:
                    self.bind(item.asname.name, v, frame)
            self.exec_block(stmt.body.body, frame)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            try:
                self.exec_block(stmt.body.body, frame)
            except _Stop:
                pass
            if stmt.orelse is not None:
                self.exec_block(stmt.orelse.body.body, frame)
            if stmt.finalbody is not None:
                self.exec_block(stmt.finalbody.body.body, frame)
        elif isinstance(stmt, cst.Match):
            self.note(stmt, "match statement is not followed")

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, frame)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, frame)
            for target in small.targets:
                self.bind(target.target, value, frame)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, frame), frame)
        elif isinstance(small, cst.AugAssign):
            current = self.eval(small.target, frame)
            value = self.eval(small.value, frame)
            op = type(small.operator).__name__.replace("Assign", "")
            self.bind(small.target, self.binop(op, current, value, small), frame)
        elif isinstance(small, cst.Return):
            raise _Return(None if small.value is None else self.eval(small.value, frame))
        elif isinstance(small, cst.Import):
            for alias in small.names:
                full = _dotted(alias.name)
                if alias.asname is not None:
                    frame.assign(alias.asname.name.value, Ref(full))
                else:
                    top = full.split(".")[0]
                    frame.assign(top, Ref(top))
        elif isinstance(small, cst.ImportFrom):
            self.exec_import_from(small, frame)
        elif isinstance(small, cst.Break):
            raise _Break
        elif isinstance(small, cst.Continue):
            raise _Continue
        elif isinstance(small, cst.Raise):
            raise _Stop
        elif isinstance(small, cst.Global):
            for n in small.names:
                frame.global_names.add(n.name.value)
        elif isinstance(small, cst.Del):
            pass

    def exec_import_from(self, small: cst.ImportFrom, frame: Frame) -> None:
        if small.relative or small.module is None:
            return  # a sibling module of the user's project: we do not read other files
        base = _dotted(small.module)
        if isinstance(small.names, cst.ImportStar):
            if base not in self.star_modules:  # a repeated star import must not slow every lookup
                self.star_modules.append(base)
            return
        for alias in small.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None else name
            frame.assign(local, Ref(f"{base}.{name}"))

    def exec_class(self, stmt: cst.ClassDef, frame: Frame) -> None:
        kind = "other"
        for base in stmt.bases:
            v = self.eval(base.value, frame)
            if isinstance(v, Ref):
                k = classify(v.qualname)
                if k is not None and k.kind in ("model", "sequential"):
                    kind = "model"
                elif k is not None and k.kind in ("base", "layer", "opaque-layer"):
                    kind = "layer"
            elif isinstance(v, ClassVal) and v.kind != "other":
                kind = v.kind
        cls = ClassVal(stmt.name.value, kind, self.span(stmt))
        for item in stmt.body.body:
            if isinstance(item, cst.FunctionDef):
                cls.methods[item.name.value] = FunctionVal(item, frame, item.name.value, f"{stmt.name.value}.{item.name.value}")
        frame.assign(stmt.name.value, cls)
        if kind == "model":
            m = ExtractedModel(self.path, self.span(stmt), "subclassed", stmt.name.value)
            m.notes.append(Note(self.span(stmt), f"subclassed model `{stmt.name.value}`: call() is not analysed"))
            self.result.models.append(m)
        elif kind == "other":
            # Builder methods on plain classes can still be analysed symbolically.
            for fn in cls.methods.values():
                if fn.name != "__init__":
                    self.functions.append(fn)

    def exec_if(self, stmt: cst.If, frame: Frame) -> None:
        cond = self.truth(self.eval(stmt.test, frame))
        if cond is UNDECIDED:
            self.note(stmt.test, f"condition `{self.text(stmt.test)}` cannot be decided statically; assumed true")
            cond = True
        if cond:
            self.exec_block(stmt.body.body, frame)
        elif stmt.orelse is not None:
            if isinstance(stmt.orelse, cst.If):
                self.exec_if(stmt.orelse, frame)
            else:
                self.exec_block(stmt.orelse.body.body, frame)

    def exec_for(self, stmt: cst.For, frame: Frame) -> None:
        items = self.iterate(self.eval(stmt.iter, frame))
        if items is None:
            self.note(stmt.iter, f"loop over `{self.text(stmt.iter)}` cannot be followed; its body is analysed once")
            items = [self.symbol(stmt.target)]
        broke = False
        for item in items:
            self.bind(stmt.target, item, frame)
            try:
                self.exec_block(stmt.body.body, frame)
            except _Continue:
                continue
            except _Break:
                broke = True
                break
        if not broke and stmt.orelse is not None:
            self.exec_block(stmt.orelse.body.body, frame)

    def exec_while(self, stmt: cst.While, frame: Frame) -> None:
        for _ in range(MAX_LOOP):
            cond = self.truth(self.eval(stmt.test, frame))
            if cond is UNDECIDED:
                self.note(stmt.test, f"while condition `{self.text(stmt.test)}` cannot be decided; loop skipped")
                return
            if not cond:
                return
            try:
                self.exec_block(stmt.body.body, frame)
            except _Continue:
                continue
            except _Break:
                return

    # -- binding -----------------------------------------------------------
    def bind(self, target: cst.BaseExpression, value: Any, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.assign(target.value, value)
            if isinstance(value, ModelVal) and value.model.name is None:
                value.model.name = target.value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e.value for e in target.elements]
            items = self.unpack(value, len(elements), target)
            for el, item in zip(elements, items):
                self.bind(el, item, frame)
        elif isinstance(target, cst.Attribute):
            obj = self.eval(target.value, frame)
            if isinstance(obj, InstanceVal):
                obj.attrs[target.attr.value] = value
            elif target.attr.value == "trainable" and isinstance(value, bool):
                # Keras sets the flag on every layer the object holds now; layers
                # added later keep their own.  Summaries read the final state.
                for ld in _held_layers(obj):
                    ld.kwargs["trainable"] = value
        # Subscript targets (d[k] = v) are not tracked.

    def unpack(self, value: Any, n: int, node: cst.CSTNode) -> list:
        if isinstance(value, (tuple, list)) and len(value) == n:
            return list(value)
        if isinstance(value, ShapeVal):  # _, h, w, c = x.shape
            return [self.shape_dim(value, i, f"{value.text}[{i}]") for i in range(n)]
        if isinstance(value, TensorVal) and value.tensor.index is None:
            return [TensorVal(Tensor(value.tensor.producer, i)) for i in range(n)]
        return [Expr.symbol(f"{self.text(node)}[{i}]") for i in range(n)]

    # -- expressions -------------------------------------------------------
    def eval(self, node: cst.BaseExpression, frame: Frame) -> Any:
        self.tick()
        if isinstance(node, cst.Integer):
            try:
                value = node.evaluated_value
            except (ValueError, SyntaxError):  # over Python's int-string digit limit
                return self.symbol(node)
            return value if _bounded(value) is not None else self.symbol(node)
        if isinstance(node, cst.Float):
            return node.evaluated_value
        if isinstance(node, cst.SimpleString):
            try:
                return node.evaluated_value
            except Exception:
                return self.symbol(node)
        if isinstance(node, cst.ConcatenatedString):
            left, right = self.eval(node.left, frame), self.eval(node.right, frame)
            return left + right if isinstance(left, str) and isinstance(right, str) else self.symbol(node)
        if isinstance(node, cst.FormattedString):
            return self.eval_fstring(node, frame)
        if isinstance(node, cst.Name):
            return self.lookup(node.value, node, frame)
        if isinstance(node, cst.Attribute):
            return self.eval_attribute(node, frame)
        if isinstance(node, cst.Call):
            return self.eval_call(node, frame)
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            items = self.eval_elements(node.elements, frame)
            return tuple(items) if isinstance(node, cst.Tuple) else items
        if isinstance(node, cst.Dict):
            out = {}
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    k = self.eval(el.key, frame)
                    try:
                        out[k] = self.eval(el.value, frame)
                    except TypeError:
                        pass
                else:
                    v = self.eval(el.value, frame)
                    if isinstance(v, dict):
                        out.update(v)
            return out
        if isinstance(node, cst.Subscript):
            return self.eval_subscript(node, frame)
        if isinstance(node, cst.BinaryOperation):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            return self.binop(type(node.operator).__name__, left, right, node)
        if isinstance(node, cst.UnaryOperation):
            v = self.eval(node.expression, frame)
            op = type(node.operator).__name__
            if op == "Not":
                t = self.truth(v)
                return UNDECIDED if t is UNDECIDED else (not t)
            if isinstance(v, (int, float, Expr)) and not isinstance(v, bool) or isinstance(v, bool):
                if op == "Minus":
                    return -v
                if op == "Plus":
                    return v
                if op == "BitInvert" and isinstance(v, int):
                    return ~v
            return self.symbol(node)
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, frame)
            t = self.truth(left)
            if t is UNDECIDED:
                return UNDECIDED
            if isinstance(node.operator, cst.And):
                return self.eval(node.right, frame) if t else left
            return left if t else self.eval(node.right, frame)
        if isinstance(node, cst.Comparison):
            return self.eval_comparison(node, frame)
        if isinstance(node, cst.IfExp):
            t = self.truth(self.eval(node.test, frame))
            if t is UNDECIDED:
                return self.symbol(node)
            return self.eval(node.body if t else node.orelse, frame)
        if isinstance(node, cst.Lambda):
            return FunctionVal(node, frame, "<lambda>", "<lambda>")
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            return self.eval_comprehension(node, frame)
        if isinstance(node, cst.NamedExpr):
            v = self.eval(node.value, frame)
            self.bind(node.target, v, frame)
            return v
        if isinstance(node, cst.Ellipsis):
            return Ellipsis
        return self.symbol(node)

    def eval_elements(self, elements: Any, frame: Frame) -> list:
        items: list = []
        for el in elements:
            if isinstance(el, cst.StarredElement):
                v = self.eval(el.value, frame)
                it = self.iterate(v)
                if it is None:
                    items.append(self.symbol(el))
                else:
                    items.extend(it)
            else:
                items.append(self.eval(el.value, frame))
        return items

    def eval_fstring(self, node: cst.FormattedString, frame: Frame) -> Any:
        out = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
            else:
                v = self.eval(part.expression, frame)
                if isinstance(v, (int, float, str)) and part.format_spec is None:
                    out.append(str(v))
                else:
                    return self.symbol(node)
        return "".join(out)

    def lookup(self, name: str, node: cst.CSTNode, frame: Frame) -> Any:
        try:
            return frame.lookup(name)
        except KeyError:
            pass
        if name in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[name]
        for mod in self.star_modules:
            k = classify(f"{mod}.{name}")
            if k is not None and k.kind != "module":
                return Ref(f"{mod}.{name}")
        if name in BUILTIN_NAMES:
            return Ref(f"builtins.{name}")
        return Expr.symbol(name)

    def eval_attribute(self, node: cst.Attribute, frame: Frame) -> Any:
        obj = self.eval(node.value, frame)
        attr = node.attr.value
        if isinstance(obj, Ref):
            return obj.attr(attr)
        if isinstance(obj, TensorVal):
            if attr == "shape":
                return ShapeVal(obj.tensor, self.text(node))
            return self.symbol(node)
        if isinstance(obj, ModelVal):
            return self.model_attribute(obj, attr, node)
        if isinstance(obj, LayerObj):
            if attr == "name":
                return obj.layer.explicit_name or _AutoName(obj.layer.cls)
            if attr in ("output", "input") and not obj.layer.known and obj.layer.submodel is None:
                return self.opaque_output(obj, attr)
            if attr in ("output", "input"):
                return self.layer_tensor(obj.layer, attr) or self.symbol(node)
            return BoundMethod(obj, attr)
        if isinstance(obj, InputLayerVal) and attr in ("output", "input"):
            return TensorVal(Tensor(obj.input))
        if isinstance(obj, InstanceVal):
            if attr in obj.attrs:
                return obj.attrs[attr]
            if attr in obj.cls.methods:
                return BoundMethod(obj, attr)
            return self.symbol(node)
        if isinstance(obj, ClassVal):
            if attr in obj.methods:
                return obj.methods[attr]
            return self.symbol(node)
        if isinstance(obj, (list, dict, str, ShapeVal, OpaqueModelVal, KerasObj)):
            return BoundMethod(obj, attr)
        return self.symbol(node)

    def opaque_output(self, obj: LayerObj, attr: str) -> Any:
        """``base.output`` of a Keras application or custom layer: an unknown tensor."""
        if obj.output_cache is None:
            inp = InputDef(Expr.symbol(f"{obj.layer.cls}.input"), obj.layer.span)
            node = Node(obj.layer, [Tensor(inp)], {}, obj.layer.span)
            self.node_counter += 1
            obj.output_cache = (TensorVal(Tensor(inp)), TensorVal(Tensor(node)))
        return obj.output_cache[0] if attr == "input" else obj.output_cache[1]

    def model_attribute(self, mv: ModelVal, attr: str, node: cst.CSTNode) -> Any:
        m = mv.model
        if attr in ("add", "compile", "summary", "fit", "build", "pop", "get_layer", "predict", "evaluate", "save"):
            return BoundMethod(mv, attr)
        if attr == "layers":
            return [LayerObj(op) if isinstance(op, LayerDef) else InputLayerVal(op) for op in _model_layers(m)]
        if m.api == "functional":
            if attr in ("input", "inputs"):
                return TensorVal(m.inputs[0]) if attr == "input" and len(m.inputs) == 1 else [TensorVal(t) for t in m.inputs]
            if attr in ("output", "outputs"):
                return TensorVal(m.outputs[0]) if attr == "output" and len(m.outputs) == 1 else [TensorVal(t) for t in m.outputs]
        if m.api == "sequential" and attr in ("input", "output", "inputs", "outputs"):
            # Keras 3 answers .inputs/.outputs from the Sequential's own graph of
            # its layers (.input/.output only once it was called; older Keras always).
            inp, outs = self.seq_chain(m)
            t = inp if attr.startswith("input") or not outs else outs[-1]
            return t if attr in ("input", "output") else [t]
        return self.symbol(node)

    def implicit_seq_input(self, m: ExtractedModel) -> InputDef:
        first = m.layers[0] if m.layers else None
        if first is not None:  # Dense(12, input_dim=8) / LSTM(.., input_shape=(10, 3))
            shape = first.kwargs.get("input_shape")
            if shape is None and "input_dim" in first.kwargs:
                shape = (first.kwargs["input_dim"],)
            if isinstance(shape, list):
                shape = tuple(shape)
            if isinstance(shape, tuple):
                return InputDef(shape, first.span)
        return InputDef(Expr.symbol(f"{m.name or 'model'}.input_shape"), m.span)

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

    def eval_subscript(self, node: cst.Subscript, frame: Frame) -> Any:
        obj = self.eval(node.value, frame)
        if len(node.slice) != 1:
            return self.symbol(node)
        sl = node.slice[0].slice
        if isinstance(sl, cst.Index):
            idx = self.eval(sl.value, frame)
            if isinstance(obj, ShapeVal) and isinstance(idx, int):
                return self.shape_dim(obj, idx, self.text(node))
            if isinstance(obj, TensorVal) and isinstance(idx, int) and obj.tensor.index is None:
                return TensorVal(Tensor(obj.tensor.producer, idx))
            if isinstance(obj, (tuple, list, str)) and isinstance(idx, int) and not isinstance(idx, bool):
                if -len(obj) <= idx < len(obj):
                    return obj[idx]
            if isinstance(obj, dict):
                try:
                    if idx in obj:
                        return obj[idx]
                except TypeError:
                    pass
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
        from ..shapes import shape_model  # the engine only reads the graph; no cycle at import

        probe = ExtractedModel(self.path, Span(0, 0, 0, 0), "functional", outputs=[tensor])
        try:
            out = shape_model(probe).outputs[0]
        except Exception:  # an unfinished graph the engine cannot shape: keep the symbol
            return None
        return out if isinstance(out, tuple) else None

    def shape_dim(self, sv: ShapeVal, axis: int, name: str) -> Any:
        shape = self.known_shape(sv.tensor)
        if shape is not None and -len(shape) <= axis < len(shape) and shape[axis] is not None:
            return shape[axis]
        # Unknown now: a symbol the engine resolves once x is shaped.  Named by
        # source text plus the tensor, so one helper called twice keeps two names.
        base, k = name, 1
        while name in self.shape_refs and not _same_dim(self.shape_refs[name], (sv.tensor, axis)):
            k += 1
            name = f"{base}'{k}"
        self.shape_refs[name] = (sv.tensor, axis)
        return Expr.symbol(name)

    def eval_comparison(self, node: cst.Comparison, frame: Frame) -> Any:
        left = self.eval(node.left, frame)
        for target in node.comparisons:
            right = self.eval(target.comparator, frame)
            op = type(target.operator).__name__
            r = _compare(op, left, right)
            if r is UNDECIDED:
                return UNDECIDED
            if not r:
                return False
            left = right
        return True

    def eval_comprehension(self, node: Any, frame: Frame) -> Any:
        results: list = []
        inner = Frame(frame, frame.globals)

        def run(fors: cst.CompFor | None) -> None:
            if fors is None:
                results.append(self.eval(node.elt, inner))
                return
            items = self.iterate(self.eval(fors.iter, inner))
            if items is None:
                raise _Stop
            for item in items:
                self.bind(fors.target, item, inner)
                ok = True
                for cond in fors.ifs:
                    t = self.truth(self.eval(cond.test, inner))
                    if t is UNDECIDED or not t:
                        ok = t is UNDECIDED and False
                        break
                if ok:
                    run(fors.inner_for_in)

        try:
            run(node.for_in)
        except _Stop:
            return self.symbol(node)
        return results

    # -- operators ---------------------------------------------------------
    def binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
        result = self._binop(op, a, b, node)
        return result if _bounded(result) is not None else self.symbol(node)

    def _binop(self, op: str, a: Any, b: Any, node: cst.CSTNode) -> Any:
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
                    if isinstance(a, int) and isinstance(b, int) and b != 0:
                        return a / b
                    if isinstance(a, float) and isinstance(b, (int, float)) and b != 0:
                        return a / b
                    if isinstance(a, Expr) and isinstance(b, int) and b > 0 and a // b * b == a:
                        return a // b  # exact division keeps the dim an integer expression
                    return self.symbol(node)
                if op == "Modulo":
                    if isinstance(b, (int, float)) and b == 0:
                        return self.symbol(node)
                    return a % b
                if op == "Power":
                    if isinstance(a, (int, float)) and isinstance(b, int) and abs(b) <= 64 and abs(a) < 1e6:
                        return a**b
                    if isinstance(a, Expr) and isinstance(b, int):
                        return a**b
                    return self.symbol(node)
                if op in ("LeftShift", "RightShift", "BitAnd", "BitOr", "BitXor") and isinstance(a, int) and isinstance(b, int):
                    if op == "LeftShift":
                        return a << b if 0 <= b <= 64 else self.symbol(node)
                    return {"RightShift": a >> b if b >= 0 else 0, "BitAnd": a & b, "BitOr": a | b, "BitXor": a ^ b}[op]
            if op == "Add" and isinstance(a, (tuple, list, str)) and type(a) is type(b):
                return a + b
            if op == "Multiply":
                seq, n = (a, b) if isinstance(a, (tuple, list, str)) else (b, a)
                if isinstance(seq, (tuple, list, str)) and isinstance(n, int) and not isinstance(n, bool) and len(seq) * max(n, 0) <= MAX_LOOP:
                    return seq * n
            if op == "Modulo" and isinstance(a, str):
                return self.symbol(node)
        except (ArithmeticError, ValueError, OverflowError, TypeError):
            pass
        return self.symbol(node)

    def truth(self, v: Any) -> Any:
        if v is UNDECIDED or isinstance(v, (Expr, TensorVal, ShapeVal, Ref, BoundMethod)):
            return UNDECIDED
        if isinstance(v, (int, float, str, bool, tuple, list, dict, type(None))):
            return bool(v)
        return True

    def iterate(self, v: Any) -> list | None:
        if isinstance(v, (list, tuple, str)):
            return list(v)
        if isinstance(v, dict):
            return list(v.keys())
        if isinstance(v, range):
            return list(v) if len(v) <= MAX_LOOP else None
        return None

    # -- calls -------------------------------------------------------------
    def eval_args(self, node: cst.Call, frame: Frame) -> tuple[list, dict]:
        args: list = []
        kwargs: dict = {}
        for arg in node.args:
            if arg.star == "*":
                v = self.eval(arg.value, frame)
                it = self.iterate(v)
                if it is None:
                    args.append(self.symbol(arg.value))
                else:
                    args.extend(it)
            elif arg.star == "**":
                v = self.eval(arg.value, frame)
                if isinstance(v, dict):
                    kwargs.update({k: x for k, x in v.items() if isinstance(k, str)})
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = self.eval(arg.value, frame)
            else:
                args.append(self.eval(arg.value, frame))
        return args, kwargs

    def eval_call(self, node: cst.Call, frame: Frame) -> Any:
        func = self.eval(node.func, frame)
        args, kwargs = self.eval_args(node, frame)
        return self.call(func, args, kwargs, node)

    def call(self, func: Any, args: list, kwargs: dict, node: cst.Call) -> Any:
        if isinstance(func, Ref):
            return self.call_ref(func, args, kwargs, node)
        if isinstance(func, LayerObj):
            return self.call_layer(func.layer, args, kwargs, node)
        if isinstance(func, ModelVal):
            return self.call_layer(self.model_as_layer(func), args, kwargs, node)
        if isinstance(func, FunctionVal):
            return self.call_function(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call_method(func, args, kwargs, node)
        if isinstance(func, ClassVal):
            return self.instantiate(func, args, kwargs, node)
        if isinstance(func, OpaqueModelVal):
            return self.opaque_call(self.text(node.func), f"subclassed model `{func.cls.name}` is not analysed", args, kwargs, node)
        return self.opaque_call(self.text(node.func), None, args, kwargs, node)

    def opaque_call(self, callee: str, reason: str | None, args: list, kwargs: dict, node: cst.Call) -> Any:
        """A call we cannot follow: if tensors flow in, an opaque layer node carries them on."""
        tensors = [a for a in _flatten(list(args) + list(kwargs.values())) if isinstance(a, TensorVal)]
        if not tensors:
            return self.symbol(node)
        layer = LayerDef(callee, (), {}, self.span(node), known=False,
                         opaque_reason=reason or f"`{callee}` is not a Keras layer we can follow")
        return self.make_node(layer, [t.tensor for t in tensors], {}, node, list_input=False)

    def instantiate(self, cls: ClassVal, args: list, kwargs: dict, node: cst.Call) -> Any:
        if cls.kind == "layer":
            ld = LayerDef(cls.name, tuple(args), kwargs, self.span(node), known=False,
                          opaque_reason=f"custom layer `{cls.name}` is not analysed")
            return LayerObj(ld)
        if cls.kind == "model":
            return OpaqueModelVal(cls, self.span(node))
        inst = InstanceVal(cls)
        init = cls.methods.get("__init__")
        if init is not None:
            self.call_function(init, [inst, *args], kwargs, node)
        return inst

    def call_function(self, fn: FunctionVal, args: list, kwargs: dict, node: cst.CSTNode, symbolic: bool = False) -> Any:
        fn.calls += 1
        if self.depth >= MAX_CALL_DEPTH:
            self.note(node, f"call depth limit reached at `{fn.name}`")
            return self.symbol(node) if isinstance(node, cst.BaseExpression) else None
        local = Frame(fn.closure, fn.closure.globals)
        params = fn.node.params
        positional = list(params.posonly_params) + list(params.params)
        remaining = list(args)
        for p in positional:
            name = p.name.value
            if remaining:
                local.vars[name] = remaining.pop(0)
            elif name in kwargs:
                local.vars[name] = kwargs.pop(name)
            elif p.default is not None:
                local.vars[name] = self.eval(p.default, fn.closure)
            else:
                local.vars[name] = Expr.symbol(name)
        if isinstance(params.star_arg, cst.Param):
            local.vars[params.star_arg.name.value] = tuple(remaining)
        for p in params.kwonly_params:
            name = p.name.value
            if name in kwargs:
                local.vars[name] = kwargs.pop(name)
            elif p.default is not None:
                local.vars[name] = self.eval(p.default, fn.closure)
            else:
                local.vars[name] = Expr.symbol(name)
        if params.star_kwarg is not None:
            local.vars[params.star_kwarg.name.value] = dict(kwargs)
        pushed = False
        if not symbolic and isinstance(node, cst.Call):
            self.context.append(f"{fn.name}() called at line {self.span(node).line}")
            pushed = True
        self.depth += 1
        try:
            if isinstance(fn.node, cst.Lambda):
                return self.eval(fn.node.body, local)
            body = fn.node.body
            stmts = body.body if isinstance(body, cst.IndentedBlock) else [body]
            self.exec_block(stmts, local)
        except _Return as r:
            return r.value
        except (_Stop, _Break, _Continue):
            return None
        finally:
            self.depth -= 1
            if pushed:
                self.context.pop()
        return None

    def call_method(self, bm: BoundMethod, args: list, kwargs: dict, node: cst.Call) -> Any:
        obj, name = bm.obj, bm.name
        if isinstance(obj, ModelVal):
            return self.model_method(obj, name, args, kwargs, node)
        if isinstance(obj, list):
            if name == "append" and args:
                obj.append(args[0])
            elif name == "extend" and args:
                it = self.iterate(args[0])
                if it is not None and len(obj) + len(it) <= MAX_SEQUENCE:
                    obj.extend(it)
            elif name == "insert" and len(args) == 2 and isinstance(args[0], int):
                obj.insert(args[0], args[1])
            elif name == "pop" and obj:
                return obj.pop(args[0] if args and isinstance(args[0], int) else -1)
            elif name in ("index", "count") and args:
                try:
                    return getattr(obj, name)(args[0])
                except ValueError:
                    return self.symbol(node)
            return None
        if isinstance(obj, dict):
            if name == "get" and args:
                try:
                    return obj.get(args[0], args[1] if len(args) > 1 else None)
                except TypeError:
                    return self.symbol(node)
            if name in ("keys", "values", "items"):
                return [tuple(x) if isinstance(x, tuple) else x for x in getattr(obj, name)()]
            if name == "update" and args and isinstance(args[0], dict):
                obj.update(args[0])
            return self.symbol(node)
        if isinstance(obj, str):
            if name in ("lower", "upper", "strip") and not args:
                return getattr(obj, name)()
            if name == "format" and all(isinstance(a, (int, float, str)) for a in args) and not _WIDE_FORMAT.search(obj):
                try:
                    return obj.format(*args, **kwargs)
                except (IndexError, KeyError, ValueError):
                    pass
            return self.symbol(node)
        if isinstance(obj, ShapeVal) and name == "as_list":
            return obj
        if isinstance(obj, InstanceVal):
            fn = obj.cls.methods.get(name)
            if fn is not None:
                return self.call_function(fn, [obj, *args], kwargs, node)
        if isinstance(obj, LayerObj) and name == "__call__":
            return self.call_layer(obj.layer, args, kwargs, node)
        return self.symbol(node)

    def model_method(self, mv: ModelVal, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        m = mv.model
        if name == "add" and m.api == "sequential" and args:
            self.seq_append(m, args[0], node)
        elif name == "pop" and m.api == "sequential" and m.layers:
            m.layers.pop()
        elif name == "compile":
            names = ("optimizer", "loss", "loss_weights", "metrics")
            m.compile = dict(zip(names, args))
            m.compile.update(kwargs)
            m.compile_span = self.span(node)
        elif name == "get_layer":
            wanted, index = kwargs.get("name", args[0] if args else None), kwargs.get("index")
            ops = _model_layers(m)
            for op in ops:
                if isinstance(wanted, str) and isinstance(op, LayerDef) and op.explicit_name == wanted:
                    return LayerObj(op)
            if isinstance(index, int) and -len(ops) <= index < len(ops):
                op = ops[index]
                return LayerObj(op) if isinstance(op, LayerDef) else InputLayerVal(op)
            return self.symbol(node)
        elif name == "build" and m.api == "sequential" and args and m.seq_input is None:
            shape = args[0]
            if isinstance(shape, (tuple, list)) and shape:
                m.seq_input = InputDef(tuple(shape[1:]), self.span(node), batch_size=shape[0])
        return None

    # -- Keras things --------------------------------------------------------
    def call_ref(self, ref: Ref, args: list, kwargs: dict, node: cst.Call) -> Any:
        q = ref.qualname
        if q.startswith("builtins."):
            return self.call_builtin(q[9:], args, kwargs, node)
        if q in ("math.ceil", "math.floor", "math.prod", "math.sqrt", "numpy.prod", "np.prod", "math.log2"):
            return self.call_math(q.rsplit(".", 1)[-1], args, node)
        k = classify(q)
        if k is None:
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        if k.kind == "layer":
            return self.new_layer(k.name, args, kwargs, node)
        if k.kind == "opaque-layer":
            reason = f"`{k.name}` is not a layer layerlint models"
            if k.name == "Lambda":
                from ..layers.core import declared_output_shape

                if declared_output_shape(args, kwargs) is not None:
                    return self.new_layer("Lambda", args, kwargs, node)
                reason = "Lambda layers run arbitrary code: their output shape is not analysed unless output_shape= declares it"
            elif ".applications." in q or q.split(".")[-2:-1] == ["applications"] or "applications" in q:
                reason = f"pretrained application `{k.name}` is not analysed"
            ld = LayerDef(k.name, tuple(args), kwargs, self.span(node), known=False, opaque_reason=reason)
            return LayerObj(ld)
        if k.kind == "sequential":
            return self.new_sequential(args, kwargs, node)
        if k.kind == "model":
            return self.new_functional(args, kwargs, node)
        if k.kind == "input":
            return TensorVal(Tensor(self.new_input(args, kwargs, node)))
        if k.kind == "input-layer":
            return InputLayerVal(self.new_input(args, kwargs, node, layer=True))
        if k.kind == "merge-fn":
            if not args:
                return self.symbol(node)
            ld = LayerDef(k.name, tuple(args[1:]), kwargs, self.span(node))
            return self.call_layer(ld, [args[0]], {}, node)
        if k.kind == "backend-fn":
            if k.name == "image_data_format":
                return "channels_last"  # Keras' default; a keras.json could differ
            if k.name == "int_shape" and args and isinstance(args[0], TensorVal):
                return ShapeVal(args[0].tensor, self.text(node))
            if k.name == "floatx":
                return "float32"
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        if k.kind == "module" and any(isinstance(a, TensorVal) for a in _flatten(list(args) + list(kwargs.values()))):
            return self.opaque_call(self.text(node.func), None, args, kwargs, node)
        return KerasObj(q, tuple(args), kwargs)

    def call_builtin(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        try:
            if name == "len" and len(args) == 1:
                if isinstance(args[0], (tuple, list, str, dict)):
                    return len(args[0])
                return self.symbol(node)
            if name == "range":
                if all(isinstance(a, int) for a in args) and 1 <= len(args) <= 3:
                    r = range(*args)
                    return list(r) if len(r) <= MAX_LOOP else self.symbol(node)
                return self.symbol(node)
            if name in ("int", "float", "round", "abs", "str", "bool") and len(args) == 1 and isinstance(args[0], (int, float, str, bool)):
                if name == "str" or not isinstance(args[0], str):
                    return {"int": int, "float": float, "round": round, "abs": abs, "str": str, "bool": bool}[name](args[0])
            if name in ("int", "round", "abs") and len(args) == 1 and isinstance(args[0], Expr):
                return args[0]
            if name in ("min", "max") and args:
                vals = args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args
                if vals and all(isinstance(v, (int, float)) for v in vals):
                    return (min if name == "min" else max)(vals)
            if name == "sum" and len(args) == 1 and isinstance(args[0], (list, tuple)):
                total: Any = 0
                for v in args[0]:
                    if not isinstance(v, (int, float, Expr)):
                        return self.symbol(node)
                    total = total + v
                return total
            if name in ("list", "tuple", "sorted", "reversed"):
                if not args:
                    return [] if name != "tuple" else ()
                it = self.iterate(args[0])
                if it is None:
                    return self.symbol(node)
                if name == "sorted":
                    it = sorted(it)
                if name == "reversed":
                    it = list(reversed(it))
                return tuple(it) if name == "tuple" else it
            if name == "enumerate" and args:
                it = self.iterate(args[0])
                start = args[1] if len(args) > 1 and isinstance(args[1], int) else 0
                return None if it is None else [(i + start, x) for i, x in enumerate(it)]
            if name == "zip" and args:
                its = [self.iterate(a) for a in args]
                if any(i is None for i in its):
                    return self.symbol(node)
                return [tuple(t) for t in zip(*its)]
            if name == "dict":
                return dict(kwargs)
            if name == "divmod" and len(args) == 2 and all(isinstance(a, int) for a in args) and args[1]:
                return divmod(args[0], args[1])
            if name == "pow" and len(args) == 2:
                return self.binop("Power", args[0], args[1], node)
            if name == "print":
                return None
            if name == "isinstance" and len(args) == 2 and isinstance(args[0], LayerObj):
                return _is_layer_instance(args[0].layer, args[1])
        except (TypeError, ValueError, OverflowError):
            pass
        return self.symbol(node)

    def call_math(self, name: str, args: list, node: cst.Call) -> Any:
        if name == "prod" and args:
            it = self.iterate(args[0])
            if it is not None and all(isinstance(v, (int, Expr)) for v in it):
                total: Any = 1
                for v in it:
                    total = total * v
                return total
        if args and isinstance(args[0], (int, float)) and not isinstance(args[0], bool):
            try:
                return {"ceil": math.ceil, "floor": math.floor, "sqrt": math.sqrt, "log2": math.log2}[name](args[0])
            except (KeyError, ValueError):
                pass
        return self.symbol(node)

    def new_layer(self, cls: str, args: list, kwargs: dict, node: cst.Call) -> LayerObj:
        args = [self.layer_arg(a) for a in args]
        kwargs = {k: self.layer_arg(v) for k, v in kwargs.items()}
        return LayerObj(LayerDef(cls, tuple(args), kwargs, self.span(node)))

    def layer_arg(self, v: Any) -> Any:
        """Nested layer arguments (Bidirectional(LSTM(8))) become LayerArg values."""
        from ..layers.base import LayerArg
        from ..layers.rnn import CELL_SPECS

        # RNN cells are not layers of their own, but RNN(LSTMCell(4)) reads them as arguments.
        if isinstance(v, LayerObj) and (v.layer.known or v.layer.cls in CELL_SPECS or v.layer.cls == "StackedRNNCells"):
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
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        if shape is None:
            shape = Expr.symbol("shape")
        name = kwargs.get("name")
        return InputDef(shape, self.span(node), batch_size=batch, name=name if isinstance(name, str) else None,
                        dtype=kwargs.get("dtype") if isinstance(kwargs.get("dtype"), str) else None)

    def register(self, m: ExtractedModel) -> None:
        if self.context:
            m.context = self.context[-1]
        self.result.models.append(m)

    def new_sequential(self, args: list, kwargs: dict, node: cst.Call) -> ModelVal:
        m = ExtractedModel(self.path, self.span(node), "sequential")
        name = kwargs.get("name", args[1] if len(args) > 1 else None)
        if isinstance(name, str):
            m.name = name
        layers = kwargs.get("layers", args[0] if args else None)
        self.register(m)
        mv = ModelVal(m)
        if isinstance(layers, (list, tuple)):
            for item in layers:
                self.seq_append(m, item, node)
        elif layers is not None:
            m.notes.append(Note(self.span(node), f"layers `{_short(layers)}` cannot be followed"))
        return mv

    def seq_append(self, m: ExtractedModel, item: Any, node: cst.CSTNode) -> None:
        if isinstance(item, TensorVal) and isinstance(item.tensor.producer, InputDef) and not m.layers:
            m.seq_input = item.tensor.producer
        elif isinstance(item, InputLayerVal) and not m.layers:
            m.seq_input = item.input
        elif isinstance(item, LayerObj):
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
            m.layers.append(LayerDef(_short(item), (), {}, span, known=False,
                                     opaque_reason=f"`{_short(item)}` is not a layer layerlint can follow"))

    def model_as_layer(self, mv: ModelVal) -> LayerDef:
        if mv.as_layer is None:
            mv.as_layer = LayerDef(
                "Sequential" if mv.model.api == "sequential" else "Functional",
                (), {"name": mv.model.name} if mv.model.name else {}, mv.model.span, submodel=mv.model)
        return mv.as_layer

    def new_functional(self, args: list, kwargs: dict, node: cst.Call) -> ModelVal:
        m = ExtractedModel(self.path, self.span(node), "functional")
        inputs = kwargs.get("inputs", args[0] if args else None)
        outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
        name = kwargs.get("name")
        if isinstance(name, str):
            m.name = name
        m.inputs = [t.tensor for t in _flatten(inputs) if isinstance(t, TensorVal)]
        m.outputs = [t.tensor for t in _flatten(outputs) if isinstance(t, TensorVal)]
        m.outputs_nested = isinstance(outputs, (list, tuple, dict))
        if not m.outputs:
            m.notes.append(Note(self.span(node), "model outputs cannot be followed"))
        self.register(m)
        return ModelVal(m)

    def call_layer(self, layer: LayerDef, args: list, kwargs: dict, node: cst.Call) -> Any:
        if not args:
            x = kwargs.pop("inputs", None)
            if x is None:
                x = kwargs.pop("query", None)
                if x is not None:
                    args = [x, kwargs.pop("value", None)]
            else:
                args = [x]
        if not args:
            return self.symbol(node)
        first = args[0]
        list_input = isinstance(first, (list, tuple))
        tensors = [a for a in _flatten(first)] if list_input else [first]
        extra = [a for a in args[1:] if isinstance(a, TensorVal)]
        inputs = []
        for t in tensors + extra:
            if isinstance(t, TensorVal):
                inputs.append(t.tensor)
            else:
                inputs.append(Tensor(InputDef(Expr.symbol(_short(t)), self.span(node))))
        call_kwargs = {k: _tensors_to_refs(v) for k, v in kwargs.items()}
        return self.make_node(layer, inputs, call_kwargs, node, list_input)

    def make_node(self, layer: LayerDef, inputs: list, call_kwargs: dict, node: cst.CSTNode, list_input: bool) -> TensorVal:
        self.node_counter += 1
        n = Node(layer, inputs, call_kwargs, self.span(node), list_input=list_input)
        self.layer_calls.setdefault(id(layer), []).append(n)
        return TensorVal(Tensor(n))


def _bounded(v: Any) -> Any:
    """``v``, or None when it is an int or sequence too large to keep folding."""
    if isinstance(v, int) and v.bit_length() > MAX_INT_BITS:
        return None
    if isinstance(v, (str, list, tuple)) and len(v) > MAX_SEQUENCE:
        return None
    return v


def _tensors_to_refs(v: Any) -> Any:
    if isinstance(v, TensorVal):
        return v.tensor
    if isinstance(v, (list, tuple)):
        return type(v)(_tensors_to_refs(x) for x in v)
    return v


def _held_layers(obj: Any) -> list[LayerDef]:
    """A layer or model and, recursively, the layers inside it."""
    if isinstance(obj, LayerObj):
        defs = [obj.layer]
    elif isinstance(obj, ModelVal):
        m = obj.model
        defs = list(m.layers) if m.api == "sequential" else [n.layer for n in _functional_nodes(m)]
    else:
        return []
    out: list[LayerDef] = []
    for ld in defs:
        out.append(ld)
        if ld.submodel is not None:
            out.extend(_held_layers(ModelVal(ld.submodel)))
    return out


def _model_layers(m: ExtractedModel) -> list:
    """Keras' ``model.layers``: a functional model lists its InputLayers too."""
    if m.api == "sequential":
        return list(m.layers)
    from ..graph import ordered_operations

    return ordered_operations(m)


def _same_dim(a: tuple, b: tuple) -> bool:
    (ta, axis_a), (tb, axis_b) = a, b
    return ta.producer is tb.producer and ta.index == tb.index and axis_a == axis_b


def _flatten(v: Any) -> list:
    if isinstance(v, (list, tuple)):
        out = []
        for x in v:
            out.extend(_flatten(x))
        return out
    if isinstance(v, dict):  # Keras flattens dicts of inputs/outputs in key order
        keys = sorted(v) if all(isinstance(k, str) for k in v) else list(v)
        return _flatten([v[k] for k in keys])
    return [] if v is None else [v]


def _short(v: Any) -> str:
    if isinstance(v, Expr):
        return str(v)
    s = repr(v) if not isinstance(v, Ref) else v.qualname
    return s if len(s) < 60 else s[:57] + "..."


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _AutoName:
    """``layer.name`` of a layer Keras names itself: ``dense``, ``dense_3``, ...

    The number depends on what else the file builds, but the stem does not, so
    tests like ``layer.name == "adapter"`` are decidable for most layers.
    """

    def __init__(self, cls: str) -> None:
        from ..shapes import snake_case  # Keras' naming rule lives with the engine

        self.stem = snake_case(cls)

    def could_be(self, s: str) -> bool:
        return re.fullmatch(re.escape(self.stem) + r"(_\d+)?", s) is not None

    def equals(self, op: str, other: Any) -> Any:
        if isinstance(other, str) and not self.could_be(other):
            return op == "NotEqual"
        return UNDECIDED

    def contains(self, op: str, part: Any) -> Any:
        """``"conv" in layer.name``: the stem always leads the name."""
        if not isinstance(part, str):
            return UNDECIDED
        if part in self.stem:
            return op == "In"
        if set(part) - set(self.stem + "_0123456789"):
            return op == "NotIn"
        return UNDECIDED


def _is_layer_instance(ld: LayerDef, classes: Any) -> Any:
    """``isinstance(layer, BatchNormalization)`` for a layer we know the class of."""
    refs = classes if isinstance(classes, tuple) else (classes,)
    if not ld.known or ld.submodel is not None or not all(isinstance(r, Ref) for r in refs):
        return UNDECIDED
    for r in refs:
        k = classify(r.qualname)
        if k is None or k.kind not in ("layer", "base"):
            return UNDECIDED
        if k.kind == "base" or k.name == ld.cls:
            return True
    return False


def _compare(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, _AutoName) and op in ("Equal", "NotEqual"):
        return a.equals(op, b)
    if isinstance(b, _AutoName) and op in ("Equal", "NotEqual"):
        return b.equals(op, a)
    if isinstance(b, _AutoName) and op in ("In", "NotIn"):
        return b.contains(op, a)
    if isinstance(a, _AutoName) or isinstance(b, _AutoName):
        return UNDECIDED
    if op in ("Is", "IsNot"):
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            if isinstance(a, (Expr, TensorVal)) or isinstance(b, (Expr, TensorVal)):
                return UNDECIDED if not (a is None and b is None) else op == "Is"
            same = a is b
            return same if op == "Is" else not same
        return UNDECIDED
    concrete = (int, float, str, tuple, list, type(None), bool)
    if op in ("In", "NotIn"):
        if isinstance(b, (tuple, list, str, dict)) and isinstance(a, concrete) and all(
            isinstance(x, concrete) for x in (b if not isinstance(b, str) else [])
        ):
            try:
                r = a in b
            except TypeError:
                return UNDECIDED
            return r if op == "In" else not r
        return UNDECIDED
    if isinstance(a, concrete) and isinstance(b, concrete):
        try:
            return {
                "Equal": lambda: a == b, "NotEqual": lambda: a != b, "LessThan": lambda: a < b,
                "LessThanEqual": lambda: a <= b, "GreaterThan": lambda: a > b, "GreaterThanEqual": lambda: a >= b,
            }[op]()
        except (TypeError, KeyError):
            return UNDECIDED
    return UNDECIDED


def _may_build(fn: cst.FunctionDef) -> bool:
    """Cheap check that a never-called function constructs a model at all."""
    code = cst.Module(body=[fn]).code
    return "Sequential" in code or "Model(" in code or "Input(" in code


def _functional_nodes(m: ExtractedModel) -> list[Node]:
    from ..graph import model_nodes

    return model_nodes(m)


def extract_module(module: cst.Module, path: str, text: str | None = None, tree: ast.Module | None = None) -> FileResult:
    """Run the interpreter over a parsed module and return the models it built.
    ``text`` is the module's source and ``tree`` Python's parse of it, if at hand
    (they save regenerating and re-parsing it for positions)."""
    return Interpreter(module, path, text, tree).run()
