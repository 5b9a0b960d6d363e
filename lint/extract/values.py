"""Abstract values the interpreter computes for expressions.

Plain Python constants (int, float, str, bool, None, tuple, list, dict) stand
for themselves; :class:`~layerlint.engine.symbolic.Expr` stands for any number or
object we could not follow, named by its source text.  The classes below are
the Keras-aware rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: rules import these classes without loading the parser
    import libcst as cst

from layerlint.engine.data import DataSpec, Labels
from layerlint.engine.model import ExtractedModel, InputDef, LayerDef, Node, Tensor


@dataclass(frozen=True)
class Ref:
    """Something reached through an import: a module, class or function path."""

    qualname: str
    # The condition of the undecided `if` that bound it, when its other branch may bind something else
    # (`if TF: from tensorflow.keras import backend as K` / `else: from keras import backend as K`).
    undecided: str | None = field(default=None, compare=False)

    def attr(self, name: str) -> Ref:
        return Ref(f"{self.qualname}.{name}", self.undecided)


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
    # tf.shape(x) in a call() Keras 3 traces: a TensorFlow graph tensor, which Python's len()
    # and iteration refuse (Keras 3 does not convert call() with AutoGraph; tf-keras 2 did).
    graph: bool = False


@dataclass(eq=False)
class ModelVal:
    """A Sequential or functional model (also usable as a layer)."""

    model: ExtractedModel
    as_layer: LayerDef | None = None
    instance: Any = None  # a subclassed model's InstanceVal: what its __init__ set on self


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
    span: Any = None  # where the object was made (a Span), for findings about its arguments

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
    binding: str = "method"  # in a class: method | static | class | property


@dataclass(eq=False)
class ClassVal:
    name: str
    kind: str  # "model" | "layer" | "other"
    span: Any = None
    methods: dict = field(default_factory=dict)  # its own and inherited from classes of the file
    keras_base: str | None = None  # the Keras layer class it extends (MultiHeadAttention), if not Layer
    inherited: dict = field(default_factory=dict)  # the methods of its bases: what super() reaches
    attrs: dict = field(default_factory=dict)  # class attributes, the bases' first
    record: tuple | None = None  # a namedtuple class: its field names
    placeholder: Any = None  # a Model subclass: its "not analysed" entry, until an instance is made
    loss: bool = False  # it extends keras.losses.Loss: Keras calls its call() as the loss
    loss_base: str | None = None  # the Keras 3 loss class it extends (`tf.losses.Loss`), whose __init__ it calls


@dataclass(eq=False)
class InstanceVal:
    """An instance of a class defined in the file (not a Keras layer or model)."""

    cls: ClassVal
    attrs: dict = field(default_factory=dict)
    weights: list = field(default_factory=list)  # WeightVal made by add_weight, in creation order
    base_call: tuple | None = None  # (args, kwargs) given to super().__init__


@dataclass(eq=False)
class WeightVal:
    """A variable a custom layer made with ``self.add_weight``, or a ``keras.Variable``.

    ``loose``: a ``keras.Variable`` no layer holds yet; a layer attribute storing it makes it
    that layer's weight (Keras' attribute tracker), the interpreter's bind() does that.
    ``shape`` is None for a ``keras.Variable`` whose shape is not followed."""

    name: str
    shape: tuple | None
    trainable: bool
    loose: bool = False
    itemsize: int | None = 4  # bytes per value (add_weight's dtype is not read: float32); None: not known
    why: str | None = None  # why a loose variable cannot be a weight we follow (tf-keras has no keras.Variable)


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


@dataclass(eq=False)
class OpaqueLayers:
    """``m.layers`` of a model we cannot see into (loaded from a file, a pretrained
    application): its items are parts of it, its length is unknown."""

    owner: LayerObj


@dataclass(eq=False)
class OpaquePart:
    """``m.layers[i]`` / ``m.get_layer(...)`` of a model we cannot see into: its
    tensors are the model's own, whose shapes are unknown."""

    owner: LayerObj
    text: str


@dataclass(eq=False)
class TemplateVal:
    """A ``string.Template`` made from a string the file wrote."""

    template: str


def tensor_of(node: Node, index: int | None = None) -> TensorVal:
    return TensorVal(Tensor(node, index))


@dataclass(eq=False, repr=False)
class ArrayVal:
    """Data: a NumPy array (or a tensor of data) of a known shape; the first dim counts samples.

    ``shape`` is None when only the encoding is known (``to_categorical`` of an array we
    cannot follow)."""

    shape: tuple | None
    dtype: str | None = None
    labels: Labels | None = None
    text: str = ""
    sequences: bool = False  # an object array of variable-length lists (imdb, reuters)
    # The elements of a 1-D array NumPy computed from plain numbers (np.linspace(0, 0.1, 4)), which
    # code iterates to configure layers; None for data.
    values: tuple | None = None

    def __repr__(self) -> str:  # a stand-in input is named by its value's repr: show the user's expression
        return self.text

    def derived(self, text: str, **changes: Any) -> ArrayVal:
        # changes name fields of this class, never the file's words; a new array's values are not these
        out = replace(self, text=text, **{"values": None, **changes})
        if "shape" in changes:
            out.sequences = False
        return out

    def with_shape(self, shape: tuple) -> ArrayVal:
        return ArrayVal(shape, self.dtype, self.labels, self.text, self.sequences)

    def spec(self, text: str) -> DataSpec | None:
        if self.sequences:
            return None  # ragged lists: Keras cannot take them as they are
        return DataSpec(self.shape, self.dtype, self.labels, text)

    def batch_spec(self, text: str, per_batch: bool, axis: Any = None) -> DataSpec | None:
        """What one batch of it looks like: the batch axis (``axis``) before each sample's shape."""
        if self.shape is None or self.sequences:
            return None
        shape = self.shape if per_batch else (axis, *self.shape[1:])
        return DataSpec(shape, self.dtype, self.labels, text)


