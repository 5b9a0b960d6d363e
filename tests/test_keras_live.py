"""Re-derive the stored Keras truth from live Keras (CI installs TensorFlow).

The table and fixture tests compare layerlint with Keras' recorded results;
these tests make sure those records still equal what the installed Keras
computes, so a stale or hand-edited truth file cannot hide a disagreement.
"""

from __future__ import annotations

import json

import pytest

from fixtures.regen import fixture_files
from tests.layer_cases import case_id, families, family_cases, load_truth
from tests.op_cases import case_id as op_case_id
from tests.op_cases import families as op_families
from tests.op_cases import family_cases as op_family_cases
from tests.op_cases import load_truth as load_op_truth
from tests.op_cases import program as op_program
from tests.op_cases import variants as op_variants


def _comparable(result: dict) -> dict:
    # Error texts carry Keras' auto-numbered layer names; the kind of error is what matters.
    if "error" in result:
        return {"error": result["error"].split(":", 1)[0]}
    return result


@pytest.mark.parametrize("family", families())
def test_layer_table_truth_is_live_keras(keras, family: str) -> None:
    from tests.keras_truth import keras_result

    stored = load_truth()
    diffs = []
    for case in family_cases(family):
        live = _comparable(keras_result(case))
        if _comparable(stored.get(case_id(case), {"error": "missing"})) != live:
            diffs.append(f"{case_id(case)}: stored {stored.get(case_id(case))} live {live}")
    assert not diffs, "\n".join(diffs)


BUILDABLE = [f for f in fixture_files() if f.with_suffix(".keras.json").exists()]


@pytest.mark.parametrize("path", BUILDABLE, ids=[p.name for p in BUILDABLE])
def test_fixture_truth_is_live_keras(keras, path, monkeypatch) -> None:
    from fixtures.regen import ROOT, dump_records, error_record
    from tests.keras_fixtures import record_models
    from tests.keras_truth import comparable

    monkeypatch.chdir(ROOT)
    stored = json.loads(path.with_suffix(".keras.json").read_text())
    try:
        live = json.loads(dump_records(record_models(path.relative_to(ROOT).as_posix())))
    except Exception as e:  # Keras rejects the fixture: the truth must record that same error
        assert isinstance(stored, dict), f"Keras now rejects the fixture: {error_record(e)}"
        assert comparable(error_record(e)) == comparable(stored)
        return
    assert live == stored


@pytest.mark.parametrize("family", op_families())
def test_op_table_truth_is_live_keras(keras, family: str) -> None:
    from tests.op_truth import keras_rows

    stored = load_op_truth()
    diffs = []
    for case in op_family_cases(family):
        for where in op_variants(case):
            key = op_case_id(case, where)
            live = _comparable(keras_rows(op_program(case, where)))
            if _comparable(stored.get(key, {"error": "missing"})) != live:
                diffs.append(f"{key}: stored {stored.get(key)} live {live}")
    assert not diffs, "\n".join(diffs)


def test_linspace_elements_equal_tensorflow(keras) -> None:
    # the elements we carry decide `if rate:` as TensorFlow's float32 values do
    import tensorflow as tf
    from layerlint.engine.ops.creation import linspace_values

    for start, stop, num in [(0.0, 0.1, 12), (0.0, 0.3, 4), (0.1, 0.7, 7), (-1.0, 1.0, 5), (0.5, 0.5, 3), (2.0, 0.0, 1)]:
        ours = linspace_values({"start": start, "stop": stop, "num": num, "dtype": None, "endpoint": True}, 1000)
        assert list(ours) == [float(v) for v in tf.linspace(start, stop, num)], (start, stop, num)
