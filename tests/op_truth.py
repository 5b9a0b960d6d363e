"""Run every row of tests/op_cases in real Keras and record what it built.

    python tests/op_truth.py [FAMILY ...]          write op_cases/truth/FAMILY.json
    python tests/op_truth.py --check [FAMILY ...]  compare with the stored files, exit 1 on drift

For each row the program of ``tests.op_cases.program`` is executed and the
model's operations (``model.operations``: name, class, output shapes) are
stored, or Keras' error.  The stored files are Keras' output, never ours.
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.op_cases import TRUTH_DIR, case_id, families, family_cases, program, variants  # noqa: E402


def _shapes(out) -> list:
    import keras

    return [[None if d is None else int(d) for d in t.shape] for t in keras.tree.flatten(out)]


def keras_rows(source: str) -> dict:
    import keras

    keras.backend.clear_session(free_memory=False)
    namespace: dict = {"__name__": "__op_case__"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, "op_case.py", "exec"), namespace)
    except Exception as exc:  # Keras raises many types; the table needs "it raised" and why
        text = str(exc).strip().splitlines()
        return {"error": f"{type(exc).__name__}: {text[0] if text else ''}"[:200]}
    model = namespace["model"]
    return {"rows": [[op.name, type(op).__name__, _shapes(op.output)] for op in model.operations]}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    chosen = [a for a in argv if not a.startswith("--")] or families()
    bad = 0
    TRUTH_DIR.mkdir(exist_ok=True)
    for family in chosen:
        truth = {case_id(c, w): keras_rows(program(c, w)) for c in family_cases(family) for w in variants(c)}
        path = TRUTH_DIR / f"{family}.json"
        if check:
            stored = json.loads(path.read_text()) if path.exists() else {}
            diff = [k for k in truth if stored.get(k) != truth[k]]
            for k in diff:
                print(f"differs: {k}\n  stored {stored.get(k)}\n  keras  {truth[k]}")
            print(f"{family}: {len(truth) - len(diff)} rows agree with live Keras, {len(diff)} differ")
            bad += len(diff)
        else:
            lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(truth.items())]
            path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
            print(f"{family}: wrote {len(truth)} rows to {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
