"""Programs for LL505 (tests/test_keras3_removed.py): each raises at most once under Keras 3, at the line
LL505 must report, and runs whole under tf-keras 2 (where `keras` is tf-keras), where nothing is reported."""

CASES = {
    "legacy optimizer through an alias": """
from tensorflow import keras as K2
opt = K2.optimizers.legacy.Adam(learning_rate=0.1)
""",
    "legacy optimizer class bound to a name": """
import tensorflow as tf
opt_cls = tf.keras.optimizers.legacy.Adam
opt = opt_cls(0.1)
""",
    "legacy optimizer from keras": """
import keras
opt = keras.optimizers.legacy.SGD(learning_rate=0.1, momentum=0.9)
""",
    # layerlint reads only files that say "keras" somewhere (lint/analyze.py PREFILTER_WORDS)
    "legacy optimizer from tf.optimizers": """
import tensorflow as tf
import keras
opt = tf.optimizers.legacy.RMSprop()
""",
    "legacy optimizer Keras 3 has no such name for": """
import tensorflow as tf
opt = tf.keras.optimizers.legacy.Nadam(learning_rate=0.1)
""",
    "legacy optimizer imported": """
from tensorflow.keras.optimizers.legacy import SGD
opt = SGD(0.1)
""",
    "experimental optimizer": """
import tensorflow as tf
optimizer = tf.keras.optimizers.experimental.AdamW(
    learning_rate=1e-3,
    weight_decay=1e-4,
)
""",
    "experimental module imported from": """
from tensorflow.keras.optimizers.experimental import AdamW
""",
    "experimental module imported": """
from keras.optimizers import experimental
""",
    "auto reduction": """
import keras
loss = keras.losses.MeanSquaredError(reduction="auto")
""",
    "auto reduction from a variable": """
import keras
r = "auto"
loss = keras.losses.Huber(delta=2.0, reduction=r)
""",
    "auto reduction through **kwargs": """
import keras
kw = {"reduction": "auto"}
loss = keras.losses.Huber(**kw)
""",
    "Reduction.AUTO of tf.keras": """
import keras
import tensorflow as tf
loss = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=tf.keras.losses.Reduction.AUTO)
""",
    "keras.losses.Reduction": """
import keras
loss = keras.losses.MeanSquaredError(reduction=keras.losses.Reduction.NONE)
""",
    "Reduction imported from keras.losses": """
from keras.losses import Reduction
""",
    "Loss subclass's super().__init__": """
import tensorflow as tf  # tf.losses is Keras 3's keras.losses
from tensorflow import keras
class TotalLoss(tf.losses.Loss):
    def __init__(self, scale=1.0):
        super().__init__(reduction="auto", name="total")
        self.scale = scale
    def call(self, y_true, y_pred):
        return y_pred - y_true
loss_fn = TotalLoss(2.0)
""",
    "Loss subclass made with reduction=": """
import keras
class TotalLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        return y_pred - y_true
loss_fn = TotalLoss(reduction="auto")
""",
    "Loss subclass of a file class": """
from tensorflow import keras
class Base(keras.losses.Loss):
    pass
class TotalLoss(Base):
    def __init__(self):
        super().__init__(reduction="auto")
    def call(self, y_true, y_pred):
        return y_pred - y_true
loss_fn = TotalLoss()
""",
    # Keras 3 accepts all of these
    "tf.keras.losses.Reduction values": """
import keras
import tensorflow as tf
a = keras.losses.MeanSquaredError(reduction=tf.keras.losses.Reduction.NONE)
b = keras.losses.MeanSquaredError(reduction=tf.keras.losses.Reduction.SUM_OVER_BATCH_SIZE)
c = tf.keras.losses.SparseCategoricalCrossentropy(reduction="none")
e = keras.losses.MeanSquaredError(reduction="sum")
""",
    "the legacy base class read, not made": """
import tensorflow as tf
base = tf.keras.optimizers.legacy.Optimizer
""",
    "a function never called": """
import tensorflow as tf
def make_optimizer():
    return tf.keras.optimizers.legacy.SGD(0.1)
""",
    "Keras 3 optimizers": """
import keras
opt = keras.optimizers.AdamW(learning_rate=1e-3, weight_decay=1e-4)
sgd = keras.optimizers.SGD(0.1)
""",
    "a loss function": """
import keras
loss = keras.losses.mean_squared_error
""",
}
