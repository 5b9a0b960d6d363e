"""Layer sizes that are NumPy scalars or tensors (``Dense(np.prod(shape))``, ``Dense(keras.ops.prod(t))``):
each case is built in live Keras 3 and live tf-keras; layerlint gives the number Keras uses, the error
Keras raises (LL105), or an unknown size named by the user's expression, never another number
(lint/engine/layers/size_types.py, NumpyInt and Expr.scalar_data in lint/engine/symbolic.py)."""

from __future__ import annotations

from types import ModuleType

import pytest
from layerlint.analyze import analyze_text

from tests.live_rows import live_params

# (layer constructor with `n` for the size, input shape without the batch axis)
LAYERS = [
    ("Dense(units=n)", (5, 3)),
    ("Conv2D(filters=n, kernel_size=3)", (8, 8, 3)),
    ("Conv2D(4, n)", (8, 8, 3)),
    ("Conv2D(4, 3, strides=n)", (8, 8, 3)),
    ("Embedding(10, n)", (5,)),
    ("Embedding(n, 3)", (5,)),
    ("GRU(n)", (5, 3)),
    ("LSTM(n)", (5, 3)),
    ("Bidirectional(layers.LSTM(n))", (5, 3)),
    ("MultiHeadAttention(n, 4)", (5, 3)),
    ("Reshape((5, n))", (5, 4)),
    ("RepeatVector(n)", (3,)),
]
# What makes n: NumPy integers of known value, NumPy scalars of unknown value, scalar tensors
NUMPY = ["np.int64(4)", "np.int32(4)", "np.prod([2, 2])", "np.max((1, 4))", "np.sum(np.array([2, 2]))"]
TENSORS = ["keras.ops.prod(keras.ops.array([2, 2]))", "tf.reduce_prod(tf.constant([2, 2]))"]


def _program(layer: str, shape: tuple, module: str, value: str) -> str:
    call = "(inputs, inputs)" if layer.startswith("MultiHead") else "(inputs)"
    return (f"import numpy as np\nimport tensorflow as tf\nimport {module} as keras\nfrom {module} import layers\n\n"
            f"n = {value}\ninputs = keras.Input({shape!r})\n"
            f"outputs = layers.{layer}{call}\nmodel = keras.Model(inputs, outputs)\n")




@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize("value", NUMPY + TENSORS)
@pytest.mark.parametrize(("layer", "shape"), LAYERS)
def test_size_as_each_keras(keras: ModuleType, layer: str, shape: tuple, value: str, version: int) -> None:
    if version == 2:
        pytest.importorskip("tf_keras")
        if value.startswith("keras.ops"):
            pytest.skip("tf-keras has no keras.ops")
    program = _program(layer, shape, "keras" if version == 3 else "tf_keras", value)
    truth = live_params(program)
    (sm,) = analyze_text(program, "case.py", keras_version=version).models
    row = sm.layers[1]
    named = value.split("(")[0] in str(row.reason) + str(sm.total_params)  # the user's expression, not ours
    if row.status == "error":
        assert truth is None, row.error.message
    elif row.status == "unknown":
        assert named, row.reason
    else:
        assert row.status == "ok", (row.status, row.reason)
        assert sm.total_params == truth or (isinstance(sm.total_params, object) and named and truth is not None), \
            (sm.total_params, truth)


@pytest.mark.parametrize(("value", "shown"), [("keras.ops.prod(keras.ops.array([2, 3]))", "keras.ops.prod(...)"),
                                              ("tf.reduce_prod(tf.constant([2, 3]))", "tf.reduce_prod(tf.constant([2, 3]))"),
                                              ("np.int64(6)", "6"), ("np.prod([2, 3])", "6"),
                                              ("np.prod(np.array([2, 3]))", "np.prod(np.array([2, 3]))")])
def test_dense_refuses_what_keras3_refuses(keras: ModuleType, value: str, shown: str) -> None:
    """/tmp/p27/npsize.py: Keras 3's own message (its value as the user wrote it where not known), as LL105."""
    program = _program("Dense(n)", (6,), "keras", value)
    assert live_params(program) is None
    (sm,) = analyze_text(program, "case.py").models
    row = sm.layers[1]
    assert row.status == "error"
    assert row.error.message == ("Received an invalid value for `units`, expected a positive integer. "
                                 f"Received: units={shown}")


def test_numpy_integer_where_keras_takes_it_is_its_number(keras: ModuleType) -> None:
    program = _program("Conv2D(n, 3)", (8, 8, 3), "keras", "np.prod([2, 2])")
    (sm,) = analyze_text(program, "case.py").models
    assert sm.layers[1].output == (None, 6, 6, 4)
    assert sm.total_params == live_params(program) == 112


