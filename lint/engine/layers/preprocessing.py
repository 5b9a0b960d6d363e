"""Preprocessing layers: image resizing/cropping, augmentation, normalization, encodings."""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight, layer, single
from layerlint.engine.layers.core import check_positive, defined, norm_axis, passthrough
from layerlint.engine.layers.ops import tf_keras
from layerlint.engine.symbolic import Dim, Expr, dim_str, shape_str

# Augmentation layers whose compute_output_shape returns the input shape.  Their
# seed-generator state is a variable, but it is not part of layer.weights.
SHAPE_PRESERVING = {
    "Rescaling": ("scale", "offset"),
    "RandomFlip": ("mode", "seed", "data_format"),
    "RandomRotation": ("factor", "fill_mode", "interpolation", "seed", "fill_value", "data_format"),
    "RandomZoom": ("height_factor", "width_factor", "fill_mode", "interpolation", "seed", "fill_value", "data_format"),
    "RandomTranslation": (
        "height_factor",
        "width_factor",
        "fill_mode",
        "interpolation",
        "seed",
        "fill_value",
        "data_format",
    ),
    "RandomContrast": ("factor", "value_range", "seed"),
    "RandomBrightness": ("factor", "value_range", "seed"),
    "RandomColorJitter": (
        "value_range",
        "brightness_factor",
        "contrast_factor",
        "saturation_factor",
        "hue_factor",
        "seed",
        "data_format",
    ),
    "RandomElasticTransform": (
        "factor",
        "scale",
        "interpolation",
        "fill_mode",
        "fill_value",
        "value_range",
        "seed",
        "data_format",
    ),
    "RandomErasing": ("factor", "scale", "fill_value", "value_range", "seed", "data_format"),
    "RandomGaussianBlur": ("factor", "kernel_size", "sigma", "value_range", "data_format", "seed"),
    "RandomGrayscale": ("factor", "data_format", "seed"),
    "RandomHue": ("factor", "value_range", "data_format", "seed"),
    "RandomInvert": ("factor", "value_range", "seed", "data_format"),
    "RandomPerspective": ("factor", "scale", "interpolation", "fill_value", "seed", "data_format"),
    "RandomPosterization": ("factor", "value_range", "data_format", "seed"),
    "RandomSaturation": ("factor", "value_range", "data_format", "seed"),
    "RandomSharpness": ("factor", "value_range", "data_format", "seed"),
    "RandomShear": ("x_factor", "y_factor", "interpolation", "fill_mode", "fill_value", "data_format", "seed"),
    "AutoContrast": ("value_range",),
    "Equalization": ("value_range", "bins", "data_format"),
    "Solarization": ("addition_factor", "threshold_factor", "value_range", "seed"),
    "AugMix": (
        "value_range",
        "num_chains",
        "chain_depth",
        "factor",
        "alpha",
        "all_ops",
        "interpolation",
        "seed",
        "data_format",
    ),
    "CutMix": ("factor", "seed", "data_format"),
    "MixUp": ("alpha", "data_format", "seed"),
    "RandAugment": ("value_range", "num_ops", "factor", "interpolation", "seed", "data_format"),
}


def _same_shape(cfg: Config, inputs: list) -> Built:
    return passthrough(cfg, inputs)


for _name, _params in SHAPE_PRESERVING.items():
    layer(_name, *_params)(_same_shape)


@layer("RandomColorDegeneration", "factor", "value_range", "data_format", "seed", data_format=None)
def random_color_degeneration(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "RandomColorDegeneration")
    _image_rank(shape, "RandomColorDegeneration")
    channels = shape[-1] if cfg.data_format() == "channels_last" else shape[-3]
    if isinstance(channels, int) and channels != 3:
        raise ShapeError("invalid", f"RandomColorDegeneration needs 3-channel (RGB) images, got {channels} channels")
    return Built(shape)


def _image_rank(shape: tuple, cls: str) -> None:
    if len(shape) not in (3, 4):
        raise ShapeError(
            "rank",
            f"{cls} expects images of rank 3 (one image) or 4 (a batch). Received: input_shape={shape_str(shape)}",
            expected=4,
            found=len(shape),
        )


