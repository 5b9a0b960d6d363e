"""Golden fixtures: layerlint's summaries, and its numbers against real Keras.

Every fixture under fixtures/seeds and fixtures/models has beside it
``<stem>.summary.txt`` (layerlint's output, reviewed in diffs; regenerate with
``python fixtures/regen.py``) and ``<stem>.keras.json`` (recorded by executing the
fixture under real Keras with ``python fixtures/regen.py --keras``): the models Keras
built, or the error with which Keras rejected the file.  The static engine must equal
Keras on every layer of every model, and report an error where Keras raised one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from layerlint.extract import parse
from layerlint.report.summary import model_json
from layerlint.runner.pipeline import analyze_path

from fixtures.regen import ROOT, fixture_files, summary_text
from tests.nonempty import nonempty

FILES = nonempty(fixture_files(), "fixtures")


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("parse_in", ["default", "pieces"])
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_summary_matches_golden(path: Path, parse_in: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with every file parsed a top-level statement at a time, as long files are."""
    monkeypatch.chdir(ROOT)
    if parse_in == "pieces":
        monkeypatch.setattr(parse, "CHUNKED_FROM_CHARS", 0)
    golden = path.with_suffix(".summary.txt")
    assert golden.exists(), f"missing {golden.name}: run python fixtures/regen.py"
    assert summary_text(path) == golden.read_text()


def concrete_models(path: Path) -> list[dict]:
    """Our models that Keras also built: not the symbolic analyses of uncalled builders."""
    fa = analyze_path(_rel(path))
    return [model_json(sm, fa.path) for sm in fa.models if "as symbols" not in (sm.model.context or "")]


KEYS = ("name", "class", "output_shape", "params", "trainable_params", "non_trainable_params", "weights")


def compare_with_keras(path: Path) -> tuple[int, list[str]]:
    """(layers compared, list of mismatches) for one fixture."""
    truth = json.loads(path.with_suffix(".keras.json").read_text())
    ours = concrete_models(path)
    if isinstance(truth, dict):  # Keras rejected the file: layerlint must find an error too
        errors = [row for m in ours for row in m["layers"] if row["status"] == "error"]
        # or an old spelling Keras 3 rejects, which LL501 reports while shaping it with its old meaning
        fa = analyze_path(_rel(path))
        errors += [row for sm in fa.models for row in sm.layers
                   if any(u.keras3_rejects for u in getattr(row.source, "legacy", ()))]
        return (1, []) if errors else (0, [f"Keras rejects the fixture ({truth['error']}); layerlint found no error"])
    problems: list[str] = []
    if [t["model"]["line"] for t in truth] != [m["line"] for m in ours]:
        problems.append(f"model lines differ: keras {[t['model']['line'] for t in truth]} ours {[m['line'] for m in ours]}")
        return 0, problems
    compared = 0
    for t, m in zip(truth, ours):
        if t["model"]["name"] != m["name"]:  # Keras' automatic names count every model the file makes
            problems.append(f"model at line {m['line']}: Keras names it {t['model']['name']!r}, layerlint {m['name']!r}")
        if t["model"].get("unbuilt"):
            continue
        if len(t["layers"]) != len(m["layers"]):
            problems.append(f"line {m['line']}: Keras has {len(t['layers'])} layers, layerlint {len(m['layers'])}")
            continue
        after_opaque = False
        for i, (kl, ll) in enumerate(zip(t["layers"], m["layers"])):
            # Opaque layers (Lambda, custom layers) are unknown by design; what
            # depends on them is unknown too.  Everything else must match.
            if ll["status"] == "opaque" or (after_opaque and ll["status"] == "unknown"):
                after_opaque = True
                continue
            compared += 1
            diff = {k: (kl[k], ll.get(k)) for k in KEYS if kl[k] != ll.get(k)}
            if diff:
                problems.append(f"model at line {m['line']}, layer {i} ({ll['name']}, line {ll['line']}): " + "; ".join(
                    f"{k}: keras {a} layerlint {b}" for k, (a, b) in diff.items()))
        if not after_opaque:
            for key in ("total_params", "trainable_params", "non_trainable_params"):
                if t["model"].get(key) != m[key]:
                    problems.append(f"model at line {m['line']}: {key} keras {t['model'].get(key)} layerlint {m[key]}")
    return compared, problems


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_static_equals_keras(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    truth = path.with_suffix(".keras.json")
    assert truth.exists(), f"missing {truth.name}: run python fixtures/regen.py --keras"
    compared, problems = compare_with_keras(path)
    assert not problems, "\n".join(problems)
    # Keras built nothing only where the file defines builders it never calls; then neither do we.
    assert compared > 0 or json.loads(truth.read_text()) == []
