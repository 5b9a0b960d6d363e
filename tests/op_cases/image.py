S = [(None, 8, 8, 3)]
CASES = [
    ("ops.image.resize(x0, (16, 12))", S), ("ops.image.resize(x0, size=(4, 4), interpolation='nearest')", S),
    ("ops.image.resize(x0, (5, 5), data_format='channels_first')", [(None, 3, 8, 8)]),
    ("ops.image.extract_patches(x0, 2)", S), ("ops.image.extract_patches(x0, (4, 4), strides=(2, 2))", S),
    ("ops.image.extract_patches(x0, 3, padding='same')", S),
    ("tf.image.resize(x0, (16, 16))", S), ("tf.image.resize(x0, [4, 6], method='nearest')", S),
    ("tf.image.resize_with_pad(x0, 10, 12)", S), ("tf.nn.depth_to_space(x0, 2)", [(None, 4, 4, 12)]),
]
