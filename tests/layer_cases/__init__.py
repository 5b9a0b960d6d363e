"""Per-layer expectation rows: (class, args, kwargs, input shapes[, call kwargs]).

Each family module here lists CASES; ``python tests/keras_truth.py FAMILY``
builds every row in real Keras and stores what Keras computed in
``truth/FAMILY.json``.  The tests compare the static engine with those files
(and with live Keras in CI).  A nested layer argument is written as
``LayerArg("LSTM", (8,), (("return_sequences", True),))``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

TRUTH_DIR = Path(__file__).with_name("truth")


def _fmt(v) -> str:
    return repr(v)


def case_id(case: tuple) -> str:
    cls, args, kwargs, inputs = case[:4]
    call = case[4] if len(case) > 4 else {}
    parts = [_fmt(a) for a in args] + [f"{k}={_fmt(v)}" for k, v in sorted(kwargs.items())]
    ck = (" call " + ", ".join(f"{k}={v!r}" for k, v in sorted(call.items()))) if call else ""
    return f"{cls}({', '.join(parts)}) on {inputs!r}{ck}"


def families() -> list[str]:
    return sorted(i.name for i in pkgutil.iter_modules([str(Path(__file__).parent)]) if i.name != "calls")


def family_cases(family: str) -> list[tuple]:
    return list(getattr(importlib.import_module(f"{__name__}.{family}"), "CASES", []))


def all_cases() -> list[tuple]:
    return [c for f in families() for c in family_cases(f)]


def load_truth() -> dict:
    truth: dict = {}
    for path in sorted(TRUTH_DIR.glob("*.json")):
        truth.update(json.loads(path.read_text()))
    return truth