@dataclass(eq=False, repr=False)
class DatasetVal:
    """A ``tf.data.Dataset`` or a Keras generator of (x, y) batches."""

    x: ArrayVal
    y: ArrayVal | None
    batched: bool
    kind: str  # dataset | generator
    text: str = ""
    per_batch: bool = False  # x and y already describe one batch (directory loaders)
    # batch(batch_size, drop_remainder): with drop_remainder=True tf.data gives the batch axis that size
    batch_size: Any = None
    drop_remainder: Any = False

    def __repr__(self) -> str:
        return self.text

    # take/skip/filter/repeat ran: how many samples it holds is no longer the data's
    resized: bool = False

    def derived(self, text: str, batched: bool | None = None, batch: tuple | None = None,
                resized: bool = False) -> DatasetVal:
        """A dataset made from this one; ``batch``: (batch_size, drop_remainder) of a batch() call."""
        size, drop = batch if batch is not None else (self.batch_size, self.drop_remainder)
        return DatasetVal(self.x, self.y, self.batched if batched is None else batched, self.kind, text, self.per_batch,
                          size, drop, self.resized or resized)

    def batch_axis(self) -> tuple | None:
        """(the batch axis of each batch,): None (any size) unless drop_remainder=True fixes it to
        batch_size; None when that cannot be decided."""
        if self.drop_remainder is False or self.per_batch:
            return (None,)
        if self.drop_remainder is True and isinstance(self.batch_size, int) and not isinstance(self.batch_size, bool):
            return (self.batch_size,)
        return None

    def element(self, part: ArrayVal) -> ArrayVal | None:
        """What one element of the dataset holds of ``part``, as map() hands it to its function:
        a sample when unbatched, else a batch."""
        axis = self.batch_axis() if self.batched else (None,)
        if part.shape is None or part.sequences or axis is None:
            return None
        if not self.batched:
            return part.with_shape(tuple(part.shape[1:]))
        return part if self.per_batch else part.with_shape((axis[0], *part.shape[1:]))


@dataclass(eq=False, repr=False)
class ZippedDatasetVal:
    """``tf.data.Dataset.zip((a, b))``: each element holds one element of every dataset zipped,
    in a tuple in their order."""

    parts: tuple
    text: str = ""

    def __repr__(self) -> str:
        return self.text

    def derived(self, text: str, resized: bool = False) -> ZippedDatasetVal:
        """A dataset made from this one by an operation that keeps its elements' structure."""
        return ZippedDatasetVal(tuple(p.derived(p.text, resized=resized) for p in self.parts), text)


@dataclass(eq=False)
class DatasetIterVal:
    """``iter(ds)`` of a tf.data dataset: ``next()`` of it gives the dataset's first element."""

    dataset: DatasetVal | ZippedDatasetVal


@dataclass(eq=False, repr=False)
class GeneratorVal:
    """An ``ImageDataGenerator(...)``: its flow methods make batches of data."""

    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass(eq=False)
class ModuleVal:
    """A module of the user's project, imported: its top level's values."""

    unit: Any  # modules.ModuleUnit


@dataclass(eq=False)
class PartialVal:
    """``functools.partial(func, *args, **kwargs)``."""

    func: Any
    args: tuple
    kwargs: dict


@dataclass(eq=False)
class LazyImport:
    """A name ``from module import name`` bound, its module read only when the name is used:
    a training script's helpers import data loaders and plotting code no model needs."""

    base: str  # the module as written, without its leading dots
    level: int  # leading dots
    name: str
    importer: Any  # Path of the importing file
    unit: Any  # the importing module's ModuleUnit (None: the file analysed), for notes' positions
    node: Any  # the import statement


_KINDS = {LayerObj: "a layer", TensorVal: "a tensor", ShapeVal: "a shape", ModelVal: "a model",
          InputLayerVal: "an input layer", KerasObj: "a Keras object", FunctionVal: "a function",
          ClassVal: "a class", InstanceVal: "an object", BoundMethod: "a method", OpaqueModelVal: "a subclassed model",
          TemplateVal: "a template"}


def is_object(v: Any) -> bool:
    """A value that is no tensor, shape or data: an op reading it names it by the user's text."""
    return type(v) in _KINDS and not isinstance(v, (TensorVal, ShapeVal))


def what_it_is(v: Any) -> str:
    """Words for a value that is not plain data, for notes and symbols."""
    return _KINDS.get(type(v), "a value")


def _describe(self: Any) -> str:
    return f"<{what_it_is(self)}>"


# A value the file made may end up in a message: its repr must say what it is, never
# dump the syntax tree, frames or addresses of this process.
for _cls in _KINDS:
    _cls.__repr__ = _describe  # type: ignore[method-assign]
