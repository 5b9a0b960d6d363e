CASES = [
    ("x0 @ x1", [(None, 4, 6), (None, 6, 3)]), ("ops.matmul(x0, x1)", [(None, 4, 6), (None, 6, 3)]),
    ("ops.matmul(x0, x1)", [(None, 4, 6), (6, 3)]), ("ops.matmul(x0, x1)", [(None, 4, 6), (None, 5, 3)]),
    ("ops.matmul(x0, x1)", [(None, 4, 6), (6,)]), ("ops.matmul(x0, ops.transpose(x1, (0, 2, 1)))", [(None, 4, 6), (None, 5, 6)]),
    ("ops.tensordot(x0, x1, axes=1)", [(None, 4, 6), (6, 3)]), ("ops.tensordot(x0, x1, axes=[[2], [0]])", [(None, 4, 6), (6, 2)]),
    ("tf.matmul(x0, x1)", [(None, 4, 6), (None, 6, 3)]), ("tf.matmul(x0, x1, transpose_b=True)", [(None, 4, 6), (None, 5, 6)]),
    ("tf.linalg.matmul(x0, x1)", [(None, 4, 6), (None, 6, 2)]), ("tf.tensordot(x0, x1, axes=1)", [(None, 4, 6), (6, 3)]),
]
