"""An input whose rank the code does not give is shaped on the least rank its first
layer takes (Dense: 2); Keras' checks downstream then depend on that choice and are
shown as unknown, never as errors (keras-io's focal_modulation_network gave three
false LL102 on a ZeroPadding2D before this)."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text


def test_no_shape_error_rests_on_a_guessed_rank() -> None:
    fa = analyze_text(textwrap.dedent("""
        import keras
        from keras import layers

        inp = keras.Input(shape_from_config)
        x = layers.Dense(8)(inp)
        x = layers.ZeroPadding2D(1)(x)
        model = keras.Model(inp, x)
    """).lstrip("\\n"), "m.py", follow_imports=False)
    (sm,) = fa.models
    pad = next(r for r in sm.layers if r.cls == "ZeroPadding2D")
    assert pad.status == "unknown" and pad.error is None
    assert "rank is not known" in (pad.reason or "") and "Dense" in pad.reason


def test_a_required_rank_still_reports_errors() -> None:
    # Conv2D takes rank 4 only: shaping on it is no guess, and the Dense-made rank-4 tensor
    # fed to a Conv1D is Keras' error.
    fa = analyze_text(textwrap.dedent("""
        import keras
        from keras import layers

        inp = keras.Input(shape_from_config)
        x = layers.Conv2D(8, 3)(inp)
        x = layers.Conv1D(4, 3)(x)
        model = keras.Model(inp, x)
    """).lstrip("\\n"), "m.py", follow_imports=False)
    (sm,) = fa.models
    conv1d = next(r for r in sm.layers if r.cls == "Conv1D")
    assert conv1d.status == "error"
