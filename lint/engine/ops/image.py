"""Image ops: resize, patches, crops, flips and colour changes, channels last unless told otherwise."""

from __future__ import annotations

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import dim_value, int_tuple, int_value, show, tensor_shape
from layerlint.engine.symbolic import as_int


def _size(v: object) -> tuple:
    size = int_tuple(v, "size")
    if len(size) != 2:
        raise ShapeError("invalid", f"Expected `size` to be a tuple of 2 integers. Received: size={size}")
    return tuple(dim_value(d, "size") for d in size)


@op("resize", "Resize", "images", "size", "interpolation", "antialias", "crop_to_aspect_ratio", "pad_to_aspect_ratio",
    "fill_mode", "fill_value", "data_format", paths=("ops.image.resize",), interpolation="bilinear",
    antialias=False, crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
    data_format=None,
    tf=(("image.resize", ("images", "size", "method=interpolation"), None),
        ("image.resize_with_pad", ("images", "target_height", "target_width"), None)))
def resize(a: dict) -> tuple:
    shape = tensor_shape(a["images"], "images")
    if "target_height" in a:
        size = (dim_value(a["target_height"], "target_height"), dim_value(a["target_width"], "target_width"))
    else:
        size = _size(a["size"])
    fmt = a.get("data_format") or "channels_last"
    if len(shape) not in (3, 4):
        raise ShapeError("invalid", "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                         f"Received input with shape: images.shape={shape}")
    if fmt == "channels_first":
        return shape[:-2] + size
    return shape[:-3] + size + shape[-1:]


@op("extract_patches", "ExtractPatches", "images", "size", "strides", "dilation_rate", "padding", "data_format",
    paths=("ops.image.extract_patches",), strides=None, dilation_rate=1, padding="valid", data_format=None)
def extract_patches(a: dict) -> tuple:
    shape = tensor_shape(a["images"], "images")
    size = a["size"]
    size = (size, size) if isinstance(size, int) and not isinstance(size, bool) else int_tuple(size, "size")
    strides = a["strides"] if a["strides"] is not None else size
    strides = (strides, strides) if isinstance(strides, int) else int_tuple(strides, "strides")
    if a["dilation_rate"] != 1 or (a["data_format"] or "channels_last") != "channels_last" or len(shape) != 4:
        raise Unanalysable("extract_patches with dilation, channels_first or unbatched images is not followed")
    padding = str(a["padding"]).lower()
    out = []
    for length, k, s in zip(shape[1:3], size, strides):
        if length is None:
            out.append(None)
        elif padding == "same":
            out.append((length - 1) // s + 1)
        else:
            out.append((length - k) // s + 1)
    channels = shape[3]
    depth = None if channels is None else size[0] * size[1] * channels
    if as_int(depth) is None and depth is not None:
        depth = size[0] * size[1] * channels
    return (shape[0], *out, depth)


def _four(v: object, what: str) -> tuple:
    """TensorFlow's [1, rows, cols, 1] window arguments: the two spatial entries, known integers."""
    got = int_tuple(v, what)
    if len(got) != 4:
        raise ShapeError("invalid", f"{what} must be a list of 4 integers, got {list(got)}")
    return tuple(int_value(d, what) for d in got[1:3])


@op("tf_extract_patches", "", "images", "sizes", "strides", "rates", "padding", paths=(),
    tf=("image.extract_patches",))
def tf_extract_patches(a: dict) -> tuple:
    shape = tensor_shape(a["images"], "images")
    if len(shape) != 4:
        raise ShapeError("invalid", f"images must be 4-dimensional, got shape {shape}")
    sizes, strides, rates = (_four(a[k], k) for k in ("sizes", "strides", "rates"))
    padding = a["padding"]
    if padding not in ("VALID", "SAME"):  # TensorFlow takes these two spellings only
        raise ShapeError("invalid", f"padding must be 'VALID' or 'SAME', got {show(padding)}")
    out = []
    rows_unknown = None in shape[1:3]  # TensorFlow's shape function then knows neither spatial dim
    for length, k, s, r in zip(shape[1:3], sizes, strides, rates):
        span = k + (k - 1) * (r - 1)  # the dilated window
        if rows_unknown:
            out.append(None)
        elif padding == "SAME":
            out.append((length - 1) // s + 1)
        else:
            n = (length - span) // s + 1
            out.append(max(0, n) if isinstance(n, int) else n)
    channels = shape[3]
    return (shape[0], *out, None if channels is None else sizes[0] * sizes[1] * channels)


@op("depth_to_space", "", "x", "block_size", paths=(), tf=(("nn.depth_to_space", ("input=x", "block_size"), None),))
def depth_to_space(a: dict) -> tuple:
    shape = tensor_shape(a["x"])
    b = dim_value(a["block_size"], "block_size")
    if len(shape) != 4:
        raise ShapeError("invalid", "depth_to_space needs a 4-D tensor")
    n, h, w, c = shape
    return (n, None if h is None else h * b, None if w is None else w * b, None if c is None else c // (b * b))


def _same_image(a: dict) -> tuple:
    return tensor_shape(a["image"], "image")


# TensorFlow image functions that keep the shape: path -> the parameters after the image
_TF_SAME = {
    "convert_image_dtype": ("dtype", "saturate"), "flip_left_right": (), "flip_up_down": (),
    "random_flip_left_right": ("seed",), "random_flip_up_down": ("seed",), "adjust_brightness": ("delta",),
    "random_brightness": ("max_delta", "seed"), "adjust_contrast": ("contrast_factor",),
    "random_contrast": ("lower", "upper", "seed"), "adjust_saturation": ("saturation_factor",),
    "random_saturation": ("lower", "upper", "seed"), "adjust_hue": ("delta",), "random_hue": ("max_delta", "seed"),
    "per_image_standardization": (),
}
_OPTIONAL = {"saturate": False, "seed": None}
for _name, _params in _TF_SAME.items():
    op(f"tf_image.{_name}", "", "image", *_params, paths=(), tf=(f"image.{_name}",),
       **{p: _OPTIONAL[p] for p in _params if p in _OPTIONAL})(_same_image)


@op("tf_image.rgb_to_grayscale", "", "images", paths=(), tf=("image.rgb_to_grayscale",))
def rgb_to_grayscale(a: dict) -> tuple:
    shape = tensor_shape(a["images"], "images")
    if not shape:
        raise ShapeError("invalid", "rgb_to_grayscale needs images of rank 1 or more")
    return shape[:-1] + (1,)


@op("tf_image.random_crop", "", "value", "size", "seed", paths=(), seed=None, tf=("image.random_crop",))
def random_crop(a: dict) -> tuple:
    shape = tensor_shape(a["value"], "value")
    size = int_tuple(a["size"], "size")
    if len(size) != len(shape):
        raise ShapeError("invalid", f"random_crop: size {size} must name every axis of a tensor of rank {len(shape)}")
    for d, s in zip(shape, size):
        if as_int(d) is not None and as_int(s) is not None and s > d:
            raise ShapeError("invalid", f"random_crop: size {size} is larger than the tensor's {shape}")
    return tuple(size)


def _box(a: dict) -> tuple:
    shape = tensor_shape(a["image"], "image")
    if len(shape) not in (3, 4):
        raise ShapeError("invalid", "'image' (shape ...) must have either 3 or 4 dimensions.")
    size = (dim_value(a["target_height"], "target_height"), dim_value(a["target_width"], "target_width"))
    return shape[:-3] + size + shape[-1:]


for _name in ("crop_to_bounding_box", "pad_to_bounding_box"):
    op(f"tf_image.{_name}", "", "image", "offset_height", "offset_width", "target_height", "target_width",
       paths=(), tf=(f"image.{_name}",))(_box)


@op("tf_image.crop_and_resize", "", "image", "boxes", "box_indices", "crop_size", "method", "extrapolation_value",
    paths=(), method="bilinear", extrapolation_value=0.0, tf=("image.crop_and_resize",))
def crop_and_resize(a: dict) -> tuple:
    shape = tensor_shape(a["image"], "image")
    boxes = tensor_shape(a["boxes"], "boxes")
    if len(shape) != 4 or len(boxes) != 2:
        raise ShapeError("invalid", "crop_and_resize needs a 4-D image batch and boxes of shape [num_boxes, 4]")
    return (boxes[0], *_size(a["crop_size"]), shape[3])
