"""Build every row of tests/keras2_layer_cases.py in tf-keras 2 and in Keras 3, and record both.

    python tests/keras2_layer_truth.py           write tests/keras2_layer_truth.json
    python tests/keras2_layer_truth.py --check   exit 1 if it differs from the installed packages
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.keras2_layer_cases import CASES  # noqa: E402
from tests.keras_truth import comparable, keras_result  # noqa: E402
from tests.layer_cases import case_id  # noqa: E402

TRUTH = Path(__file__).with_name("keras2_layer_truth.json")


def record() -> dict:
    import keras
    import tf_keras

    return {case_id(c): {"tf_keras": keras_result(c, tf_keras), "keras": keras_result(c, keras)} for c in CASES}


def render(truth: dict) -> str:
    return "{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(truth.items())) + "\n}\n"


def same(a: dict, b: dict) -> bool:
    """Recorded and live rows agree, error texts compared as --check compares them (no layer numbers)."""
    return all(comparable(a.get(k)) == comparable(b.get(k)) for k in ("tf_keras", "keras"))


def main(argv: list[str]) -> int:
    live = record()
    if "--check" in argv:
        stored = json.loads(TRUTH.read_text())
        diff = [k for k in live if not same(stored.get(k, {}), live[k])]
        for k in diff:
            print(f"differs: {k}\n  stored {stored.get(k)}\n  live   {live[k]}")
        return 1 if diff or set(stored) != set(live) else 0
    TRUTH.write_text(render(live))
    print(f"wrote {len(live)} rows to {TRUTH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
