S = [(None, 4, 6)]
CASES = [
    ("ops.mean(x0)", S), ("ops.mean(x0, axis=1)", S), ("ops.mean(x0, axis=[1, 2])", S),
    ("ops.mean(x0, axis=-1, keepdims=True)", S), ("ops.sum(x0, axis=1)", S), ("ops.sum(x0, axis=(0, 2))", S),
    ("ops.max(x0, axis=-1)", S), ("ops.min(x0, axis=1, keepdims=True)", S), ("ops.prod(x0, axis=2)", S),
    ("ops.std(x0, axis=1)", S), ("ops.var(x0, axis=-1)", S), ("ops.any(x0 > 0, axis=1)", S),
    ("ops.all(x0 > 0, axis=-1)", S), ("ops.argmax(x0, axis=-1)", S), ("ops.argmin(x0, axis=1)", S),
    ("ops.argmax(x0)", S), ("ops.norm(x0, axis=-1)", S), ("ops.norm(x0, axis=-1, keepdims=True)", S),
    ("ops.logsumexp(x0, axis=-1)", S), ("ops.amax(x0, axis=1)", S), ("ops.mean(x0, axis=3)", S),
    ("ops.normalize(x0)", S), ("ops.moments(x0, axes=[1])[0]", S),
    ("tf.reduce_mean(x0)", S), ("tf.reduce_mean(x0, axis=1)", S), ("tf.reduce_mean(x0, axis=[1, 2])", S),
    ("tf.reduce_sum(x0, axis=-1, keepdims=True)", S), ("tf.reduce_max(x0, axis=1)", S), ("tf.reduce_min(x0, 2)", S),
    ("tf.math.reduce_mean(x0, axis=1)", S), ("tf.math.reduce_sum(x0, 1)", S), ("tf.math.reduce_std(x0, axis=1)", S),
    ("tf.math.reduce_max(x0, axis=-1)", S), ("tf.math.reduce_prod(x0, axis=1)", S), ("tf.argmax(x0, axis=-1)", S),
    ("tf.argmax(x0)", S), ("tf.math.argmax(x0, axis=1)", S), ("tf.norm(x0, axis=-1)", S),
    ("tf.math.l2_normalize(x0, axis=-1)", S), ("tf.nn.l2_normalize(x0, axis=1)", S), ("tf.nn.moments(x0, axes=[1])[1]", S),
    ("tf.reduce_any(x0 > 0, axis=1)", S),
]
