"""Layers tf-keras 2 builds otherwise than Keras 3: the engine gives tf-keras' row with
keras-version = 2 and Keras 3's with 3 (truth in tests/keras2_layer_truth.json, recorded from
both packages by tests/keras2_layer_truth.py)."""

from __future__ import annotations

import json
import os

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.symbolic import prod

from tests.keras2_layer_cases import CASES
from tests.keras2_layer_truth import TRUTH
from tests.layer_cases import case_id

STORED = json.loads(TRUTH.read_text())
PACKAGE = {2: "tf_keras", 3: "keras"}


def _engine(case: tuple, version: int) -> dict:
    cls, args, kwargs, inputs = case[:4]
    call = case[4] if len(case) > 4 else {}
    try:
        built = apply_layer(cls, args, kwargs, [tuple(s) for s in inputs], call, keras_version=version)
    except ShapeError:
        return {"error": True}
    except Unanalysable:
        return {"unknown": True}
    out = built.output
    return {"output": [list(o) for o in out] if isinstance(out, list) else list(out),
            "weights": [list(w.shape) for w in built.weights],
            "trainable": sum(prod(w.shape) for w in built.weights if w.trainable),
            "non_trainable": sum(prod(w.shape) for w in built.weights if not w.trainable)}


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_row_is_the_row_of_that_keras(case: tuple, version: int) -> None:
    truth = STORED[case_id(case)][PACKAGE[version]]
    if truth.get("error", "").startswith(("AttributeError: module 'keras.layers' has no attribute",
                                          "AttributeError: module 'tf_keras.layers' has no attribute")):
        assert _engine(case, version) == {"unknown": True}  # a class that Keras has not: not shaped
    elif "error" in truth:
        assert _engine(case, version) == {"error": True}
    else:
        assert _engine(case, version) == truth


def test_the_cases_are_where_the_two_differ() -> None:
    # The table is about differences: most of its rows must have tf-keras and Keras 3 disagree.
    differ = [k for k, v in STORED.items() if v["tf_keras"] != v["keras"]]
    assert len(differ) >= 30


def test_the_truth_is_live() -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras")
    from tests.keras2_layer_truth import main

    assert main(["--check"]) == 0
