"""The Keras truth files hold for the Keras they were recorded with, and CI installs that one;
likewise IPython, whose reading of notebook cells and line magics the notebook tests hold us to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "tests" / "truth_constraints.txt"


def pinned() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip()] = version.strip()
    return pins


def test_ci_installs_the_pinned_versions() -> None:
    assert set(pinned()) == {"tensorflow-cpu", "keras", "ipython"}
    assert "-c tests/truth_constraints.txt" in (ROOT / ".ci" / "run").read_text()


def test_installed_keras_is_the_one_the_truth_was_recorded_with() -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = {"keras": version("keras"), "tensorflow-cpu": version("tensorflow-cpu")}
    except PackageNotFoundError:
        if os.environ.get("CI"):
            raise
        pytest.skip("TensorFlow not installed")
    assert installed == {k: v for k, v in pinned().items() if k != "ipython"}, ("the Keras truth was recorded with other versions: re-record it "
                                   "(tests/keras_truth.py, fixtures/regen.py --keras), review, update "
                                   "tests/truth_constraints.txt")


def test_installed_ipython_is_the_one_the_magic_table_was_made_from() -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("ipython")
    except PackageNotFoundError:
        if os.environ.get("CI"):
            raise
        pytest.skip("IPython not installed")
    assert installed == pinned()["ipython"], ("lint/sources/ipython_magics.py and tests/test_notebook.py follow "
                                              "another IPython: python fixtures/regen_ipython_magics.py, review, "
                                              "update tests/truth_constraints.txt")
