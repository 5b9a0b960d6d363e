"""The check Keras 3 makes when a built model is called on Keras tensors.

A functional model (and a Sequential built on a declared input, which calls the
functional model it built) has an input spec per input: the input's shape with
the batch axis left free, allowing a trailing axis of 1 on either side.  Keras
drops that axis from both shapes and compares the dims position by position,
only as far as the shorter of the two reaches, so a rank difference alone is
accepted on a symbolic call; a dim given on both sides that differs is refused.
"""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import ShapeError
from layerlint.engine.symbolic import shape_str


def _spec(declared: tuple) -> tuple:
    return (None, *declared[1:]) if declared else declared


def _fixed(d: Any) -> bool:
    return isinstance(d, int) and not isinstance(d, bool)


def _squeezed(shape: tuple) -> tuple:
    return shape[:-1] if shape and _fixed(shape[-1]) and shape[-1] == 1 else shape


def _sure(shape: tuple) -> int:
    """How many leading dims of the squeezed shape are the same whether or not a last dim we do
    not know is 1 (then squeezed)."""
    if shape and not _fixed(shape[-1]) and shape[-1] is not None:
        return len(shape) - 1
    return len(_squeezed(shape))


def input_spec_error(declared: list, given: list, names: list[str | None], layer: str) -> ShapeError | None:
    """Keras' ValueError for the first input whose shape its spec refuses, or None (accepted, or
    not decidable: a dim that is not a number on either side is never claimed to differ)."""
    if len(declared) != len(given):
        return None
    for i, (want, got, name) in enumerate(zip(declared, given, names)):
        if not isinstance(want, tuple) or not isinstance(got, tuple):
            continue
        spec = _spec(want)
        compared = min(_sure(spec), _sure(got))
        for a, b in list(zip(_squeezed(spec), _squeezed(got)))[:compared]:
            if _fixed(a) and _fixed(b) and a != b:
                named = f" with name '{name}'" if name else ""
                return ShapeError("invalid", f"Input {i}{named} of layer '{layer}' is incompatible with the layer: "
                                  f"expected shape={shape_str(spec)}, found shape={shape_str(_squeezed(got))}")
    return None
