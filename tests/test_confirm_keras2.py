"""``--confirm`` with ``keras-version = 2``: the extracted model is rebuilt in tf-keras (from its
configuration; the file is never run) and compared with layerlint's rows."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.cli.main import main
from layerlint.confirm.compare import confirm_file

from fixtures.regen import ROOT

KERAS2 = sorted((ROOT / "fixtures" / "keras2").glob("*.py"))


@pytest.fixture(scope="module", autouse=True)
def tf_keras():
    if os.environ.get("CI"):
        return __import__("tf_keras")
    return pytest.importorskip("tf_keras")


def _confirm(source: str, version: int = 2, shaped_as: int | None = None) -> list:
    fa = analyze_text(textwrap.dedent(source), "m.py", keras_version=shaped_as or version)
    fa.keras_version = version
    return confirm_file(fa)


@pytest.mark.parametrize("path", KERAS2, ids=[p.name for p in KERAS2])
def test_keras2_fixtures_are_confirmed_by_tf_keras(path: Path) -> None:
    fa = analyze_text(path.read_text(), str(path), keras_version=2)
    results = confirm_file(fa)
    assert results and all(r.status == "confirmed" for r in results), [r.render() for r in results]
    assert all("(tf-keras)" in r.keras_version for r in results)


BIDIRECTIONAL = """
    import tf_keras as keras
    from tf_keras import layers
    x = keras.Input((7, 3))
    y = layers.Bidirectional(layers.LSTM(4), backward_layer=layers.LSTM(6, go_backwards=True))(x)
    model = keras.Model(x, layers.Dense(2)(y))
    """


def test_tf_keras_rows_are_confirmed_and_keras3_rows_are_not() -> None:
    (ok,) = _confirm(BIDIRECTIONAL)
    assert ok.status == "confirmed", ok.render()
    # The same model shaped as Keras 3 shapes it (forward units doubled): tf-keras disagrees, at that row.
    (wrong,) = _confirm(BIDIRECTIONAL, shaped_as=3)
    assert wrong.status == "disagrees"
    assert [(d.layer, d.ours, d.keras) for d in wrong.differences if d.what == "output shape"] == [
        ("bidirectional", "(None, 8)", "(None, 10)")]


def test_backend_functions_and_keras2_spellings_are_rebuilt() -> None:
    (result,) = _confirm("""
        from keras.models import Sequential, Model
        from keras.layers import Input, Conv2D, AveragePooling2D, Flatten, Dense, Lambda
        from keras import backend as K
        inp = Input(shape=(28, 28, 1))
        x = Conv2D(8, (3, 3), activation='relu')(inp)
        x = AveragePooling2D()(x)
        x = K.sqrt(K.sum(K.square(x), axis=-1))
        x = Flatten()(x)
        model = Model(inp, Dense(10, activation='softmax')(x))
        """)
    assert result.status == "confirmed", result.render()
    assert result.layers_compared == 9  # input, conv, pool, square, sum, maximum, sqrt, flatten, dense


def test_backend_functions_by_keyword_are_rebuilt_with_tensorflow_keywords() -> None:
    (result,) = _confirm("""
        import tf_keras as keras
        from tf_keras import backend as K
        x = keras.Input((4, 6))
        y = K.tile(K.permute_dimensions(x, pattern=(0, 2, 1)), n=(1, 1, 2))
        y = K.concatenate([K.max(y, axis=-1), K.pow(K.sum(y, axis=-1), a=2)])
        model = keras.Model(x, y)
        """)
    assert result.status == "confirmed", result.render()


def test_a_keras1_spelling_tf_keras_rejects_is_not_rebuilt() -> None:
    (result,) = _confirm("""
        from keras.models import Sequential
        from keras.layers import Conv2D
        model = Sequential()
        model.add(Conv2D(8, (3, 3), border_mode='same', input_shape=(28, 28, 1)))
        """)
    assert result.status == "not-confirmable"
    assert "is Keras 1 API (border_mode) that tf-keras rejects" in result.reason


def test_the_summary_command(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    model = tmp_path / "m.py"
    model.write_text(textwrap.dedent(BIDIRECTIONAL))
    assert main(["summary", "--confirm", "--keras-version", "2", str(model)]) == 0
    assert "confirmed by Keras 2.21.0 (tf-keras) (3 layers)" in capsys.readouterr().out


def test_every_followed_backend_function_case_is_confirmed_by_tf_keras() -> None:
    from tests.keras2_function_cases import CASES, program

    results = {expr: confirm_file(analyze_text(program(expr, shape), "f.py", keras_version=2))[0]
               for expr, shape in CASES}
    assert {e: r.render() for e, r in results.items() if r.status != "confirmed"} == {}


def test_a_shape_tf_keras_sets_itself_is_not_confirmable() -> None:
    # K.repeat_elements along an axis of unknown size: tf-keras reshapes to a shape tensor, then sets the
    # result's shape itself; a rebuild of the reshape alone would give (None, None, None)
    from tests.keras2_function_cases import program

    (result,) = confirm_file(analyze_text(program("K.repeat_elements(x, 2, axis=1)", (None, 6)), "f.py",
                                          keras_version=2))
    assert result.status == "not-confirmable"
    assert "sets the shape of `tf.reshape`'s result itself" in result.render()


def test_every_programmed_case_is_confirmed_by_tf_keras_or_says_why_not() -> None:
    # shape-tensor calls included: their reshapes to shape tensors are rebuilt as calls, and tf-keras must give
    # the shapes keras2_programs worked out; only a shape tf-keras sets itself is not rebuilt
    from tests.keras2_function_cases import PROGRAM_CASES, program

    results = {f"{expr} {shape}": confirm_file(analyze_text(program(expr, shape), "f.py", keras_version=2))[0]
               for expr, shape in PROGRAM_CASES}
    assert {e: r.render() for e, r in results.items() if r.status != "confirmed"
            and not (r.status == "not-confirmable" and "(set_shape)" in r.render())} == {}
    assert sum(r.status == "confirmed" for r in results.values()) >= 50
