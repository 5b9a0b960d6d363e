"""What is known of the data a model is trained on: shapes, dtypes, label encodings,
and the training calls (``fit``, ``evaluate``, ...) that feed it to a model.

The extractor fills these from the code that loads and prepares the data; the
rules of the LL6xx family compare them with the shaped model.  A dim is an int,
an :class:`~layerlint.engine.symbolic.Expr` (named by the source it comes from)
or None (not known, as a batch axis); anything less known is no DataSpec at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from layerlint.engine.symbolic import Expr
from layerlint.sources.span import Span

# Label encodings: class ids, one-hot rows, several ones per row, real-valued targets.
INT, ONE_HOT, MULTI_HOT, REAL = "int", "one-hot", "multi-hot", "real"


@dataclass(frozen=True)
class Labels:
    """What the values of a target array mean."""

    kind: str  # INT | ONE_HOT | MULTI_HOT | REAL
    classes: Any = None  # number of classes: int, Expr, or None when unknown
    origin: str = ""  # the source that made them so, for messages: `to_categorical(y_train, 10)`
    # Real-valued targets: True when all lie in [0, 1], False when known to lie outside it, else None.
    within_unit: bool | None = None


@dataclass
class DataSpec:
    """One array (or what a generator yields per batch): the first dim counts samples."""

    shape: tuple
    dtype: str | None = None
    labels: Labels | None = None
    text: str = ""  # the user's expression

    @property
    def samples(self) -> Any:
        return self.shape[0] if self.shape else None

    @property
    def sample_shape(self) -> tuple:
        return tuple(self.shape[1:])


@dataclass
class DataParts:
    """``x`` or ``y`` given as several arrays: a list, fed to the model's inputs (or matched with
    its outputs) in order, or a dict, by name.  A part that cannot be followed is None."""

    parts: list | dict  # of DataSpec | None
    text: str = ""

    def specs(self) -> list[DataSpec]:
        values = self.parts.values() if isinstance(self.parts, dict) else self.parts
        return [p for p in values if p is not None]


@dataclass
class TrainingCall:
    """``model.fit(x, y)`` and its kin, with what is known of each argument (None: not followed)."""

    method: str  # fit | evaluate | predict | train_on_batch | test_on_batch | predict_on_batch
    span: Span
    x: DataSpec | DataParts | None = None
    y: DataSpec | DataParts | None = None
    source: str = "arrays"  # arrays | dataset | generator: where x and y come from
    validation: tuple | None = None  # (x, y, Span) of validation_data=, x and y as the two above
    # fit() on arrays: the batch axis Keras builds a model on (None when the batches are not all full)
    batch_axis: Any = None
    # the compile() arguments in effect when the call was made: a later compile() gives the calls after
    # it another loss, not this one (None: the model was not compiled then, as far as followed)
    compiled: dict[str, Any] | None = None

    def build_shape(self) -> tuple | None:
        """The input shape a first fit() on one array (or dataset) of known sample shape builds a
        model with no Input on, batch axis included; None when it is not that."""
        if self.method != "fit" or not isinstance(self.x, DataSpec) or not self.x.shape:
            return None
        sample = self.x.sample_shape
        # None: a size that varies from sample to sample (tfds images), which Keras builds on as None
        if not sample or not all(d is None or isinstance(d, (int, Expr)) and not isinstance(d, bool) for d in sample):
            return None
        # batches of a dataset carry their batch axis; arrays are batched by fit() itself
        return (self.batch_axis if self.source == "arrays" else self.x.shape[0], *sample)
    notes: list[str] = field(default_factory=list)
