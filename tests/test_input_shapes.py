"""Shapes Keras refuses for an input: one number where a tuple belongs (Keras 3 refuses
``Input(shape=3)``, tf-keras reads it as ``(3,)`` but refuses ``input_shape=3`` on a layer),
negative dimensions, dimensions that are not integers.  Each is an LL105 error at the input,
with Keras' own message, and no numbers for what Keras never builds.  Every program is also
run in the installed Keras and tf-keras (CI always runs them)."""

from __future__ import annotations

import os

import pytest
from layerlint.analyze import analyze_text
from layerlint.runner.check import CheckSettings, check_analysis

# (model code after `import keras` / `from keras import layers`, refused by Keras 3, by tf-keras)
CASES = [
    ("n = 3\ninp = layers.Input(shape=(n))\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", True, False),
    ("inp = layers.Input(3)\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", True, False),
    ("inp = layers.Input(shape=(3,))\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", False, False),
    ("inp = layers.Input(shape=[4])\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", False, False),
    ("inp = layers.Input(shape=(0, 3))\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", False, False),
    ("inp = layers.Input(shape=(-2,))\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", True, True),
    ("inp = layers.Input(shape=(2.5, 3))\nout = layers.Dense(2)(inp)\nmodel = keras.Model(inp, out)", True, True),
    ("model = keras.Sequential([layers.Dense(2, input_shape=4), layers.Dense(3)])", True, True),
    ("model = keras.Sequential([layers.Input((-1, 3)), layers.Dense(3)])", True, True),
    ("model = keras.Sequential([layers.Input((5, 3)), layers.Dense(3)])", False, False),
]
IDS = [c[0].replace("\n", "; ")[:60] for c in CASES]


def program(body: str, version: int) -> str:
    head = "import keras\nfrom keras import layers\n" if version == 3 else \
        "import tf_keras as keras\nfrom tf_keras import layers\n"
    return head + body + "\n"


def ours(body: str, version: int):
    fa = analyze_text(program(body, 3), "t.py", keras_version=version)
    return fa, [d for d in check_analysis(fa, CheckSettings()) if d.code == "LL105"]


def keras_outcome(body: str, version: int) -> str | None:
    """The message of what real Keras raises building the model, None when it builds it."""
    module = "keras" if version == 3 else "tf_keras"
    if not os.environ.get("CI"):
        pytest.importorskip(module)
    namespace: dict = {"__name__": "__input_case__"}
    try:
        exec(compile(program(body, version), "<case>", "exec"), namespace)  # noqa: S102 - a test's own program
    except Exception as e:  # noqa: BLE001 - what Keras raised is the result
        return str(e)
    return None


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize(("body", "k3", "k2"), CASES, ids=IDS)
def test_an_input_is_an_error_exactly_where_keras_refuses_it(body, k3, k2, version) -> None:
    fa, found = ours(body, version)
    refused = k3 if version == 3 else k2
    assert bool(found) is refused, [d.message for d in found]
    model = fa.models[0]
    if refused:
        assert len(found) == 1
        # nothing after a refused input is given numbers Keras never computes
        assert all(r.status != "ok" or r.is_input for r in model.layers[1:] if r.source is not None)
    else:
        assert all(r.status == "ok" for r in model.layers)


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize(("body", "k3", "k2"), CASES, ids=IDS)
def test_the_cases_and_messages_are_keras_own(body, k3, k2, version) -> None:
    raised = keras_outcome(body, version)
    assert (raised is not None) is (k3 if version == 3 else k2), raised
    if raised is not None:
        _, found = ours(body, version)
        # ours is Keras' message (without its final period), then what to write instead
        said = found[0].message.split(": ", 1)[1]
        assert said.startswith(raised.rstrip().rstrip(".")[:40]), (said, raised)


def test_one_number_from_a_shape_is_named_by_the_users_expression() -> None:
    body = ("def actor(env):\n    num_states = env.observation_space.shape[0]\n"
            "    inp = layers.Input(shape=(num_states))\n    return keras.Model(inp, layers.Dense(1)(inp))\n"
            "model = actor(None)")
    _, found = ours(body, 3)
    assert [(d.line, d.message) for d in found] == [(5, (
        "InputLayer `input_layer`: Cannot convert 'env.observation_space.shape[0]' to a shape: `num_states` is one "
        "number, not a tuple; write `(num_states,)`"))]


def test_tf_keras_reads_one_number_from_a_shape_as_one_axis() -> None:
    body = ("def actor(env):\n    num_states = env.observation_space.shape[0]\n"
            "    inp = layers.Input(shape=(num_states))\n    return keras.Model(inp, layers.Dense(1)(inp))\n"
            "model = actor(None)")
    fa, found = ours(body, 2)
    assert not found
    # one axis named by the user's expression, not an index into it
    assert str(fa.models[0].layers[1].params) == "env.observation_space.shape[0] + 1"


def test_an_unknown_tuple_is_not_taken_for_one_number() -> None:
    body = ("def build(x):\n    inp = layers.Input(shape=(x.shape[1:]))\n"
            "    return keras.Model(inp, layers.Dense(2)(inp))\nmodel = build(None)")
    _, found = ours(body, 3)
    assert not found


def test_the_axes_of_an_unknown_slice_are_named_as_the_user_would_write_them() -> None:
    body = ("import numpy as np\nx_train = np.load('x.npy')\ninp = layers.Input(shape=x_train.shape[1:])\n"
            "x = layers.Conv1D(64, 3, padding='same')(inp)\nmodel = keras.Model(inp, x)")
    fa, _ = ours(body, 3)
    conv = fa.models[0].layers[1]
    assert [str(d) for d in conv.output] == ["None", "x_train.shape[1]", "64"]
    # Conv1D's kernel is 3 x channels x 64, its bias 64
    assert str(conv.params) == "192*x_train.shape[2] + 64"
