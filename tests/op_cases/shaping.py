S = [(None, 4, 6)]
CASES = [
    ("ops.reshape(x0, (-1, 24))", S), ("ops.reshape(x0, (-1, 2, 12))", S), ("ops.reshape(x0, (2, 12))", S),
    ("ops.reshape(x0, (-1, -1))", S), ("ops.reshape(x0, (4, 6, -1))", [(2, 4, 6)]), ("ops.reshape(x0, (5, -1))", [(2, 4, 6)]),
    ("ops.expand_dims(x0, 1)", S), ("ops.expand_dims(x0, -1)", S), ("ops.expand_dims(x0, axis=0)", S),
    ("ops.expand_dims(x0, 4)", S), ("ops.squeeze(x0, 1)", [(None, 1, 6)]), ("ops.squeeze(x0)", [(None, 1, 6, 1)]),
    ("ops.squeeze(x0, axis=2)", S), ("ops.transpose(x0, (0, 2, 1))", S), ("ops.transpose(x0)", S),
    ("ops.transpose(x0, axes=[0, 1])", S), ("ops.concatenate([x0, x1], axis=1)", [(None, 4, 6), (None, 3, 6)]),
    ("ops.concatenate([x0, x1], axis=-1)", [(None, 4, 6), (None, 4, 2)]),
    ("ops.concatenate([x0, x1], axis=-1)", [(None, 4, 6), (None, 5, 2)]), ("ops.concatenate([x0, x0])", S),
    ("ops.stack([x0, x1], axis=1)", [(None, 4, 6), (None, 4, 6)]), ("ops.stack([x0, x0], axis=-1)", S),
    ("ops.stack([x0, x1])", [(None, 4, 6), (None, 5, 6)]), ("ops.tile(x0, (1, 2, 1))", S), ("ops.tile(x0, 3)", S),
    ("ops.tile(x0, (2, 1, 1, 1))", S), ("ops.repeat(x0, 2, axis=1)", S), ("ops.repeat(x0, 3, axis=-1)", S),
    ("ops.split(x0, 2, axis=-1)[0]", S), ("ops.split(x0, 2, axis=-1)[1]", S), ("ops.split(x0, [1, 3], axis=1)[2]", S),
    ("ops.split(x0, 4, axis=-1)[0]", S), ("ops.broadcast_to(x0, (2, 4, 6))", [(1, 4, 6)]),
    ("ops.pad(x0, [[0, 0], [1, 1], [2, 0]])", S), ("ops.flip(x0, axis=1)", S), ("ops.cumsum(x0, axis=1)", S),
    ("ops.swapaxes(x0, 1, 2)", S), ("ops.moveaxis(x0, 1, 2)", S), ("ops.roll(x0, 1, axis=1)", S),
    ("ops.unstack(x0, axis=1)[0]", S), ("ops.shape(x0)[1] * x0", S),
    ("tf.reshape(x0, (-1, 24))", S), ("tf.reshape(x0, [-1, 2, 12])", S), ("tf.expand_dims(x0, -1)", S),
    ("tf.expand_dims(x0, axis=1)", S), ("tf.squeeze(x0, axis=1)", [(None, 1, 6)]), ("tf.squeeze(x0, [1])", [(None, 1, 6)]),
    ("tf.transpose(x0, perm=[0, 2, 1])", S), ("tf.transpose(x0, [0, 2, 1])", S),
    ("tf.concat([x0, x1], axis=-1)", [(None, 4, 6), (None, 4, 2)]), ("tf.concat([x0, x1], 1)", [(None, 4, 6), (None, 3, 6)]),
    ("tf.stack([x0, x1], axis=1)", [(None, 4, 6), (None, 4, 6)]), ("tf.tile(x0, [1, 2, 1])", S),
    ("tf.repeat(x0, 2, axis=1)", S), ("tf.split(x0, 2, axis=-1)[0]", S), ("tf.split(x0, [2, 4], axis=-1)[1]", S),
    ("tf.pad(x0, [[0, 0], [1, 1], [0, 2]])", S), ("tf.reverse(x0, axis=[1])", S), ("tf.cumsum(x0, axis=1)", S),
    ("tf.unstack(x0, axis=1)[0]", S), ("tf.broadcast_to(x0, [3, 4, 6])", [(1, 4, 6)]),
]
CASES += [("tf.reshape(x0, (tf.shape(x0)[0], -1))", S), ("x0 * ops.shape(x0)[-1]", S)]
# Python's len() of a shape: x.shape and ops.shape are tuples, so it is the rank (tf.shape's graph
# tensor in a traced call() is refused: tests/test_trace_raises.py).
CASES += [("x0 * len(x0.shape)", S), ("x0 * len(ops.shape(x0))", S)]
# Mirror padding: TensorFlow's mode in any case, Keras' in lower case; as wide as the axis allows.
S4 = [(None, 6, 5, 3)]
CASES += [("tf.pad(x0, [[0, 0], [2, 2], [1, 3], [0, 0]], mode='REFLECT')", S4),
          ("tf.pad(x0, [[0, 0], [5, 6], [0, 0], [0, 0]], 'SYMMETRIC')", S4),
          ("tf.pad(x0, [[0, 0], [1, 1], [1, 1], [0, 0]], mode='reflect', constant_values=0)", S4),
          ("tf.pad(x0, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=1.5)", S4),
          ("ops.pad(x0, [[0, 0], [2, 2], [1, 1], [0, 0]], mode='reflect')", S4),
          ("ops.pad(x0, [[0, 0], [2, 2], [1, 1], [0, 0]], mode='symmetric')", S4),
          ("ops.pad(x0, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=2)", S4)]
