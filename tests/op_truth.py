"""Run every row of tests/op_cases in real Keras and record what it built.

    python tests/op_truth.py [FAMILY ...]          write op_cases/truth/FAMILY.json
    python tests/op_truth.py --check [FAMILY ...]  compare with the stored files, exit 1 on drift

For each row the program of ``tests.op_cases.program`` is executed and the
model's operations (``model.operations``: name, class, output shapes) are
stored, or Keras' error.  The stored files are Keras' output, never ours.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.op_cases import TRUTH_DIR, case_id, families, family_cases, program, variants  # noqa: E402
from tests.truth_files import keras_error, record_or_check  # noqa: E402


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
    except Exception as exc:
        return keras_error(exc, 200)
    model = namespace["model"]
    return {"rows": [[op.name, type(op).__name__, _shapes(op.output)] for op in model.operations]}


def _family_truth(family: str) -> dict:
    return {case_id(c, w): keras_rows(program(c, w)) for c in family_cases(family) for w in variants(c)}


def main(argv: list[str]) -> int:
    return record_or_check(argv, TRUTH_DIR, families(), _family_truth)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