def _set_hw(cfg: Config, shape: tuple, h_axis: int, w_axis: int) -> Built:
    """Replace the height and width axes with the configured size."""
    height, width = check_positive(cfg, "height", cfg.cls), check_positive(cfg, "width", cfg.cls)
    out = list(shape)
    if max(h_axis, w_axis) >= len(out) or min(h_axis, w_axis) < -len(out):
        raise ShapeError("rank", f"{cfg.cls} needs an image input; got shape {shape_str(shape)}", found=len(shape))
    before = (out[h_axis], out[w_axis])
    out[h_axis], out[w_axis] = height, width
    note = f"height x width {dim_str(before[0])} x {dim_str(before[1])} -> {dim_str(height)} x {dim_str(width)}"
    return Built(tuple(out), [], [note])


def _hw_axes(cfg: Config, shape: tuple) -> tuple[int, int]:
    """Keras treats a rank-3 input as one unbatched image, so the axes move with the rank."""
    first = cfg.data_format() == "channels_first"
    if len(shape) == 4:
        return (2, 3) if first else (1, 2)
    return (1, 2) if first else (0, 1)


@layer(
    "Resizing",
    "height",
    "width",
    "interpolation",
    "crop_to_aspect_ratio",
    "pad_to_aspect_ratio",
    "fill_mode",
    "fill_value",
    "antialias",
    "data_format",
    data_format=None,
)
def resizing(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Resizing")
    return _set_hw(cfg, shape, *_hw_axes(cfg, shape))


@layer("CenterCrop", "height", "width", "data_format", data_format=None)
def center_crop(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "CenterCrop")
    _image_rank(shape, "CenterCrop")
    return _set_hw(cfg, shape, *_hw_axes(cfg, shape))


@layer("RandomCrop", "height", "width", "seed", "data_format", "name", data_format=None)
def random_crop(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "RandomCrop")
    # Counted from the end, so batched and unbatched images agree.
    axes = (-2, -1) if cfg.data_format() == "channels_first" else (-3, -2)
    return _set_hw(cfg, shape, *axes)


# tf-keras 2's image resizing methods (its image_utils); another name is its NotImplementedError.
_TF_KERAS_INTERPOLATIONS = {"bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"}


@layer("RandomHeight", "factor", "interpolation", "seed", interpolation="bilinear", seed=None)
def random_height(cfg: Config, inputs: list) -> Built:
    return _random_side(cfg, inputs, -3)


@layer("RandomWidth", "factor", "interpolation", "seed", interpolation="bilinear", seed=None)
def random_width(cfg: Config, inputs: list) -> Built:
    return _random_side(cfg, inputs, -2)


def _random_side(cfg: Config, inputs: list, axis: int) -> Built:
    """tf-keras 2's RandomHeight / RandomWidth: the side (third or second axis from the end) becomes
    unknown, the size drawn per batch.  Keras 3 has neither class."""
    if not tf_keras(cfg):
        raise Unanalysable(f"Keras 3 has no {cfg.cls}: it is tf-keras 2's (keras-version = 2)")
    shape = single(inputs, cfg.cls)
    factor = cfg["factor"]
    bounds = tuple(factor[:2]) if isinstance(factor, (tuple, list)) else (-factor, factor) \
        if isinstance(factor, (int, float)) and not isinstance(factor, bool) else None
    if bounds is None or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds):
        raise Unanalysable(f"{cfg.cls} factor={factor!r} is not known")
    if bounds[1] < bounds[0]:
        raise ShapeError("invalid", "`factor` argument cannot have an upper bound lesser than the lower bound. "
                                    f"Received: factor={factor}")
    if min(bounds) < -1.0:
        raise ShapeError("invalid", f"`factor` argument must have values larger than -1. Received: factor={factor}")
    method = cfg["interpolation"]
    if not isinstance(method, str):
        raise Unanalysable(f"{cfg.cls} interpolation={method!r} is not known")
    if method.lower() not in _TF_KERAS_INTERPOLATIONS:
        raise ShapeError("invalid", f"Value not recognized for `interpolation`: {method.lower()}")
    if len(shape) not in (3, 4):  # tf.image.resize's images, batched or not (a batch of rank 3 is one image)
        raise ShapeError("rank", f"{cfg.cls} resizes images of rank 3 or 4 (tf.image.resize); got input "
                                 f"{shape_str(shape)}")
    out = list(shape)
    out[axis] = None
    return Built(tuple(out))


