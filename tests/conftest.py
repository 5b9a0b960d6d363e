"""Shared test set-up."""

from __future__ import annotations

import os
from types import ModuleType

import pytest

# Internal errors the analysis would absorb as "unknown" values fail the tests instead (subprocesses inherit it).
os.environ["LAYERLINT_STRICT"] = "1"


@pytest.fixture(autouse=True)
def _private_results_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own empty results cache: tests that register extra rules
    or change settings in-process must not see another test's cached findings, and
    nothing is written into the working tree."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path_factory.mktemp("layerlint_cache")))


@pytest.fixture(scope="session")
def keras() -> ModuleType:
    """The installed keras module; the test is skipped without it, except under CI, which must run it."""
    try:
        import keras
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("TensorFlow/Keras not installed")
    return keras
