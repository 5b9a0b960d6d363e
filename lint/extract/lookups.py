"""What a lookup layer's vocabulary_size() returns, read from the arguments it was made with."""

from __future__ import annotations

from layerlint.engine.layer_apply import bind
from layerlint.engine.layers import lookup
from layerlint.engine.layers.base import ShapeError
from layerlint.engine.layers.preprocessing import lookup_vocabulary_size
from layerlint.engine.model import LayerDef

LOOKUP_CLASSES = frozenset({"StringLookup", "IntegerLookup"})
# Methods that give a lookup layer another vocabulary than its constructor's.
VOCABULARY_SETTERS = frozenset({"adapt", "set_vocabulary", "load_assets", "load_own_variables", "set_weights"})


def constructed_vocabulary_size(ld: LayerDef) -> int | None:
    """vocabulary_size() of the lookup layer ``ld`` as constructed (None: not known from its arguments)."""
    spec = lookup(ld.cls)
    if spec is None:
        return None
    try:
        cfg = bind(spec, ld.args, ld.kwargs)
    except ShapeError:  # arguments Python would not bind to the constructor: nothing to read
        return None
    return lookup_vocabulary_size(cfg)
