"""What the extractor finds: models as graphs of layer definitions and tensors.

These objects carry folded constructor arguments and source spans only; no
shapes.  The shape engine (``shapes.py``) turns them into shaped models.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from layerlint.engine.unknown_names import given_name
from layerlint.sources.span import Span

# Keras names a layer when it is constructed, so auto names follow creation order.
_creation = itertools.count()


@dataclass(eq=False)
class LayerDef:
    """One layer object as constructed in the source."""

    cls: str  # canonical Keras class name; for opaque layers the name as written
    args: tuple
    kwargs: dict[str, Any]
    span: Span
    known: bool = True
    opaque_reason: str | None = None
    submodel: ExtractedModel | None = None  # a model used as a layer, or what a custom layer's call() builds
    # A custom Layer subclass: its class name, and the layers it holds in Keras' tracking
    # order (attribute assignment), whose weights are its weights.
    custom_class: str | None = None
    tracked: list[LayerDef] = field(default_factory=list)
    # (class, explicit name) of every layer and model its __init__ made, in order:
    # Keras names them then, so they take automatic names before the layers after it.
    made: list[tuple[str, str | None]] = field(default_factory=list)
    # What a custom layer's build() did on its first call: its own weights as
    # (name, shape, trainable) in creation order, and the layers it made (named then).
    own_weights: list[tuple[str, tuple, bool, int]] = field(default_factory=list)  # name, shape, trainable, itemsize
    built_made: list[tuple[str, str | None]] = field(default_factory=list)
    # Its compute_output_shape() on the first call's shapes, and those shapes when
    # they were known while tracing (what it computed holds for those shapes only).
    declared_output: Any = None
    # It defines no compute_output_shape(), and Layer's raises: a subclassed model's summary, which
    # shapes its rows by that method, shows "?" for it.
    no_output_shape: bool = False
    traced_inputs: list | None = None
    first_call_inputs: list = field(default_factory=list)  # the keras.Input()s its first call was given
    # What call() computes when called again on other input shapes (Keras runs call() at every
    # call; its weights stay the first call's): input shapes -> its graph, None where not followed.
    retraced: dict[tuple, ExtractedModel | None] = field(default_factory=dict)
    first_call_eager: bool = False  # its first call was on data (arrays), not Keras tensors
    # A layer of a keras.applications backbone (or of preprocess_input): shaped from the table.
    recorded: RecordedLayer | None = None
    # A Keras operation rather than a layer (``x + y``, ``keras.ops.mean(x)``): its path in the
    # op table (lint/engine/ops), with args/kwargs holding the Tensors it reads in place.
    op: str | None = None
    op_error: str | None = None  # why Keras refuses the call outright (a TensorFlow function on a Keras tensor)
    op_advice: str | None = None  # what to write instead, where the call's own spelling is known (tf.keras.backend)
    # What Keras raises while tracing a custom layer's first call: (message, Span of the user's
    # expression that raises, what was done to it: "len" or "iterate").
    trace_error: tuple | None = None
    # Keras 1/2 spellings in the call (engine/legacy.py); args and kwargs above are already Keras 3's,
    # and the call as written is kept in ``as_written`` (class, args, kwargs) when they differ
    legacy: tuple = ()
    as_written: tuple | None = None
    # The base of its automatic name when that is not its class's (tf-keras names the layer wrapping a
    # TensorFlow call by the function: `tf.math.reduce_mean`, then `tf.math.reduce_mean_1`).
    auto_name: str | None = None
    # Auto names tf-keras uses up while making it (calls of a first try it abandons), taken before its own.
    consumed: tuple[str, ...] = ()
    created: int = field(default_factory=lambda: next(_creation), repr=False)

    @property
    def explicit_name(self) -> str | None:
        """The name given as a string the file wrote or computed."""
        name = self.kwargs.get("name")
        return name if isinstance(name, str) else None

    @property
    def given_name(self) -> str | None:
        """The name Keras gives it, not automatic: explicit_name, or for ``name=`` a value that cannot be
        computed the user's expression (engine/unknown_names.py), which takes no automatic name either."""
        return given_name(self.kwargs.get("name"))

    @property
    def declares_input(self) -> bool:
        """Whether it gives its model's input by a legacy keyword (input_shape=, batch_input_shape=,
        input_dim=): a Sequential it comes first in is built, and its InputLayer made, when it is added."""
        return any(k in self.kwargs for k in ("input_shape", "batch_input_shape")) or gives_input_dim(self.cls, self.kwargs)


