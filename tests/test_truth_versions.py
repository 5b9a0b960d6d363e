"""The Keras truth files hold for the Keras they were recorded with, and CI installs that one."""

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
    assert set(pinned()) == {"tensorflow-cpu", "keras"}
    assert "-c tests/truth_constraints.txt" in (ROOT / ".ci" / "run").read_text()


def test_installed_keras_is_the_one_the_truth_was_recorded_with() -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = {"keras": version("keras"), "tensorflow-cpu": version("tensorflow-cpu")}
    except PackageNotFoundError:
        if os.environ.get("CI"):
            raise
        pytest.skip("TensorFlow not installed")
    assert installed == pinned(), ("the Keras truth was recorded with other versions: re-record it "
                                   "(tests/keras_truth.py, fixtures/regen.py --keras), review, update "
                                   "tests/truth_constraints.txt")
