"""Shape rules of Keras operations (``keras.ops``, operators, activations) and the
TensorFlow functions real code calls on tensors; importing this package fills the table.

One family per module, like the layer families: elementwise, reduction,
shaping, indexing, linalg, activations, image, creation, convolution, signal.  Paths are the import path
after Keras' root (``ops.mean``, ``activations.swish``) or ``tf.`` plus the
path after ``tensorflow.`` (``tf.reduce_mean``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from layerlint.engine.ops.base import OpSpec, Rule

TABLE: dict[str, OpSpec] = {}  # path -> spec
BY_KEY: dict[str, OpSpec] = {}  # Keras function name -> its keras.ops spec


def op(key: str, cls: str, *params: str, paths: Sequence[str] | None = None, tf: Sequence[Any] = (),
       **defaults: Any) -> Callable[[Rule], Rule]:
    """Register ``rule`` as the shape rule of Keras op ``key`` (Operation class ``cls``).

    ``paths`` are Keras paths taking the parameters ``params`` with ``defaults``;
    each ``tf`` entry is a path, or ``(path, params, defaults)`` when the
    TensorFlow function names or defaults its parameters differently (its
    params are listed by the rule's names, ``tfname=rulename`` where they differ).
    """

    def register(rule: Rule) -> Rule:
        family = rule.__module__.rsplit(".", 1)[-1]
        spec = OpSpec(key, cls, tuple(params), dict(defaults), rule, family)
        BY_KEY.setdefault(key, spec)
        for path in (f"ops.{key}", f"ops.numpy.{key}") if paths is None else paths:
            TABLE[path] = spec
        for entry in tf:
            path, tf_params, tf_defaults = (entry, None, None) if isinstance(entry, str) else entry
            names, renames = [], {}
            for p in tf_params or params:
                own, _, canonical = p.partition("=")
                names.append(canonical or own)
                if canonical:
                    renames[own] = canonical
            merged = dict(defaults) | dict(tf_defaults or {})
            TABLE[f"tf.{path}"] = OpSpec(key, cls, tuple(names), merged, rule, family, renames, tf=True)
        return rule

    return register


def lookup_op(path: str) -> OpSpec | None:
    """The spec for a Keras path (``ops.mean``) or a TensorFlow one (``tf.reduce_mean``)."""
    return TABLE.get(path)


# The families register their ops on import (they need ``op`` above, hence last).
from layerlint.engine.ops import (  # noqa: E402
    activations,
    convolution,
    creation,
    elementwise,
    image,
    indexing,
    linalg,
    reduction,
    shaping,
    signal,
)

FAMILIES = (activations, convolution, creation, elementwise, image, indexing, linalg, reduction, shaping, signal)

__all__ = ["BY_KEY", "TABLE", "OpSpec", "lookup_op", "op"]