# Layers with an argument of their own named input_dim (Embedding's vocabulary size): there it is never
# Keras 2's keyword for the input's size (tests/test_embedding_input_dim.py holds it to the layer table).
OWN_INPUT_DIM = frozenset({"Embedding"})


def gives_input_dim(cls: str, kwargs: dict) -> bool:
    """Whether ``input_dim=`` is Keras 2's input-size keyword here (``Dense(12, input_dim=8)``)."""
    return "input_dim" in kwargs and cls not in OWN_INPUT_DIM


@dataclass(eq=False)
class Application:
    """A ``keras.applications`` constructor call, as --confirm rebuilds it (always with weights=None)."""

    ctor: str
    kwargs: dict[str, Any]  # plain constructor arguments, without input_tensor
    input_tensor: Tensor | None = None
    model: ExtractedModel | None = None  # the functional model it returns


@dataclass(eq=False)
class RecordedLayer:
    """A layer whose shape and weights come from the applications table, not a layer rule.

    ``row`` is the table's ``[name, class, inbound, spatial op, recorded shape, weight count]``;
    ``weights`` its weight shapes, each ``[dims..., trainable]``.
    """

    row: list
    weights: list
    application: Application | None = None  # None: an op of preprocess_input
    error: Any = None  # the ShapeError Keras' constructor raises for these arguments
    # preprocess_input's ops: (module, the Tensor it was called on, the LayerDefs of that call)
    preprocess: tuple | None = None


@dataclass(eq=False)
class InputDef:
    """A ``keras.Input`` / ``InputLayer``: the shape excludes the batch axis."""

    shape: Any  # tuple of dims, or an Expr standing for an unknown tuple
    span: Span
    batch_size: Any = None
    name: str | None = None
    dtype: str | None = None
    created: int = field(default_factory=lambda: next(_creation), repr=False)
    # name= given as a value that cannot be computed: the user's expression (engine/unknown_names.py),
    # its name in the summary; it takes no automatic name
    unknown_name: str | None = None
    unknown_reason: str | None = None  # a stand-in for an input we cannot follow: why
    # the shape was written as one number (`shape=(n)`), read as (n,): its source, since Keras 3 refuses it
    scalar_shape: str | None = None
    shape_reason: str | None = None  # a declared Input whose shape we cannot follow: the user's expression
    # the InputLayer a Sequential made of its first layer's input_shape= (``model.inputs``): id of that
    # Sequential, which names it once however many InputDefs stand for it
    of_sequential: int | None = None


@dataclass(eq=False)
class Tensor:
    """Output ``index`` of a node (None: the node's only or whole output)."""

    producer: Node | InputDef
    index: int | None = None


@dataclass(eq=False)
class Node:
    """One application of a layer to tensors: ``layer(inputs, **call_kwargs)``."""

    layer: LayerDef
    inputs: list  # list of Tensor; merge layers receive their list as one argument
    call_kwargs: dict[str, Any]
    span: Span
    list_input: bool = False  # called with a list/tuple (merge style)
    created: int = field(default_factory=lambda: next(_creation), repr=False)
    # the source of an `if` condition with no static value this call was made under (Keras may never make it)
    condition: str | None = None
    # a call of a Sequential: how many layers it had then (add() later builds more into the model,
    # but the tensor this call returned stays the output of these)
    layers_then: int | None = None


@dataclass
class Note:
    """Something the analysis could not follow, with where and why."""

    span: Span
    message: str


@dataclass
class BackendUse:
    """A name of ``keras.backend`` read where Keras 3's keras.backend has no such name (LL504)."""

    span: Span
    name: str
    written: str  # the user's text: `K.int_shape`, or the import statement's name
    imported: bool = False  # `from keras.backend import int_shape`: Python stops at the import
    # The argument texts where it is called (positional, then by keyword); None: not called there
    args: tuple[str, ...] | None = None
    kwargs: dict[str, str] | None = None


