"""Keras 3 refuses a `/` in the name of any layer, input or model (Operation.__init__ raises a
ValueError): each program below gets one LL105 finding carrying Keras' message, at the line of
what Keras refuses to make.  Each program is also run in the installed Keras (CI always runs it)."""

from __future__ import annotations

import os
import textwrap

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

HEAD = "import keras\nfrom keras import layers\n"

# (program, the line Keras raises at)
CASES = [
    ("inp = keras.Input((3,), name='image/rgb')\nmodel = keras.Model(inp, layers.Dense(2)(inp))", 3),
    ("inp = keras.Input((3,))\nmodel = keras.Model(inp, layers.Dense(2)(inp), name='head/v1')", 4),
    ("model = keras.Sequential([keras.Input((3,), name='a/b'), layers.Dense(2)])", 3),
    ("model = keras.Sequential([layers.InputLayer(shape=(3,), name='a/b'), layers.Dense(2)])", 3),
    ("model = keras.Sequential([keras.Input((3,)), layers.Dense(2)], name='s/x')", 3),
    ("inp = keras.Input((3,), name='image_rgb')\nmodel = keras.Model(inp, layers.Dense(2)(inp), name='head_v1')", None),
]


def keras_error(source: str) -> str | None:
    if not os.environ.get("CI"):
        pytest.importorskip("keras")
    try:
        exec(compile(source, "<case>", "exec"), {"__name__": "__slash_case__"})  # noqa: S102 - a test's own program
    except ValueError as e:
        return str(e)
    return None


@pytest.mark.parametrize(("body", "line"), CASES, ids=[c[0].splitlines()[-1][:60] for c in CASES])
def test_a_slash_in_a_name_is_refused_as_keras_refuses_it(body, line) -> None:
    source = HEAD + textwrap.dedent(body) + "\n"
    expected = keras_error(source)
    diags = [d for d in check_analysis(analyze_text(source, "t.py"), CheckSettings()) if d.code == "LL105"]
    if line is None:
        assert expected is None and not diags
        return
    assert expected is not None and len(diags) == 1
    assert diags[0].line == line
    assert diags[0].message.endswith(expected)


def test_tf_keras_takes_the_name() -> None:
    source = HEAD.replace("import keras\n", "from tensorflow import keras\n") + CASES[1][0] + "\n"
    fa = analyze_text(source, "t.py", keras_version=2)
    assert "LL105" not in [d.code for d in check_analysis(fa, CheckSettings())]
