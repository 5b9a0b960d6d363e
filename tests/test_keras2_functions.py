"""Keras 2 backend functions (``K.sum``) and activations on a Keras tensor with ``keras-version = 2``:
tf-keras makes a TFOpLambda layer per TensorFlow call, and the engine's rows must be tf-keras' rows
(tests/keras2_function_truth.json, recorded by fixtures/regen_tf_keras_functions.py)."""

from __future__ import annotations

import json
import os

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import output_text

from fixtures.regen_tf_keras_functions import TRUTH
from tests.keras2_function_cases import CASES, PROGRAM_CASES, UNFOLLOWED, program

STORED = json.loads(TRUTH.read_text())


def ours(expr: str, shape: tuple, version: int = 2) -> tuple[list, bool]:
    (sm,) = analyze_text(program(expr, shape), "k2.py", keras_version=version).models
    return [[r.name, r.cls, output_text(r, version), r.params] for r in sm.layers], sm.complete


@pytest.mark.parametrize(("expr", "shape"), CASES, ids=[c[0] for c in CASES])
def test_rows_are_tf_keras_rows(expr: str, shape: tuple) -> None:
    rows, complete = ours(expr, shape)
    assert complete
    assert rows == STORED[expr]["rows"]


@pytest.mark.parametrize(("expr", "shape"), PROGRAM_CASES, ids=[f"{c[0]} {c[1]}" for c in PROGRAM_CASES])
def test_programmed_rows_are_tf_keras_rows(expr: str, shape: tuple) -> None:
    rows, complete = ours(expr, shape)
    assert complete
    assert rows == STORED[f"{expr} {shape}"]["rows"]


@pytest.mark.parametrize(("expr", "shape"), UNFOLLOWED, ids=[c[0] for c in UNFOLLOWED])
def test_other_arguments_stay_unknown(expr: str, shape: tuple) -> None:
    rows, complete = ours(expr, shape)
    assert not complete
    # tf-keras' rows where it builds the model; where it raises, nothing after the input is known.
    assert [r for r in rows if r[2] != "?" and r not in STORED[expr].get("rows", rows[:1])] == []


def test_an_activation_tf_keras_has_not_is_unknown_with_that_reason() -> None:
    assert "AttributeError" in STORED["activations.log_softmax(x)"]["error"]
    (sm,) = analyze_text(program("activations.log_softmax(x)", (4, 6)), "k2.py", keras_version=2).models
    assert "tf-keras 2 has no `activations.log_softmax` (AttributeError)" in sm.layers[1].reason


def test_keras3_mode_does_not_read_them_as_tf_keras() -> None:
    rows, complete = ours("K.sum(x, axis=1)", (4, 6), version=3)
    assert not complete and all(r[1] != "TFOpLambda" for r in rows)


def test_the_tables_are_live_tf_keras() -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras")
    from fixtures import regen_tf_keras_functions as regen

    table, truth = regen.render()
    assert regen.TABLE.read_text(encoding="utf-8") == table
    assert regen.TRUTH.read_text(encoding="utf-8") == truth
