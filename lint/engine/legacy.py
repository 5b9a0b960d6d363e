"""Keras 1 and Keras 2 spellings, read with the meaning their authors had.

Code pasted into questions is often older than the Keras it runs on.  Where
Keras 3 rejects a spelling (``border_mode=``, ``nb_filter=``, a pooling layer
without ``pool_size``), the call has one possible meaning, the old one, and the
layer is shaped with it; where Keras 3 accepts the call but reads it otherwise
(``Conv2D(32, 3, 3)``: a 3x3 kernel with strides 3), Keras 3's meaning stands,
since that is what will be built, and the old one is kept beside it for the
rule that shows both.  Either way the call is recorded as a :class:`LegacyUse`
on the layer for the LL5xx rules.

Facts from Keras 1.2's and tf.keras 2's constructors; translation tables are
data, the one function below applies them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LegacyUse:
    written: str  # the old spelling as the user wrote it: "border_mode='same'"
    modern: str  # the Keras 2/3 spelling: "padding='same'"
    keras3_rejects: bool  # Keras 3 raises on the old spelling (TypeError/ValueError)
    version: int  # the Keras major version the spelling belongs to: 1 or 2
    # For a call Keras 3 reads differently: the arguments of the old meaning, to shape it too.
    old_meaning: tuple | None = None  # (args, kwargs)

    @property
    def keras2_accepts(self) -> bool:
        """Whether tf-keras 2.x takes the spelling: all of Keras 2's, and Keras 1's that Keras 3 still takes
        (the ``Convolution2D`` aliases, the positional calls it reads otherwise); Keras 1's keywords it rejects."""
        return self.version == 2 or not self.keras3_rejects


def _dim_ordering(v: Any) -> Any:
    return {"tf": "channels_last", "th": "channels_first", "default": None}.get(v, v) if isinstance(v, str) else v


def _same(v: Any) -> Any:
    return v


# Keras 1 keyword -> (Keras 2/3 keyword, value conversion), for every layer that takes it.
_COMMON_RENAMES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "init": ("kernel_initializer", _same),
    "W_regularizer": ("kernel_regularizer", _same),
    "b_regularizer": ("bias_regularizer", _same),
    "W_constraint": ("kernel_constraint", _same),
    "b_constraint": ("bias_constraint", _same),
    "bias": ("use_bias", _same),
    "dim_ordering": ("data_format", _dim_ordering),
    "border_mode": ("padding", _same),
}
_CONV_RENAMES = {"nb_filter": ("filters", _same), "subsample": ("strides", _same),
                 "subsample_length": ("strides", _same), "filter_length": ("kernel_size", _same),
                 "atrous_rate": ("dilation_rate", _same)}
_RNN_RENAMES = {"output_dim": ("units", _same), "inner_init": ("recurrent_initializer", _same),
                "U_regularizer": ("recurrent_regularizer", _same), "inner_activation": ("recurrent_activation", _same),
                "dropout_W": ("dropout", _same), "dropout_U": ("recurrent_dropout", _same)}
RENAMES: dict[str, dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "Dense": {"output_dim": ("units", _same)},
    "Dropout": {"p": ("rate", _same)},
    "SpatialDropout1D": {"p": ("rate", _same)},
    "SpatialDropout2D": {"p": ("rate", _same)},
    "Conv1D": _CONV_RENAMES, "Conv2D": _CONV_RENAMES, "Conv3D": _CONV_RENAMES, "Conv2DTranspose": _CONV_RENAMES,
    "SeparableConv2D": _CONV_RENAMES,
    "MaxPooling1D": {"pool_length": ("pool_size", _same), "stride": ("strides", _same)},
    "AveragePooling1D": {"pool_length": ("pool_size", _same), "stride": ("strides", _same)},
    "LSTM": _RNN_RENAMES, "GRU": _RNN_RENAMES, "SimpleRNN": _RNN_RENAMES,
    "BatchNormalization": {"beta_init": ("beta_initializer", _same), "gamma_init": ("gamma_initializer", _same)},
    "Embedding": {"init": ("embeddings_initializer", _same), "W_regularizer": ("embeddings_regularizer", _same)},
}
# Keras 1 keywords that have no Keras 2/3 counterpart and change no shape: dropped with a finding.
DROPPED = {"consume_less", "forget_bias_init", "mode", "output_shape"}
# Keywords every Keras 2 layer takes and Keras 3's reject: (what to write in Keras 3, kept for the shape engine).
KERAS2_LAYER_KEYWORDS = {"weights": ("layer.set_weights(...) once the model is built", False),
                         "batch_size": ("keras.Input(shape=..., batch_size=...) before the layer", True)}
