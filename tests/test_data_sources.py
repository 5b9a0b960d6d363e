"""Datasets and generators: what one batch looks like, against the element_spec real Keras/TF
gives for the same call (on a directory of tiny images made here)."""

from __future__ import annotations

import os

import libcst as cst
import numpy as np
import pytest
from layerlint.extract.interp import Interpreter


def _tf():
    try:
        import tensorflow as tf
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("needs TensorFlow")
    return tf


def ours(src: str):
    interp = Interpreter(cst.parse_module("import numpy as np\nimport tensorflow as tf\n" + src), "t.py")
    interp.run()
    return interp.globals.vars["ds"]


def spec_shapes(ds) -> tuple:
    x, y = ds.element_spec if isinstance(ds.element_spec, tuple) else (ds.element_spec, None)
    return tuple(x.shape.as_list()), None if y is None else tuple(y.shape.as_list())


@pytest.fixture(scope="module")
def image_dir(tmp_path_factory):
    tf = _tf()
    root = tmp_path_factory.mktemp("images")
    for cls in ("a", "b", "c"):
        (root / cls).mkdir()
        for i in range(2):
            (root / cls / f"{i}.png").write_bytes(tf.io.encode_png(np.zeros((9, 7, 3), "uint8")).numpy())
    return str(root)


CALLS = [
    "image_size=(16, 12)",
    "image_size=(16, 12), label_mode='categorical', class_names=['a', 'b', 'c']",
    "image_size=(16, 12), color_mode='grayscale', label_mode='int'",
    "image_size=(8, 8), color_mode='rgba', label_mode=None",
    "batch_size=4",
]


@pytest.mark.parametrize("args", CALLS)
def test_image_dataset_from_directory(args, image_dir):
    tf = _tf()
    real = eval(f"tf.keras.utils.image_dataset_from_directory({image_dir!r}, {args}, verbose=False)", {"tf": tf})
    got = ours(f"ds = tf.keras.utils.image_dataset_from_directory('dir', {args})")
    x, y = spec_shapes(real)
    assert got.x.shape == x
    if y is None:
        assert got.y is None
    else:
        assert got.y.shape == y


def test_image_dataset_binary_labels(image_dir, tmp_path):
    tf = _tf()
    import shutil

    two = tmp_path / "two"
    shutil.copytree(image_dir, two)
    shutil.rmtree(two / "c")
    real = tf.keras.utils.image_dataset_from_directory(str(two), image_size=(8, 8), label_mode="binary", verbose=False)
    got = ours("ds = tf.keras.utils.image_dataset_from_directory('d', image_size=(8, 8), label_mode='binary')")
    assert (got.x.shape, got.y.shape) == spec_shapes(real)


@pytest.mark.parametrize("src", [
    "ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)",
    "ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10).batch(16).prefetch(2)",
    "ds = tf.data.Dataset.from_tensor_slices(x).batch(4)",
])
def test_from_tensor_slices(src):
    tf = _tf()
    env = {"np": np, "tf": tf, "x": np.zeros((40, 28, 28, 1), "float32"), "y": np.zeros((40,), "int64")}
    exec(src, env)  # the test's own code: TF's answer
    prelude = "x = np.zeros((40, 28, 28, 1), dtype='float32')\ny = np.zeros((40,), dtype='int64')\n"
    got = ours(prelude + src)
    x, y = spec_shapes(env["ds"])
    assert got.batched
    assert (None, *got.x.shape[1:]) == x
    if y is not None:
        assert (None, *got.y.shape[1:]) == y


@pytest.mark.parametrize("src", [
    "ds = tf.data.Dataset.from_tensor_slices((x, y))",
    "ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10).batch(16)",
    "ds = tf.data.Dataset.from_tensor_slices(x).batch(4, drop_remainder=False).unbatch()",
    "ds = tf.data.Dataset.from_tensor_slices(x).batch(16, drop_remainder=True)",
    "ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16, True).prefetch(1)",
])
def test_what_map_hands_its_function(src):
    """map() traces its function on one element: a sample, or a batch, of unknown size unless
    drop_remainder=True gives it the batch size."""
    tf = _tf()
    env = {"np": np, "tf": tf, "x": np.zeros((40, 28, 28, 1), "float32"), "y": np.zeros((40,), "int64")}
    exec(src, env)
    seen = []
    env["ds"].map(lambda *e: seen.append([tuple(t.shape.as_list()) for t in e]) or e)
    prelude = "x = np.zeros((40, 28, 28, 1), dtype='float32')\ny = np.zeros((40,), dtype='int64')\n"
    got = ours(prelude + src)
    parts = [got.x] if got.y is None else [got.x, got.y]
    elements = [got.element(p) for p in parts]
    assert [e.shape for e in elements] == seen[0]


