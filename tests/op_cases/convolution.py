S = [(None, 8, 8, 3)]
CASES = [
    ("tf.nn.conv2d(x0, tf.ones((3, 3, 3, 5)), 1, 'SAME')", S),
    ("tf.nn.conv2d(x0, tf.ones((3, 3, 3, 5)), strides=[1, 2, 2, 1], padding='VALID')", S),
    ("tf.nn.conv2d(x0, tf.ones((2, 2, 3, 4)), 2, 'SAME')", [(None, 7, 9, 3)]),
    ("tf.nn.conv2d(x0, tf.ones((3, 3, 3, 2)), 1, 'VALID', dilations=2)", S),
    ("tf.nn.conv2d(input=x0, filters=tf.zeros((1, 1, 3, 8)), strides=1, padding='VALID')", [(None, None, None, 3)]),
    ("tf.nn.avg_pool2d(x0, 2, 2, 'VALID')", S), ("tf.nn.max_pool2d(x0, ksize=3, strides=2, padding='SAME')", S),
    ("tf.nn.max_pool2d(x0, ksize=[1, 3, 3, 1], strides=[1, 1, 1, 1], padding='VALID')", S),
    ("tf.nn.bias_add(x0, tf.zeros((3,)))", S),
]
