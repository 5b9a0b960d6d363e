"""Question-style programs (fixtures/questions/): code as people paste it, with the findings it must get.

Each file says which Keras it was written for (``# keras: 1``, ``2`` or ``3``) and
marks each expected finding on its line (``# expect: LL201, LL202``), written by
hand from the question, before any run.  The shapes are held to the Keras the
code was written for: Keras 3 runs the file itself; tf-keras (Keras 2) runs it
too, or, for Keras 1 code, which no installable Keras accepts, the hand-written
Keras 2 twin beside it (``<name>.keras2.py``).
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import pytest
from layerlint.runner.check import CheckSettings, check_analysis
from layerlint.runner.pipeline import analyze_path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = sorted(p for p in (ROOT / "fixtures" / "questions").glob("q*.py") if not p.name.endswith(".keras2.py"))
EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
VERSION = re.compile(r"^#\s*keras:\s*([123])\s*$", re.M)


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def expected(path: Path) -> set[tuple[int, str]]:
    out = set()
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = EXPECT.search(text)
        if m:
            out |= {(line, code.strip()) for code in m.group(1).split(",") if code.strip()}
    return out


def test_there_are_enough_questions() -> None:
    assert len(QUESTIONS) >= 30
    assert all(VERSION.search(p.read_text(encoding="utf-8")) for p in QUESTIONS), "every question names its Keras"


@pytest.mark.parametrize("path", QUESTIONS, ids=_ids(QUESTIONS))
def test_findings_are_the_expected_ones(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    fa = analyze_path(str(path.relative_to(ROOT)))
    assert fa.problems == []
    got = {(d.line, d.code) for d in check_analysis(fa, CheckSettings())}
    assert got == expected(path)


# -- truth ------------------------------------------------------------------------------


def _require(module: str) -> Any:
    if os.environ.get("CI"):
        return __import__(module)
    return pytest.importorskip(module)


def _namespace(keras: Any) -> dict:
    """What a snippet that imports nothing expects to find: the Keras names it uses."""
    ns = {name: getattr(keras.layers, name) for name in dir(keras.layers) if name[:1].isupper()}
    ns.update(Sequential=keras.models.Sequential, Model=keras.models.Model, keras=keras)
    return ns


def _run(source: str, filename: str, keras: Any, modules: dict[str, Any]) -> tuple[dict, int | None]:
    """Execute one of our own fixtures (never a linted file); the namespace, and the line Keras raised at."""
    ns = _namespace(keras)
    if "tf" in source and "import tensorflow" not in source:
        import tensorflow as tf

        ns["tf"] = tf
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    try:
        exec(compile(source, filename, "exec"), ns)
        return ns, None
    except Exception as e:  # the error Keras raises is the truth for a model it rejects
        lines = [f.lineno for f in traceback.extract_tb(e.__traceback__) if f.filename == filename]
        return ns, lines[-1] if lines else 0
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _apply_fixes(source: str, diagnostics: list) -> str:
    """The source with each diagnostic's span replaced by the code its fix writes (`write `...``)."""
    lines = source.splitlines(keepends=True)
    for d in sorted(diagnostics, key=lambda d: (d.line, d.col), reverse=True):
        assert d.line == d.end_line
        code = re.fullmatch(r"write `(.*)`", d.fix).group(1)
        text = lines[d.line - 1]
        lines[d.line - 1] = text[:d.col] + code + text[d.end_col:]
    return "".join(lines)


def _keras_rows(model: Any, legacy: bool) -> list[tuple]:
    rows = []
    # Keras 3's summary rows are its operations: layers and the ops (`keras.ops.sum`) between them.
    for layer in model.layers if legacy else getattr(model, "operations", model.layers):
        if type(layer).__name__ == "InputLayer":
            continue
        shape = layer.output_shape if legacy else layer.output.shape
        rows.append((tuple(shape), layer.count_params() if hasattr(layer, "count_params") else 0))
    return rows


def _our_rows(sm: Any) -> list[tuple]:
    return [(tuple(r.output), r.params) for r in sm.layers if not r.is_input]


@pytest.mark.parametrize("path", QUESTIONS, ids=_ids(QUESTIONS))
def test_shapes_agree_with_the_keras_it_was_written_for(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    source = path.read_text(encoding="utf-8")
    version = int(VERSION.search(source).group(1))
    if version == 3:
        keras = _require("keras")
        ns, error_line = _run(source, str(path), keras, {})
    else:
        keras = _require("tf_keras")
        modules = {"keras": keras, "keras.models": keras.models, "keras.layers": keras.layers}
        run_path = path.with_name(path.stem + ".keras2.py") if version == 1 else path
        ns, error_line = _run(run_path.read_text(encoding="utf-8"), str(run_path), keras, modules)
    fa = analyze_path(str(path.relative_to(ROOT)))
    fixes = [d for d in check_analysis(fa, CheckSettings(select=["LL504"])) if d.fix]
    if error_line is not None and version == 3 and any(d.line == error_line for d in fixes):
        # Keras 3 stops at a Keras 2 backend function we report: the code with our Keras 3 spellings in its
        # place must build the rows we show.
        source = _apply_fixes(source, fixes)
        ns, error_line = _run(source, str(path), keras, {})
        assert error_line is None, f"the Keras 3 spelling raised at line {error_line}"
    if error_line is not None and any(d.line == error_line and d.code.startswith("LL6") and d.severity == "error"
                                      for d in check_analysis(fa, CheckSettings())):
        # Keras built the model and refused the data at the training call we report as an error (LL6xx):
        # the model is still held to Keras' rows.
        error_line = None
    if error_line is not None:
        # Keras refused the model: so must we, with an error on a layer (the line may differ when Keras stops
        # at the layer's constructor and we at its application, never the verdict).
        assert error_line, "Keras failed outside the fixture"
        assert any(r.status == "error" for sm in fa.models for r in sm.layers), f"Keras raised at line {error_line}"
        return
    compared = 0
    for sm in fa.models:
        model = ns.get(sm.model.variable or "")  # the Keras run's model held by the same variable
        assert model is not None and hasattr(model, "layers"), f"no model `{sm.model.variable}` in the Keras run"
        assert _our_rows(sm) == _keras_rows(model, legacy=version != 3), sm.name
        compared += 1
    assert compared == len(fa.models) >= 1
