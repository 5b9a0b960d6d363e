S = [(None, 4, 6)]
CASES = [
    ("x0 + ops.arange(6)", S), ("x0 + ops.arange(0, 6, 1)", S), ("x0 + ops.arange(2, 8)", S),
    ("x0 + ops.arange(0, 12, 2)", S), ("x0 + ops.arange(0.0, 3.0, 0.5)", S), ("x0 + ops.arange(5)", S),
    ("x0 + ops.expand_dims(ops.arange(start=0, stop=4, step=1), axis=-1)", S),
    ("x0 + ops.expand_dims(ops.arange(4), axis=0)", S), ("x0 * ops.ones((4, 1))", S), ("x0 + ops.zeros(6)", S),
    ("x0 + ops.full((1, 6), 2.0)", S), ("ops.matmul(x0, ops.eye(6))", S), ("ops.matmul(x0, ops.eye(6, 3))", S),
    ("x0 + ops.reshape(ops.arange(24), (4, 6))", S), ("x0 + ops.ones((3, 6))", S),
    ("x0 + tf.cast(tf.range(6), 'float32')", S), ("x0 + tf.range(0.0, 6.0)", S),
    ("x0 + tf.range(start=0, limit=4, delta=1, dtype='float32')[:, None]", S), ("x0 + tf.zeros([4, 6])", S),
    ("x0 * tf.ones((1, 6))", S), ("x0 + tf.fill([4, 1], 2.0)", S), ("tf.matmul(x0, tf.eye(6))", S),
]
