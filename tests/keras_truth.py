"""Build every row of tests/layer_cases in real Keras and record the result.

Run with TensorFlow installed:
    python tests/keras_truth.py [FAMILY ...]          write truth/FAMILY.json
    python tests/keras_truth.py --check [FAMILY ...]  compare, exit 1 on drift
The stored files are Keras' output, never ours, so the table tests compare the
static engine with real Keras even on machines without TensorFlow.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layerlint.engine.layers.base import LayerArg  # noqa: E402

from tests.layer_cases import TRUTH_DIR, case_id, families, family_cases  # noqa: E402
from tests.layer_cases.calls import call_layer  # noqa: E402
from tests.truth_files import keras_error, record_or_check  # noqa: E402


def _shape(s) -> list:
    return [None if d is None else int(d) for d in s]


def _materialise(v, keras):
    """Turn LayerArg rows into real Keras layers."""
    if isinstance(v, LayerArg):
        return getattr(keras.layers, v.cls)(*[_materialise(a, keras) for a in v.args],
                                            **{k: _materialise(x, keras) for k, x in v.kwargs})
    return v


def keras_result(case: tuple, keras=None) -> dict:
    """What ``keras`` (Keras 3 unless given another module, such as tf_keras) builds for the case."""
    import numpy as np

    if keras is None:
        import keras

    cls, args, kwargs, inputs = case[:4]
    call = dict(case[4]) if len(case) > 4 else {}
    try:
        layer = getattr(keras.layers, cls)(*[_materialise(a, keras) for a in args],
                                           **{k: _materialise(v, keras) for k, v in kwargs.items()})
        tensors = [keras.Input(batch_shape=tuple(s)) for s in inputs]
        for k, v in list(call.items()):
            if isinstance(v, dict) and "input" in v:
                call[k] = tensors[v["input"]]
        out = call_layer(layer, tensors, call)
    except Exception as exc:
        return keras_error(exc, 300)
    multi = isinstance(out, (list, tuple))
    return {
        "output": [_shape(o.shape) for o in out] if multi else _shape(out.shape),
        "weights": [_shape(w.shape) for w in layer.weights],
        "trainable": int(sum(int(np.prod(w.shape)) for w in layer.trainable_weights)),
        "non_trainable": int(sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)),
    }


def comparable(row: dict | None) -> dict | None:
    """A row as --check compares it: Keras prints sets in hash order and names layers by a
    process-wide counter, so neither may make a recorded error differ from a live one."""
    if not row or "error" not in row:
        return row
    text = re.sub(r"\{('[^'{}]*'(?:, '[^'{}]*')*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}",
                  row["error"])
    return {"error": re.sub(r"\b([a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*)_\d+\b", r"\1_N", text)}


def main(argv: list[str]) -> int:
    return record_or_check(argv, TRUTH_DIR, families(), lambda f: {case_id(c): keras_result(c) for c in family_cases(f)},
                           comparable)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
