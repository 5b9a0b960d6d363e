"""Keras 2 backend functions (``K.sum``) and activations (``keras.activations.relu``) applied to
tf-keras' Keras tensors: tf-keras runs each as the TensorFlow calls it is written with, and every
TensorFlow call on a Keras tensor becomes a TFOpLambda layer.  This table says which calls, from
tf-keras 2's source; the layers' names are generated (keras2_function_names.py) and the rows of
whole models are held to tf-keras in tests/test_keras2_functions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Param:
    """In a further call's constants: the value of one of the function's own parameters."""

    name: str


# In a further call's constants: where the result so far goes, when not first (``x * tanh(...)``).
OUT = "<out>"


@dataclass(frozen=True)
class Lowering:
    tf: str  # the TensorFlow function it calls (a path of layerlint's op table)
    params: tuple[str, ...] = ("x",)  # its own parameters, handed on in this order
    defaults: dict[str, Any] = field(default_factory=dict)  # its defaults where TensorFlow's differ (handed on)
    only: dict[str, Any] = field(default_factory=dict)  # parameters that must keep this value (others call more)
    extra: tuple = ()  # constants it adds after its parameters
    then: tuple[tuple[str, tuple], ...] = ()  # further calls on the result: (function, constants after it)
    keywords: dict[str, str] = field(default_factory=dict)  # TensorFlow's keyword where it names one otherwise
    own: tuple[str, ...] | None = None  # the parameters the first call takes (None: all of them)
    listed: tuple[str, ...] = ()  # parameters an int of which it hands on as a list of one (K.reverse's axes)
    numbers: tuple[str, ...] = ()  # parameters that must be given as plain numbers (not None)


def _reduce(tf: str) -> Lowering:
    return Lowering(tf, ("x", "axis", "keepdims"))


_RELU = {"alpha": 0.0, "max_value": None, "threshold": 0.0}

LOWERINGS: dict[str, Lowering] = {
    "backend.sum": _reduce("tf.math.reduce_sum"),
    "backend.mean": _reduce("tf.math.reduce_mean"),
    "backend.max": _reduce("tf.math.reduce_max"),
    "backend.min": _reduce("tf.math.reduce_min"),
    "backend.prod": _reduce("tf.math.reduce_prod"),
    "backend.std": _reduce("tf.math.reduce_std"),
    "backend.var": _reduce("tf.math.reduce_variance"),
    "backend.square": Lowering("tf.math.square"),
    "backend.abs": Lowering("tf.math.abs"),
    "backend.exp": Lowering("tf.math.exp"),
    "backend.log": Lowering("tf.math.log"),
    "backend.sigmoid": Lowering("tf.math.sigmoid"),
    "backend.tanh": Lowering("tf.math.tanh"),
    "backend.softplus": Lowering("tf.math.softplus"),
    "backend.softsign": Lowering("tf.nn.softsign"),
    "backend.ones_like": Lowering("tf.ones_like"),
    "backend.zeros_like": Lowering("tf.zeros_like"),
    # K.sqrt clips at zero first: two layers.
    "backend.sqrt": Lowering("tf.math.maximum", extra=(0.0,), then=(("tf.math.sqrt", ()),)),
    "backend.pow": Lowering("tf.math.pow", ("x", "a"), keywords={"a": "y"}),
    "backend.maximum": Lowering("tf.math.maximum", ("x", "y")),
    "backend.minimum": Lowering("tf.math.minimum", ("x", "y")),
    "backend.relu": Lowering("tf.nn.relu", ("x", "alpha", "max_value", "threshold"), dict(_RELU), dict(_RELU)),
    "backend.elu": Lowering("tf.nn.elu", ("x", "alpha"), {"alpha": 1.0}, {"alpha": 1.0}),
    "backend.softmax": Lowering("tf.nn.softmax", ("x", "axis")),
    "backend.l2_normalize": Lowering("tf.math.l2_normalize", ("x", "axis")),
    "backend.expand_dims": Lowering("tf.expand_dims", ("x", "axis"), {"axis": -1}),
    "backend.squeeze": Lowering("tf.squeeze", ("x", "axis")),
    "backend.concatenate": Lowering("tf.concat", ("tensors", "axis"), {"axis": -1}, keywords={"tensors": "values"}),
    "backend.stack": Lowering("tf.stack", ("x", "axis")),
    "backend.reshape": Lowering("tf.reshape", ("x", "shape")),
    "backend.permute_dimensions": Lowering("tf.transpose", ("x", "pattern"), keywords={"pattern": "perm"}),
    "backend.tile": Lowering("tf.tile", ("x", "n"), keywords={"n": "multiples"}),
    "backend.argmax": Lowering("tf.math.argmax", ("x", "axis"), {"axis": -1}),
    "backend.argmin": Lowering("tf.math.argmin", ("x", "axis"), {"axis": -1}),
    "backend.cast": Lowering("tf.cast", ("x", "dtype")),
    "backend.clip": Lowering("tf.clip_by_value", ("x", "min_value", "max_value"),
                             keywords={"min_value": "clip_value_min", "max_value": "clip_value_max"}),
    "backend.flatten": Lowering("tf.reshape", extra=([-1],)),
    "backend.transpose": Lowering("tf.transpose"),
    "backend.sign": Lowering("tf.math.sign"),
    "backend.round": Lowering("tf.math.round"),
    "backend.cumsum": Lowering("tf.math.cumsum", ("x", "axis"), {"axis": 0}),
    "backend.equal": Lowering("tf.math.equal", ("x", "y")),
    "backend.not_equal": Lowering("tf.math.not_equal", ("x", "y")),
    "backend.greater": Lowering("tf.math.greater", ("x", "y")),
    "backend.greater_equal": Lowering("tf.math.greater_equal", ("x", "y")),
    "backend.less": Lowering("tf.math.less", ("x", "y")),
    "backend.less_equal": Lowering("tf.math.less_equal", ("x", "y")),
    "backend.gather": Lowering("tf.gather", ("reference", "indices"), keywords={"reference": "params"}),
    # K.any / K.all cast to bool first.
    "backend.any": Lowering("tf.cast", ("x", "axis", "keepdims"), {"axis": None, "keepdims": False}, own=("x",),
                            extra=("bool",), then=(("tf.math.reduce_any", (Param("axis"), Param("keepdims"))),)),
    "backend.all": Lowering("tf.cast", ("x", "axis", "keepdims"), {"axis": None, "keepdims": False}, own=("x",),
                            extra=("bool",), then=(("tf.math.reduce_all", (Param("axis"), Param("keepdims"))),)),
    "backend.reverse": Lowering("tf.reverse", ("x", "axes"), keywords={"axes": "axis"}, listed=("axes",)),
    "backend.one_hot": Lowering("tf.one_hot", ("indices", "num_classes"), keywords={"num_classes": "depth"}),
    # K.repeat: a new axis 1, tiled n times (the pattern is a constant tensor: no layer).
    "backend.repeat": Lowering("tf.expand_dims", ("x", "n"), own=("x",), extra=(1,),
                               then=(("tf.tile", ([1, Param("n"), 1],)),)),
    "activations.mish": Lowering("tf.math.softplus", then=(("tf.math.tanh", ()), ("tf.math.multiply", (Param("x"), OUT)))),
    "activations.relu": Lowering("tf.nn.relu", ("x", "alpha", "max_value", "threshold"), dict(_RELU), dict(_RELU)),
    "activations.sigmoid": Lowering("tf.math.sigmoid"),
    "activations.tanh": Lowering("tf.math.tanh"),
    "activations.softmax": Lowering("tf.nn.softmax", ("x", "axis")),
    "activations.elu": Lowering("tf.nn.elu", ("x", "alpha"), {"alpha": 1.0}, {"alpha": 1.0}),
    "activations.selu": Lowering("tf.nn.selu"),
    "activations.softplus": Lowering("tf.math.softplus"),
    "activations.softsign": Lowering("tf.nn.softsign"),
    "activations.swish": Lowering("tf.nn.silu"),
    "activations.gelu": Lowering("tf.nn.gelu", ("x", "approximate")),
    "activations.exponential": Lowering("tf.math.exp"),
    "activations.hard_sigmoid": Lowering("tf.math.multiply", extra=(0.2,),
                                         then=(("tf.math.add", (0.5,)), ("tf.clip_by_value", (0.0, 1.0)))),
    "backend.hard_sigmoid": Lowering("tf.math.multiply", extra=(0.2,),
                                     then=(("tf.math.add", (0.5,)), ("tf.clip_by_value", (0.0, 1.0)))),
}
# Functions that return their input: no layer.
IDENTITY = {"activations.linear"}

# Where other arguments make the function call other TensorFlow functions: variants tried in order when the
# main lowering's ``only`` refuses the call, each with its own key in the names table.
_RELU_PARAMS = ("x", "alpha", "max_value", "threshold")


def _relu_variants(path: str) -> tuple[tuple[str, Lowering], ...]:
    return (
        # relu(x, max_value=6): tf.nn.relu6
        (f"{path}|relu6", Lowering("tf.nn.relu6", _RELU_PARAMS, only={"alpha": 0.0, "threshold": 0.0, "max_value": 6},
                                   own=("x",))),
        # relu(x, max_value=m): tf.nn.relu, then clipped to [0, m]
        (f"{path}|clip", Lowering("tf.nn.relu", _RELU_PARAMS, only={"alpha": 0.0, "threshold": 0.0}, own=("x",),
                                  numbers=("max_value",), then=(("tf.clip_by_value", (0.0, Param("max_value"))),))),
        # relu(x, alpha=a): tf.nn.leaky_relu(x, alpha=a)
        (f"{path}|leaky", Lowering("tf.nn.leaky_relu", _RELU_PARAMS, only={"max_value": None, "threshold": 0.0},
                                   own=("x", "alpha"), numbers=("alpha",))),
    )


VARIANTS: dict[str, tuple[tuple[str, Lowering], ...]] = {
    "activations.relu": _relu_variants("activations.relu"),
    "backend.relu": _relu_variants("backend.relu"),
}


def all_lowerings() -> dict[str, Lowering]:
    """Every lowering by its key in the names table: the main ones and their variants."""
    return {**LOWERINGS, **{key: lowering for variants in VARIANTS.values() for key, lowering in variants}}
