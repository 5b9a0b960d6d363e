"""Signal processing (TensorFlow's tf.signal): Fourier transforms keep the shape,
``stft`` cuts the last axis into frames of frequency bins."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import int_value, tensor_shape
from layerlint.engine.symbolic import Expr, as_int, shape_str


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


def _pair(x: Any) -> tuple[tuple, tuple]:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        # a single tensor: a model refuses it, a traced call() unpacks its first axis
        raise Unanalysable("`x` is not a (real, imaginary) pair of tensors we can follow")
    real, imag = (tensor_shape(p, "x") for p in x)
    return real, imag


def _parts(a: dict, rank: int) -> tuple:
    """The shape of Keras' (real, imaginary) pair, checked as its FFT ops check Keras tensors:
    both parts of one shape, of rank ``rank`` or more, the transformed axes of known size."""
    real, imag = _pair(a["x"])
    if any(isinstance(d, Expr) for d in real + imag):
        raise Unanalysable(f"the shapes {shape_str(real)} and {shape_str(imag)} are not all known")
    if real != imag:
        raise ShapeError("invalid", "Input `x` should be a tuple of two tensors - real and imaginary. Both the real "
                                    "and imaginary parts should have the same shape. Received: x[0].shape = "
                                    f"{shape_str(real)}, x[1].shape = {shape_str(imag)}")
    if len(real) < rank:
        raise ShapeError("invalid", f"Input should have rank >= {rank}. Received: input.shape = {shape_str(real)}")
    if any(d is None for d in real[-rank:]):
        axes = "last dimension" if rank == 1 else "(-2, -1) axes"
        raise ShapeError("invalid", f"Input should have its {axes} fully-defined. Received: input.shape = "
                                    f"{shape_str(real)}")
    return real


def _traced_parts(a: dict, rank: int) -> tuple:
    """The same op in a call() Keras traces: TensorFlow's FFT takes axes of unknown size."""
    real, imag = _pair(a["x"])
    if real != imag:
        raise Unanalysable(f"the real part {shape_str(real)} and imaginary part {shape_str(imag)} differ")
    if len(real) < rank:
        raise ShapeError("invalid", f"the FFT needs a tensor of rank {rank} or more, not {shape_str(real)}")
    return real


def _fft_pair(rank: int, traced: bool) -> Any:
    def rule(a: dict) -> list:
        shape = (_traced_parts if traced else _parts)(a, rank)
        return [shape, shape]

    return rule


# Keras' FFT ops on a (real, imaginary) pair give a pair of the input's shape.  In a traced call()
# they run on TensorFlow's tensors: the extractor looks those up under ``traced.`` paths.
for _key, _cls, _rank in (("fft", "FFT", 1), ("fft2", "FFT2", 2), ("ifft2", "IFFT2", 2)):
    op(_key, _cls, "x", paths=(f"ops.{_key}", f"ops.math.{_key}"))(_fft_pair(_rank, False))
    op(f"traced_{_key}", _cls, "x", paths=(f"traced.ops.{_key}",))(_fft_pair(_rank, True))


def _fft_length(a: dict) -> int | None:
    n = a["fft_length"]
    return None if n is None else int_value(n, "fft_length")


@op("rfft", "RFFT", "x", "fft_length", paths=("ops.rfft", "ops.math.rfft"), fft_length=None)
def rfft(a: dict) -> list:
    """Real input: the last axis becomes fft_length // 2 + 1 bins (fft_length: its size if not given)."""
    shape = tensor_shape(a["x"])
    if not shape:
        raise ShapeError("invalid", f"Input should have rank >= 1. Received: input.shape = {shape_str(shape)}")
    n = _fft_length(a)
    last = n // 2 + 1 if n is not None else None if shape[-1] is None else shape[-1] // 2 + 1
    out = shape[:-1] + (last,)
    return [out, out]


@op("irfft", "IRFFT", "x", "fft_length", paths=("ops.irfft", "ops.math.irfft"), fft_length=None)
def irfft(a: dict) -> tuple:
    """Back to real values: fft_length samples, 2 * (bins - 1) if not given."""
    real, imag = _pair(a["x"])
    if real != imag:
        raise Unanalysable(f"the real part {shape_str(real)} and imaginary part {shape_str(imag)} differ")
    if not real:
        raise ShapeError("invalid", f"Input should have rank >= 1. Received: input.shape = {shape_str(real)}")
    n = _fft_length(a)
    last = n if n is not None else None if real[-1] is None else 2 * (real[-1] - 1)
    return real[:-1] + (last,)
