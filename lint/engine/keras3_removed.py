"""Keras 2 names and values Keras 3 dropped outside the backend (LL505): the optimizers of
``keras.optimizers.legacy`` and ``keras.optimizers.experimental``, ``keras.losses.Reduction`` and a
loss's ``reduction="auto"``.  Each entry is what Keras 3.15 raises, checked live by
tests/test_keras3_removed.py against Keras 3 (raises) and tf-keras 2 (accepts).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# Keras 3 keeps these names in `keras.optimizers.legacy` only to raise ImportError when one is made;
# any other name of the module (Nadam, Adamax, ...) is an AttributeError where it is read.
LEGACY_OPTIMIZERS = frozenset({"Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"})
# The Keras 2 `optimizers.legacy` / `optimizers.experimental` classes: Keras 3 has each as `keras.optimizers.<name>`.
KERAS2_OPTIMIZER_CLASSES = frozenset({"Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Nadam",
                                      "Optimizer", "RMSprop", "SGD"})
# Keras 3's loss reduction when none is given; Keras 2's "auto" meant this one outside distribution strategies.
KERAS3_REDUCTION = "sum_over_batch_size"

# Where Keras 3 itself is reached under keras-version = 3 (tf-keras' `tf_keras` keeps all of Keras 2's names);
# TensorFlow 2.16+ also exports Keras 3's losses and optimizers as `tf.losses` and `tf.optimizers`.
_KERAS3_ROOTS = (("keras.", ""), ("tensorflow.keras.", ""), ("tensorflow.losses.", "losses."),
                 ("tensorflow.optimizers.", "optimizers."))


@dataclass
class RemovedUse:
    """A use of a Keras 2 name or value Keras 3 raises on (LL505), where the code runs it."""

    span: object  # Span: the user's expression
    written: str  # the user's text
    error: str  # what Keras 3 raises there
    what: str  # what Keras 3 lacks or refuses
    modern: str  # the Keras 3 spelling


@functools.lru_cache(maxsize=4096)  # asked for every Keras name a call or attribute reads
def keras3_path(qualname: str) -> tuple[str, str] | None:
    """(root as written, path after it) for a name of Keras 3 itself: ``tensorflow.keras.optimizers.SGD`` ->
    ("tensorflow.keras", "optimizers.SGD"); None for tf-keras and anything not Keras."""
    for root, prefix in _KERAS3_ROOTS:
        if qualname.startswith(root):
            return root[:-1], prefix + qualname[len(root):]
    return None


@functools.lru_cache(maxsize=4096)  # asked for every Keras attribute the interpreter reads
def removed_name(qualname: str) -> tuple[str, str, str] | None:
    """(error, what, Keras 3 spelling) when reading ``qualname`` raises in Keras 3: an
    ``optimizers.experimental`` name, a name ``optimizers.legacy`` lacks, or ``keras.losses.Reduction``
    (``tf.keras.losses.Reduction`` is still there).  None: Keras 3 has it."""
    found = keras3_path(qualname)
    if found is None:
        return None
    root, path = found
    parts = path.split(".")
    if parts[:2] == ["optimizers", "experimental"] and len(parts) <= 3:
        name = parts[2] if len(parts) == 3 else None
        modern = f"keras.optimizers.{name}" if name in KERAS2_OPTIMIZER_CLASSES else "keras.optimizers"
        return "AttributeError", "Keras 3 has no `optimizers.experimental`", modern
    if parts[:2] == ["optimizers", "legacy"] and len(parts) == 3 and parts[2] not in LEGACY_OPTIMIZERS:
        name = parts[2]
        modern = f"keras.optimizers.{name}" if name in KERAS2_OPTIMIZER_CLASSES else "keras.optimizers"
        return "AttributeError", f"Keras 3's `optimizers.legacy` has no `{name}`", modern
    if root == "keras" and parts[:2] == ["losses", "Reduction"] and len(parts) <= 3:
        value = parts[2].lower() if len(parts) == 3 else KERAS3_REDUCTION
        if value == "auto":
            value = KERAS3_REDUCTION
        return "AttributeError", ("Keras 3 has no `keras.losses.Reduction` (its losses take the reduction as a "
                                  "string)"), f'"{value}"'

    return None


def removed_import(module: str, name: str) -> tuple[str, str, str] | None:
    """(error, what, Keras 3 spelling) for ``from module import name`` when Keras 3 raises there."""
    found = keras3_path(module)
    if found is not None and found[1] == "optimizers.experimental":
        modern = f"from keras.optimizers import {name}" if name in KERAS2_OPTIMIZER_CLASSES else "keras.optimizers"
        return "ModuleNotFoundError", "Keras 3 has no `optimizers.experimental` module", modern
    got = removed_name(f"{module}.{name}")
    if got is None:
        return None
    _error, what, modern = got
    return "ImportError", what, modern


def legacy_optimizer(qualname: str) -> str | None:
    """The class name when calling ``qualname`` makes a Keras 3 ``optimizers.legacy`` optimizer, which
    raises ImportError ("`keras.optimizers.legacy` is not supported in Keras 3")."""
    found = keras3_path(qualname)
    if found is None:
        return None
    parts = found[1].split(".")
    if parts[:2] == ["optimizers", "legacy"] and len(parts) == 3 and parts[2] in LEGACY_OPTIMIZERS:
        return parts[2]
    return None


def keras3_loss_class(qualname: str) -> bool:
    """Whether ``qualname`` is a loss class of Keras 3 itself (``keras.losses.MeanSquaredError``,
    ``tf.keras.losses.Loss``), whose constructor checks ``reduction=``."""
    found = keras3_path(qualname)
    if found is None:
        return False
    parts = found[1].split(".")
    return (len(parts) == 2 and parts[0] == "losses" or parts == ["Loss"]) and parts[-1][:1].isupper() \
        and parts[-1] != "Reduction"


def auto_reduction(value: object) -> bool:
    """Whether a ``reduction=`` value is Keras 2's "auto": the string, or ``Reduction.AUTO`` read from a Keras
    that still has it (``tf.keras.losses.Reduction.AUTO`` is "auto" in Keras 3 too)."""
    if value == "auto":
        return True
    qualname = getattr(value, "qualname", None)
    if not isinstance(qualname, str) or not qualname.endswith(".losses.Reduction.AUTO"):
        return False
    # `keras.losses.Reduction` itself raises AttributeError where it is read: reported there
    return not qualname.startswith("keras.")
