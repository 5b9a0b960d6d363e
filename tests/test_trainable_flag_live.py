"""``layer.trainable = False`` over a model's layers, held to the installed Keras (CI always runs
it): the flag goes to layers only.  An op a custom layer's traced call() applies
(keras-io's masked_image_modeling: tf.image.extract_patches in Patches.call) is no layer and
takes no flag; it had been given one as a keyword, which left the op, and the layer, unknown."""

from __future__ import annotations

from tests.live_rows import keras_rows, our_rows

PATCHES = """
import keras
import tensorflow as tf
from keras import layers


class Patches(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.resize = layers.Reshape((-1, 4 * 4 * 3))

    def call(self, images):
        patches = tf.image.extract_patches(images=images, sizes=[1, 4, 4, 1], strides=[1, 4, 4, 1],
                                           rates=[1, 1, 1, 1], padding="VALID")
        return self.resize(patches)


inp = keras.Input((16, 16, 3))
x = Patches()(inp)
model = keras.Model(inp, layers.Dense(2)(x))
for layer in model.layers:
    layer.trainable = False
"""


def test_freezing_every_layer_leaves_the_ops_of_a_traced_call_alone(keras, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    ours = our_rows(PATCHES)
    assert [r["params"] for r in ours] == [0, 0, 98]
    assert ours == keras_rows(tmp_path, PATCHES)
