CASES = [
    ("tf.signal.stft(x0, 16, 8)", [(None, 64)]), ("tf.signal.stft(x0, frame_length=20, frame_step=10, pad_end=True)", [(None, 65)]),
    ("tf.signal.stft(x0, 16, 4, fft_length=32)", [(None, 3, 64)]), ("tf.signal.stft(x0, 256, 128)", [(None, 16000)]),
    ("tf.signal.fft2d(tf.cast(x0, tf.complex64))", [(None, 4, 6)]), ("tf.signal.fft(tf.cast(x0, tf.complex64))", [(None, 5)]),
]
