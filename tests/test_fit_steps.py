"""A Model subclass's own train_step() (and test_step()) followed when fit() first runs it:
the layers it calls are built on one batch of the data.  Whole models are held to real Keras
by fixtures/models/trainer_step_augmenter.py; the numbers here were printed by Keras 3.15.1."""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text

HEAD = """
import numpy as np
import tensorflow as tf
import keras
from keras import layers
"""

TRAINER = HEAD + """
aug = keras.Sequential([layers.Rescaling(1 / 255.), layers.RandomFlip("horizontal"), layers.Resizing(20, 20)], name="aug")
enc = keras.Sequential([layers.Conv2D(8, 3, strides=2, activation="relu"), layers.Flatten(), layers.Dense(16)], name="enc")

class Trainer(keras.Model):
    def __init__(self):
        super().__init__()
        self.aug = aug
        self.enc = enc
        self.head = layers.Dense(10)
        self.tracker = keras.metrics.Mean(name="loss")
    def train_step(self, data):
        x, y = data
        x = self.aug(x, training=True)
        with tf.GradientTape() as tape:
            logits = self.head(self.enc(x))
            loss = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
        g = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(g, self.trainable_weights))
        self.tracker.update_state(loss)
        return {"loss": self.tracker.result()}

x = np.zeros((64, 28, 28, 3), "uint8")
y = np.zeros((64,), "int32")
m = Trainer()
m.compile(optimizer="adam")
m.fit({DATA}, epochs=1)
"""


def analyse(src: str):  # noqa: ANN201
    return analyze_text(src, "t.py")


def by_name(fa) -> dict:  # noqa: ANN001
    return {sm.name: sm for sm in fa.models}


def test_the_step_builds_the_augmenter_and_encoder_on_the_batches_of_a_dataset() -> None:
    # Keras: aug rows (None, 28, 28, 3) x2, (None, 20, 20, 3); enc (None, 9, 9, 8) 224, (None, 648),
    # (None, 16) 10,384; the trainer's rows aug (None, 20, 20, 3) 0, enc (None, 16) 10,608, dense_1 (None, 10) 170
    fa = analyse(TRAINER.replace("{DATA}", "tf.data.Dataset.from_tensor_slices((x, y)).batch(16)"))
    models = by_name(fa)
    assert [r.output for r in models["aug"].layers] == [(None, 28, 28, 3), (None, 28, 28, 3), (None, 20, 20, 3)]
    assert [(r.output, r.params) for r in models["enc"].layers] == [
        ((None, 9, 9, 8), 224), ((None, 648), 0), ((None, 16), 10384)]
    trainer = models["trainer"]
    assert [(r.name, r.output, r.params) for r in trainer.layers] == [
        ("aug", (None, 20, 20, 3), 0), ("enc", (None, 16), 10608), ("dense_1", (None, 10), 170)]
    assert any("`train_step()` calls at its first `fit()`" in n.message for n in trainer.model.notes)


def test_arrays_with_y_hand_the_step_x_and_y_in_full_batches() -> None:
    # 64 samples, batch_size 32: every batch is full, so Keras builds on (32, ...)
    fa = analyse(TRAINER.replace("{DATA}", "x, y, batch_size=32"))
    trainer = by_name(fa)["trainer"]
    assert [r.output for r in trainer.layers] == [(32, 20, 20, 3), (32, 16), (32, 10)]


def test_a_step_on_data_whose_shape_is_not_known_leaves_the_layers_unbuilt_and_says_why() -> None:
    fa = analyse(TRAINER.replace("{DATA}", "load_somewhere()"))
    trainer = by_name(fa)["trainer"]
    assert {r.status for r in trainer.layers} == {"unbuilt"}
    assert "on batches of `load_somewhere()`, whose shape is not followed" in trainer.layers[0].reason
    # the Sequentials the step would build keep their unknown input
    assert by_name(fa)["aug"].layers[0].status == "unknown"


def test_a_step_that_cannot_be_followed_to_its_end_builds_nothing() -> None:
    src = TRAINER.replace("{DATA}", "x, y, batch_size=32").replace(
        "        x = self.aug(x, training=True)\n", "        x = self.aug(x, training=True)\n        raise ValueError(x)\n")
    trainer = by_name(analyse(src))["trainer"]
    assert {r.status for r in trainer.layers} == {"unbuilt"}
    assert trainer.layers[0].reason.endswith("runs the class's own `train_step()`, which is not followed")


