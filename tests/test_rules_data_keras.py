"""The LL6xx data fixtures under real Keras: each function trains (or fails) on small arrays of
the shapes the fixture uses, and what Keras does is the recorded fixtures/rules/LL60x.keras.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ("LL601", "LL602", "LL603", "LL604", "LL605", "LL608")


def _keras():
    try:
        import keras  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise  # CI installs TensorFlow: never skip there
        pytest.skip("needs TensorFlow")


@pytest.mark.parametrize("code", FIXTURES)
def test_keras_behaviour_is_the_record(code, tmp_path, monkeypatch):
    _keras()
    from tests.keras_fixtures import fit_outcomes

    monkeypatch.chdir(ROOT)
    live = fit_outcomes(f"fixtures/rules/{code}.py", str(tmp_path))
    recorded = json.loads((ROOT / "fixtures" / "rules" / f"{code}.keras.json").read_text())
    assert {k: (v["keras"], v.get("error")) for k, v in live.items()} == \
           {k: (v["keras"], v.get("error")) for k, v in recorded.items()}


@pytest.mark.parametrize("code", FIXTURES)
def test_ok_functions_train_in_keras(code):
    """The OK sections are correct code: Keras trains every one that Keras 3 can run."""
    recorded = json.loads((ROOT / "fixtures" / "rules" / f"{code}.keras.json").read_text())
    assert {k: v["keras"] for k, v in recorded.items() if k.startswith("ok_")} == \
           {k: "trains" for k in recorded if k.startswith("ok_")}