@dataclass(eq=False)
class ExtractedModel:
    path: str
    span: Span
    api: str  # "sequential" | "functional" | "subclassed"
    name: str | None = None  # Keras' name: name=, else the automatic `sequential`, `functional_2`, ...
    named: bool = False  # the name is the one given (name=), not Keras' automatic one
    # name= was given as a value that cannot be computed: that value (``name`` is the user's expression for it)
    name_value: Any = None
    variable: str | None = None  # the variable it was first assigned to
    # sequential models: layers in order, input from first layer or InputDef
    layers: list[LayerDef] = field(default_factory=list)
    seq_input: InputDef | None = None
    # functional models
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Tensor] = field(default_factory=list)
    outputs_nested: bool = False  # outputs given as a list (even of one)
    # where each input sits in the structure it was given in, as Keras' messages name it: "" for one
    # tensor, "0", "1", ... for a flat list; None for a dict or a deeper structure
    input_paths: list[str] | None = None
    outputs_list: bool = False  # outputs given as a Python list: a call returns a list the caller may change
    # inputs or outputs given as a dict: its keys, in the order of ``inputs``/``outputs`` (Keras' names for them)
    input_keys: list[str] | None = None
    output_keys: list[str] | None = None
    compile: dict[str, Any] | None = None
    compile_span: Span | None = None
    # every compile() in order: (its arguments, its span, how many training calls came before it)
    compile_calls: list = field(default_factory=list)
    trainings: int = 0  # fit() / train_on_batch() / fit_generator() calls seen so far
    notes: list[Note] = field(default_factory=list)
    context: str | None = None  # e.g. "createModel() at line 12" or "build(...) parameters as symbols"
    # ``model.trainable = False``: Keras then counts every weight of it as non-trainable,
    # whatever its layers' own flags say.
    trainable: bool = True
    # value symbols that stand for tensor dims (x.shape[-1]): name -> (Tensor, axis)
    shape_refs: dict[str, tuple] = field(default_factory=dict)
    # those read with tf.shape(x) / ops.shape(x): in a traced call() a dim Keras leaves None (the
    # batch) is None there, where x.shape[i] would be Python's None
    dynamic_refs: set = field(default_factory=set)
    application: Application | None = None  # the model a keras.applications constructor returns
    # model.fit(x, y) and its kin, with what is known of the data (engine/data.py)
    training: list = field(default_factory=list)
    # A Sequential declaring no input, first called on data (an array, a batch a dataset's map()
    # hands its function): (the shape Keras builds it on, batch axis included, the call's span, what
    # it was called on, as the note names it)
    built_on_data: tuple | None = None
    # A Sequential declaring no input that Keras built outside any model's graph: at a first call on
    # data (not Keras tensors), or when made (or given a layer) with a model as its first layer.  Its
    # InputLayer was made and named then, not at a later call in a model.
    input_made_alone: bool = False
    # A Sequential declaring no input that Keras built when made (or given a layer), on the input of
    # the model that is its first layer: a Sequential built by a first call gives that call's shape.
    built_on_first_layer: bool = False
    # A Sequential declaring no input, first called on a tensor of known shape (in a model, or in a
    # custom layer's call() traced on data): (that shape, the call's span, the argument's text).
    # Its note is read only where the call's graph is not kept (the trace was dropped after it
    # reached the call); its shape, with built_on_data's, is ``built_on``.
    built_on_call: tuple | None = None
    # Eager calls of the model, already built, on data (arrays, tensors made eagerly): (each input's
    # shape, batch axis included, the call's span, each input's source text).  Keras checks them
    # against its inputs as it runs them (engine/eager_calls.py).
    data_calls: list = field(default_factory=list)
    # subclassed models: the instance as a layer (its call() traced on the first call);
    # ``layers`` holds what it tracks, Keras' model.layers
    subclass_layer: LayerDef | None = None
    # a Model subclass whose __init__ hands Keras inputs and outputs: a functional model of that class
    class_name: str | None = None
    # a subclassed model its first fit() builds where we cannot follow: why, naming the user's code
    unbuilt_why: str | None = None
    # a subclassed model whose first fit() runs its own train_step(): what the step's calls of the
    # layers it tracks compute, from stand-ins of one batch (its rows are read from this graph)
    step_model: ExtractedModel | None = None
    # id(node) -> that node's output, already worked out (the interpreter's probes of x.shape
    # declare such nodes as inputs and give their outputs here)
    known_outputs: dict = field(default_factory=dict)
    # Keras refuses to make the model itself (Keras 3's `Model([], outputs)`): where, and its message
    refused: tuple[Span, str] | None = None

    @property
    def name_unknown(self) -> bool:
        """Its name was given as a value that cannot be computed: ``name`` is the user's expression."""
        return self.name_value is not None

    @property
    def built_on(self) -> tuple | None:
        """A Sequential declaring no input, built by its first call (on data or a Keras tensor): the shape,
        batch axis included, Keras built it on, when known; later calls are checked against it.  That
        call is on data or on a tensor, never both, so one of the two records holds it."""
        first = self.built_on_data if self.built_on_data is not None else self.built_on_call
        return None if first is None else first[0]


