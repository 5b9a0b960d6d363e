"""LL505 keras3-removed-api against live Keras: every program of tests/keras3_removed_cases.py is run in Keras 3
(the line it raises at, if any, is the one line LL505 reports) and in tf-keras 2 (which runs it whole, and
keras-version = 2 reports nothing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

from tests.keras3_removed_cases import CASES


def _lines(source: str, version: int = 3) -> list[int]:
    fa = analyze_text(source, "case.py", keras_version=version)
    return [d.line for d in check_analysis(fa, CheckSettings(select=["LL505"]))]


# Runs each case under tf-keras: TF_USE_LEGACY_KERAS makes tf.keras tf-keras, and `keras` is tf-keras too.
_TF_KERAS_RUNNER = r"""
import json, os, sys
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tf_keras, tf_keras.losses, tf_keras.optimizers, tf_keras.optimizers.legacy
for name, module in list(sys.modules.items()):
    if name == "tf_keras" or name.startswith("tf_keras."):
        sys.modules["keras" + name[len("tf_keras"):]] = module
out = {}
for label, source in json.loads(sys.stdin.read()).items():
    try:
        exec(compile(source, "<case>", "exec"), {"__name__": "case"})
        out[label] = None
    except Exception as e:
        out[label] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""


def _raised_line(source: str) -> int | None:
    """The line of the case Keras 3 raises at (the innermost line of the case: a Loss subclass's
    super().__init__), or None when it runs whole."""
    try:
        exec(compile(source, "<case>", "exec"), {"__name__": "case"})
    except Exception as e:
        tb, line = e.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<case>":
                line = tb.tb_lineno
            tb = tb.tb_next
        return line
    return None


@pytest.mark.parametrize("label", list(CASES))
def test_keras3_raises_where_reported(keras, label: str) -> None:
    source = textwrap.dedent(CASES[label]).lstrip("\n")
    raised = _raised_line(source)
    assert _lines(source) == ([raised] if raised is not None else []), label


@pytest.fixture(scope="module")
def tf_keras_outcomes() -> dict:
    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras")
    sources = {label: textwrap.dedent(s).lstrip("\n") for label, s in CASES.items()}
    done = subprocess.run([sys.executable, "-c", _TF_KERAS_RUNNER], input=json.dumps(sources), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("label", list(CASES))
def test_tf_keras_accepts_and_nothing_is_reported(tf_keras_outcomes: dict, label: str) -> None:
    assert tf_keras_outcomes[label] is None, tf_keras_outcomes[label]
    assert _lines(textwrap.dedent(CASES[label]).lstrip("\n"), version=2) == []


def test_every_kind_of_case_raises_in_keras3(keras) -> None:
    """The cases hold each error Keras 3 raises for these spellings."""
    errors = set()
    for source in CASES.values():
        try:
            exec(compile(textwrap.dedent(source), "<case>", "exec"), {"__name__": "case"})
        except Exception as e:
            errors.add(type(e).__name__)
    assert errors == {"ImportError", "ModuleNotFoundError", "AttributeError", "ValueError"}
