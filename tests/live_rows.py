"""Summary rows of a small program, from the installed Keras and from layerlint, in one form:
(name, output shape, params, trainable and non-trainable params, weight shapes) per row of
every model the program makes, for tests that hold a construct to live Keras."""

from __future__ import annotations

from pathlib import Path

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
