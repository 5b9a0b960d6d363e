"""TensorFlow calls and operators on Keras tensors with ``keras-version = 2``: tf-keras wraps
each in a TFOpLambda (or SlicingOpLambda) layer named after the TensorFlow function.

Every TensorFlow row of tests/op_cases, built in tf-keras, is recorded in
tests/op_cases/tf_keras_truth.json with the layer-name table lint/engine/ops/tf_keras_names.py
(both by fixtures/regen_tf_keras_names.py); the engine's rows must equal tf-keras' rows.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import output_text

from tests.op_cases import case_id, program

TRUTH = json.loads((Path(__file__).parent / "op_cases" / "tf_keras_truth.json").read_text())


def _cases() -> list[tuple]:
    from fixtures.regen_tf_keras_names import _tf_cases

    return _tf_cases()


CASES = _cases()


def ours(case: tuple) -> dict:
    fa = analyze_text(program(case, "model").replace("import keras\n", "import tf_keras as keras\n"), "op.py",
                      keras_version=2)
    if not fa.models:
        return {"none": True}
    (sm,) = fa.models
    if any(r.status == "error" for r in sm.layers):
        return {"error": True}
    return {"rows": [[r.name, r.cls, output_text(r, 2)] for r in sm.layers], "unknown": not sm.complete}


@pytest.mark.parametrize("case", CASES, ids=[case_id(c, "model") for c in CASES])
def test_rows_are_tf_keras_rows(case: tuple) -> None:
    truth = TRUTH[case_id(case, "model")]
    got = ours(case)
    if "error" in truth:
        assert got == {"error": True}
    elif got.get("unknown"):
        # What we do not follow is unknown, never another shape: each row we shape is one of tf-keras' rows.
        assert [r for r in got["rows"] if r[2] != "?" and r not in truth["rows"]] == []
    else:
        assert got["rows"] == truth["rows"]


def test_some_rows_are_followed_whole() -> None:
    followed = [c for c in CASES if "rows" in TRUTH[case_id(c, "model")] and not ours(c).get("unknown")]
    assert len(followed) >= 0.8 * len(CASES)


def test_the_tables_are_live_tf_keras() -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras")
    from fixtures import regen_tf_keras_names as regen

    table, truth = regen.render()
    assert regen.TABLE.read_text(encoding="utf-8") == table
    assert regen.TRUTH.read_text(encoding="utf-8") == truth
