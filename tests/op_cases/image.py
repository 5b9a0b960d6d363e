S = [(None, 8, 8, 3)]
CASES = [
    ("ops.image.resize(x0, (16, 12))", S), ("ops.image.resize(x0, size=(4, 4), interpolation='nearest')", S),
    ("ops.image.resize(x0, (5, 5), data_format='channels_first')", [(None, 3, 8, 8)]),
    ("ops.image.extract_patches(x0, 2)", S), ("ops.image.extract_patches(x0, (4, 4), strides=(2, 2))", S),
    ("ops.image.extract_patches(x0, 3, padding='same')", S),
    ("tf.image.resize(x0, (16, 16))", S), ("tf.image.resize(x0, [4, 6], method='nearest')", S),
    ("tf.image.resize_with_pad(x0, 10, 12)", S), ("tf.nn.depth_to_space(x0, 2)", [(None, 4, 4, 12)]),
    ("tf.image.convert_image_dtype(x0, tf.float32)", S), ("tf.image.flip_left_right(x0)", S),
    ("tf.image.flip_up_down(x0)", S), ("tf.image.random_flip_left_right(x0)", S), ("tf.image.random_flip_up_down(x0)", S),
    ("tf.image.random_crop(x0, (2, 4, 4, 3))", [(2, 8, 8, 3)]), ("tf.image.random_crop(x0, size=[5, 5, 3])", [(8, 8, 3)]),
    ("tf.image.crop_to_bounding_box(x0, 1, 2, 4, 5)", S), ("tf.image.pad_to_bounding_box(x0, 1, 1, 10, 12)", S),
    ("tf.image.crop_to_bounding_box(x0, 0, 0, 3, 3)", [(8, 8, 3)]),
    ("tf.image.extract_patches(x0, [1, 4, 4, 1], [1, 4, 4, 1], [1, 1, 1, 1], 'VALID')", [(None, 10, 10, 3)]),
    ("tf.image.rgb_to_grayscale(x0)", S), ("tf.image.random_brightness(x0, 0.2)", S),
    ("tf.image.adjust_contrast(x0, 2.0)", S), ("tf.image.per_image_standardization(x0)", S),
    ("tf.image.random_contrast(x0, 0.5, 1.5)", S), ("tf.image.adjust_brightness(x0, delta=0.1)", S),
    ("tf.image.crop_and_resize(x0, tf.constant([[0.0, 0.0, 1.0, 1.0]]), tf.constant([0]), (4, 4))", S),
]
CASES += [
    ("tf.image.extract_patches(x0, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], 'VALID')", S),
    ("tf.image.extract_patches(images=x0, sizes=[1, 3, 3, 1], strides=[1, 2, 2, 1], rates=[1, 1, 1, 1], padding='SAME')", S),
    ("tf.image.extract_patches(x0, [1, 3, 3, 1], [1, 1, 1, 1], [1, 2, 2, 1], 'VALID')", S),
    ("tf.image.extract_patches(x0, [1, 3, 3, 1], [1, 3, 3, 1], [1, 1, 1, 1], 'VALID')", [(None, 8, None, 3)]),
    ("tf.reshape(tf.image.extract_patches(x0, [1, 4, 4, 1], [1, 4, 4, 1], [1, 1, 1, 1], 'VALID'), [tf.shape(x0)[0], -1, 48])", S),
    ("ops.reshape(ops.image.extract_patches(x0, 4), (ops.shape(x0)[0], -1, 48))", S),
    ("ops.reshape(ops.image.extract_patches(x0, 4), (-1, 4, 48))", S),
]
CASES += [("tf.image.extract_patches(x0, [1, 3, 3, 1], [1, 3, 3, 1], [1, 1, 1, 1], 'VALID')", [(2, 8, 8, None)])]
# Keras' parameter is `images`: Python refuses the keyword `image` (TypeError) at the call.
CASES += [("ops.image.extract_patches(image=x0, size=2)", S)]
