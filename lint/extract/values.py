"""Abstract values the interpreter computes for expressions.

Plain Python constants (int, float, str, bool, None, tuple, list, dict) stand
for themselves; :class:`~layerlint.engine.symbolic.Expr` stands for any number or
object we could not follow, named by its source text.  The classes below are
the Keras-aware rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: rules import these classes without loading the parser
    import libcst as cst

from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Tensor


@dataclass(frozen=True)
class Ref:
    """Something reached through an import: a module, class or function path."""

    qualname: str

    def attr(self, name: str) -> Ref:
        return Ref(f"{self.qualname}.{name}")


@dataclass(eq=False)
class LayerObj:
    """A constructed layer, not yet (or repeatedly) called."""

    layer: LayerDef
    output_cache: Any = None  # for opaque application models: their .output


@dataclass(eq=False)
class TensorVal:
    tensor: Tensor
    text: str = ""  # source text, to name symbols like x.shape[-1]


@dataclass(eq=False)
class ShapeVal:
    """``x.shape`` / ``K.int_shape(x)`` of a tensor whose shape is not known yet."""

    tensor: Tensor
    text: str
    # ops.shape(x) / tf.shape(x): a dim Keras does not know statically (the batch) is None
    # there, where x.shape[i] names it as a symbol.
    dynamic: bool = False


@dataclass(eq=False)
class ModelVal:
    """A Sequential or functional model (also usable as a layer)."""

    model: ExtractedModel
    as_layer: LayerDef | None = None


@dataclass(eq=False)
class InputLayerVal:
    """An ``InputLayer(...)`` object, as the first element of a Sequential."""

    input: InputDef


@dataclass(eq=False)
class KerasObj:
    """Any other Keras object: a loss, optimizer, initializer, regularizer."""

    path: str
    args: tuple
    kwargs: dict

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]


@dataclass(eq=False)
class FunctionVal:
    node: cst.FunctionDef | cst.Lambda
    closure: Any  # the defining Frame
    name: str
    qualname: str
    calls: int = 0
    owner: Any = None  # the ClassVal whose body defines this method


@dataclass(eq=False)
class ClassVal:
    name: str
    kind: str  # "model" | "layer" | "other"
    span: Any = None
    methods: dict = field(default_factory=dict)  # its own and inherited from classes of the file
    keras_base: str | None = None  # the Keras layer class it extends (MultiHeadAttention), if not Layer
    inherited: dict = field(default_factory=dict)  # the methods of its bases: what super() reaches


@dataclass(eq=False)
class InstanceVal:
    """An instance of a class defined in the file (not a Keras layer or model)."""

    cls: ClassVal
    attrs: dict = field(default_factory=dict)
    weights: list = field(default_factory=list)  # WeightVal made by add_weight, in creation order
    base_call: tuple | None = None  # (args, kwargs) given to super().__init__


@dataclass(eq=False)
class WeightVal:
    """A variable a custom layer made with ``self.add_weight``."""

    name: str
    shape: tuple
    trainable: bool


@dataclass(eq=False)
class SuperVal:
    """``super()`` inside a method of a class of the file."""

    obj: Any
    owner: Any  # the ClassVal of the method super() is called in


@dataclass(eq=False)
class BoundMethod:
    obj: Any
    name: str


@dataclass(eq=False)
class OpaqueModelVal:
    """An instance of a subclassed Keras model: recognised, not analysed."""

    cls: ClassVal
    span: Any


def tensor_of(node: Node, index: int | None = None) -> TensorVal:
    return TensorVal(Tensor(node, index))
