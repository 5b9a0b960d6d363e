"""``keras-version = 2``: code read as tf-keras 2.x reads it.

The setting comes from ``[tool.layerlint]`` or ``--keras-version``.  What tf-keras
accepts and rejects is held to the installed ``tf_keras`` package, as test_legacy.py
holds the Keras 1 meaning to it: each case below is built there, by our own
hand-written source, never a linted file.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.cli.main import main
from layerlint.runner.check import CheckSettings, check_analysis
from layerlint.runner.config import load_settings

HEADER = "from keras.models import Sequential\nfrom keras.layers import *\nimport numpy as np\n"


def _tf_keras():
    return __import__("tf_keras") if os.environ.get("CI") else pytest.importorskip("tf_keras")


def _keras():
    return __import__("keras") if os.environ.get("CI") else pytest.importorskip("keras")


def build(keras, body: str) -> list[tuple]:
    """Run one of the sources below under ``keras`` (tf_keras or keras 3); raises what it raises.
    The model's rows: output shape and parameter count."""
    ns = {n: getattr(keras.layers, n) for n in dir(keras.layers) if n[:1].isupper()}
    ns.update(Sequential=keras.models.Sequential, np=__import__("numpy"))
    exec(textwrap.dedent(body), ns)  # our own test source
    return [(tuple(layer.output.shape), layer.count_params()) for layer in ns["model"].layers]


def ours(body: str, version: int) -> list[tuple]:
    (sm,) = analyze_text(HEADER + textwrap.dedent(body), "k2.py", keras_version=version).models
    return [(tuple(r.output), r.params) for r in sm.layers if not r.is_input]


def findings(body: str, version: int, code: str = "LL501") -> list:
    fa = analyze_text(HEADER + textwrap.dedent(body), "k2.py", keras_version=version)
    return check_analysis(fa, CheckSettings(select=[code]))


# Keras 2 spellings: tf-keras builds them; Keras 3 rejects each (so LL501 in Keras 3 mode only).
KERAS2_SPELLINGS = {
    "average_pooling_default": """
        model = Sequential()
        model.add(Conv2D(8, (3, 3), input_shape=(28, 28, 1)))
        model.add(AveragePooling2D())
        """,
    "batch_input_shape": """
        model = Sequential()
        model.add(LSTM(4, batch_input_shape=(2, 5, 3), stateful=True))
        """,
    "weights_keyword": """
        model = Sequential()
        model.add(Dense(4, 'relu', input_dim=3, weights=[np.zeros((3, 4)), np.zeros(4)]))
        """,
    "batch_size_keyword": """
        model = Sequential()
        model.add(Dense(4, input_shape=(3,), batch_size=8))
        """,
}
# Keras 2 spellings both accept (no LL501 in either mode).
BOTH_ACCEPT = {
    "input_dim": """
        model = Sequential()
        model.add(Dense(4, input_dim=3))
        """,
    "convolution2d_alias": """
        model = Sequential()
        model.add(Convolution2D(8, (3, 3), padding='same', input_shape=(28, 28, 1)))
        """,
}
# Keras 1 spellings tf-keras rejects too: LL501 in both modes.
KERAS1_SPELLINGS = {
    "border_mode": """
        model = Sequential()
        model.add(Conv2D(8, (3, 3), border_mode='same', input_shape=(28, 28, 1)))
        """,
    "nb_filter_subsample": """
        model = Sequential()
        model.add(Convolution2D(nb_filter=8, nb_row=3, nb_col=3, subsample=(2, 2), input_shape=(28, 28, 1)))
        """,
    "output_dim_init": """
        model = Sequential()
        model.add(Dense(output_dim=4, init='uniform', input_dim=3))
        """,
    "dropout_p": """
        model = Sequential()
        model.add(Dense(4, input_dim=3))
        model.add(Dropout(p=0.5))
        """,
    "lstm_keras1_with_batch_input_shape": """
        model = Sequential()
        model.add(LSTM(output_dim=4, batch_input_shape=(2, 5, 3), inner_activation='hard_sigmoid'))
        """,
}


@pytest.mark.parametrize("name", sorted(KERAS2_SPELLINGS))
def test_keras2_spellings_are_keras2_mode_code(name: str) -> None:
    body = KERAS2_SPELLINGS[name]
    assert build(_tf_keras(), body) == ours(body, 2)  # tf-keras takes it, and builds what we say
    with pytest.raises((TypeError, ValueError)):
        build(_keras(), body)  # Keras 3 does not
    assert findings(body, 2) == []
    assert len(findings(body, 3)) == 1


@pytest.mark.parametrize("name", sorted(BOTH_ACCEPT))
def test_spellings_both_accept_are_silent(name: str) -> None:
    body = BOTH_ACCEPT[name]
    assert build(_tf_keras(), body) == build(_keras(), body) == ours(body, 2) == ours(body, 3)
    assert findings(body, 2) == []


