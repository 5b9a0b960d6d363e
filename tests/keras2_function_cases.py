"""Keras 2 backend functions and activations applied to a Keras tensor: (expression on ``x``, input shape).

Each is a model ``Model(x, EXPR)`` read as tf-keras 2 code; fixtures/regen_tf_keras_functions.py
records tf-keras' rows for it in tests/keras2_function_truth.json.  The first case of each function
also names the layers it makes (lint/engine/ops/keras2_function_names.py).
"""

from __future__ import annotations

CASES: list[tuple[str, tuple]] = [
    ("K.sum(x, axis=1)", (4, 6)),
    ("K.sum(x)", (4, 6)),
    ("K.sum(x, axis=-1, keepdims=True)", (4, 6)),
    ("K.mean(x, axis=1)", (4, 6)),
    ("K.mean(x, 1, True)", (None, 6)),
    ("K.max(x, axis=-1)", (4, 6)),
    ("K.min(x, axis=1)", (4, 6)),
    ("K.prod(x, axis=1)", (4, 6)),
    ("K.std(x, axis=1)", (4, 6)),
    ("K.var(x, axis=1)", (4, 6)),
    ("K.square(x)", (4, 6)),
    ("K.sqrt(x)", (4, 6)),
    ("K.abs(x)", (4, 6)),
    ("K.exp(x)", (4, 6)),
    ("K.log(x)", (4, 6)),
    ("K.pow(x, 2)", (4, 6)),
    ("K.sigmoid(x)", (4, 6)),
    ("K.tanh(x)", (4, 6)),
    ("K.relu(x)", (4, 6)),
    ("K.softmax(x)", (4, 6)),
    ("K.softplus(x)", (4, 6)),
    ("K.softsign(x)", (4, 6)),
    ("K.elu(x)", (4, 6)),
    ("K.hard_sigmoid(x)", (4, 6)),
    ("K.ones_like(x)", (4, 6)),
    ("K.zeros_like(x)", (4, 6)),
    ("K.maximum(x, x)", (4, 6)),
    ("K.minimum(x, 0.5)", (4, 6)),
    ("K.l2_normalize(x, axis=-1)", (4, 6)),
    ("K.expand_dims(x, 1)", (4, 6)),
    ("K.expand_dims(x)", (4, 6)),
    ("K.squeeze(x, 1)", (1, 6)),
    ("K.concatenate([x, x])", (4, 6)),
    ("K.concatenate([x, x], axis=1)", (4, 6)),
    ("K.stack([x, x], axis=1)", (4, 6)),
    ("K.reshape(x, (-1, 24))", (4, 6)),
    ("K.permute_dimensions(x, (0, 2, 1))", (4, 6)),
    ("K.tile(x, (1, 2, 1))", (4, 6)),
    ("K.argmax(x)", (4, 6)),
    ("K.argmin(x, axis=1)", (4, 6)),
    ("K.cast(x, 'float16')", (4, 6)),
    ("K.sqrt(K.sum(K.square(x), axis=1, keepdims=True))", (4, 6)),
    ("K.sum(K.square(x), axis=-1)", (None, 8)),
    ("K.sum(K.sum(x, axis=2), axis=1)", (4, 6)),
    ("K.permute_dimensions(x, pattern=(0, 2, 1))", (4, 6)),
    ("K.tile(x, n=(1, 2, 1))", (4, 6)),
    ("K.pow(x, a=3)", (4, 6)),
    ("K.argmax(x, axis=1)", (4, 6)),
    ("K.sqrt(K.maximum(K.sum(K.square(x - 1.0), axis=1, keepdims=True), K.epsilon()))", (4, 6)),
    ("K.mean(K.square(x), axis=-1) + K.mean(K.abs(x), axis=-1)", (4, 6)),
    ("K.clip(x, 0.0, 1.0)", (4, 6)),
    ("K.clip(x, min_value=-1.0, max_value=1.0)", (4, 6)),
    ("K.flatten(x)", (4, 6)),
    ("K.transpose(x)", (4, 6)),
    ("K.sign(x)", (4, 6)),
    ("K.round(x)", (4, 6)),
    ("K.cumsum(x)", (4, 6)),
    ("K.cumsum(x, axis=2)", (4, 6)),
    ("K.equal(x, x)", (4, 6)),
    ("K.not_equal(x, 0.0)", (4, 6)),
    ("K.greater(x, 0.5)", (4, 6)),
    ("K.greater_equal(x, 0.5)", (4, 6)),
    ("K.less(x, 0.5)", (4, 6)),
    ("K.less_equal(x, x)", (4, 6)),
    ("K.gather(x, [0, 1])", (4, 6)),
    ("activations.relu(x)", (4, 6)),
    ("activations.sigmoid(x)", (4, 6)),
    ("activations.tanh(x)", (4, 6)),
    ("activations.softmax(x)", (4, 6)),
    ("activations.softmax(x, axis=1)", (4, 6)),
    ("activations.elu(x)", (4, 6)),
    ("activations.selu(x)", (4, 6)),
    ("activations.softplus(x)", (4, 6)),
    ("activations.softsign(x)", (4, 6)),
    ("activations.swish(x)", (4, 6)),
    ("activations.gelu(x)", (4, 6)),
    ("activations.exponential(x)", (4, 6)),
    ("activations.hard_sigmoid(x)", (4, 6)),
    ("activations.linear(K.square(x))", (4, 6)),
    ("K.any(x)", (4, 6)),
    ("K.any(x, axis=1)", (4, 6)),
    ("K.all(x, -1, True)", (4, 6)),
    ("K.all(K.greater(x, 0.5), axis=2)", (4, 6)),
    ("K.reverse(x, 1)", (4, 6)),
    ("K.reverse(x, axes=[1, 2])", (4, 6)),
    ("K.one_hot(x, 5)", (4, 6, "int32")),
    ("K.one_hot(K.cast(x, 'int32'), 5)", (4, 6)),
    ("K.one_hot(K.argmax(x), num_classes=3)", (None, 6)),
    ("K.repeat(x, 3)", (6,)),
    ("K.repeat(K.sum(x, axis=1), n=2)", (4, 6)),
    ("activations.mish(x)", (4, 6)),
    ("activations.mish(K.sum(x, axis=-1))", (None, 6)),
    ("activations.relu(activations.sigmoid(x))", (None, 3)),
]
# relu's arguments pick the TensorFlow calls (lint/engine/ops/keras2_functions.py VARIANTS): the first case
# of each variant names its layers.
VARIANT_OF: dict[str, str] = {
    "activations.relu(x, max_value=6.0)": "activations.relu|relu6",
    "activations.relu(x, max_value=6)": "activations.relu|relu6",
    "activations.relu(x, max_value=2.5)": "activations.relu|clip",
    "activations.relu(x, 0.0, 1.0)": "activations.relu|clip",
    "activations.relu(x, alpha=0.1)": "activations.relu|leaky",
    "activations.relu(x, 0.3)": "activations.relu|leaky",
    "K.relu(x, max_value=6)": "backend.relu|relu6",
    "K.relu(x, max_value=1.0)": "backend.relu|clip",
    "K.relu(x, alpha=0.2)": "backend.relu|leaky",
    "K.relu(K.sum(x, axis=1), 0.1)": "backend.relu|leaky",
}
CASES += [(expr, (4, 6)) for expr in VARIANT_OF]
# Functions whose TensorFlow calls depend on their arguments and shapes (lint/engine/ops/keras2_programs.py):
# the rows, names and all, are tf-keras' own.
PROGRAM_CASES: list[tuple[str, tuple]] = [
    ("K.relu(x, alpha=0.1, max_value=6)", (4, 6)),
    ("activations.relu(x, alpha=0.1, max_value=2.0)", (4, 6)),
    ("activations.relu(x, threshold=0.5)", (4, 6)),
    ("K.relu(x, alpha=0.2, threshold=0.5)", (None, 6)),
    ("K.relu(x, 0.1, 3.0, 1.0)", (3,)),
    ("K.relu(x, max_value=6, threshold=1.0)", (None, 5)),
    ("K.relu(K.relu(x, 0.1, 6), 0.2, 6)", (4, 6)),
    ("K.elu(x, 0.5)", (4, 6)),
    ("K.elu(x, alpha=2.0)", (None, 3)),
    ("K.elu(K.sum(x, axis=1), 0.3)", (None, 6)),
    ("activations.elu(x, alpha=0.5)", (4, 6)),
    ("K.repeat_elements(x, 2, axis=1)", (4, 6)),
    ("K.repeat_elements(x, 3, -1)", (None, 2)),
    ("K.repeat_elements(x, rep=2, axis=2)", (5, 2, 3)),
    ("K.batch_flatten(x)", (4, 6)),
    ("K.batch_flatten(x)", (6,)),
    ("K.batch_flatten(K.square(x))", (2, 3, 4)),
    # batch_flatten's first try takes a tf.compat.v1.shape, getitem, reduce_prod and stack name
    ("K.concatenate([x[:, 0], K.prod(x, axis=1), K.batch_flatten(x)[:, :6], K.stack([x[:, 2], x[:, 3]], 1)[:, 0]])",
     (4, 6)),
    ("K.dot(x, K.transpose(x))", (6,)),
    ("K.dot(K.sum(x, axis=1), K.transpose(K.sum(x, axis=2)))", (6, 6)),
    ("K.batch_dot(x, x, axes=(2, 2))", (4, 6)),
    ("K.batch_dot(x, x, axes=1)", (6,)),
    ("K.batch_dot(x, K.permute_dimensions(x, (0, 2, 1)))", (4, 6)),
    ("K.batch_dot(x, x, axes=[1, 1])", (None, 5)),
    ("K.batch_dot(K.sum(x, axis=2), x, axes=(1, 1))", (4, 6)),
    ("K.batch_dot(x, K.sum(x, axis=2), axes=(1, 1))", (4, 6)),
    ("K.batch_dot(x, K.sum(x, axis=1), axes=(-1, -1))", (4, 6)),
    ("K.batch_dot(x, x, axes=(1, 2))", (6, 6)),
    # Through shape tensors (tf.shape, tf.unstack, getitem, tf.stack, tf.concat): each is a row, and each
    # reshape to one has the shape TensorFlow's static inference reads from its value.
    ("K.dot(x, x)", (4, 4)),
    ("K.dot(x, x)", (None, 4)),
    ("K.dot(x, x)", (4, None)),
    ("K.dot(x, K.sum(x, axis=1))", (3, 4)),
    ("K.dot(x, K.transpose(K.sum(x, axis=1)))", (3, 4)),
    ("K.dot(K.sum(x, axis=1), K.permute_dimensions(x, (0, 2, 1)))", (3, 4)),
    ("K.dot(x, K.expand_dims(x, 1))", (None, 4)),
    ("K.batch_dot(x, x, axes=(3, 3))", (2, 3, 4)),
    ("K.batch_dot(x, x, axes=(1, 1))", (2, 3, 4)),
    ("K.batch_dot(x, x, axes=(2, 3))", (2, 4, 4)),
    ("K.batch_dot(x, K.sum(x, axis=1), axes=(3, 2))", (2, 3, 4)),
    ("K.batch_dot(K.sum(x, axis=3), x, axes=(2, 2))", (2, 3, 4)),
    ("K.batch_dot(x, K.sum(x, axis=3), axes=(2, 2))", (2, 3, 4)),
    ("K.batch_dot(x, K.sum(K.sum(x, axis=1), axis=1), axes=(3, 1))", (2, 3, 4)),
    ("K.repeat_elements(x, 2, axis=1)", (None, 6)),
    ("K.repeat_elements(x, 3, axis=2)", (4, None, 5)),
    ("K.repeat_elements(x, 2, axis=-2)", (None, 6)),
    ("K.repeat_elements(x, 2, axis=-1)", (4, None)),
    ("K.repeat_elements(x, 2, axis=0)", (3,)),
    ("K.switch(K.greater(x, 0.5), x, K.zeros_like(x))", (4, 6)),
    ("K.switch(K.greater(x, 0.5), x, 0.0)", (4, 6)),
    ("K.switch(x > 0, x, 0.1 * x)", (None, 6)),
    ("K.switch(K.less(x, 0.0), K.zeros_like(x), x)", (5,)),
    ("K.switch(K.greater(K.sum(x, axis=-1), 0.0), x, K.zeros_like(x))", (4, 6)),
    ("K.switch(K.greater(K.sum(x, axis=-1, keepdims=True), 0.0), x, x * 2)", (4, 6)),
    ("K.switch(K.greater(x, 0.5), x, K.zeros_like(K.sum(x, axis=-1, keepdims=True)))", (4, 6)),
    ("K.switch(K.greater(x, 0.5), K.sum(x, axis=-1, keepdims=True), x)", (4, 6)),
    ("K.switch(K.greater(K.sum(K.sum(x, axis=2), axis=1), 0.0), x, -x)", (4, 6)),
    ("K.switch(K.sum(x) > 0, x, -x)", (4, 6)),
]
# Calls whose arguments make tf-keras call other TensorFlow functions: not followed (unknown, never a guess).
UNFOLLOWED: list[tuple[str, tuple]] = [
    ("K.batch_dot(x, x)", (4, 6)),
    ("K.batch_dot(x, x, axes=0)", (4, 6)),
    # a scalar condition with branches of different shapes: tf-keras' shape is the branches' common one
    ("K.switch(K.sum(x) > 0, x, K.sum(x, axis=1))", (4, 6)),
    # a condition whose dtype layerlint does not know (tf-keras casts a non-boolean one first)
    ("K.switch(K.cast(x, 'bool'), x, x)", (4, 6)),
    ("K.batch_flatten(x)", (None, 6)),
    ("activations.log_softmax(x)", (4, 6)),
]


def program(expr: str, shape: tuple) -> str:
    """The test source for a case (our own code, run in tf-keras by the regen script, linted by the test)."""
    dtype = ""
    if shape and isinstance(shape[-1], str):  # (4, 6, "int32"): an input of that dtype
        shape, dtype = shape[:-1], f", dtype={shape[-1]!r}"
    return ("import tf_keras as keras\nfrom tf_keras import backend as K\nfrom tf_keras import activations\n"
            f"x = keras.Input({shape!r}{dtype})\ny = {expr}\nmodel = keras.Model(x, y)\n")


def table_key(expr: str) -> str:
    """The key of the lowering a case names the layers of: its variant's, else its function's."""
    return VARIANT_OF.get(expr, function_of(expr))


def function_of(expr: str) -> str:
    """The table path of the outermost call: ``K.sum(...)`` is backend.sum."""
    head = expr.split("(", 1)[0]
    return head.replace("K.", "backend.", 1) if head.startswith("K.") else head
