"""Activation functions applied to a tensor: ``keras.activations.*``, ``keras.ops``'
nn functions and TensorFlow's.  All keep the shape (``glu`` halves an axis).

``keras.activations.relu`` records a ``ReLU`` Operation (named ``re_lu``), the
ops' ``relu`` a ``Relu``: the table keeps the class Keras records per path.
"""

from __future__ import annotations

from layerlint.engine.layers.base import ShapeError
from layerlint.engine.ops import op
from layerlint.engine.ops.base import canonical_axis, tensor_shape
from layerlint.engine.symbolic import as_int


def _same(a: dict) -> tuple:
    return tensor_shape(a["x"])


# keras.ops.nn name -> (Operation class, TensorFlow paths, parameters after x with their defaults)
NN = {
    "relu": ("Relu", ("nn.relu",), {}),
    "relu6": ("Relu6", ("nn.relu6",), {}),
    "sigmoid": ("Sigmoid", ("sigmoid", "nn.sigmoid", "math.sigmoid"), {}),
    "softmax": ("Softmax", ("nn.softmax", "math.softmax"), {"axis": -1}),
    "log_softmax": ("LogSoftmax", ("nn.log_softmax", "math.log_softmax"), {"axis": -1}),
    "silu": ("Silu", ("nn.silu", "nn.swish"), {}),
    "gelu": ("Gelu", ("nn.gelu",), {"approximate": True}),
    "elu": ("Elu", ("nn.elu",), {"alpha": 1.0}),
    "selu": ("Selu", ("nn.selu",), {}),
    "softplus": ("Softplus", ("nn.softplus", "math.softplus"), {}),
    "softsign": ("Softsign", ("nn.softsign", "math.softsign"), {}),
    "leaky_relu": ("LeakyRelu", ("nn.leaky_relu",), {"negative_slope": 0.2}),
    "hard_sigmoid": ("HardSigmoid", (), {}),
    "celu": ("Celu", (), {"alpha": 1.0}),
}
_TF_PARAMS = {"softmax": ("logits=x", "axis"), "log_softmax": ("logits=x", "axis"), "gelu": ("features=x", "approximate"),
              "leaky_relu": ("features=x", "alpha=negative_slope")}
for _name, (_cls, _tf, _params) in NN.items():
    tf_params = _TF_PARAMS.get(_name, ("x",) + tuple(_params))
    op(_name, _cls, "x", *_params, paths=(f"ops.{_name}", f"ops.nn.{_name}"),
       tf=tuple((p, tf_params, None) for p in _tf), **_params)(_same)
op("swish", "Silu", "x", paths=("ops.swish", "ops.nn.swish"))(_same)

# keras.activations name -> (the Operation class it records, parameters after x with their defaults)
ACTIVATIONS = {
    "relu": ("ReLU", {"negative_slope": 0.0, "max_value": None, "threshold": 0.0}), "relu6": ("Relu6", {}),
    "sigmoid": ("Sigmoid", {}), "tanh": ("Tanh", {}), "softmax": ("Softmax", {"axis": -1}),
    "log_softmax": ("LogSoftmax", {"axis": -1}), "silu": ("Silu", {}), "swish": ("Silu", {}),
    "gelu": ("Gelu", {"approximate": False}), "elu": ("Elu", {"alpha": 1.0}), "selu": ("Selu", {}),
    "softplus": ("Softplus", {}), "softsign": ("Softsign", {}), "leaky_relu": ("LeakyRelu", {"negative_slope": 0.2}),
    "hard_sigmoid": ("HardSigmoid", {}), "exponential": ("Exp", {}), "celu": ("Celu", {"alpha": 1.0}),
    "tanh_shrink": ("TanhShrink", {}),
}
for _name, (_cls, _params) in ACTIVATIONS.items():
    op(f"activations.{_name}", _cls, "x", *_params, paths=(f"activations.{_name}",), **_params)(_same)

# The identity: Keras records nothing.
op("activations.linear", "", "x", paths=("activations.linear",))(_same)


@op("glu", "Glu", "x", "axis", paths=("activations.glu", "ops.glu", "ops.nn.glu"), axis=-1)
def glu(a: dict) -> tuple:
    shape = list(tensor_shape(a["x"]))
    axis = canonical_axis(a["axis"], len(shape))
    n = as_int(shape[axis])
    if n is not None and n % 2:
        raise ShapeError("invalid", f"axis size must be divisible by 2. Received: x.shape={tuple(shape)} with axis={axis}")
    shape[axis] = None if shape[axis] is None else shape[axis] // 2
    return tuple(shape)