@pytest.mark.parametrize("name", sorted(KERAS1_SPELLINGS))
def test_keras1_spellings_are_reported_with_a_spelling_tf_keras_takes(name: str) -> None:
    body = KERAS1_SPELLINGS[name]
    tf_keras = _tf_keras()
    with pytest.raises((TypeError, ValueError)):
        build(tf_keras, body)
    (finding,) = findings(body, 2)
    assert "tf-keras 2 rejects it" in finding.message
    written = re.search(r"in Keras 2 write `(.*)`$", finding.message).group(1)
    # The suggested call is what tf-keras takes: the model built with it instead.
    old_line = next(line for line in textwrap.dedent(body).splitlines() if "model.add(" in line and
                    any(k in line for k in ("border_mode", "nb_filter", "output_dim", "p=0.5")))
    fixed = textwrap.dedent(body).replace(old_line, f"model.add({written})")
    assert build(tf_keras, fixed) == ours(body, 2)


def test_the_summary_says_tf_keras_rejects_only_in_keras2_mode() -> None:
    from layerlint.report.summary import render_file

    accepted = analyze_text(HEADER + textwrap.dedent(KERAS2_SPELLINGS["average_pooling_default"]), "a.py",
                            keras_version=2)
    assert "LL501" not in render_file(accepted)
    rejected = analyze_text(HEADER + textwrap.dedent(KERAS1_SPELLINGS["border_mode"]), "b.py", keras_version=2)
    assert "Keras 1 API (border_mode): tf-keras 2 rejects it; shaped as Keras 1 read it (LL501)" in render_file(rejected)


# -- the setting -----------------------------------------------------------------------------


def test_the_key_and_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert load_settings(tmp_path / "m.py").keras_version == 3
    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\nkeras-version = 2\n")
    assert load_settings(tmp_path / "m.py").keras_version == 2
    assert load_settings(tmp_path / "m.py", cli_overrides={"keras-version": "3"}).keras_version == 3
    model = tmp_path / "m.py"
    model.write_text(HEADER + textwrap.dedent(KERAS2_SPELLINGS["average_pooling_default"]))
    assert main(["check", "--select", "LL501", str(model)]) == 0  # the file's keras-version = 2
    assert main(["check", "--select", "LL501", "--keras-version", "3", str(model)]) == 1
    assert "LL501" in capsys.readouterr().out
    assert main(["config", "--keras-version", "3", str(model)]) == 0
    assert "keras-version = 3" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["check", "summary", "config"])
def test_a_bad_flag_value_is_a_usage_error(command: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--keras-version", "2.15", str(tmp_path)])
    assert info.value.code == 2
    assert "argument --keras-version: invalid choice: '2.15' (choose from 2, 3)" in capsys.readouterr().err


def test_a_bad_file_value_stops_the_run(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\nkeras-version = 1\n")
    (tmp_path / "m.py").write_text(HEADER)
    assert main(["check", str(tmp_path / "m.py")]) == 2
    assert "`keras-version`: expected 2 (tf-keras 2.x) or 3 (Keras 3), got int 1" in capsys.readouterr().err


# -- shapes tf-keras computes otherwise -------------------------------------------------------

MERGES = [("Add", [(None, None, 16), (None, 7, 16)]), ("Add", [(None, 7, 16), (None, None, 16)]),
          ("Add", [(None, None, 16), (None, 1, 16)]), ("Multiply", [(None, None, 4), (None, 5, 4)]),
          ("Concatenate", [(None, None, 4), (None, 9, 4)]), ("Concatenate", [(None, None, 4), (None, None, 4)]),
          ("Concatenate", [(8, 3), (None, 2)]), ("Average", [(None, None, 3), (None, 6, 3)]),
          ("Maximum", [(None, 2, None), (None, 2, 5)]), ("Subtract", [(None, None), (None, 3)])]


def _merged(keras, cls: str, shapes: list) -> tuple:
    inputs = [keras.Input(batch_shape=s) for s in shapes]
    return tuple(getattr(keras.layers, cls)()(inputs).shape)


@pytest.mark.parametrize(("cls", "shapes"), MERGES, ids=[f"{c}{s}" for c, s in MERGES])
def test_merging_unknown_with_known_sizes_as_each_keras_does(cls: str, shapes: list) -> None:
    # tf-keras runs TensorFlow's op on the Keras tensors: an unknown size meets a known one and takes it.
    inputs = ", ".join(f"keras.Input(batch_shape={s!r})" for s in shapes)
    src = f"import keras\nx = [{inputs}]\nmodel = keras.Model(x, keras.layers.{cls}()(x))\n"
    for version, keras in ((2, _tf_keras()), (3, _keras())):
        (sm,) = analyze_text(src, "merge.py", keras_version=version).models
        assert sm.outputs[0] == _merged(keras, cls, shapes), version
