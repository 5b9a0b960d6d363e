"""`layerlint summary` end to end: text, --explain, JSON document, bad paths."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layerlint", *args], capture_output=True, text=True, cwd=cwd)


def test_summary_text_has_keras_totals() -> None:
    r = run("summary", str(SEEDS / "seed000_dense_before_flatten.py"))
    assert r.returncode == 0, r.stderr
    assert "Total params: 130,061 (508.05 KB)" in r.stdout
    assert "Total params: 1,050,761 (4.01 MB)" in r.stdout
    assert "max_pooling1d (MaxPooling1D)" in r.stdout


def test_explain_shows_the_arithmetic() -> None:
    r = run("summary", "--explain", str(SEEDS / "seed001_conv1d_pooling.py"))
    assert "length (60 - 40)/1 + 1 = 21" in r.stdout
    assert "params 40*1*7 + 7 = 287; weights (40, 1, 7), (7,)" in r.stdout
    assert "strides default to pool_size: floor((6 - 3)/3) + 1 = 2" in r.stdout


def test_json_document_shape() -> None:
    r = run("summary", "--format", "json", str(SEEDS / "seed000_dense_before_flatten.py"))
    doc = json.loads(r.stdout)
    assert doc["version"] == 1
    m = doc["models"][0]
    assert (m["line"], m["name"], m["api"], m["total_params"]) == (6, "sequential", "sequential", 130061)
    first = m["layers"][0]
    assert first == {**first, "line": 7, "class": "Conv1D", "name": "conv1d", "output_shape": [None, 64, 60],
                     "params": 1980, "trainable_params": 1980, "non_trainable_params": 0,
                     "weights": [[32, 1, 60], [60]], "error": None}


def test_json_symbolic_values_are_strings() -> None:
    r = run("summary", "--format", "json", str(SEEDS / "seed003_dense_after_flatten.py"))
    doc = json.loads(r.stdout)
    sym = next(m for m in doc["models"] if "createModel" in (m["context"] or ""))
    assert sym["layers"][-1]["output_shape"] == [None, "nClasses"]
    assert sym["layers"][-1]["params"] == "513*nClasses"


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    r = run("summary", str(tmp_path / "nope.py"))
    assert r.returncode == 2
    assert "nope.py: no such file or directory" in r.stderr
    assert "Traceback" not in r.stderr


def test_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a_bad.py").write_text("import keras\nmodel = keras.Sequential([\n")
    (tmp_path / "b_good.py").write_text("import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n")
    r = run("summary", str(tmp_path))
    assert "a_bad.py:" in r.stderr and "LL001" in r.stderr
    assert "Total params: 8 (32.00 B)" in r.stdout
    assert "Traceback" not in r.stderr


def test_each_file_is_dropped_once_summarised(tmp_path: Path) -> None:
    """summary hands each file's analysis on, with the cyclic collector paused, and keeps nothing of it:
    no pass of the collector scans a finished file's parse tree, and a large run's memory stays flat."""
    import gc
    import weakref

    from layerlint.runner.config import SettingsResolver
    from layerlint.runner.pipeline import summarize_paths

    (tmp_path / "two.py").write_text(
        "import keras\nx = keras.Input((8, 4))\ny = keras.layers.Reshape((32,))(x)\n"
        "model = keras.Model(x, keras.layers.Dense(2)(y))\nseq = keras.Sequential([keras.layers.Dense(3)])\n")
    paths = [str(tmp_path / "two.py"), str(SEEDS / "seed000_dense_before_flatten.py")]
    alive: list[weakref.ref] = []
    collecting: list[bool] = []

    def each(fa: object) -> int:
        collecting.append(gc.isenabled())
        alive.extend(weakref.ref(x) for x in (fa, *(sm.model for sm in fa.models)))  # type: ignore[attr-defined]
        return len(fa.models)  # type: ignore[attr-defined]

    assert gc.isenabled()
    assert summarize_paths(paths, SettingsResolver(None, {}), each) == [2, 2]
    assert collecting == [False, False] and gc.isenabled()
    assert len(alive) == 6 and not [r for r in alive if r() is not None]
