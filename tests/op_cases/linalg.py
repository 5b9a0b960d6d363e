CASES = [
    ("x0 @ x1", [(None, 4, 6), (None, 6, 3)]), ("ops.matmul(x0, x1)", [(None, 4, 6), (None, 6, 3)]),
    ("ops.matmul(x0, x1)", [(None, 4, 6), (6, 3)]), ("ops.matmul(x0, x1)", [(None, 4, 6), (None, 5, 3)]),
    ("ops.matmul(x0, x1)", [(None, 4, 6), (6,)]), ("ops.matmul(x0, ops.transpose(x1, (0, 2, 1)))", [(None, 4, 6), (None, 5, 6)]),
    ("ops.tensordot(x0, x1, axes=1)", [(None, 4, 6), (6, 3)]), ("ops.tensordot(x0, x1, axes=[[2], [0]])", [(None, 4, 6), (6, 2)]),
    ("tf.matmul(x0, x1)", [(None, 4, 6), (None, 6, 3)]), ("tf.matmul(x0, x1, transpose_b=True)", [(None, 4, 6), (None, 5, 6)]),
    ("tf.linalg.matmul(x0, x1)", [(None, 4, 6), (None, 6, 2)]), ("tf.tensordot(x0, x1, axes=1)", [(None, 4, 6), (6, 3)]),
    ("ops.einsum('bij,bkj->bik', x0, x1)", [(None, 4, 6), (None, 5, 6)]), ("ops.einsum('...ij->...ji', x0)", [(None, 4, 6)]),
    ("ops.einsum('bij,jk', x0, x1)", [(None, 4, 6), (6, 3)]), ("ops.einsum('bij,bij->bi', x0, x1)", [(None, 4, 6), (None, 4, 6)]),
    ("ops.einsum('bij,jk->bik', x0, x1)", [(None, 4, 6), (5, 3)]), ("ops.einsum('bhqd,bhkd->bhqk', x0, x1)", [(None, 2, 4, 8), (None, 2, 5, 8)]),
    ("ops.einsum('ij->i', x0)", [(None, 6)]), ("ops.einsum('bi,bi', x0, x1)", [(None, 6), (None, 6)]),
    ("ops.einsum('b...,b...->b...', x0, x1)", [(None, 4, 6), (None, 1, 6)]),
    ("tf.einsum('bij,bkj->bik', x0, x1)", [(None, 4, 6), (None, 5, 6)]), ("tf.einsum('bij,jk->bik', x0, x1)", [(None, 4, 6), (6, 3)]),
    ("tf.einsum('ij->ji', x0)", [(None, 6)]),
    # upper-case letters (an attention map over a second grid): TensorFlow follows them, Keras' op does not
    ("tf.einsum('bhwc, bHWc->bhwHW', x0, x1)", [(None, 3, 4, 8), (None, 3, 4, 8)]),
    ("tf.einsum('bhwHW,bHWc->bhwc', x0, x1)", [(None, 3, 4, 3, 4), (None, 3, 4, 8)]),
]
