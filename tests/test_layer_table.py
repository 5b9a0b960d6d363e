"""Every expectation row: the static engine must equal what real Keras computed."""

from __future__ import annotations

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import ShapeError
from layerlint.engine.symbolic import prod

from tests.layer_cases import all_cases, case_id, load_truth
from tests.nonempty import nonempty

CASES = nonempty(all_cases(), "layer table rows")
TRUTH = load_truth()


def _norm(shape):
    return [None if d is None else d for d in shape]


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_layer_matches_keras(case):
    expected = TRUTH.get(case_id(case))
    assert expected is not None, "row missing from keras_truth.json: run python tests/keras_truth.py"
    cls, args, kwargs, inputs = case[:4]
    call = case[4] if len(case) > 4 else {}
    if "error" in expected:
        # Keras raised: so must the engine, with a definite shape error ("cannot analyse" is not one).
        with pytest.raises(ShapeError):
            apply_layer(cls, args, kwargs, [tuple(s) for s in inputs], call)
        return
    built = apply_layer(cls, args, kwargs, [tuple(s) for s in inputs], call)
    out = built.output
    if isinstance(out, list):
        assert [_norm(o) for o in out] == expected["output"]
    else:
        assert _norm(out) == expected["output"]
    assert [list(w.shape) for w in built.weights] == expected["weights"]
    trainable = sum(prod(w.shape) for w in built.weights if w.trainable)
    non_trainable = sum(prod(w.shape) for w in built.weights if not w.trainable)
    assert (trainable, non_trainable) == (expected["trainable"], expected["non_trainable"])
