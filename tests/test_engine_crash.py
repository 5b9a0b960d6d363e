"""An engine crash the interpreter absorbs as an unknown value is shown, not hidden."""

from __future__ import annotations

import pytest
from layerlint.runner.pipeline import analyze_input
from layerlint.sources.inputs import Input

SOURCE = """
import keras
inp = keras.Input((4,))
x = keras.layers.Dense(3)(inp)
units = x.shape[-1]
model = keras.Model(inp, keras.layers.Dense(units)(x))
"""


def _crash(model, **options):
    raise ZeroDivisionError("engine bug")


def test_strict_mode_fails_on_an_engine_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import layerlint.engine.shapes as shapes
    from layerlint.analyze import analyze_text

    monkeypatch.setattr(shapes, "shape_model", _crash)
    with pytest.raises(ZeroDivisionError):
        analyze_text(SOURCE, "m.py")


def test_verbose_prints_an_absorbed_crash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import layerlint.engine.shapes as shapes

    monkeypatch.setenv("LAYERLINT_STRICT", "0")
    real = shapes.shape_model
    calls = []

    def crash_while_following(model, **options):
        calls.append(model)
        if len(calls) == 1:  # the interpreter's question about x.shape[-1]
            raise ZeroDivisionError("engine bug")
        return real(model, **options)

    monkeypatch.setattr(shapes, "shape_model", crash_while_following)
    inp = Input("m.py", SOURCE, SOURCE)
    fa = analyze_input(inp, verbose=False)
    assert len(fa.crashes) == 1 and "ZeroDivisionError: engine bug" in fa.crashes[0]
    assert "engine bug" not in capsys.readouterr().err
    calls.clear()
    analyze_input(inp, verbose=True)
    assert "ZeroDivisionError: engine bug" in capsys.readouterr().err
