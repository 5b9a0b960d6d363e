"""The helpers real projects build models with: ``functools.reduce`` and
``functools.partial`` (so ``compose(*funcs)`` folds its functions), the
``keras_applications`` convention of Keras handed in at run time, and Keras'
backend queries answered with Keras' own defaults."""

from __future__ import annotations

from typing import Any

import libcst as cst
from layerlint.engine.keras3_removed import (
    KERAS3_REDUCTION,
    RemovedUse,
    auto_reduction,
    keras3_loss_class,
    legacy_optimizer,
    removed_import,
    removed_name,
)
from layerlint.engine.legacy_backend import keras3_call, keras3_has, spelling
from layerlint.engine.model import BackendUse
from layerlint.engine.tf_backend import raises_on_keras_tensor
from layerlint.extract.runtime import MAX_LOOP
from layerlint.extract.values import ClassVal, InstanceVal, PartialVal, Ref

# keras_applications hands builders Keras' own submodules unless the caller passes others.
KERAS_APPLICATIONS_DEFAULTS = {
    "backend": "keras.backend",
    "layers": "keras.layers",
    "models": "keras.models",
    "utils": "keras.utils",
}
KERAS_APPLICATIONS_GLOBALS = {
    "keras_applications._KERAS_BACKEND": "keras.backend",
    "keras_applications._KERAS_LAYERS": "keras.layers",
    "keras_applications._KERAS_MODELS": "keras.models",
    "keras_applications._KERAS_UTILS": "keras.utils",
}
# What Keras answers when no keras.json or KERAS_BACKEND says otherwise.
KERAS_DEFAULTS = {"backend": "tensorflow", "image_data_format": "channels_last", "floatx": "float32",
                  "epsilon": 1e-7}