# Keras 1 positional signatures (after the class), where they differ from Keras 3's.
KERAS1_POSITIONAL: dict[str, tuple[str, ...]] = {
    "Conv1D": ("nb_filter", "filter_length", "init", "activation", "weights", "border_mode", "subsample_length"),
    "Conv2D": ("nb_filter", "nb_row", "nb_col", "init", "activation", "weights", "border_mode", "subsample",
               "dim_ordering"),
    "Conv3D": ("nb_filter", "kernel_dim1", "kernel_dim2", "kernel_dim3", "init", "activation", "weights",
               "border_mode", "subsample", "dim_ordering"),
    "Conv2DTranspose": ("nb_filter", "nb_row", "nb_col", "output_shape", "init", "activation", "weights",
                        "border_mode", "subsample", "dim_ordering"),
    "Dense": ("output_dim", "init", "activation", "weights"),
    "MaxPooling1D": ("pool_length", "stride", "border_mode"),
    "AveragePooling1D": ("pool_length", "stride", "border_mode"),
    "Dropout": ("p",),
    "LSTM": ("output_dim",), "GRU": ("output_dim",), "SimpleRNN": ("output_dim",),
}
# Keras 1 kernel-size parts, joined into Keras 2's kernel_size tuple.
_KERNEL_PARTS = (("nb_row", "nb_col"), ("kernel_dim1", "kernel_dim2", "kernel_dim3"))
# Keras 1 classes that Keras 3 no longer has, read as the Keras 3 class that does the same.
KERAS1_CLASSES = {"Deconvolution2D": "Conv2DTranspose", "AtrousConvolution2D": "Conv2D",
                  "AtrousConvolution1D": "Conv1D"}
