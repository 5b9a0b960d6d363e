"""Recording and checking the truth files that real Keras writes for the table tests.

Shared by tests/keras_truth.py (layers) and tests/op_truth.py (operations): both run
each case of a family in Keras, then either write ``TRUTH_DIR/FAMILY.json`` or compare
the stored file with what the installed Keras does now.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path


def keras_error(exc: BaseException, limit: int) -> dict:
    """Keras raises many exception types; a truth row needs only that it raised, and why."""
    text = str(exc).strip().splitlines()
    return {"error": f"{type(exc).__name__}: {text[0] if text else ''}"[:limit]}


def record_or_check(argv: list[str], truth_dir: Path, all_families: Iterable[str],
                    family_truth: Callable[[str], dict], comparable: Callable[[dict | None], object] = lambda r: r) -> int:
    """``[--check] [FAMILY ...]``: write each family's truth file, or report drift (exit 1)."""
    check = "--check" in argv
    chosen = [a for a in argv if not a.startswith("--")] or list(all_families)
    bad = 0
    truth_dir.mkdir(exist_ok=True)
    for family in chosen:
        truth = family_truth(family)
        path = truth_dir / f"{family}.json"
        if check:
            stored = json.loads(path.read_text()) if path.exists() else {}
            diff = [k for k in truth if comparable(stored.get(k)) != comparable(truth[k])]
            for k in diff:
                print(f"differs: {k}\n  stored {stored.get(k)}\n  keras  {truth[k]}")
            print(f"{family}: {len(truth) - len(diff)} rows agree with live Keras, {len(diff)} differ")
            bad += len(diff)
        else:
            lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(truth.items())]
            path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
            print(f"{family}: wrote {len(truth)} rows to {path}")
    return 1 if bad else 0