def _nested_shape(value: object) -> tuple | None:
    """np.shape of a literal nested list of numbers; None when not a literal."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ()
    if isinstance(value, (list, tuple)) and value:
        inner = {_nested_shape(v) for v in value}
        if len(inner) == 1 and None not in inner:
            return (len(value),) + inner.pop()
    return None


@layer("Normalization", "axis", "mean", "variance", "invert", axis=-1, mean=None, variance=None)
def normalization(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "Normalization")
    axis = cfg["axis"]
    axes = () if axis is None else tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    mean, variance = cfg["mean"], cfg["variance"]
    if (mean is None) != (variance is None):
        raise ShapeError("invalid", "Normalization needs both `mean` and `variance` when either is given")
    keep = sorted({norm_axis(a, len(shape), "Normalization") for a in axes})
    sizes = tuple(defined(shape[a], "Normalization", f"axis {a}", shape) for a in keep)
    if mean is not None:
        # Fixed statistics are constants, not weights; their shape must broadcast to the kept axes.
        mshape = _nested_shape(mean)
        if mshape is not None and _nested_shape(variance) not in (None, mshape):
            raise ShapeError("invalid", "Normalization `mean` and `variance` must have the same shape")
        if mshape is not None and len(mshape) > len(keep):
            raise ShapeError("invalid", f"Normalization `mean` of shape {mshape} has more axes than axis={axis!r}")
        if mshape and isinstance(sizes[-1], int):
            for m, s in zip(reversed(mshape), reversed(sizes), strict=False):
                if isinstance(s, int) and m not in (1, s):
                    raise ShapeError("invalid", f"Normalization `mean` of shape {mshape} does not broadcast to {sizes}")
        return Built(shape)
    weights = [
        Weight("mean", sizes, trainable=False),
        Weight("variance", sizes, trainable=False),
        Weight("count", (), trainable=False, itemsize=8),  # Keras makes it dtype "int": int64
    ]
    return Built(shape, weights, ["mean and variance are set by adapt(); they are not trained"])


def _encoded(shape: tuple, depth: Dim, mode: str) -> tuple:
    """Output of an index-producing layer after one_hot / multi_hot / count encoding."""
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    return shape[:-1] + (depth,)


def _mode(cfg: Config, allowed: tuple[str, ...], default: str) -> str:
    mode = cfg.string("output_mode") or default
    if mode == "binary":
        mode = "multi_hot"
    if mode not in allowed:
        raise ShapeError("invalid", f"{cfg.cls} output_mode must be one of {allowed}. Received: output_mode={mode!r}")
    return mode


@layer("CategoryEncoding", "num_tokens", "output_mode", "sparse", num_tokens=None, output_mode="multi_hot")
def category_encoding(cfg: Config, inputs: list) -> Built:
    shape = single(inputs, "CategoryEncoding")
    mode = _mode(cfg, ("count", "one_hot", "multi_hot"), "multi_hot")
    if cfg["num_tokens"] is None:
        raise ShapeError("invalid", "CategoryEncoding needs num_tokens")
    tokens = check_positive(cfg, "num_tokens", "CategoryEncoding")
    if not shape:
        return Built((tokens,))
    out = _encoded(shape, tokens, mode)
    return Built(out, [], [f"{mode} over {dim_str(tokens)} tokens"])


def _vocabulary_size(cfg: Config, mode: str, mask_token: object) -> Dim:
    """Depth of a lookup's encoded output: tokens plus OOV (and mask, for int output)."""
    if cfg.flag("pad_to_max_tokens") and cfg["max_tokens"] is not None:
        return cfg.dim("max_tokens")
    vocab = cfg["vocabulary"]
    if not isinstance(vocab, (list, tuple)):
        # A file path or adapt(): the size is only known at run time.
        return Expr.symbol("vocabulary_size")
    oov = cfg.dim("num_oov_indices")
    special = oov + (1 if mask_token is not None and mode == "int" else 0)
    return len(vocab) + special


# The OOV token each lookup class uses when none is given.
_OOV_DEFAULT = {"StringLookup": "[UNK]", "IntegerLookup": -1}


