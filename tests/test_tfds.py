"""tensorflow_datasets: the table against the installed tfds' builder metadata (skipped when
tfds is not installed: it is no dependency of layerlint), and tfds.load() followed as a
tf.data dataset of the table's element spec."""

from __future__ import annotations

import libcst as cst
import pytest
from layerlint.extract.interp import Interpreter
from layerlint.extract.tfds_table import TFDS
from layerlint.extract.values import DatasetVal

from fixtures import regen_tfds


def run(body: str) -> dict:
    src = "import tensorflow_datasets as tfds\nimport tensorflow_datasets\n" + body
    interp = Interpreter(cst.parse_module(src), "t.py")
    interp.run()
    return interp.globals.vars


def test_table_is_what_the_generator_reads_from_tfds():
    pytest.importorskip("tensorflow_datasets")
    assert regen_tfds.TABLE.read_text() == regen_tfds.render()


def test_table_holds_the_supervised_pairs_keras_io_trains_on():
    # facts from the builders' documentation: STL-10 is 96x96 RGB in 10 classes; tf_flowers varies in size
    assert TFDS["stl10"]["features"]["image"] == ((96, 96, 3), "uint8")
    assert TFDS["stl10"]["supervised"] == ("image", "label") and TFDS["stl10"]["classes"]["label"] == 10
    assert TFDS["tf_flowers"]["features"]["image"] == ((None, None, 3), "uint8")
    assert TFDS["coco/2017"]["features"]["objects"] is None  # nested: not followed


def test_as_supervised_load_is_a_dataset_of_image_and_label():
    ds = run('ds = tfds.load("stl10", split="unlabelled", as_supervised=True, shuffle_files=True)\n')["ds"]
    assert isinstance(ds, DatasetVal) and not ds.batched
    assert ds.x.shape == (None, 96, 96, 3) and ds.x.dtype == "uint8"
    assert ds.y.shape == (None,) and ds.y.dtype == "int64" and ds.y.labels.classes == 10


def test_a_list_of_splits_gives_a_list_and_with_info_a_pair():
    got = run('(a, b), info = tensorflow_datasets.load("mnist", split=["train", "test[:10%]"], '
              'as_supervised=True, with_info=True)\n')
    assert all(isinstance(got[k], DatasetVal) and got[k].x.shape == (None, 28, 28, 1) for k in ("a", "b"))
    assert not isinstance(got["info"], DatasetVal)


def test_batched_with_drop_remainder_fixes_the_batch_axis():
    ds = run('ds = tfds.load("stl10", split="train", as_supervised=True).shuffle(10).batch(32, drop_remainder=True)\n')["ds"]
    assert ds.batched and ds.batch_axis() == (32,)


@pytest.mark.parametrize("call", [
    'tfds.load("stl10", split="train")',  # a dict of features: not followed
    'tfds.load("oxford_iiit_pet:3.*.*", split="train", as_supervised=True)',  # another version's features
    'tfds.load("bair_robot_pushing_small", split="train", as_supervised=True)',  # no supervised keys
    'tfds.load("stl10", split="train", as_supervised=True, batch_size=-1)',  # whole tensors
    'tfds.load("stl10", as_supervised=True)',  # a dict of all splits
    'tfds.load("no_such_dataset", split="train", as_supervised=True)',
])
def test_what_is_not_followed_stays_unknown(call):
    assert not isinstance(run(f"ds = {call}\n")["ds"], DatasetVal)


def test_an_eager_example_of_varying_size_has_the_first_images_size_not_none():
    # Keras builds a Sequential called on it on that image's own height and width
    image = run('image, label = next(iter(tfds.load("tf_flowers", split="train", as_supervised=True)))\n')["image"]
    assert image.shape[2] == 3 and all(d is not None and not isinstance(d, int) for d in image.shape[:2])


@pytest.mark.parametrize("load", [
    'tfds.load(name, split=["train[:90%]", "train[90%:]"], as_supervised=True, with_info=True)',
    'tfds.load(name, split="train", with_info=True)',  # the datasets are not followed, the info is
])
def test_with_info_gives_the_class_count_of_a_label(load: str) -> None:
    # keras-io's efficientnet fine-tuning (stanford_dogs: 120 breeds) sizes its head by it
    got = run(f'name = "stanford_dogs"\n_, info = {load}\nn = info.features["label"].num_classes\n'
              'm = info.features["image"].shape\nk = len(info.features)\nsplits = info.splits\n')
    assert got["n"] == 120 and got["k"] == 4
    # what the table does not hold is not known
    assert all(not isinstance(got[v], (int, tuple)) for v in ("m", "splits"))
