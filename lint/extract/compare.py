"""Comparisons the interpreter can decide without running code: folded
constants, ``is None``, ``isinstance(layer, Dense)`` and Keras' automatic layer
names (``layer.name == "dense"``), else UNDECIDED."""

from __future__ import annotations

import re
from typing import Any

from layerlint.engine.model import LayerDef
from layerlint.engine.symbolic import Expr
from layerlint.extract.keras_names import classify
from layerlint.extract.runtime import (
    UNDECIDED,
)
from layerlint.extract.values import (
    Ref,
    TensorVal,
)


class AutoName:
    """``layer.name`` of a layer Keras names itself: ``dense``, ``dense_3``, ...

    The number depends on what else the file builds, but the stem does not, so
    tests like ``layer.name == "adapter"`` are decidable for most layers.
    """

    def __init__(self, cls: str) -> None:
        from layerlint.engine.shapes import snake_case  # Keras' naming rule lives with the engine

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


def is_layer_instance(ld: LayerDef, classes: Any) -> Any:
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


def compare(op: str, a: Any, b: Any) -> Any:
    if isinstance(a, AutoName) and op in ("Equal", "NotEqual"):
        return a.equals(op, b)
    if isinstance(b, AutoName) and op in ("Equal", "NotEqual"):
        return b.equals(op, a)
    if isinstance(b, AutoName) and op in ("In", "NotIn"):
        return b.contains(op, a)
    if isinstance(a, AutoName) or isinstance(b, AutoName):
        return UNDECIDED
    if _builtin_type(a) and _builtin_type(b) and op in ("Is", "IsNot", "Equal", "NotEqual"):
        same = a.qualname == b.qualname  # one object per builtin type: `type(depth) is int`
        return same if op in ("Is", "Equal") else not same
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


_TYPE_NAMES = frozenset({"builtins.bool", "builtins.int", "builtins.float", "builtins.str", "builtins.list",
                         "builtins.tuple", "builtins.dict"})


def _builtin_type(v: Any) -> bool:
    return isinstance(v, Ref) and v.qualname in _TYPE_NAMES