def test_fit_on_x_alone_hands_the_step_the_batch_and_models_built_when_made_keep_their_graph() -> None:
    # Keras: the Functional's keras.Input, made first, is `input_layer`; the Sequential's InputLayer,
    # made when fit() runs the step, `input_layer_1`.  Rows: aug (20, 8, 8, 3) 0, head (None, 192) 0.
    src = HEAD + textwrap.dedent("""
    aug = keras.Sequential([layers.RandomFlip("horizontal"), layers.Rescaling(1 / 255)], name="aug")
    inp = keras.Input((8, 8, 3))
    head = keras.Model(inp, layers.Flatten()(inp), name="head")
    class T(keras.Model):
        def __init__(self):
            super().__init__()
            self.aug = aug
            self.head = head
        def train_step(self, data):
            f = self.head(self.aug(data))
            return {"loss": tf.reduce_mean(f)}
    t = T()
    t.compile(optimizer="sgd")
    t.fit(np.zeros((40, 8, 8, 3), "float32"), batch_size=20, epochs=1)
    """)
    models = by_name(analyse(src))
    assert [(r.name, r.output, r.params) for r in models["t"].layers] == [
        ("aug", (20, 8, 8, 3), 0), ("head", (None, 192), 0)]
    assert models["head"].layers[0].name == "input_layer"


def test_a_step_calling_only_models_built_when_made_changes_nothing() -> None:
    src = HEAD + textwrap.dedent("""
    inp = keras.Input((4,))
    body = keras.Model(inp, layers.Dense(2)(inp), name="body")
    class T(keras.Model):
        def __init__(self):
            super().__init__()
            self.body = body
            self.spare = layers.Dense(3)
        def train_step(self, data):
            return {"loss": tf.reduce_mean(self.body(data))}
    t = T()
    t.compile(optimizer="sgd")
    t.fit(np.zeros((40, 4)), batch_size=20)
    """)
    t = by_name(analyse(src))["t"]
    body, spare = t.layers
    assert (body.output, body.params) == ((None, 2), 10)
    assert spare.status == "unbuilt" and spare.reason.endswith("which is not followed")
    assert not t.model.notes


def test_test_step_builds_on_the_validation_batches_after_the_train_step() -> None:
    # Keras builds `probe_aug`, which only test_step() calls, at the first validation: (None, 12, 12, 3)
    src = HEAD + textwrap.dedent("""
    probe_aug = keras.Sequential([layers.Resizing(12, 12)], name="probe_aug")
    class T(keras.Model):
        def __init__(self):
            super().__init__()
            self.probe_aug = probe_aug
            self.head = layers.Dense(3)
        def train_step(self, data):
            x, y = data
            return {"loss": tf.reduce_mean(self.head(x))}
        def test_step(self, data):
            x, y = data
            return {"loss": tf.reduce_mean(self.probe_aug(x))}
    x, y = np.zeros((64, 8, 8, 3), "float32"), np.zeros((64, 1))
    t = T()
    t.compile(optimizer="sgd")
    t.fit(tf.data.Dataset.from_tensor_slices((x, y)).batch(16){VAL})
    """)
    with_val = by_name(analyse(src.replace("{VAL}", ", validation_data=tf.data.Dataset.from_tensor_slices((x, y)).batch(8)")))
    assert [(r.output, r.status) for r in with_val["t"].layers] == [((None, 12, 12, 3), "ok"), ((None, 8, 8, 3), "ok")]
    assert with_val["probe_aug"].layers[0].output == (None, 12, 12, 3)
    without = by_name(analyse(src.replace("{VAL}", "")))
    assert [r.status for r in without["t"].layers] == ["unbuilt", "ok"]


def test_a_second_fit_builds_nothing_again() -> None:
    # Keras builds the layers at the first fit(): a later fit() on other shapes changes no row
    src = TRAINER.replace("{DATA}", "x, y, batch_size=32").replace(
        "m.fit(x, y, batch_size=32, epochs=1)",
        "m.fit(x, y, batch_size=32, epochs=1)\nm.fit(np.zeros((64, 40, 40, 3)), y, batch_size=16)")
    trainer = by_name(analyse(src))["trainer"]
    assert [r.output for r in trainer.layers] == [(32, 20, 20, 3), (32, 16), (32, 10)]
    assert len(trainer.model.notes) == 1
