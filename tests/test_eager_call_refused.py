"""A built model run eagerly on data (an array, a tensor made eagerly): Keras 3 checks the data
against a functional model's input spec, then Functional.call() adjusts the data's rank to the
input's (an extra trailing axis of 1 squeezed, a missing one expanded where the input's last axis
is 1) and refuses any other rank; a Sequential hands the data to its functional model's call with
no spec check first.  What Keras refuses is LL105 at the call, with Keras' message (the data named
by the user's expression where Keras prints its values).  Each program is run in the installed
Keras (CI always runs it) and its outcome compared with ours."""

from __future__ import annotations

import re

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

HEAD = """
import numpy as np
import tensorflow as tf
import keras
from keras import layers
"""

FUNCTIONAL = HEAD + """
inp = keras.Input({declared})
model = keras.Model(inp, layers.Activation("relu")(inp))
model({data})
"""

SEQUENTIAL = HEAD + """
model = keras.Sequential([keras.Input({declared}), layers.Activation("relu")])
model({data})
"""

# built by a first call on data: later calls are held to the shape it was built on
BUILT_ON_DATA = HEAD + """
model = keras.Sequential([layers.Activation("relu")])
model(np.zeros((2,) + {declared}))
model({data})
"""

TWO_INPUTS = HEAD + """
a = keras.Input((4,), name="a")
b = keras.Input({declared}, name="b")
model = keras.Model([a, b], [layers.Activation("relu")(a), layers.Activation("relu")(b)])
model([np.zeros((2, 4)), {data}])
"""

# (declared input shape, the data the model is run on)
CASES = [
    ((8,), "np.zeros((2, 3, 4))"), ((8,), "np.zeros((2, 5))"), ((8,), "np.zeros((2, 8))"),
    ((8,), "np.zeros((8,))"), ((8,), "np.zeros((2, 8, 1))"), ((8,), "np.zeros((2, 8, 3))"),
    ((16, 16, 3), "np.zeros((16, 16, 3))"), ((16, 16, 3), "tf.zeros((2, 16, 16))"),
    ((16, 16, 3), "keras.ops.ones((2, 16, 16, 3, 1))"), ((16, 16, 3), "np.zeros((2, 16, 16))"), ((4, 1), "np.zeros((3, 4))"),
    ((4, 1), "np.zeros((3, 5))"), ((None, 3), "np.zeros((2, 7, 3))"), ((None, 3), "np.zeros((2, 3))"),
]
# Keras refuses a list mixing arrays and tensors before it looks at shapes: the two-input model gets arrays
PROGRAMS = [(t, d, g) for t in ("functional", "sequential", "built-on-data", "two-inputs") for d, g in CASES
            if not (t == "built-on-data" and None in d or t == "two-inputs" and not g.startswith("np."))]
TEMPLATES = {"functional": FUNCTIONAL, "sequential": SEQUENTIAL, "built-on-data": BUILT_ON_DATA,
             "two-inputs": TWO_INPUTS}


def keras_refusal(source: str) -> str | None:
    """What the installed Keras raises running the program (None: it runs)."""
    import keras

    keras.backend.clear_session()  # names numbered from the start, as in a program of its own
    namespace: dict = {"__name__": "__eager_call_case__"}
    try:
        exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    except ValueError as e:
        return re.sub(r"\x1b\[[0-9;]*m", "", str(e))
    return None


def our_refusals(source: str) -> list:
    fa = analyze_text(source, "t.py")
    return [d for d in check_analysis(fa, CheckSettings()) if d.code == "LL105"]


def _keras_part(message: str) -> str:
    """The part of Keras' message both can hold: Keras prints the data's values and its own
    tensor's name where ours names the user's expression."""
    rank = re.search(r"and path '[^']*'\. Expected shape .*?, but input has incompatible shape \([^)]*\)", message)
    if rank is not None:
        return rank.group(0)
    spec = re.search(r"Input \d+ with name '[^']*' of layer '[^']*' is incompatible with the layer: "
                     r"expected shape=.*?, found shape=\([^)]*\)", message)
    assert spec is not None, message
    return spec.group(0)


@pytest.mark.parametrize(("template", "declared", "data"), PROGRAMS)
def test_refused_where_keras_refuses(keras, template: str, declared: tuple, data: str) -> None:
    source = TEMPLATES[template].format(declared=declared, data=data)
    refusal = keras_refusal(source)
    ours = our_refusals(source)
    if refusal is None:
        assert ours == []
        return
    assert len(ours) == 1, (refusal, ours)
    last = len(source.strip("\n").splitlines()) + 1  # the program's last line, the call
    assert ours[0].line == last
    assert _keras_part(refusal) in ours[0].message


def test_the_message_names_the_data_as_written() -> None:
    ours = our_refusals(SEQUENTIAL.format(declared=(16, 16, 3), data="np.zeros((16, 16, 3))"))
    assert [d.message for d in ours] == [
        "Sequential `sequential`: Invalid input shape for input `np.zeros((16, 16, 3))` and path ''. Expected shape "
        "(None, 16, 16, 3), but input has incompatible shape (16, 16, 3)"]
