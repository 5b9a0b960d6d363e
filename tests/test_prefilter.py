"""The text prefilter skips a file before parsing only when it cannot build a Keras model."""

from __future__ import annotations

from pathlib import Path

import pytest
from layerlint import analyze
from layerlint.analyze import analyze_text, may_define_model
from layerlint.rules import all_rules
from layerlint.sources.inputs import load_input

from tests.nonempty import nonempty

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = nonempty(sorted(p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".py", ".ipynb")), "fixtures")


def _rule_examples() -> list[tuple[str, str]]:
    out = []
    for rule in all_rules():
        for i, src in enumerate(tuple(getattr(rule, "invalid", ())) + tuple(getattr(rule, "valid", ()))):
            out.append((f"{rule.code}-{i}", src))
    return out


def _finds_anything(text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether the full analysis, with the prefilter switched off, finds a model or a problem.
    (Interpreter notes alone, e.g. an undecidable ``if`` in a plain script, describe no model.)"""
    with monkeypatch.context() as m:
        m.setattr(analyze, "may_define_model", lambda *_args: True)
        fa = analyze_text(text, "x.py")
    return bool(fa.models or fa.subclassed or fa.problems)


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(ROOT)) for p in FIXTURES])
def test_prefilter_never_skips_a_fixture_with_findings(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = load_input(str(path)).text
    if _finds_anything(text, monkeypatch):
        assert may_define_model(text)


def test_fixtures_exercise_both_sides() -> None:
    """The check above must see files that build models (or the test proves nothing)."""
    texts = [load_input(str(p)).text for p in FIXTURES]
    assert sum(may_define_model(t) for t in texts) >= 50


@pytest.mark.parametrize("name,src", _rule_examples(), ids=lambda v: v if isinstance(v, str) and len(v) < 12 else "")
def test_prefilter_never_skips_a_rule_example(name: str, src: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if _finds_anything(src, monkeypatch):
        assert may_define_model(src), name


@pytest.mark.parametrize("src", [
    "import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])\n",
    "import tensorflow as tf\nm = tf.keras.Sequential()\n",
    "from tensorflow import keras as K\n",
    "import tf_keras\n",
    "from tensorflow.python.keras.layers import Dense\n",
    "x = 1  # keras is mentioned only in a comment: parsed anyway, harmless\n",
])
def test_files_mentioning_keras_are_analysed(src: str) -> None:
    assert may_define_model(src)


@pytest.mark.parametrize("src", [
    "import tensorflow as tf\nx = tf.constant(1)\n",
    "import torch\nnet = torch.nn.Linear(3, 2)\n",
    "def build(x):\n    return x + 1\n",
])
def test_files_without_keras_are_skipped_and_would_find_nothing(src: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not may_define_model(src)
    with monkeypatch.context() as m:
        m.setattr(analyze, "may_define_model", lambda *_args: True)
        fa = analyze_text(src, "x.py")
    assert not (fa.models or fa.subclassed)


@pytest.mark.parametrize("src", [
    "class Model:\n    pass\n\nm = Model()\n",
    "from torch.nn import Sequential, Linear\nnet = Sequential(Linear(3, 2))\n",
    "def Input(x):\n    return x\n\ny = Input(3)\n",
])
def test_snippet_words_are_parsed_but_names_the_file_binds_are_not_keras(src: str) -> None:
    # A snippet may use Sequential/Model/Input without importing them, so these files pass the
    # prefilter; the file binds each name itself, so none is read as Keras'.
    assert may_define_model(src)
    fa = analyze_text(src, "x.py")
    assert not (fa.models or fa.subclassed) and fa.assumed_imports is None


def test_skipped_file_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_a: object, **_k: object) -> None:
        raise AssertionError("parsed a file the prefilter should have skipped")

    monkeypatch.setattr(analyze.cst, "parse_module", fail)
    fa = analyze_text("def f(:\n    pass  # not even valid Python\n", "x.py")
    assert fa.models == [] and fa.problems == []
