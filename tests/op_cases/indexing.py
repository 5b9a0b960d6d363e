S = [(None, 4, 6)]
CASES = [
    ("x0[:, 0]", S), ("x0[:, :2]", S), ("x0[..., None]", S), ("x0[:, None, 1:3]", S), ("x0[0]", S), ("x0[:, -1, :]", S),
    ("x0[..., 0]", S), ("x0[:, ::2]", S), ("x0[:, 1:]", S), ("x0[:, 4]", S), ("x0[:, :, 0:3]", S), ("x0[None]", S),
    ("x0[:, :, :, 0]", S), ("x0[..., 1:, ...]", S), ("x0[:, 0][:, 0]", S), ("x0[:, -5]", S),
    ("ops.take(x0, [0, 2], axis=1)", S), ("ops.take(x0, 1, axis=-1)", S),
    ("ops.one_hot(ops.argmax(x0, axis=-1), 5)", S), ("ops.one_hot(ops.cast(x0, 'int32'), 3, axis=1)", [(None, 4)]),
    ("ops.top_k(x0, 2)[0]", S), ("ops.top_k(x0, k=3)[1]", S), ("ops.slice(x0, (0, 0, 0), (2, 2, 3))", [(2, 4, 6)]),
    ("ops.get_item(x0, 0)", S),
    ("tf.gather(x0, [0, 2], axis=1)", S), ("tf.gather(x0, [1, 0])", S), ("tf.one_hot(tf.cast(x0, tf.int32), 3)", [(None, 4)]),
    ("tf.math.top_k(x0, k=2)[0]", S), ("tf.nn.top_k(x0, 3)[1]", S), ("tf.slice(x0, [0, 0, 0], [1, 2, 3])", [(2, 4, 6)]),
]
