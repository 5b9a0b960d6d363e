"""The Output Shape Keras' summary prints for a layer called in several places (engine/summary_shape.py):
Keras 3 shows its latest call in whichever model, tf-keras 2 the shape its calls share or "multiple";
each case is held to the live Keras or tf-keras summary of the same program."""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
from pathlib import Path

import pytest
from layerlint.analyze import analyze_text
from layerlint.report.summary import model_json, output_text

from tests.live_rows import keras_rows, our_rows

# A Dense shared by two models: Keras 3 prints its latest call, (None, 3, 4), in both
SHARED = """
import keras
from keras import layers
d = layers.Dense(4)
a = keras.Input((8,))
m1 = keras.Model(a, d(a))
b = keras.Input((3, 8))
m2 = keras.Model(b, d(b))
"""

# A Sequential holding it, a functional model calling it, then another Sequential built later
SEQUENTIALS = """
import keras
from keras import layers
d = layers.Dense(4)
m1 = keras.Sequential([keras.Input((8,)), d])
b = keras.Input((3, 8))
m2 = keras.Model(b, d(b))
m3 = keras.Sequential([keras.Input((5, 8)), d])
"""

# A functional model reused as a layer: its row shows its latest call; its own rows are unchanged
NESTED = """
import keras
from keras import layers
x = keras.Input((None, 8))
inner = keras.Model(x, layers.Dense(4)(x))
a = keras.Input((5, 8))
m1 = keras.Model(a, inner(a))
b = keras.Input((7, 8))
m2 = keras.Model(b, inner(b))
"""

# A call on data runs eagerly and adds no node: the model's own call stays
EAGER = """
import keras
import numpy as np
from keras import layers
d = layers.Dense(4)
a = keras.Input((8,))
m1 = keras.Model(a, d(a))
y = d(np.zeros((2, 3, 8)))
"""

# Called twice in one model: the latest call (already so before this module)
TWICE = """
import keras
from keras import layers
d = layers.Dense(4)
a = keras.Input((8,))
b = keras.Input((3, 8))
m = keras.Model([a, b], [d(a), d(b)])
"""

# Called once, on other shapes than its own input's: tf-keras prints the nested model's own output
NESTED_ONCE = """
import keras
from keras import layers
x = keras.Input((None, 8))
inner = keras.Model(x, layers.Dense(4)(x))
a = keras.Input((5, 8))
m1 = keras.Model(a, inner(a))
"""

# Both calls in one pass of a loop of unknown count: wherever the model is, its latest call is the second
LOOP = """
import os
import keras
from keras import layers
for f in os.listdir("."):
    d = layers.Dense(4)
    a = keras.Input((8,))
    b = keras.Input((3, 8))
    m = keras.Model([a, b], [d(a), d(b)])
"""

CASES = {"loop": LOOP, "nested_once": NESTED_ONCE, "shared": SHARED, "sequentials": SEQUENTIALS, "nested": NESTED, "eager": EAGER, "twice": TWICE}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_are_keras3_summary_rows(name: str, keras: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = textwrap.dedent(CASES[name])
    ours, theirs = our_rows(source), keras_rows(tmp_path, source)
    if name == "loop":  # names made in a loop of unknown count are unknown (`input_layer_?`): shapes only
        ours, theirs = ([r["output_shape"] for r in rows] for rows in (ours, theirs))
    assert ours == theirs


def test_shared_row_says_which_call_it_shows() -> None:
    m1 = analyze_text(SHARED, "prog.py").models[0]
    dense = m1.layers[1]
    assert dense.output == (None, 4)  # the model's own call, which rules and --confirm read
    assert output_text(dense) == "(None, 3, 4)"
    row = model_json(m1, "prog.py")["layers"][1]
    assert row["output_shape"] == [None, 3, 4]
    assert row["output_shape_reason"] == ("Keras' summary shows this layer's latest call, at line 8; "
                                          "its call in this model gives (None, 4)")


UNDECIDED = """
import sys
import keras
from keras import layers
d = layers.Dense(4)
a = keras.Input((8,))
m1 = keras.Model(a, d(a))
for i in range(len(sys.argv)):
    e = keras.Input((3, 8))
    m2 = keras.Model(e, d(e))
"""


def test_latest_call_in_a_loop_of_unknown_count_is_unknown() -> None:
    """Keras shows (None, 3, 4) if the loop runs, (None, 4) if not: neither is claimed."""
    m1 = analyze_text(UNDECIDED, "prog.py").models[0]
    row = model_json(m1, "prog.py")["layers"][1]
    assert row["output_shape"] is None
    assert row["output_shape_reason"] == ("Keras' summary shows this layer's latest call, and the call at line 10 "
                                          "is in the loop `for i in range(len(sys.argv))`, whose count is not known")


def _tf_keras_printed(tmp_path: Path, source: str, names: tuple[str, ...]) -> list[list[tuple[str, str]]]:
    """(row label, Output Shape) of each named model's printed tf-keras summary, the program run with
    tf-keras as its ``keras``."""
    import tf_keras

    tf_keras.backend.clear_session()
    code = source.replace("import keras\n", "import tf_keras as keras\n").replace("from keras ", "from tf_keras ")
    scope: dict = {"__name__": "__fixture__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, str(tmp_path / "prog.py"), "exec"), scope)  # the test's own program, not a linted file
    out = []
    for name in names:
        lines: list[str] = []
        scope[name].summary(print_fn=lines.append, line_length=100)
        rows = [re.split(r"\s{2,}", line.strip()) for line in lines if re.match(r"^ \w.* \(\w+\)\s", line)]
        out.append([(r[0], r[1]) for r in rows if not r[0].startswith("Layer (type)")])
    return out


def _ours_keras2(source: str) -> list[list[tuple[str, str]]]:
    fa = analyze_text(source, "prog.py", keras_version=2)
    return [[(f"{r.name} ({r.cls})", output_text(r, 2)) for r in sm.layers] for sm in fa.models]


@pytest.mark.parametrize("name", ["shared", "sequentials", "nested", "nested_once", "eager", "twice", "loop"])
def test_rows_are_tf_keras_summary_rows(name: str, tmp_path: Path) -> None:
    pytest.importorskip("tf_keras")
    source = textwrap.dedent(CASES[name])
    names = {"twice": ("m",), "loop": ("m",), "eager": ("m1",), "shared": ("m1", "m2"), "nested": ("m1", "m2"), "nested_once": ("m1",),
             "sequentials": ("m1", "m2", "m3")}[name]
    ours = _ours_keras2(source)
    theirs = _tf_keras_printed(tmp_path, source, names)
    if name.startswith("nested"):  # the inner model's own summary is not among those printed
        ours = ours[1:]
    if name == "loop":  # names made in a loop of unknown count are unknown: shapes only
        ours, theirs = ([[shape for _, shape in rows] for rows in both] for both in (ours, theirs))
    assert ours == theirs
