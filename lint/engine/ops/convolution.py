"""TensorFlow's convolution and pooling functions (tf.nn.conv2d, avg_pool2d, ...):
the filter is a tensor of shape (rows, cols, in, out); NHWC unless told otherwise."""

from __future__ import annotations

from typing import Any

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import int_tuple, show, tensor_shape
from layerlint.engine.symbolic import Dim, as_int, dims_equal


def _pair(v: Any, what: str) -> tuple:
    """An int, or a list of 1, 2 or 4 (NHWC: [1, rows, cols, 1]) as (rows, cols)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v, v
    t = int_tuple(v, what)
    if len(t) == 1:
        return t[0], t[0]
    if len(t) == 2:
        return t
    if len(t) == 4 and t[0] == 1 and t[3] == 1:
        return t[1], t[2]
    raise Unanalysable(f"`{what}`={show(v)} is not followed")


def _spatial(length: Dim, k: int, s: int, r: int, padding: str) -> Dim:
    if length is None:
        return None
    if padding == "SAME":
        return (length + s - 1) // s
    return (length - (k - 1) * r - 1) // s + 1


def _padding(v: Any) -> str:
    if not isinstance(v, str) or v.upper() not in ("SAME", "VALID"):
        raise Unanalysable(f"padding={show(v)} is not followed")
    return v.upper()


@op("tf_nn.conv2d", "", "input", "filters", "strides", "padding", "data_format", "dilations", paths=(),
    data_format="NHWC", dilations=None, tf=("nn.conv2d",))
def conv2d(a: dict) -> tuple:
    shape = tensor_shape(a["input"], "input")
    kernel = tensor_shape(a["filters"], "filters")
    if a["data_format"] != "NHWC":
        raise Unanalysable(f"data_format={show(a['data_format'])} is not followed")
    if len(shape) != 4 or len(kernel) != 4:
        raise ShapeError("invalid", "conv2d needs a 4-D input and a 4-D filter")
    if shape[3] is not None and kernel[2] is not None and dims_equal(shape[3], kernel[2]) is False:
        raise ShapeError("invalid", f"input depth {shape[3]} does not match the filter's input depth {kernel[2]}")
    strides = _pair(a["strides"], "strides")
    rates = _pair(a["dilations"] if a["dilations"] is not None else 1, "dilations")
    padding = _padding(a["padding"])
    if any(as_int(k) is None for k in kernel[:2]):
        raise Unanalysable("the filter's size is not known")
    rows, cols = (_spatial(n, k, s, r, padding) for n, k, s, r in zip(shape[1:3], kernel[:2], strides, rates))
    return (shape[0], rows, cols, kernel[3])


def _pool(a: dict) -> tuple:
    shape = tensor_shape(a["input"], "input")
    if a["data_format"] != "NHWC":
        raise Unanalysable(f"data_format={show(a['data_format'])} is not followed")
    if len(shape) != 4:
        raise ShapeError("invalid", "2-D pooling needs a 4-D input")
    size, strides, padding = _pair(a["ksize"], "ksize"), _pair(a["strides"], "strides"), _padding(a["padding"])
    rows, cols = (_spatial(n, k, s, 1, padding) for n, k, s in zip(shape[1:3], size, strides))
    return (shape[0], rows, cols, shape[3])


for _name in ("avg_pool2d", "max_pool2d"):
    op(f"tf_nn.{_name}", "", "input", "ksize", "strides", "padding", "data_format", paths=(), data_format="NHWC",
       tf=(f"nn.{_name}",))(_pool)


@op("tf_nn.bias_add", "", "value", "bias", "data_format", paths=(), data_format=None, tf=("nn.bias_add",))
def bias_add(a: dict) -> tuple:
    shape = tensor_shape(a["value"], "value")
    bias = tensor_shape(a["bias"], "bias")
    if len(bias) != 1 or not shape:
        raise ShapeError("invalid", "bias_add needs a 1-D bias")
    if a["data_format"] not in (None, "NHWC", "N...C"):
        raise Unanalysable(f"data_format={show(a['data_format'])} is not followed")
    if shape[-1] is not None and bias[0] is not None and dims_equal(shape[-1], bias[0]) is False:
        raise ShapeError("invalid", f"the bias of size {bias[0]} does not match the last axis of size {shape[-1]}")
    return shape
