"""``tf.keras.backend`` functions on a Keras 3 functional model's symbolic tensors.

TensorFlow 2.16+ serves Keras 3 as ``tf.keras``; its ``tf.keras.backend`` keeps Keras 2's functions,
written with TensorFlow calls, so most raise when given a KerasTensor (ValueError: a KerasTensor cannot be
used as input to a TensorFlow function; AttributeError where they read ``x.shape.rank`` or
``x.dtype.base_dtype``).  Which, and what they raise, is generated from the installed TensorFlow and
Keras (tf_backend_on_keras_tensors.json, fixtures/regen_tf_backend_on_keras_tensors.py).
"""

from __future__ import annotations

import functools
import json


@functools.cache
def _table() -> dict:
    from importlib import resources  # here, as in engine/applications/table.py

    return json.loads(resources.files(__package__).joinpath("tf_backend_on_keras_tensors.json").read_text())["calls"]


def raises_on_keras_tensor(name: str) -> str | None:
    """What ``tf.keras.backend.<name>`` raises given a Keras 3 symbolic tensor (``ValueError: ...``); None when
    it does not raise, or the function is not in the table."""
    outcome = _table().get(name)
    if outcome is None or "raises" not in outcome:
        return None
    return f"{outcome['raises']}: {outcome['message']}"
