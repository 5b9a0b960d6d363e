"""Record what the real keras-hub builds for the third-party layer cases.

    PYTHONPATH=<dir with keras_hub> python tests/third_party/record.py [--check]

keras-hub's package __init__ pulls in tokenizers and model presets this needs
none of, so the layer modules are imported from its source tree directly.  The
stored truth.json is keras-hub's output, never ours.  tensorflow-addons does not
import on TensorFlow 2.16+, so its cases are hand-computed in the test from the
formulas in its source.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
import types
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.third_party.cases import KERAS_HUB_CASES  # noqa: E402

TRUTH = Path(__file__).with_name("truth.json")


def _keras_hub_layer(name: str):
    if "keras_hub" not in sys.modules:
        spec = importlib.util.find_spec("keras_hub")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("keras_hub is not importable")
        pkg = types.ModuleType("keras_hub")
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__spec__ = spec
        sys.modules["keras_hub"] = pkg
    module = {"TransformerEncoder": "transformer_encoder", "TransformerDecoder": "transformer_decoder",
              "TokenAndPositionEmbedding": "token_and_position_embedding",
              "SinePositionEncoding": "sine_position_encoding"}[name]
    return getattr(importlib.import_module(f"keras_hub.src.layers.modeling.{module}"), name)


def record(case: tuple) -> dict:
    import keras

    name, args, kwargs, inputs = case
    try:
        layer = _keras_hub_layer(name)(*args, **kwargs)
        tensors = [keras.Input(batch_shape=tuple(s), dtype="int32" if name == "TokenAndPositionEmbedding" else "float32")
                   for s in inputs]
        out = layer(*tensors)
    except Exception as exc:  # the case records that keras-hub refused it, and why
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    weights = [[int(d) for d in w.shape] for w in layer.weights]
    return {"output": [None if d is None else int(d) for d in out.shape], "weights": weights,
            "params": sum(math.prod(w) for w in weights)}


def case_id(case: tuple) -> str:
    return json.dumps([case[0], list(case[1]), case[2], [list(s) for s in case[3]]])


def main(argv: list[str]) -> int:
    truth = {case_id(c): record(c) for c in KERAS_HUB_CASES}
    if "--check" in argv:
        stored = json.loads(TRUTH.read_text())
        bad = [k for k in truth if stored.get(k) != truth[k]]
        print(f"{len(truth) - len(bad)} agree with live keras-hub, {len(bad)} differ")
        return 1 if bad else 0
    TRUTH.write_text("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in truth.items()) + "\n}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