def _literal_vocabulary(cfg: Config) -> tuple | None:
    """A StringLookup's or IntegerLookup's literal vocabulary as IndexLookup.set_vocabulary reads it:
    (the vocabulary, the special tokens it may start with, the index its own tokens start at, its
    tokens, the mask token, the OOV token); None where the arguments do not say (not a list of tokens
    of the layer's type, tf_idf, options of a type we do not follow)."""
    vocab, mode = cfg["vocabulary"], cfg["output_mode"]
    token_type = str if cfg.cls == "StringLookup" else int
    if not isinstance(vocab, (list, tuple)) or mode == "tf_idf" or not all(type(t) is token_type for t in vocab):
        return None
    if token_type is int and not all(-2**63 <= t < 2**63 for t in vocab):
        return None  # NumPy would hold them as objects, not int64
    oovs, mask, oov = cfg["num_oov_indices"], cfg["mask_token"], cfg.get("oov_token", _OOV_DEFAULT.get(cfg.cls))
    if type(oovs) is not int or oovs < 0 or not isinstance(mask, (token_type, type(None))) \
            or type(oov) is not token_type:
        return None
    start = (1 if mask is not None and mode == "int" else 0) + oovs
    special = [mask] * (start - oovs) + [oov] * oovs
    tokens = list(vocab[start:]) if list(vocab[:start]) == special else list(vocab)
    return list(vocab), special, start, tokens, mask, oov


def lookup_vocabulary_error(cfg: Config) -> str | None:
    """The ValueError IndexLookup.set_vocabulary raises for a literal vocabulary (in the layer's
    constructor): an empty one, repeated tokens, the mask token (or, inverted, the OOV token) other
    than at the start, more tokens than max_tokens.  None: accepted, or not known."""
    read = _literal_vocabulary(cfg)
    if read is None:
        return None
    vocab, special, start, tokens, mask, oov = read
    if not vocab:
        return "Cannot set an empty vocabulary. Received: vocabulary=[]"
    counts: dict = {}
    for t in tokens:
        counts[t] = counts.get(t, 0) + 1
    repeated = [t for t, n in counts.items() if n > 1]
    if repeated:
        # NumPy's scalars, as the array Keras made of the list prints them
        shown = ", ".join(f"np.str_({t!r})" if isinstance(t, str) else f"np.int64({t})" for t in repeated)
        return f"The passed vocabulary has at least one repeated term. Please uniquify your dataset. " \
               f"The repeated terms are: [{shown}]"
    for name, token, refused in (("mask", mask, mask is not None), ("OOV", oov, cfg.flag("invert"))):
        if refused and token in tokens:
            last = len(vocab) - 1 - vocab[::-1].index(token)
            return (f"Found reserved {name} token at unexpected location in `vocabulary`. Note that passed "
                    "`vocabulary` does not need to include the OOV and mask tokens. Either remove all mask and "
                    "OOV tokens, or include them only at the start of the vocabulary in precisely this order: "
                    f"{special}. Received: {name.lower()}_token={token} at vocabulary index [{last}]")
    size, max_tokens = start + len(tokens), cfg["max_tokens"]
    if type(max_tokens) is int and size > max_tokens:
        return (f"Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size "
                f"is {size}; `max_tokens` is {max_tokens}.")
    return None


def lookup_vocabulary_size(cfg: Config) -> int | None:
    """What a StringLookup's or IntegerLookup's vocabulary_size() returns after construction with a
    literal vocabulary (IndexLookup.set_vocabulary): the mask index (int output with a mask token),
    the OOV indices, then the vocabulary's tokens, less the mask and OOV tokens when it starts with
    exactly those.  None where Keras' answer is not known from the arguments or where Keras raises
    (lookup_vocabulary_error)."""
    read = _literal_vocabulary(cfg)
    if read is None or not read[0] or lookup_vocabulary_error(cfg) is not None:
        return None
    max_tokens = cfg["max_tokens"]
    if max_tokens is not None and type(max_tokens) is not int:
        return None
    return read[2] + len(read[3])


def _lookup(cfg: Config, inputs: list) -> Built:
    mode = _mode(cfg, ("int", "one_hot", "multi_hot", "count", "tf_idf"), "int")
    refused = lookup_vocabulary_error(cfg) if not tf_keras(cfg) else None
    if refused is not None:  # Keras 3 raised making the layer, after checking its other arguments
        raise ShapeError("invalid", refused)
    shape = single(inputs, cfg.cls)
    if mode == "int" or cfg.flag("invert"):
        return Built(shape)
    # Keras' depth is vocabulary_size(), which drops the OOV and mask tokens a literal vocabulary
    # starts with; the plain count stands where that size is not known from the arguments.
    depth = lookup_vocabulary_size(cfg) if mode != "tf_idf" and not cfg.flag("pad_to_max_tokens") else None
    if depth is None:
        depth = _vocabulary_size(cfg, mode, cfg["mask_token"])
    return Built(_encoded(tuple(shape), depth, mode), [], [f"{mode} over a vocabulary of {dim_str(depth)}"])


