"""A built model called on a Keras tensor: Keras 3 checks the tensor's shape against each input's
spec (batch axis free, a trailing axis of 1 dropped on either side, dims compared only as far as
the shorter shape reaches) and raises where a dim differs.  The call is an error row (LL105) with
Keras' message exactly where real Keras raises, and shapes on as Keras does everywhere else (a
rank difference alone is accepted).  Each program is also run in the installed Keras (CI always
runs it)."""

from __future__ import annotations

import os
import re

import pytest
from layerlint.analyze import analyze_text
from layerlint.engine.symbolic import shape_str
from layerlint.runner.check import CheckSettings, check_analysis

FUNCTIONAL = """
import keras
from keras import layers

inner_in = keras.Input({declared}, name="inp")
inner = keras.Model(inner_in, layers.Activation("relu")(inner_in), name="inner")
x_in = keras.Input({given})
out = inner(x_in)
model = keras.Model(x_in, out)
"""

SEQUENTIAL = """
import keras
from keras import layers

inner = keras.Sequential([keras.Input({declared}), layers.Activation("relu")], name="inner")
x_in = keras.Input({given})
out = inner(x_in)
model = keras.Model(x_in, out)
"""

# (declared input shape, shape of the tensor the model is called on)
CASES = [
    ((8,), (8,)), ((8,), (9,)), ((8,), (8, 1)), ((8,), (8, 2)), ((8, 1), (8,)), ((8,), (None,)),
    ((None,), (8,)), ((4, 5), (4, 6)), ((4, 5), (5, 5)), ((4, 5), (4, 5, 1)), ((4, 5), (20,)),
    ((4, 1), (4,)), ((4, 1), (5,)), ((4, 5), (4,)), ((4, 1), (3, 1)), ((4, 5), (3, 5, 1)),
    ((8,), (None, 8)), ((None, 5), (7, 6)), ((4, 1), (4, 1, 1)),
]
PROGRAMS = [(api, d, g) for api in ("functional", "sequential") for d, g in CASES]


def program(api: str, declared: tuple, given: tuple) -> str:
    return (FUNCTIONAL if api == "functional" else SEQUENTIAL).format(declared=declared, given=given)


def ours(source: str) -> tuple:
    fa = analyze_text(source, "t.py")
    model = fa.models[-1]
    row = next(r for r in model.layers if r.name == "inner")
    diags = [d for d in check_analysis(fa, CheckSettings()) if d.code == "LL105"]
    return row, model, diags


def keras_outcome(source: str):
    """The call's output shape in real Keras, or the message of what it raised."""
    if not os.environ.get("CI"):
        pytest.importorskip("keras")
    namespace: dict = {"__name__": "__input_spec_case__"}
    try:
        exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    except ValueError as e:
        return str(e)
    return tuple(namespace["out"].shape)


def _incompatibility(message: str) -> str:
    """The part of Keras' message naming the shapes (a Sequential's names the functional model it built)."""
    found = re.search(r"expected shape=.*?, found shape=\([^)]*\)", message)
    assert found is not None, message
    return found.group(0)


def assert_same_outcome(source: str) -> tuple[tuple | str, list]:
    """Our analysis of ``source`` ends as real Keras does: the same output shape where Keras makes the
    call, one LL105 naming the same shapes where it refuses it.  Keras' outcome and our findings."""
    outcome = keras_outcome(source)
    row, model, diags = ours(source)
    if isinstance(outcome, tuple):
        assert row.status == "ok" and not diags
        assert model.outputs[0] == outcome
    else:
        assert row.status == "error" and len(diags) == 1
        assert _incompatibility(diags[0].message) == _incompatibility(outcome)
    return outcome, diags


@pytest.mark.parametrize(("api", "declared", "given"), PROGRAMS, ids=[f"{a}-{d}-{g}" for a, d, g in PROGRAMS])
def test_the_call_is_refused_exactly_where_keras_refuses_it(api, declared, given) -> None:
    outcome, diags = assert_same_outcome(program(api, declared, given))
    if api == "functional" and isinstance(outcome, str):
        assert diags[0].message == f"Functional `inner`: {outcome}"


def test_the_message_names_the_shapes_as_keras_prints_them() -> None:
    _, _, diags = ours(program("functional", (4, 1), (3, 1)))
    assert diags[0].message.endswith(f"expected shape={shape_str((None, 4, 1))}, found shape=(None, 3)")


def test_a_dim_we_cannot_number_is_not_claimed_to_differ() -> None:
    source = FUNCTIONAL.format(declared=(8,), given="(n,)").replace("x_in =", "n = int(input())\nx_in =")
    row, _, diags = ours(source)
    assert row.status != "error" and not diags


UNBUILT = """
import keras
import numpy as np
from keras import layers

inner = keras.Sequential([layers.{body}], name="inner")
first = {first}
x_in = keras.Input({given})
out = inner(x_in)
model = keras.Model(x_in, out)
"""

# A Sequential declaring no input is built by its first call, on that call's shape: (body, the first
# call, the shape of the tensor of the call that follows)
REBUILT = [
    ("Activation('relu')", "inner(keras.Input((8,)))", (8,)), ("Activation('relu')", "inner(keras.Input((8,)))", (9,)),
    ("Dense(3)", "inner(keras.Input((8,)))", (9,)), ("Dense(3)", "inner(keras.Input((8,)))", (4, 8)),
    ("Activation('relu')", "inner(keras.Input((4, 1)))", (4,)), ("Activation('relu')", "inner(keras.Input((8,)))", (8, 2)),
    ("Activation('relu')", "inner(keras.Input((None,)))", (8,)), ("Activation('relu')", "inner(keras.Input((4, 5)))", (4, 6)),
    ("Activation('relu')", "inner(np.zeros((7, 8)))", (8,)), ("Activation('relu')", "inner(np.zeros((7, 8)))", (9,)),
]


@pytest.mark.parametrize(("body", "first", "given"), REBUILT, ids=[f"{b}-{f}-{g}" for b, f, g in REBUILT])
def test_a_sequential_built_by_its_first_call_refuses_what_keras_refuses(body, first, given) -> None:
    assert_same_outcome(UNBUILT.format(body=body, first=first, given=given))