class Helpers:
    """The Interpreter's Python helpers (a mixin: state lives on the Interpreter)."""

    def call_helper(self, q: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """A call of one of the helpers above, or NotImplemented."""
        if q == "functools.partial":
            if not args:
                return self.symbol(node)
            return PartialVal(args[0], tuple(args[1:]), dict(kwargs))
        if q == "functools.reduce":
            return self.reduce(args, node)
        if q in ("functools.wraps", "functools.update_wrapper"):
            # `@wraps(f)` copies names and docs: the wrapper itself is what runs.
            return Ref("functools.identity") if q == "functools.wraps" else (args[0] if args else None)
        if q == "functools.identity":
            return args[0] if args else None
        if q in ("copy.copy", "copy.deepcopy") and len(args) == 1:
            v = args[0]
            if isinstance(v, (list, dict)):
                # A copy of the container; layers, functions and tensors in it are shared, as
                # deepcopy could not copy what they stand for anyway.
                return list(v) if isinstance(v, list) else dict(v)
            return v
        if q in ("collections.namedtuple", "typing.NamedTuple") and args and isinstance(args[0], str):
            fields = args[1] if len(args) > 1 else kwargs.get("field_names")
            if isinstance(fields, str):
                fields = fields.replace(",", " ").split()
            if isinstance(fields, (list, tuple)) and all(isinstance(f, str) for f in fields):
                return ClassVal(args[0], "other", self.span(node), record=tuple(fields))
            return self.symbol(node)
        if q.endswith("get_submodules_from_kwargs") and q.startswith("keras_applications"):
            given = args[0] if args and isinstance(args[0], dict) else {}
            return tuple(given.get(k, Ref(v)) for k, v in KERAS_APPLICATIONS_DEFAULTS.items())
        return NotImplemented

    def reduce(self, args: list, node: cst.Call) -> Any:
        if len(args) < 2:
            return self.symbol(node)
        items = self.iterate(args[1])
        if items is None or len(items) > MAX_LOOP:
            return self.symbol(node)
        if len(args) > 2:
            acc = args[2]
        elif items:
            acc, items = items[0], items[1:]
        else:
            return self.symbol(node)  # Python raises TypeError on an empty sequence without an initial value
        for item in items:
            acc = self.call(args[0], [acc, item], {}, node)
        return acc

    def call_partial(self, p: PartialVal, args: list, kwargs: dict, node: cst.Call) -> Any:
        return self.call(p.func, [*p.args, *args], {**p.kwargs, **kwargs}, node)

    def backend_query(self, name: str, args: list) -> Any:
        """``K.backend()``, ``K.image_data_format()``, ``K.floatx()``, ``K.epsilon()`` as Keras
        answers them by default (the ``keras-backend`` / ``image-data-format`` settings change them)."""
        if args:
            return NotImplemented
        value = self.keras_defaults.get(name, KERAS_DEFAULTS.get(name))
        return NotImplemented if value is None else value

    def note_backend_name(self, qualname: str, node: cst.CSTNode, imported: bool = False) -> None:
        """Record a name of the ``keras`` package's backend that Keras 3 does not have (LL504), where the code
        reads it.  Only ``keras.backend``: Keras 3's ``tf.keras.backend`` and tf-keras' keep Keras 2's names."""
        if self.keras_version != 3 or not qualname.startswith("keras.backend."):
            return
        name = qualname[len("keras.backend."):]
        if "." in name or keras3_has(name):
            return
        span = self.span(node)
        key = (span.path, span.line, span.col)
        if key not in self.result.legacy_backend:
            written = f"from keras.backend import {name}" if imported else self.text(node)
            self.result.legacy_backend[key] = BackendUse(span, name, written, imported)

    def note_removed(self, node: cst.CSTNode, written: str, found: tuple[str, str, str]) -> None:
        """Record a Keras 2 spelling Keras 3 raises on (LL505) where the code runs it.  One per position: the
        outer of `tf.keras.optimizers.experimental.AdamW` (read after its inner attribute, which starts at the
        same place) replaces the inner with the name the Keras 3 spelling keeps."""
        span = self.span(node)
        error, what, modern = found
        self.result.keras3_removed[(span.path, span.line, span.col)] = RemovedUse(span, written, error, what, modern)

    def note_removed_name(self, ref: Ref, node: cst.CSTNode) -> None:
        """``tf.keras.optimizers.experimental.AdamW``, ``keras.losses.Reduction``: AttributeError in Keras 3."""
        if self.keras_version != 3 or ref.undecided is not None:
            return
        found = removed_name(ref.qualname)
        if found is not None:
            self.note_removed(node, self.short_text(node), found)

    def note_removed_import(self, module: str, name: str, alias: cst.ImportAlias) -> None:
        """``from tensorflow.keras.optimizers.experimental import AdamW``: Keras 3 raises at the import."""
        if self.keras_version != 3:
            return
        found = removed_import(module, name)
        if found is not None:
            self.note_removed(alias, f"from {module} import {name}", found)

    def note_removed_call(self, ref: Ref, kwargs: dict, node: cst.Call) -> None:
        """A call Keras 3 raises in: a ``keras.optimizers.legacy`` optimizer made (ImportError), a Keras 3
        loss class given Keras 2's ``reduction="auto"`` (ValueError)."""
        if self.keras_version != 3 or ref.undecided is not None:
            return
        name = legacy_optimizer(ref.qualname)
        if name is not None:
            self.note_removed(node, self.short_text(node), (
                "ImportError", "Keras 3 does not support `keras.optimizers.legacy`", f"keras.optimizers.{name}"))
        elif keras3_loss_class(ref.qualname):
            self.note_auto_reduction(kwargs, node)

    def note_auto_reduction(self, kwargs: dict, node: cst.Call) -> None:
        """``reduction="auto"`` (or ``Reduction.AUTO``) given to a Keras 3 loss's constructor: ValueError."""
        if self.keras_version != 3 or "reduction" not in kwargs or not auto_reduction(kwargs["reduction"]):
            return
        # the keyword as written; through **kwargs, the whole call
        at = next((a for a in node.args if a.keyword is not None and a.keyword.value == "reduction"), None)
        # the keyword's own text, without the comma cst.Arg holds
        written = f"reduction={self.short_text(at.value)}" if at is not None else self.short_text(node)
        found = ("ValueError", 'Keras 3 losses take no `reduction="auto"`', f'reduction="{KERAS3_REDUCTION}"')
        self.note_removed(at if at is not None else node, written, found)

    def short_text(self, node: cst.CSTNode) -> str:
        """The user's text of ``node`` for a message: the callee and `(...)` when long or on many lines."""
        text = self.text(node)
        if len(text) <= 60 and "\n" not in text:
            return text
        if isinstance(node, cst.Call):
            return f"{self.text(node.func)}(...)"
        return text.split("\n", 1)[0][:57] + "..."

    def note_backend_call(self, node: cst.Call) -> None:
        """The argument texts of a call of a name note_backend_name recorded, for the Keras 3 spelling."""
        span = self.span(node.func)
        use = self.result.legacy_backend.get((span.path, span.line, span.col))
        if use is None or use.args is not None:
            return
        use.span = self.span(node)  # the whole call: what the Keras 3 spelling replaces
        call = self.text(node)
        use.written = call if len(call) <= 60 and "\n" not in call else f"{use.written}(...)"
        texts = [self.text(a.value) for a in node.args]
        if any(a.star for a in node.args) or any("#" in t for t in texts):
            return  # the spelling then names the parameters: comments would end a one-line spelling
        use.args = tuple(t for a, t in zip(node.args, texts) if a.keyword is None)
        use.kwargs = {a.keyword.value: t for a, t in zip(node.args, texts) if a.keyword is not None}

    def keras2_backend_call(self, ref: Ref, args: list, kwargs: dict, node: cst.Call) -> Any:
        """With keras-version = 3, a Keras 2 backend function Keras 3 has not (LL504 reports it) on tensors:
        followed as its Keras 3 spelling builds it (``K.sum(x, axis=1)`` as ``keras.ops.sum(x, axis=1)``),
        the meaning Keras 2 gave it.  None: not such a call, or a spelling that is not one op call."""
        name = ref.qualname[len("keras.backend."):]
        if self.keras_version != 3 or ref.undecided is not None or keras3_has(name) \
                or not self.tensors_in([list(args), kwargs]):
            return None
        made = keras3_call(name, args, kwargs)
        if made is None:
            return None
        func, args3, kwargs3 = made
        return self.call_tensor_function(func, args3, kwargs3, node)

    def tf_backend_call(self, name: str, args: list, kwargs: dict, node: cst.Call) -> Any:
        """With keras-version = 3, Keras 3's ``tf.keras.backend.<name>`` given a Keras tensor between layers: the
        TensorFlow it is written with raises there (lint/engine/tf_backend.py), an error row LL106 reports with
        the Keras 3 spelling of the call.  None: not such a call (in a traced call() the tensors are
        TensorFlow's, and the function works)."""
        if self.keras_version != 3 or self.tracing or "." in name:
            return None
        raised = raises_on_keras_tensor(name)
        if raised is None or not self.tensors_in([list(args), kwargs]):
            return None
        texts = [self.text(a.value) for a in node.args]
        modern = None
        if not any(a.star for a in node.args) and not any("#" in t or "\n" in t for t in texts):
            modern = spelling(name, tuple(t for a, t in zip(node.args, texts) if a.keyword is None),
                              {a.keyword.value: t for a, t in zip(node.args, texts) if a.keyword is not None})
        call = self.text(node)
        written = call if len(call) <= 60 and "\n" not in call else f"{self.text(node.func)}(...)"
        error = f"`{written}`: Keras 3's `tf.keras.backend.{name}` runs TensorFlow on a Keras tensor ({raised})"
        advice = (f"write `{modern}`" if modern is not None else
                  "call it inside a custom layer's call(), where the tensors are TensorFlow's")
        return self.make_op(f"tf.keras.backend.{name}", self.text(node.func), tuple(args), kwargs, node, error=error,
                            advice=advice)

    def new_record(self, cls: ClassVal, args: list, kwargs: dict, node: cst.Call) -> Any:
        """An instance of a ``namedtuple`` class: its fields by name (defaults are not modelled)."""
        fields = cls.record or ()
        if len(args) > len(fields) or any(k not in fields for k in kwargs):
            return self.symbol(node)  # Python raises TypeError
        values = dict(zip(fields, args))
        values.update(kwargs)
        if len(values) != len(fields):
            return self.symbol(node)
        return InstanceVal(cls, {f: values[f] for f in fields})
