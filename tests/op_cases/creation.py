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
# Constants at model level beside a Keras tensor (NumPy-like makers, TensorFlow constants, random tensors).
CASES += [
    ("x0 * ops.arange(0, 12, 2)", S), ("x0 + ops.arange(start=0, stop=6, step=1)", S),
    ("x0 + ops.arange(1.0, 4.0, 0.5)", S), ("x0 + ops.ones((4, 6))", S), ("x0 - ops.zeros((1, 6))", S),
    ("x0 + ops.full((6,), 2.0)", S), ("x0 @ ops.eye(6)", S), ("x0 @ ops.eye(6, 3)", S), ("x0 @ ops.identity(6)", S),
    ("x0 + ops.linspace(0.0, 1.0, 6)", S), ("x0 + ops.expand_dims(ops.arange(6), 0)", S),
    ("x0 + ops.cast(ops.arange(6), 'float32') * 2", S), ("x0 + ops.arange(6)[None, :]", S),
    ("x0 * -ops.ones((6,))", S), ("x0 + 2 * ops.ones((4, 1))", S),
    ("x0 + ops.ones((5,))", S), ("x0 + ops.arange(7)", S), ("ops.concatenate([x0, ops.zeros((4, 2))[None]], axis=-1)", [(1, 4, 6)]),
    ("layers.Embedding(10, 6)(ops.arange(4)) + x0", S),
    ("x0 + tf.constant([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])", S), ("x0 * tf.constant(2.0)", S),
    ("x0 + tf.constant(0.5, shape=(4, 6))", S), ("x0 + tf.range(6, dtype=tf.float32)", S),
    ("x0 + tf.range(0, 12, 2, dtype=tf.float32)", S), ("x0 + tf.cast(tf.range(start=0, limit=6, delta=1), tf.float32)", S),
    ("x0 * tf.ones((4, 6))", S), ("x0 + tf.zeros([6])", S), ("x0 + tf.fill([4, 6], 0.5)", S), ("x0 @ tf.eye(6)", S),
    ("x0 + tf.random.normal((4, 6))", S), ("x0 + tf.random.uniform((1, 6))", S), ("x0 + tf.linspace(0.0, 1.0, 6)", S),
    ("x0 + tf.constant([[1.0], [2.0], [3.0], [4.0]])", S), ("x0 + tf.ones((3,))", S),
]
# tf.range to a dim TensorFlow reads at run time (tf.shape(x)[-1] in a traced call()): (None,); a static dim it reads.
CASES += [("x0[:, 0] + tf.cast(tf.range(tf.shape(x0)[-1]), 'float32')", [(None, 4, 6)]),
          ("x0[:, 0] + tf.cast(tf.range(start=0, limit=tf.shape(x0)[-1], delta=1), 'float32')", [(None, 4, None)])]
