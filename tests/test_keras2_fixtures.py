"""Keras 2 fixtures (fixtures/keras2, read with ``keras-version = 2`` from the folder's
pyproject.toml): layerlint's summary against tf-keras' own, row by row.

``<stem>.tf_keras.json`` is recorded by running the fixture under tf-keras
(``python fixtures/regen.py --keras keras2``): every model's name, and each row's
name, class, output shape as tf-keras prints it, parameters and weight shapes.
``<stem>.summary.txt`` is layerlint's summary, reviewed in diffs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from layerlint.report.summary import output_text
from layerlint.runner.pipeline import analyze_path

from fixtures.regen import ROOT, dump_records, keras2_fixture_files, summary_text
from tests.nonempty import nonempty

FILES = nonempty(keras2_fixture_files(), "fixtures/keras2")


def ours(path: Path) -> list[dict]:
    fa = analyze_path(path.relative_to(ROOT).as_posix())
    assert fa.keras_version == 2, "fixtures/keras2/pyproject.toml sets keras-version = 2"
    assert fa.problems == []
    return [{"line": sm.model.span.home()[0], "name": sm.name,
             "api": sm.model.api, "total_params": sm.total_params,
             "layers": [{"name": r.name, "class": r.cls, "output_shape": output_text(r, 2), "params": r.params,
                         "weights": [list(w.shape) for w in r.weights]} for r in sm.layers]}
            for sm in fa.models]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_summary_matches_golden(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    golden = path.with_suffix(".summary.txt")
    assert golden.exists(), f"missing {golden.name}: run python fixtures/regen.py keras2"
    assert summary_text(path) == golden.read_text()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_rows_are_tf_keras_rows(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    truth = [{**m["model"], "layers": m["layers"]} for m in json.loads(path.with_suffix(".tf_keras.json").read_text())]
    assert truth, "tf-keras built no model"
    assert ours(path) == truth


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_recorded_truth_is_live_tf_keras(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras")
    from tests.keras_fixtures import record_tf_keras_models

    monkeypatch.chdir(ROOT)
    live = dump_records(record_tf_keras_models(path.relative_to(ROOT).as_posix()))
    assert live == path.with_suffix(".tf_keras.json").read_text()


def test_keras2_programs_are_clean_as_keras2_and_not_as_keras3(monkeypatch: pytest.MonkeyPatch) -> None:
    from layerlint.runner.check import CheckSettings, check_analysis
    from layerlint.runner.pipeline import analyze_input
    from layerlint.sources.inputs import load_input

    monkeypatch.chdir(ROOT)
    as_keras3: set[str] = set()
    for path in FILES:
        rel = path.relative_to(ROOT).as_posix()
        assert check_analysis(analyze_path(rel), CheckSettings()) == [], rel
        as_keras3 |= {d.code for d in check_analysis(analyze_input(load_input(rel)), CheckSettings())}
    # What tf-keras takes and Keras 3 refuses is said when the same code is read as Keras 3.
    assert {"LL106", "LL501"} <= as_keras3


def test_confirm_rebuilds_keras2_models_in_tf_keras(monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras")
    from layerlint.confirm.compare import confirm_file

    monkeypatch.chdir(ROOT)
    fa = analyze_path(FILES[0].relative_to(ROOT).as_posix())
    results = confirm_file(fa)
    assert len(results) == len(fa.models) >= 1
    assert {(r.status, r.keras_version.endswith("(tf-keras)")) for r in results} == {("confirmed", True)}
