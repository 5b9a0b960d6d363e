"""Signal processing (TensorFlow's tf.signal): Fourier transforms keep the shape,
``stft`` cuts the last axis into frames of frequency bins."""

from __future__ import annotations

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import int_value, tensor_shape
from layerlint.engine.symbolic import as_int


def _same(a: dict) -> tuple:
    return tensor_shape(a["input"], "input")


for _name in ("fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d"):
    op(f"tf_signal.{_name}", "", "input", paths=(), tf=(f"signal.{_name}",))(_same)


@op("tf_signal.stft", "", "signals", "frame_length", "frame_step", "fft_length", "window_fn", "pad_end", paths=(),
    fft_length=None, window_fn=None, pad_end=False, tf=("signal.stft",))
def stft(a: dict) -> tuple:
    """Frames: 1 + (samples - frame_length) // frame_step, or ceil(samples / frame_step) with
    pad_end; bins: fft_length // 2 + 1, fft_length the smallest power of 2 >= frame_length."""
    shape = tensor_shape(a["signals"], "signals")
    if not shape:
        raise ShapeError("invalid", "stft needs signals of rank 1 or more")
    length = int_value(a["frame_length"], "frame_length")
    step = int_value(a["frame_step"], "frame_step")
    if length <= 0 or step <= 0:
        raise Unanalysable("a frame length or step that is not positive is not followed")
    fft = a["fft_length"]
    fft = 1 << (length - 1).bit_length() if fft is None else int_value(fft, "fft_length")
    if a["pad_end"] not in (True, False):
        raise Unanalysable("pad_end is not a known bool")
    samples = shape[-1]
    n = as_int(samples)
    if samples is None:
        frames = None
    elif n is None:
        raise Unanalysable(f"the number of frames of {samples} samples is not known")
    elif a["pad_end"]:
        frames = -(-n // step)
    else:
        frames = max(0, 1 + (n - length) // step)
    return shape[:-1] + (frames, fft // 2 + 1)
