"""What Keras 3 raises running a built model eagerly on data (``model(np.zeros((2, 3, 4)))``).

A functional model first checks the data against its input spec (engine/model_input_spec.py, the
same check a symbolic call gets); then Functional.call() (also the call of the functional model a
Sequential built, which a Sequential hands the data to with no spec check first) adjusts each
input's rank to the declared input's: one more axis of size 1 is squeezed, one fewer is expanded
where the declared input's last axis is 1, and any other rank is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from layerlint.engine.model import InputDef
from layerlint.engine.model_input_spec import input_spec_error
from layerlint.engine.shapes import ShapedModel, built_when_made
from layerlint.engine.symbolic import shape_str
from layerlint.sources.span import Span


def _fixed(d: Any) -> bool:
    return isinstance(d, int) and not isinstance(d, bool)


def rank_error(want: tuple, got: tuple, name: str | None, path: str, text: str) -> str | None:
    """Functional.call()'s refusal of data whose rank cannot be adjusted to the input's, or None
    (accepted, or not decidable: the axis Keras would squeeze or expand is not a number)."""
    if len(got) == len(want):
        return None
    if len(got) == len(want) + 1 or len(got) == len(want) - 1 and want:
        last = got[-1] if len(got) > len(want) else want[-1]
        if not _fixed(last) or last == 1:
            return None  # squeezed or expanded to the input's rank, or not known to be refused
    named = f" with name '{name}'" if name else ""
    return (f"Invalid input shape for input `{text}`{named} and path '{path}'. Expected shape {shape_str(want)}, "
            f"but input has incompatible shape {shape_str(got)}")


def _reference(sm: ShapedModel) -> tuple[list, list, list, list] | None:
    """The model's input shapes (batch axis as declared), its input layers' names (its spec's),
    the names the user gave its input tensors and their paths, or None where they are not known."""
    m = sm.model
    if m.api == "functional":
        producers = [t.producer for t in m.inputs]
        if not producers or not all(isinstance(p, InputDef) for p in producers) or m.input_paths is None:
            return None
        rows = {id(r.source): r.name for r in sm.layers}
        return list(sm.input_shapes), [rows.get(id(p)) for p in producers], [p.name for p in producers], \
            m.input_paths
    if m.api == "sequential":
        shape = sm.input_shapes[0] if built_when_made(m) and sm.input_shapes else m.built_on
        if not isinstance(shape, tuple) or not all(d is None or _fixed(d) for d in shape):
            return None  # an input we do not know in full (a rank we guessed) decides nothing
        return [shape], [None], [m.seq_input.name if m.seq_input is not None else None], [""]
    return None


def eager_call_errors(sm: ShapedModel) -> Iterator[tuple[Span, str]]:
    """Keras' ValueError for each eager call of the model on data it refuses: where, and its text."""
    ref = _reference(sm)
    if ref is None:
        return
    declared, spec_names, tensor_names, paths = ref
    for given, span, texts in sm.model.data_calls:
        if len(given) != len(declared) or not all(isinstance(d, tuple) for d in declared):
            continue
        error = input_spec_error(declared, given, spec_names, sm.name) if sm.model.api == "functional" else None
        if error is not None:
            yield span, error.message
            continue
        for i, (want, got) in enumerate(zip(declared, given)):
            message = rank_error(want, got, tensor_names[i], paths[i], texts[i])
            if message is not None:
                yield span, message
                break
