"""Element-wise ops: one tensor in, the same shape out; two or three operands
broadcast by numpy's rule (Keras' broadcast_shapes)."""

from __future__ import annotations

from layerlint.engine.layers.base import ShapeError, Unanalysable
from layerlint.engine.ops import op
from layerlint.engine.ops.base import broadcast, scalar_shape, tensor_shape
from layerlint.engine.symbolic import dims_equal, shape_str

# keras.ops name -> (Operation class, TensorFlow paths shaped the same way)
UNARY = {
    "absolute": ("Absolute", ("abs", "math.abs")),
    "negative": ("Negative", ("negative", "math.negative")),
    "sqrt": ("Sqrt", ("sqrt", "math.sqrt")),
    "square": ("Square", ("square", "math.square")),
    "exp": ("Exp", ("exp", "math.exp")),
    "log": ("Log", ("math.log",)),
    "log1p": ("Log1p", ("math.log1p",)),
    "sin": ("Sin", ("sin", "math.sin")),
    "cos": ("Cos", ("cos", "math.cos")),
    "tan": ("Tan", ("tan", "math.tan")),
    "tanh": ("Tanh", ("tanh", "math.tanh", "nn.tanh")),
    "arccos": ("Arccos", ("math.acos",)),
    "floor": ("Floor", ("floor", "math.floor")),
    "ceil": ("Ceil", ("math.ceil",)),
    "round": ("Round", ("round", "math.round")),
    "sign": ("Sign", ("sign", "math.sign")),
    "reciprocal": ("Reciprocal", ("math.reciprocal",)),
    "logical_not": ("LogicalNot", ("math.logical_not", "logical_not")),
    "ones_like": ("OnesLike", ("ones_like",)),
    "zeros_like": ("ZerosLike", ("zeros_like",)),
    "stop_gradient": ("StopGradient", ("stop_gradient",)),
    "erf": ("Erf", ("math.erf",)),
    "real": ("Real", ("math.real",)),
    "imag": ("Imag", ("math.imag",)),
}


def _same(a: dict) -> tuple:
    return tensor_shape(a["x"])


for _name, (_cls, _tf) in UNARY.items():
    op(_name, _cls, "x", paths=(f"ops.{_name}", f"ops.numpy.{_name}"), tf=_tf)(_same)
op("abs", "Absolute", "x", paths=("ops.abs", "ops.numpy.abs"))(_same)
op("rsqrt", "Rsqrt", "x", paths=("ops.rsqrt", "ops.math.rsqrt"), tf=("math.rsqrt",))(_same)
op("cast", "Cast", "x", "dtype", tf=(("cast", ("x", "dtype"), None),))(_same)
op("clip", "Clip", "x", "x_min", "x_max", paths=("ops.clip", "ops.numpy.clip"),
   tf=(("clip_by_value", ("t=x", "clip_value_min=x_min", "clip_value_max=x_max"), None),))(_same)
op("array", "Array", "x", "dtype", paths=("ops.array", "ops.numpy.array"), dtype=None)(_same)
op("convert_to_tensor", "ConvertToTensor", "x", "dtype", "sparse", "ragged",
   paths=("ops.convert_to_tensor", "ops.core.convert_to_tensor"),
   tf=(("convert_to_tensor", ("value=x", "dtype"), None), ("identity", ("input=x",), None)),
   dtype=None, sparse=None, ragged=None)(_same)


# keras.ops name -> (Operation class, TensorFlow paths)
BINARY = {
    "add": ("Add", ("add", "math.add")),
    "subtract": ("Subtract", ("subtract", "math.subtract")),
    "multiply": ("Multiply", ("multiply", "math.multiply")),
    "divide": ("Divide", ("divide", "math.divide", "math.truediv", "truediv")),
    "true_divide": ("TrueDivide", ()),
    "floor_divide": ("FloorDivide", ("math.floordiv", "floordiv")),
    "mod": ("Mod", ("math.floormod", "math.mod", "mod")),
    "power": ("Power", ("pow", "math.pow")),
    "maximum": ("Maximum", ("maximum", "math.maximum")),
    "minimum": ("Minimum", ("minimum", "math.minimum")),
    "equal": ("Equal", ("equal", "math.equal")),
    "not_equal": ("NotEqual", ("not_equal", "math.not_equal")),
    "greater": ("Greater", ("greater", "math.greater")),
    "greater_equal": ("GreaterEqual", ("greater_equal", "math.greater_equal")),
    "less": ("Less", ("less", "math.less")),
    "less_equal": ("LessEqual", ("less_equal", "math.less_equal")),
    "logical_and": ("LogicalAnd", ("math.logical_and", "logical_and")),
    "logical_or": ("LogicalOr", ("math.logical_or", "logical_or")),
}


def _pair(a: dict) -> tuple:
    return broadcast(scalar_shape(a["x1"]), scalar_shape(a["x2"]))


for _name, (_cls, _tf) in BINARY.items():
    op(_name, _cls, "x1", "x2", paths=(f"ops.{_name}", f"ops.numpy.{_name}"),
       tf=tuple((p, ("x=x1", "y=x2"), None) for p in _tf))(_pair)
# TensorFlow's NumPy API names them as NumPy does.
for _name in ("maximum", "minimum"):
    op(_name, BINARY[_name][0], "x1", "x2", paths=(), tf=((f"experimental.numpy.{_name}", ("x1", "x2"), None),))(_pair)
op("divide_no_nan", "DivideNoNan", "x1", "x2", paths=("ops.divide_no_nan", "ops.numpy.divide_no_nan"),
   tf=(("math.divide_no_nan", ("x=x1", "y=x2"), None),))(_pair)


@op("where", "Where", "condition", "x1", "x2", paths=("ops.where", "ops.numpy.where"),
    tf=(("where", ("condition", "x=x1", "y=x2"), None),), x1=None, x2=None)
def where(a: dict) -> tuple:
    if a["x1"] is None or a["x2"] is None:
        raise Unanalysable("where() with one argument returns indices of data-dependent length")
    return broadcast(broadcast(scalar_shape(a["condition"]), scalar_shape(a["x1"])), scalar_shape(a["x2"]))


@op("tf_add_n", "", "inputs", paths=(), tf=("add_n", "math.add_n"))
def add_n(a: dict) -> tuple:
    """TensorFlow's add_n: tensors of one shape, summed (it does not broadcast)."""
    xs = a["inputs"]
    if not isinstance(xs, (list, tuple)) or not xs:
        raise Unanalysable("`inputs` is not a list of tensors we can follow")
    shapes = [tensor_shape(x, "inputs") for x in xs]
    out = list(shapes[0])
    for s in shapes[1:]:
        if len(s) != len(out) or any(dims_equal(d, e) is False for d, e in zip(s, out)):
            raise ShapeError("invalid", f"add_n: shapes {shape_str(tuple(out))} and {shape_str(s)} differ")
        out = [e if d is None else d for d, e in zip(out, s)]
    return tuple(out)
