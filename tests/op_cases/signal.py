CASES = [
    ("tf.signal.stft(x0, 16, 8)", [(None, 64)]), ("tf.signal.stft(x0, frame_length=20, frame_step=10, pad_end=True)", [(None, 65)]),
    ("tf.signal.stft(x0, 16, 4, fft_length=32)", [(None, 3, 64)]), ("tf.signal.stft(x0, 256, 128)", [(None, 16000)]),
    ("tf.signal.fft2d(tf.cast(x0, tf.complex64))", [(None, 4, 6)]), ("tf.signal.fft(tf.cast(x0, tf.complex64))", [(None, 5)]),
]
# Keras' FFT ops on (real, imaginary) pairs: two outputs of the input's shape, or bins on the last axis
CASES += [
    ("ops.fft2((x0, x1))", [(None, 4, 6), (None, 4, 6)]), ("ops.ifft2((x0, x1))", [(None, 3, 5), (None, 3, 5)]),
    ("ops.fft((x0, x1))", [(None, 7), (None, 7)]), ("ops.fft2((x0, x1))", [(None, 4, 6), (None, 4, 5)]),
    ("ops.fft2((x0, x1))", [(None, 6), (None, 6)]), ("ops.fft2((x0, x1))", [(None, None, 6), (None, None, 6)]),
    ("ops.rfft(x0)", [(None, 10)]), ("ops.rfft(x0, fft_length=16)", [(None, 3, 10)]), ("ops.rfft(x0)", [(None, 3, 9)]),
    ("ops.irfft((x0, x1))", [(None, 6), (None, 6)]), ("ops.irfft((x0, x1), 12)", [(None, 2, 6), (None, 2, 6)]),
    ("ops.fft2((x0, x1))[0] + x0", [(None, 4, 6), (None, 4, 6)]),
]