@dataclass
class FileResult:
    """Everything the extractor learned from one file."""

    path: str
    models: list[ExtractedModel] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    error: tuple | None = None  # (code, message, Span) for syntax / read errors
    # (message, Span of the top-level statement) when a budget stopped the interpreter there
    stopped: tuple | None = None
    # (message, Span) of the first value over the size budget, which was left unknown
    oversized: tuple | None = None
    # tracebacks of engine crashes absorbed as unknown values (shown under --verbose)
    crashes: list[str] = field(default_factory=list)
    # when `keras.backend.clear_session()` was called (creation_mark()): Keras numbers layer names from scratch after each
    name_resets: list[int] = field(default_factory=list)
    # Every layer and input the code made where Keras runs it (not in a builder analysed on symbols, a
    # custom layer's __init__ or call()), in making order: Keras names each when it is constructed, so
    # those no model lists still use up an automatic name.  Each with why it may not have run as
    # followed (the undecided condition, the loop of unknown count), or None.
    constructions: list[Construction] = field(default_factory=list)
    # (message, Span of the first such name) when Keras names used without an import were assumed
    assumed_imports: tuple | None = None
    # Keras 2 backend names Keras 3's keras.backend lacks, where the code reads them; keyed by position
    legacy_backend: dict[tuple, BackendUse] = field(default_factory=dict)
    # Keras 2 optimizers, names and loss reductions Keras 3 raises on (RemovedUse, LL505), keyed by position
    keras3_removed: dict[tuple, Any] = field(default_factory=dict)
    # TensorFlow functions given a Keras tensor (Keras 3 raises at the call), keyed by position: the op's
    # LayerDef (its class, error and advice); LL106 reports those whose result no model's rows hold
    refused_tf: dict[tuple, LayerDef] = field(default_factory=dict)
    # Every call that gave a layer a node in Keras' graph, in the order the file made them
    graph_calls: list[GraphCall] = field(default_factory=list)


@dataclass(eq=False)
class GraphCall:
    """A call that gives layers a node in Keras' graph (an inbound node): a layer called on Keras
    tensors where the file's own run makes it, or a Sequential's build, which calls each layer it
    holds then.  Keras' summary shows a layer's output from these (Keras 3: the latest; tf-keras:
    the one shape they share), whichever model the call is in (FileResult.graph_calls)."""

    node: Node | None  # the call; None for a Sequential's build
    model: ExtractedModel | None  # the Sequential built, for a build
    layers: tuple[LayerDef, ...]  # the layers it gives a node
    created: int
    # why Keras may have made it another number of times than once (an undecided condition, a loop
    # of unknown count); None: exactly once
    uncertain: str | None = None


@dataclass(eq=False)
class Construction:
    """A layer or input made where Keras makes it, or a layer's first call, which builds it (what
    building makes, MultiHeadAttention's softmax and dropout, is named then): FileResult.constructions."""

    made: LayerDef | InputDef | Node | ExtractedModel  # a Sequential: the InputLayer its first layer's input_shape= made
    # when it was made (a model's InputLayer: when its first layer was added)
    created: int = 0
    # why Keras may have made it another number of times than once (None: exactly once)
    uncertain: str | None = None
    # a first call on data (arrays), which Keras runs eagerly, not on Keras tensors: tf-keras names what
    # building makes then on the file's counters, and what a call on Keras tensors makes apart
    eager: bool = False


def creation_mark() -> int:
    """A point in the order layers, inputs and calls are made: what is made later has a larger ``created``."""
    return next(_creation)
