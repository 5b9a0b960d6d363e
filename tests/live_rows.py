"""Summary rows of a small program, from the installed Keras and from layerlint, in one form:
(name, output shape, params, trainable and non-trainable params, weight shapes) per row of
every model the program makes, for tests that hold a construct to live Keras."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import model_json

FIELDS = ("name", "output_shape", "params", "trainable_params", "non_trainable_params", "weights")


def keras_rows(tmp_path: Path, source: str) -> list[dict]:
    """Keras' rows: the program is written to ``tmp_path`` and run there (the test chdirs to it)."""
    from tests.keras_fixtures import record_models

    path = tmp_path / "prog.py"
    path.write_text(source)
    return [{k: layer[k] for k in FIELDS} for rec in record_models(str(path)) for layer in rec["layers"]]


def our_models(source: str) -> list:
    return analyze_text(source, "prog.py").models


def our_rows(source: str) -> list[dict]:
    return [{k: r[k] for k in FIELDS} for sm in our_models(source) for r in model_json(sm, "prog.py")["layers"]]


def rows_as_keras(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> list[dict]:
    """Our rows of ``source``, asserted to be live Keras' (the program runs in ``tmp_path``)."""
    monkeypatch.chdir(tmp_path)
    ours = our_rows(source)
    assert ours == keras_rows(tmp_path, source)
    return ours


def live_params(program: str) -> int | None:
    """Parameters of the model the program builds in live Keras, None when Keras raises."""
    scope: dict = {}
    try:
        exec(compile(program, "case.py", "exec"), scope)  # our own test program, not linted code
    except (ValueError, TypeError):
        return None
    return scope["model"].count_params()


def run_live(source: str, tf_keras: bool, module_name: str) -> dict:
    """The namespace of ``source`` run in live Keras 3, or in tf-keras with its imports swapped,
    from a fresh session (Keras numbers names per process: each program starts from none)."""
    import pytest

    if not os.environ.get("CI"):
        pytest.importorskip("tf_keras" if tf_keras else "keras")
    if tf_keras:
        import tf_keras as k

        source = source.replace("import keras\nfrom keras import layers", "import tf_keras as keras\nfrom tf_keras import layers")
    else:
        import keras as k
    k.backend.clear_session()
    namespace: dict = {"__name__": module_name}
    exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    return namespace