# Keras 1 class names Keras 3 still has as aliases (so they take Keras 3's positional meaning).
KERAS3_ALIASES = {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D"}
# Keras 2 defaults that Keras 3 removed: the argument became required.
KERAS2_DEFAULTS = {f"AveragePooling{r}D": ("pool_size", 2 if r == 1 else (2,) * r) for r in (1, 2, 3)}
# Keras 2 optimizer keywords, and what each Keras does with them (facts from Keras 3's base optimizer and
# tf-keras 2's current one; tests/test_legacy_optimizer.py holds them to both packages):
# keyword -> (Keras 3, tf-keras 2), each "rejects" (raises when the optimizer is made) or "ignores".
OPTIMIZER_KEYWORDS: dict[str, tuple[str, str]] = {
    "lr": ("rejects", "ignores"),  # Keras 2's name for learning_rate: tf-keras warns and keeps the default
    "decay": ("ignores", "rejects"),  # Keras 2's time-based decay: lr / (1 + decay * iterations)
    "schedule_decay": ("rejects", "rejects"),  # Nadam's, in Keras 2
}
# Optimizer classes whose keywords these are (tf-keras' `optimizers.legacy.*` still take them), with the
# learning rate each defaults to (the same in tf-keras 2 and Keras 3): an ignored `lr` of that value changes nothing.
KERAS2_OPTIMIZERS = {"SGD": 0.01, "RMSprop": 0.001, "Adagrad": 0.001, "Adadelta": 0.001, "Adam": 0.001,
                     "Adamax": 0.001, "Nadam": 0.001}
# Keras 3 modern class to show in messages for each old class.
_MODERN_CLASS = {"Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
                 **KERAS1_CLASSES}


def show(v: Any) -> str:
    """A value as the user would write it; what the extractor could not follow shows as its source text."""
    from layerlint.engine.symbolic import Expr

    if isinstance(v, (bool, int, float, str)) or v is None:
        return repr(v)
    if isinstance(v, tuple):
        return "(" + ", ".join(show(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, list):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, Expr):
        return str(v)
    return "..."


_py = show


def _keras1_call(written: str, canonical: str, args: list, kwargs: dict) -> bool:
    """Whether the call is in Keras 1's API: an old class or a keyword only Keras 1 had."""
    if written in KERAS1_CLASSES:
        return True
    renames = {**_COMMON_RENAMES, **RENAMES.get(canonical, {})}
    own = set(KERAS1_POSITIONAL.get(canonical, ()))
    keras1_words = (set(renames) | own | DROPPED) - _keras3_keywords(canonical)
    return any(k in keras1_words for k in kwargs)


def _kernel_written_as_keras2(named: dict[str, Any]) -> bool:
    """Read with Keras 1's positions, the kernel's parts are a tuple or incomplete: Keras 1 could not
    have taken the call, Keras 2 (filters, kernel_size) reads it whole."""
    for parts in _KERNEL_PARTS:
        given = [named.get(p) for p in parts if p in named]
        if given and (len(given) < len(parts) or any(isinstance(v, (tuple, list)) for v in given)):
            return True
    return False


def _keras3_positional(canonical: str) -> tuple[str, ...]:
    from layerlint.engine.layers import lookup

    spec = lookup(canonical)
    return tuple(spec.positional) if spec is not None else ()


def _keras3_keywords(canonical: str) -> set[str]:
    from layerlint.engine.layers import lookup

    spec = lookup(canonical)
    return set(spec.positional) | set(spec.defaults) if spec is not None else set()


def _to_modern(canonical: str, named: dict[str, Any], keywords: set[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Keras 1 keywords -> Keras 3 keywords, and (old, new) spellings for the findings: every keyword the
    call wrote, and the kernel's parts however given (that is where Keras 1's positions differ)."""
    renames = {**_COMMON_RENAMES, **RENAMES.get(canonical, {})}
    out: dict[str, Any] = {}
    changes: list[tuple[str, str]] = []
    for parts in _KERNEL_PARTS:
        if any(p in named for p in parts):
            vals = tuple(named.pop(p, None) for p in parts)
            out["kernel_size"] = vals
            changes.append(("/".join(parts), "kernel_size"))
    for key, value in named.items():
        if key in renames:
            new, convert = renames[key]
            out[new] = convert(value)
            if key in keywords:
                changes.append((key, new))
        elif key in DROPPED and key not in _keras3_keywords(canonical):
            changes.append((key, "(nothing: remove it)"))
        else:
            out[key] = value
    return out, changes


def translate(written: str, canonical: str, args: list, kwargs: dict) -> tuple[tuple, dict, tuple[LegacyUse, ...]]:
    """The call's arguments in Keras 3's spelling, and what was old about it."""
    kept, layer_uses = _keras2_layer_keywords(canonical, kwargs)
    args, kwargs, uses = _translate(written, canonical, args, kept)
    return args, kwargs, uses + layer_uses


def _keras2_layer_keywords(canonical: str, kwargs: dict) -> tuple[dict, tuple[LegacyUse, ...]]:
    """``weights=``, ``batch_size=``: every Keras 2 layer took them, so they mark no Keras 1 call."""
    own = _keras3_keywords(canonical)
    uses = []
    kept = dict(kwargs)
    for key, (modern, keep) in KERAS2_LAYER_KEYWORDS.items():
        if key in kwargs and key not in own:
            uses.append(LegacyUse(key, modern, True, 2))
            if not keep:
                del kept[key]
    return kept, tuple(uses)


def _translate(written: str, canonical: str, args: list, kwargs: dict) -> tuple[tuple, dict, tuple[LegacyUse, ...]]:
    uses: list[LegacyUse] = []
    if written in _MODERN_CLASS:
        uses.append(LegacyUse(written, _MODERN_CLASS[written], written in KERAS1_CLASSES, 1))
    if _keras1_call(written, canonical, args, kwargs):
        positional = KERAS1_POSITIONAL.get(canonical, ())
        if len(args) > len(positional):
            return tuple(args), dict(kwargs), tuple(uses)  # not a Keras 1 call after all: leave it to Keras 3's rules
        named = dict(zip(positional, args))
        named.update(kwargs)
        if _kernel_written_as_keras2(named):
            # Conv2D(8, (3, 3), border_mode='same'): Keras 1 keywords on a Keras 2 positional call
            named = dict(zip(_keras3_positional(canonical), args))
            named.update(kwargs)
        modern, changes = _to_modern(canonical, named, set(kwargs))
        uses += [LegacyUse(old, new, True, 1) for old, new in changes]
        return (), modern, tuple(uses)
    if canonical in KERAS2_DEFAULTS and not args and KERAS2_DEFAULTS[canonical][0] not in kwargs:
        key, default = KERAS2_DEFAULTS[canonical]
        uses.append(LegacyUse(f"{written}() without {key}", f"{key}={_py(default)}", True, 2))
        return (), {key: default, **kwargs}, tuple(uses)
    length = kwargs.get("input_length")
    if canonical == "Embedding" and length is not None and "input_shape" not in kwargs:
        # Keras 2 built the model from it; Keras 3 warns and ignores it, so the model stays unbuilt.
        rest = {k: v for k, v in kwargs.items() if k != "input_length"}
        uses.append(LegacyUse("input_length", f"keras.Input(shape=({_py(length)},)) before the layer", False, 2))
        return tuple(args), {**rest, "input_shape": (length,)}, tuple(uses)
    if "batch_input_shape" in kwargs and canonical != "InputLayer":
        # Kept as written: the shape engine reads it as Keras 2 did (the first layer's input).
        bis = kwargs["batch_input_shape"]
        shown = _py(tuple(bis)) if isinstance(bis, (tuple, list)) else _py(bis)
        uses.append(LegacyUse("batch_input_shape", f"keras.Input(batch_shape={shown}) before the layer", True, 2))
    old = _keras1_positional_meaning(written, canonical, args, kwargs)
    if old is not None:
        uses.append(LegacyUse(f"{written}({', '.join(_py(a) for a in args)}, ...)",
                              f"{_MODERN_CLASS.get(written, written)}({_py(args[0])}, {_py(old[1]['kernel_size'])})",
                              False, 1, old_meaning=((), old[1])))
    return tuple(args), dict(kwargs), tuple(uses)


def _keras1_positional_meaning(written: str, canonical: str, args: list, kwargs: dict) -> tuple | None:
    """``Conv2D(32, 3, 3)``: Keras 3 reads strides=3, Keras 1 meant a 3x3 kernel.  The Keras 1 arguments, if so.

    ``Conv2D(64, 3, 2)`` is how modern code writes a stride-2 convolution, so a Keras 2/3 class name is read
    as Keras 1's only when the parts repeat (Keras 1 kernels were square); a Keras 1 class name always is."""
    rank = {"Conv1D": 1, "Conv2D": 2, "Conv3D": 3, "Conv2DTranspose": 2}.get(canonical)
    if rank is None or rank == 1 or len(args) != 1 + rank:
        return None
    parts = args[1:1 + rank]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts):
        return None
    if written not in KERAS3_ALIASES and (len(set(parts)) != 1 or parts[0] < 2):
        return None
    kw = {k: v for k, v in kwargs.items()}
    kw.update({"filters": args[0], "kernel_size": tuple(parts)})
    return (), kw


# The arguments Keras' own examples pass by position.
_SHOWN_POSITIONALLY = {"units", "filters", "kernel_size", "rate", "pool_size"}


def modern_call(cls: str, args: tuple, kwargs: dict, keep: tuple[str, ...] = ()) -> str:
    """The call in Keras 3's spelling: its first arguments positional, as Keras' own examples write them.
    ``keep``: Keras 2 layer keywords to show all the same (for tf-keras' spelling)."""
    from layerlint.engine.layers import lookup

    spec = lookup(cls)
    positional = [p for p in (spec.positional[:2] if spec is not None else ()) if p in _SHOWN_POSITIONALLY]
    named = {k: v for k, v in kwargs.items() if k not in ("batch_input_shape", "batch_size") or k in keep}
    shown = [show(a) for a in args]
    for key in positional[len(args):]:
        if key not in named:
            break
        shown.append(show(named.pop(key)))
    shown += [f"{k}={show(v)}" for k, v in named.items()]
    return f"{cls}({', '.join(shown)})"