@pytest.mark.parametrize("args", ["image_size=(16, 12)", "image_size=(16, 12), batch_size=None, label_mode=None"])
def test_what_map_hands_its_function_from_a_directory(args, image_dir):
    tf = _tf()
    real = eval(f"tf.keras.utils.image_dataset_from_directory({image_dir!r}, {args}, verbose=False)", {"tf": tf})
    seen = []
    real.map(lambda *e: seen.append([tuple(t.shape.as_list()) for t in e]) or e)
    got = ours(f"ds = tf.keras.utils.image_dataset_from_directory('dir', {args})")
    parts = [got.x] if got.y is None else [got.x, got.y]
    assert [got.element(p).shape for p in parts] == seen[0]


def test_a_batch_size_that_cannot_be_decided_is_not_followed():
    got = ours("x = np.zeros((40, 3))\nds = tf.data.Dataset.from_tensor_slices(x).batch(8, drop_remainder=keep)")
    assert got.batch_axis() is None and got.element(got.x) is None


def _first_element(src: str):
    interp = Interpreter(cst.parse_module("import numpy as np\nimport tensorflow as tf\n" + src), "t.py")
    interp.run()
    return interp.globals.vars["first"]


@pytest.mark.parametrize("src", [
    "ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10).batch(16).prefetch(2)",
    "ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(64)",
    "ds = tf.data.Dataset.from_tensor_slices(x).batch(8).cache()",
    "ds = tf.data.Dataset.from_tensor_slices((x, y))",
])
def test_the_first_element_next_iter_gives(src):
    """next(iter(ds)): eager tensors of a whole batch, or of all samples when there are fewer."""
    tf = _tf()
    env = {"np": np, "tf": tf, "x": np.zeros((40, 28, 28, 1), "float32"), "y": np.zeros((40,), "int64")}
    exec(src + "\nfirst = next(iter(ds))", env)
    real = env["first"] if isinstance(env["first"], tuple) else (env["first"],)
    prelude = "x = np.zeros((40, 28, 28, 1), dtype='float32')\ny = np.zeros((40,), dtype='int64')\n"
    got = _first_element(prelude + src + "\nfirst = next(iter(ds))")
    got = got if isinstance(got, tuple) else (got,)
    assert [g.shape for g in got] == [tuple(t.shape) for t in real]


@pytest.mark.parametrize("src", ["ds = tf.data.Dataset.from_tensor_slices(x).take(3).batch(16)",
                                 "ds = tf.data.Dataset.from_tensor_slices(x).batch(4).batch(2)"])
def test_a_first_batch_of_a_resized_dataset_is_not_followed(src):
    got = _first_element("x = np.zeros((40, 3))\n" + src + "\nfirst = next(iter(ds))")
    assert not hasattr(got, "shape")


def test_numpy_concatenate_and_linspace_as_numpy_computes_them():
    from layerlint.extract.data import concatenated, numpy_linspace
    from layerlint.extract.values import ArrayVal

    for args in [(0, 0.1, 4), (0.0, 0.2, 7), (1, 3, 1), (0, 0, 3), (0.1, 0.9, 13)]:
        assert numpy_linspace(list(args), {}) == tuple(np.linspace(*args).tolist())
    a, b = ArrayVal((5, 2, 2, 3), "uint8"), ArrayVal((1, 2, 2, 3), "uint8")
    assert concatenated([a, b], 0).shape == np.concatenate([np.zeros((5, 2, 2, 3)), np.zeros((1, 2, 2, 3))]).shape
    assert concatenated([a, ArrayVal((1, 2, 2, 1), "uint8")], 0) is None  # NumPy raises: other dims differ
    assert concatenated([ArrayVal((4, 2), "uint8"), ArrayVal((4, 3), "uint8")], 1).shape == \
        np.concatenate([np.zeros((4, 2)), np.zeros((4, 3))], 1).shape