def test_int_of_a_numpy_integer_is_a_python_int(keras: ModuleType) -> None:
    program = _program("Dense(int(n))", (6,), "keras", "np.prod([2, 2])")
    (sm,) = analyze_text(program, "case.py").models
    assert sm.total_params == live_params(program) == 28


# Padding, cropping and noise shapes holding NumPy integers: Keras 3 refuses a NumPy integer where it
# checks for a Python int (a whole padding, an entry of a 2D padding, a noise_shape element), and takes
# one inside a (before, after) pair; tf-keras' messages differ and its Dropout takes them.
EDGES = [(f"{cls}{r}D({key}={form})", (8,) * r + (4,)) for r in (1, 2, 3)
         for cls, key in (("ZeroPadding", "padding"), ("Cropping", "cropping"))
         for form in ["np.int64(1)", f"({', '.join(['np.int64(1)'] + ['1'] * (r - 1))},)" if r > 1 else "(np.int64(1), 1)",
                      f"({', '.join(['(np.int64(1), 1)'] + ['(1, 1)'] * (r - 1))},)"]
         if not (r == 1 and form.startswith("((")) and not (r == 1 and form == "(np.int64(1),)")]
EDGES += [("Dropout(0.5, noise_shape=(None, np.int32(1), 4))", (8, 4)), ("Dropout(0.5, noise_shape=np.int64(1))", (8, 4)),
          ("Dropout(0.5, noise_shape=(np.int64(2), 1, 4))", (8, 4))]


def _live_outcome(program: str) -> tuple:
    scope: dict = {}
    try:
        exec(compile(program, "case.py", "exec"), scope)  # our own test program, not linted code
    except ValueError as e:
        return ("error", str(e))
    return ("ok", tuple(scope["model"].output_shape))


@pytest.mark.parametrize("version", [3, 2])
@pytest.mark.parametrize(("layer", "shape"), EDGES)
def test_numpy_integers_in_paddings_and_noise_shapes(keras: ModuleType, layer: str, shape: tuple, version: int) -> None:
    if version == 2:
        pytest.importorskip("tf_keras")
    program = _program(layer, shape, "keras" if version == 3 else "tf_keras", "0")
    truth = _live_outcome(program)
    (sm,) = analyze_text(program, "case.py", keras_version=version).models
    row = sm.layers[1]
    if truth[0] == "error":
        assert row.status == "error" and row.error.message == truth[1], (row.status, row.reason, truth)
    else:
        assert row.status == "ok" and tuple(row.output) == truth[1], (row.status, row.reason, row.output, truth)


def test_the_finding_says_the_size_is_a_numpy_integer(keras: ModuleType) -> None:
    """Keras 3 says `expected a positive integer. Received: units=784` of 784: the finding says what 784 is,
    and the fix it gives builds (python_for_microscopists' GAN generator, 125_126_GAN_training_mnist.py:56)."""
    from layerlint.runner.check import CheckSettings, check_analysis

    program = ("import numpy as np\nimport keras\nfrom keras import layers\n\nimg_shape = (28, 28, 1)\n"
               "model = keras.Sequential([keras.Input((100,)), layers.Dense(np.prod(img_shape), activation='tanh'),\n"
               "                          layers.Reshape(img_shape)])\n")
    assert live_params(program) is None  # Keras 3 refuses it
    (d,) = check_analysis(analyze_text(program, "gan.py"), CheckSettings(select=["LL105"]))
    assert d.message == ("Dense `dense`: Received an invalid value for `units`, expected a positive integer. "
                         "Received: units=784: `np.prod(img_shape)` is a NumPy integer, not a Python int")
    assert d.fix == "write `int(np.prod(img_shape))`"
    fixed = program.replace("layers.Dense(np.prod(img_shape)", "layers.Dense(int(np.prod(img_shape))")
    assert live_params(fixed) == 100 * 784 + 784
    assert not check_analysis(analyze_text(fixed, "gan.py"), CheckSettings(select=["LL105"]))


def test_arithmetic_on_a_numpy_integer_is_quoted_whole() -> None:
    """Advanced Deep Learning with Keras: `num_labels = np.amax(y_train) + 1`, then Dense(num_labels).  The
    finding quoted `(np.amax(y_train))`, the operand in parentheses, where the NumPy integer is the sum."""
    from layerlint.runner.check import CheckSettings, check_analysis

    program = ("import numpy as np\nimport keras\nfrom keras import layers\n\nimg_shape = (28, 28, 1)\n"
               "units = np.prod(img_shape) * 2\n"
               "model = keras.Sequential([keras.Input((100,)), layers.Dense(units)])\n")
    (d,) = check_analysis(analyze_text(program, "gan.py"), CheckSettings(select=["LL105"]))
    assert d.message.endswith("Received: units=1568: `np.prod(img_shape) * 2` is a NumPy integer, not a Python int")
    assert d.fix == "write `int(np.prod(img_shape) * 2)`"