_LOOKUP_DEFAULTS = {
    "max_tokens": None,
    "num_oov_indices": 1,
    "mask_token": None,
    "vocabulary": None,
    "invert": False,
    "output_mode": "int",
    "pad_to_max_tokens": False,
}

layer(
    "StringLookup",
    "max_tokens",
    "num_oov_indices",
    "mask_token",
    "oov_token",
    "vocabulary",
    "idf_weights",
    "invert",
    "output_mode",
    "pad_to_max_tokens",
    "sparse",
    "encoding",
    "name",
    "salt",
    **_LOOKUP_DEFAULTS,
)(_lookup)

layer(
    "IntegerLookup",
    "max_tokens",
    "num_oov_indices",
    "mask_token",
    "oov_token",
    "vocabulary",
    "vocabulary_dtype",
    "idf_weights",
    "invert",
    "output_mode",
    "sparse",
    "pad_to_max_tokens",
    "oov_method",
    "salt",
    "name",
    **_LOOKUP_DEFAULTS,
)(_lookup)


@layer(
    "TextVectorization",
    "max_tokens",
    "standardize",
    "split",
    "ngrams",
    "output_mode",
    "output_sequence_length",
    "pad_to_max_tokens",
    "vocabulary",
    "idf_weights",
    "sparse",
    "ragged",
    "encoding",
    "name",
    max_tokens=None,
    split="whitespace",
    output_mode="int",
    output_sequence_length=None,
    pad_to_max_tokens=False,
    vocabulary=None,
    num_oov_indices=1,
)
def text_vectorization(cfg: Config, inputs: list) -> Built:
    shape = tuple(single(inputs, "TextVectorization"))
    mode = _mode(cfg, ("int", "multi_hot", "count", "tf_idf"), "int")
    if mode == "int":
        length = cfg.dim("output_sequence_length")
        note = (
            "padded or truncated to output_sequence_length" if length is not None else "one id per token, length varies"
        )
        return Built((shape[0] if shape else None, length), [], [note])
    # Splitting adds a token axis; without a split a rank-1 input gains a unit axis.
    if cfg["split"] is None:
        tokens = shape + (1,) if len(shape) <= 1 else shape
    else:
        tokens = shape + (None,)
    # The inner StringLookup always uses "" as mask token, which only counts for int output.
    depth = _vocabulary_size(cfg, mode, "")
    return Built(_encoded(tokens, depth, mode), [], [f"{mode} over a vocabulary of {dim_str(depth)}"])


@layer(
    "Discretization",
    "bin_boundaries",
    "num_bins",
    "epsilon",
    "output_mode",
    "sparse",
    "dtype",
    "name",
    bin_boundaries=None,
    num_bins=None,
    output_mode="int",
)
def discretization(cfg: Config, inputs: list) -> Built:
    shape = tuple(single(inputs, "Discretization"))
    mode = _mode(cfg, ("int", "one_hot", "multi_hot", "count"), "int")
    bounds, bins = cfg["bin_boundaries"], cfg["num_bins"]
    if (bounds is None) == (bins is None):
        raise ShapeError("invalid", "Discretization needs exactly one of `num_bins` and `bin_boundaries`")
    if mode == "int":
        return Built(shape)
    if bounds is not None:
        if not isinstance(bounds, (list, tuple)):
            raise Unanalysable("Discretization bin_boundaries is not a literal list")
        depth: Dim = len(bounds) + 1
    else:
        depth = cfg.dim("num_bins")
    if mode == "one_hot":
        out = _encoded(shape, depth, mode)
    elif len(shape) >= 2:
        # Keras drops axis 1 (not the last axis) for multi_hot / count.
        out = (shape[0],) + shape[2:] + (depth,)
    else:
        out = shape + (depth,)
    return Built(out, [], [f"{mode} over {dim_str(depth)} bins"])


@layer("Hashing", "num_bins", "mask_value", "salt", "output_mode", "sparse", output_mode="int")
def hashing(cfg: Config, inputs: list) -> Built:
    shape = tuple(single(inputs, "Hashing"))
    if cfg["num_bins"] is None:
        raise ShapeError("invalid", "The `num_bins` for Hashing cannot be None")
    bins = check_positive(cfg, "num_bins", "Hashing")
    mode = _mode(cfg, ("int", "one_hot", "multi_hot", "count"), "int")
    if mode == "int":
        return Built(shape)
    return Built(shape[:-1] + (bins,), [], [f"{mode} over {dim_str(bins)} hash bins"])
